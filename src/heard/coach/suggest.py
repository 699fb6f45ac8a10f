"""Suggested drafts from templates: personal (the customer's name and their own words), owning the mistake,
giving the reason and the fix, thanking them, and never the same text for two customers."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence

from heard.bidi import neutralised
from heard.coach.review import ReviewContext
from heard.coach.rules.privacy import private_data
from heard.coach.situation import read_situation
from heard.coach.text import MENTION, URL, clean, jaccard, shingles
from heard.lengths import counted_length, limit_of

_CLAUSE_END = re.compile(r"[.!?\n;]|\s[-–—]\s")
_GREETINGS = ("Hi {name},", "Hello {name},", "Hey {name},", "{name},", "Hi {name} -", "Thanks for writing, {name}:")
_SORRY = (
    "we're sorry about {focus}, that's on us.",
    "we're really sorry about {focus}; we got this wrong.",
    "sorry about {focus}, that should not have happened.",
    "{focus} is not okay, and we apologise.",
    "I'm sorry: {focus} is our mistake, not yours.",
    "we let you down with {focus}, and I'm sorry.",
)
_REASON_KNOWN = (
    "It's part of a problem we're working on: {incident}.",
    "You're not alone; this comes from a known problem: {incident}.",
    "It happened because of {incident}, which we're fixing now.",
    "The cause is on our side: {incident}.",
    "Others hit it too; it's down to {incident}.",
)
_REASON_UNKNOWN = (
    "We're finding out why it happened and will tell you here.",
    "I'm looking into why this happened and will update you here.",
    "I'm checking why it went wrong and will come back to you in this thread.",
    "We're investigating why, and you'll hear back from me here.",
)
_FIX_LINK = (
    "Here's the fix: {url}",
    "This shows how to fix it: {url}",
    "The fix is here: {url}",
    "These steps sort it out: {url}",
    "How to get it working again: {url}",
)
_FIX_NONE = (
    "Could you DM us the details so we can sort it out today?",
    "Send us a DM with the details and we'll get it sorted today.",
    "If you DM me the details, I'll fix it for you today.",
    "A DM with the details lets me put it right for you today.",
)
_THANKS = (
    "Thanks for telling us, and for your patience.",
    "Thank you for flagging it, and for bearing with us.",
    "Thanks for your patience with this.",
    "Thank you for letting us know.",
    "Really appreciate you telling us.",
)
_PRAISE = (
    "thank you so much! {focus} made our day; we'll pass it on to the team.",
    "thanks for the kind words: {focus} is lovely to read, and we'll share it with the team.",
    "thank you! We'll make sure the team sees {focus}.",
)
_QUESTION = (
    "thanks for asking about {focus}.",
    "thanks for reaching out about {focus}.",
    "thank you for the question about {focus}.",
)
#: Variants tried per suggestion; the one least like the replies already sent wins.
_CANDIDATES = 24


def suggest_draft(ctx: ReviewContext) -> str:
    """A personal draft for this customer; among variants, the one least like replies already sent."""
    candidates = [_compose(ctx, seed) for seed in range(_CANDIDATES)]
    offset = zlib.crc32(f"{ctx.customer_handle}|{ctx.customer_name}|{ctx.post}".encode()) % len(candidates)
    candidates = candidates[offset:] + candidates[:offset]
    if not ctx.previous_replies:
        return candidates[0]
    return min(candidates, key=lambda c: _likeness(c, ctx.previous_replies))


def _likeness(draft: str, previous: Sequence[str]) -> float:
    mine = shingles(draft)
    return max((jaccard(mine, shingles(p)) for p in previous[-200:]), default=0.0)


def _compose(ctx: ReviewContext, seed: int) -> str:
    sit = read_situation(ctx)
    short = (limit_of(ctx.network) or 500) < 500
    focus = _focus(ctx.post, 45 if short else 90)
    if focus == "this":
        focus = neutralised(ctx.incident_title).strip() or (
            f"the {ctx.topic.strip()[:40]} problem" if ctx.topic.strip() else "this"
        )
    pick = _Picker(seed)
    fix = pick(_FIX_LINK).format(url=ctx.article_url) if ctx.article_url else None
    parts: dict[str, str] = {"greeting": pick(_GREETINGS).format(name=_name(ctx))}
    if sit.complaint:
        parts["sorry"] = pick(_SORRY).format(focus=focus)
        incident = neutralised(ctx.incident_title).strip()
        parts["reason"] = pick(_REASON_KNOWN).format(incident=incident) if incident else pick(_REASON_UNKNOWN)
        parts["fix"] = fix or pick(_FIX_NONE)
        parts["thanks"] = pick(_THANKS)
    elif sit.question:
        parts["ask"] = pick(_QUESTION).format(focus=focus)
        parts["fix"] = fix or "I'll check and answer you here shortly."
    else:
        parts["praise"] = pick(_PRAISE).format(focus=focus)
    if neutralised(ctx.agent_name).strip():
        parts["sign"] = f"^{neutralised(ctx.agent_name).split()[0]}"
    return _fit(parts, ctx.network.lower())


class _Picker:
    """Picks phrasing variants from a seeded generator, so each seed gives a different mix."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def __call__(self, options: Sequence[str]) -> str:
        return self.random.choice(options)


def _name(ctx: ReviewContext) -> str:
    # Names come from the customer: a bidi override in one would reverse the rest of the reply (heard.bidi).
    name, handle = neutralised(ctx.customer_name).strip(), neutralised(ctx.customer_handle).strip()
    if name:
        return name.split()[0][:40]
    if handle:
        return "@" + handle.lstrip("@")[:40]
    return "there"


def _focus(post: str, most: int) -> str:
    """The customer's own words for the problem: the first clause of the post, without handles, links or private
    data, in quotes."""
    text = MENTION.sub(" ", URL.sub(" ", clean(neutralised(post[:2000]))))
    for _, (start, end) in sorted(private_data(text, text), key=lambda f: -f[1][0]):
        text = text[:start] + text[end:]
    text = re.sub(r"\s+", " ", text).strip(" ,:-#")
    clause = _CLAUSE_END.split(text, maxsplit=1)[0].strip()
    if len(clause) < 8:
        return "this"
    if len(clause) > most:
        clause = clause[:most].rsplit(" ", 1)[0] + "…"
    return f'"{clause}"'


def _fit(parts: dict[str, str], network: str) -> str:
    limit = limit_of(network) or 10_000
    # Too long: a shorter thank-you first, then without the reason, then cut (the coach will say so).
    for step in ("thanks", "reason"):
        if counted_length(" ".join(parts.values()), network) <= limit or step not in parts:
            continue
        if step == "thanks":
            parts["thanks"] = "Thanks!"
        else:
            del parts["reason"]
    text = " ".join(parts.values())
    return text if counted_length(text, network) <= limit else text[:limit]
