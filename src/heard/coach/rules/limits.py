"""Fits the network: a reply longer than the network allows cannot be published."""

from __future__ import annotations

from heard.coach.review import LENGTH_LIMITS, Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import URL, Draft

#: X counts every link as 23 characters, whatever its length.
_X_LINK_LENGTH = 23


def weighted_length(text: str, network: str) -> int:
    if network in {"x", "twitter"}:
        return len(URL.sub("x" * _X_LINK_LENGTH, text))
    return len(text)


def check_length(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    network = ctx.network.lower()
    limit = LENGTH_LIMITS.get(network)
    if limit is None:
        return []
    length = weighted_length(draft.text, network)
    if length <= limit:
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
