"""Suggested drafts that fit the moment, in the agent's voice, and never the same text for two customers.

A complaint gets ownership, the reason (the incident's, or a promise to find it) and a public next step (the fix's
link, or what happens next and where); praise gets thanks for the specific thing; a question gets the answer's link
or a promise to answer in the thread. What happened is said in the brand's words from the post's subject ("your
bag", "the delay"), never the customer's words quoted back as a label. The customer is greeted by a display name
only when it is a name (never a numeric id or a handle), and the draft is signed with the agent's first name.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence

from heard.bidi import neutralised
from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.situation import Situation, read_situation, usable_name
from heard.coach.text import jaccard, shingles
from heard.lengths import counted_length, limit_of

#: What a post is about, from its words, as the brand says it. The first subject found wins.
_SUBJECTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), phrase)
    for pattern, phrase in (
        (r"\b(bags?|baggage|luggage|suitcases?)\b", "your bag"),
        (r"\bcancel+\w*\b", "the cancellation"),
        (r"\b(delay\w*|late|waiting|wait(ed)?|on hold)\b", "the wait"),
        (r"\b(refund\w*|charg\w*|fees?|money|paid|payment)\b", "the charge"),
        (r"\b(app|log(ged|s)? ?(me )?(in|out)|login|password|sign(ed)? ?in)\b", "the app"),
        (r"\b(orders?|package|parcel|deliver\w*|courier|shipping|shipped|sent)\b", "your order"),
        (r"\b(seats?|upgrade)\b", "your seat"),
        (r"\b(wifi|wi-fi|internet|signal)\b", "the wifi"),
        (r"\b(connection|connecting|missed)\b", "the missed connection"),
        (r"\b(booking|reservation|ticket)\b", "your booking"),
        (r"\b(staff|crew|agent|attendant|rude)\b", "how you were treated"),
        (r"\b(flight|plane)\b", "your flight"),
    )
)
_FLIGHT = re.compile(r"\b(flight|flt)\s*#?\s*(\d{1,4})\b", re.IGNORECASE)
_GREETINGS = ("Hi {name},", "Hello {name},", "{name},", "Hi {name} -")
_OWN = (
    "I'm sorry about {what}{detail}; that's on us.",
    "I'm really sorry about {what}{detail}, we got this wrong.",
    "Sorry about {what}{detail}: that should not have happened.",
    "We let you down with {what}{detail}, and I'm sorry.",
    "I'm sorry, {what}{detail} is our mistake, not yours.",
    "I'm so sorry about {what}{detail}; it's our fault.",
    "{What}{detail} is not good enough from us, and I'm sorry.",
)
#: Ownership when the post names no subject ("nope just laziness").
_OWN_VAGUE = (
    "I'm sorry we let you down; that's on us.",
    "I'm sorry, we got this wrong.",
    "You deserved better from us, and I'm sorry.",
)
_PILE_ON = (
    "You're not the only one hit by it, and I'm sorry it's dragging on.",
    "Others are seeing it too, and I'm sorry it's still not fixed for you.",
    "It's not just you, and I'm sorry you're still waiting on us.",
)
_REASON_KNOWN = (
    "It comes from {incident}.",
    "The cause is on our side: {incident}.",
    "It's down to {incident}.",
    "It's part of a known problem: {incident}.",
    "We know the cause: {incident}.",
    "It's a known fault on our side, and we're fixing it.",
    "The cause is a fault we already know and are fixing.",
    "It's our bug, not your phone or account.",
)
_REASON_FIXED = (
    "It came from {incident}, which is fixed now.",
    "The cause was {incident}; that is fixed.",
)
_REASON_UNKNOWN = (
    "I'm finding out why it happened and will tell you here.",
    "I'm checking what went wrong and will post what I find in this thread.",
    "I'm looking into the cause now and will update you here.",
)
_FIX_LINK = (
    "Here's the fix: {url}",
    "This shows how to sort it: {url}",
    "The fix is here: {url}",
    "These steps put it right: {url}",
    "Steps to get it working again: {url}",
    "What fixes it for now: {url}",
    "{url} walks you through the fix.",
)
_FIX_NONE = (
    "I'll update you in this thread within the hour; for anything private, a DM works too.",
    "You'll hear back from me here within the hour; send a DM only for the private details.",
    "I'll post an update here within the hour, and a DM is open for anything private.",
)
_THANKS = (
    "Thanks for telling us.",
    "Thank you for flagging it.",
    "Thanks for bearing with me.",
    "Thank you for letting us know.",
    "Thanks for your patience with us today.",
    "Appreciate you telling us.",
    "Thanks for the heads-up.",
)
_PRAISE = (
    "thank you! That made our day, and I'll pass it on to {who}.",
    "thanks so much for this. I'll make sure {who} hear it.",
    "thank you for taking the time to say it; I'll share it with {who}.",
)
#: Whom praise about a subject goes to.
_PRAISED = {
    "your bag": "our baggage team",
    "your flight": "the crew of your flight",
    "how you were treated": "the crew",
    "your seat": "our cabin team",
    "your order": "the team that sent it",
    "the app": "the app team",
}

_QUESTION = (
    "good question about {what}.",
    "thanks for asking about {what}.",
)
_ANSWER_NONE = (
    "I'm checking and will answer you here shortly.",
    "Let me check, and I'll answer in this thread shortly.",
)
#: Variants tried per suggestion; the one least like the replies already sent wins.
_CANDIDATES = 64


def suggest_draft(ctx: ReviewContext) -> str:
    """A draft for this customer and moment; among variants, the one least like replies already sent, and never
    one already sent."""
    sit = read_situation(ctx)
    candidates = [_compose(ctx, sit, seed) for seed in range(_CANDIDATES)]
    offset = zlib.crc32(f"{ctx.customer_handle}|{ctx.customer_name}|{ctx.post}".encode()) % len(candidates)
    candidates = candidates[offset:] + candidates[:offset]
    previous = ctx.previous_replies + sit.brand_said
    sent = {p.strip() for p in previous}
    fresh = [c for c in dict.fromkeys(candidates) if c.strip() not in sent] or candidates
    # The coach judges each variant in the same context (its learned phrases included), and a variant like a
    # reply already sent loses points as the near-copy rule would take them.
    return max(fresh, key=lambda c: review(c, ctx).score - 40 * _likeness(c, previous))


def _likeness(draft: str, previous: Sequence[str]) -> float:
    mine = shingles(draft)
    return max((jaccard(mine, shingles(p)) for p in previous[-200:]), default=0.0)


def subject_of(ctx: ReviewContext) -> str:
    """What the post is about, as the brand would say it ("your bag", "the wait"); the incident's title or the
    pipeline's topic when the post says little."""
    # The post first, then the post that opened the thread ("me too" in a pile-on is about it), then the rest.
    customers = [text for who, text in ctx.thread if who == "customer"]
    said = [ctx.post, *customers[:1], *reversed(customers[1:])]
    for text in (t[:2000].lower() for t in said[:20]):
        for pattern, phrase in _SUBJECTS:
            if pattern.search(text):
                return phrase
    if ctx.incident_title.strip():
        return neutralised(ctx.incident_title).strip()[:60]
    if ctx.topic.strip():
        return f"the {ctx.topic.strip()[:40]} problem"
    return "this"


