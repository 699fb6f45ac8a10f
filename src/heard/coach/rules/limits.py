"""Fits the network: a reply longer than the network allows cannot be published."""

from __future__ import annotations

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import Draft
from heard.lengths import measure


def check_length(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    network = ctx.network.lower()
    measured = measure(network, draft.text)
    limit, length = measured.limit, measured.length
    if limit is None or not measured.over:
        return []
    return [
        Finding(
            "length.limit",
            "error",
            f"The reply is {length} characters; {network} allows {limit}.",
            "The network will refuse it or cut it off mid-sentence.",
            f"Cut {length - limit} characters, or split it into a short thread and say so (1/2).",
            (min(limit, len(draft.text)), len(draft.text)),
        )
    ]