def _compose(ctx: ReviewContext, sit: Situation, seed: int) -> str:
    pick = random.Random(seed).choice
    what = subject_of(ctx)
    name = usable_name(ctx)
    parts: dict[str, str] = {}
    if name:
        parts["greeting"] = pick(_GREETINGS).format(name=name)
    fix = pick(_FIX_LINK).format(url=ctx.article_url) if ctx.article_url else None
    incident = neutralised(ctx.incident_title).strip()
    if sit.complaint or sit.angry or sit.pile_on:
        flight = _FLIGHT.search(ctx.post[:2000])
        detail = f" on flight {flight.group(2)}" if flight and what in {"your bag", "the wait", "your flight"} else ""
        own = pick(_OWN)
        parts["own"] = own.format(what=what, What=what[:1].upper() + what[1:], detail=detail)
        if what == "this":
            parts["own"] = pick(_OWN_VAGUE)
        if sit.pile_on:
            parts["pile_on"] = pick(_PILE_ON)
        if incident and ctx.incident_status.lower() == "resolved":
            parts["reason"] = pick(_REASON_FIXED).format(incident=incident)
        elif incident:
            parts["reason"] = pick(_REASON_KNOWN).format(incident=incident)
        else:
            parts["reason"] = pick(_REASON_UNKNOWN)
        parts["fix"] = fix or pick(_FIX_NONE)
        parts["thanks"] = pick(_THANKS)
    elif sit.question:
        parts["ask"] = pick(_QUESTION).format(what=what if what != "this" else "it")
        parts["fix"] = fix or pick(_ANSWER_NONE)
    else:
        parts["praise"] = pick(_PRAISE).format(who=_PRAISED.get(what, "the team"))
    agent = neutralised(ctx.agent_name).strip()
    if agent:
        first = agent.split()[0][:20]
        parts["sign"] = f"^{first[:1].upper()}{first[1:]}"
    return _fit(_capitalised(parts), ctx.network.lower())


def _capitalised(parts: dict[str, str]) -> dict[str, str]:
    """Without a greeting the first sentence starts the draft, so it starts with a capital; after "Hi Ann," it goes
    on in lower case (but "I" stays "I")."""
    keys = list(parts)
    if not keys:
        return parts
    if keys[0] != "greeting":
        parts[keys[0]] = parts[keys[0]][:1].upper() + parts[keys[0]][1:]
    elif len(keys) > 1:
        text = parts[keys[1]]
        if text[:1].isupper() and not re.match(r"I\b", text):
            parts[keys[1]] = text[:1].lower() + text[1:]
    return parts


def _fit(parts: dict[str, str], network: str) -> str:
    limit = limit_of(network) or 10_000
    # Too long: a shorter thank-you first, then without the pile-on line, then the reason, then cut.
    for step in ("thanks", "pile_on", "reason"):
        if counted_length(" ".join(parts.values()), network) <= limit or step not in parts:
            continue
        if step == "thanks":
            parts["thanks"] = "Thanks!"
        else:
            del parts[step]
    text = " ".join(parts.values())
    return text if counted_length(text, network) <= limit else text[:limit]


__all__ = ["subject_of", "suggest_draft"]
