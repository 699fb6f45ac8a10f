"""Fits the moment: the tone matches the customer's mood, a move to private messages comes with a public word,
and the brand does not say again what it already said in this thread."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.rules.copies import likeness
from heard.coach.rules.ownership import APOLOGY, NON_APOLOGY, REASON
from heard.coach.rules.remedy import NEXT_STEP
from heard.coach.situation import Situation
from heard.coach.text import URL, Draft, content_words, shares_topic

#: Thanks and cheer that only fit a pleased customer.
_CHEER = re.compile(
    r"\b(kind words|lovely (to (read|hear|see))|(made|make|making) (our|my) day|(so |really )?(glad|happy|"
    r"delighted|thrilled|great|love|lovely|nice) (to hear|you (enjoyed|liked|loved|had))|we love (to hear|"
    r"hearing|that)|thanks for the (love|shout ?out|kind|compliment|praise|support)|(glad|happy) (it|that|"
    r"everything) (worked|went)|that'?s (great|awesome|wonderful|lovely) (news|to hear)|"
    r"we'?ll (share|pass) (it|this|that|your \w+) (on )?(with|to) the team)\b"
)
#: Asking to move to a private channel.
_PRIVATE = re.compile(
    r"\b(dm|d\.m\.|direct message|private message|pm|inbox|message us|send us a (note|message|dm)|"
    r"(e-?mail|call|ring|phone|contact) (us|our|the)|follow and dm|reach out (to us )?(privately|via))\b"
)
#: A sentence, to take the private-message ask out and see whether anything public is left.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
#: Overlap with the brand's own earlier reply in this thread above which the reply says the same thing again.
REPEAT = 0.5


def check_tone(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    # Cheer to an angry customer is the worst case; to a complaint it is still a reply that did not read the post.
    if not (sit.angry or sit.complaint) or sit.praise or sit.mixed:
        return []
    span = draft.search(_CHEER)
    if span is None:
        return []
    quoted = draft.text[span[0] : span[1]]
    return [
        Finding(
            "tone.mismatch",
            "error",
            f'"{quoted}" thanks or cheers a customer who is {"angry" if sit.angry else "complaining"}.',
            "A cheerful reply to someone upset reads as a bot that did not read the post; the crowd screenshots it.",
            "Answer their mood: say you are sorry about the problem they describe, and what happens next.",
            span,
            strength=1.0 if sit.angry else 0.7,
        )
    ]


def check_deflection(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if not ctx.public or not (sit.complaint or sit.question or sit.angry):
        return []
    span = draft.search(_PRIVATE)
    if span is None:
        return []
    public = " ".join(s for s in _SENTENCE.findall(draft.lower) if not _PRIVATE.search(s))
    owned = bool(APOLOGY.search(public)) and not NON_APOLOGY.search(public)
    acknowledged = owned or (sit.topics and shares_topic(content_words(public), sit.topics))
    fixed = bool(REASON.search(public) or NEXT_STEP.search(public) or URL.search(public))
    if acknowledged and fixed:
        return []
    missing = " and ".join(
        part for part, gone in (("acknowledges the problem", not acknowledged), ("gives a fix", not fixed)) if gone
    )
    return [
        Finding(
            "deflect.private",
            "warning",
            f"The reply moves the customer to private messages and nothing in public {missing}.",
            "Everyone watching sees only 'DM us': the brand looks like it hides the problem, and the next person with "
            "it asks again.",
            "Say in public that you are sorry about what happened to them and what you are doing (or where the fix "
            "is); ask for the DM only for the private details.",
            span,
            strength=1.0 if not (acknowledged or fixed) else 0.6,
        )
    ]


def check_repeat(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    best = likeness(draft, sit.brand_said[-20:])
    if best < REPEAT:
        return []
    return [
        Finding(
            "human.repeat",
            "warning",
            f"The reply is {round(best * 100)}% the same as what the brand already said in this thread.",
            "Saying the same thing again to someone who answered it tells them nobody read their answer.",
            "Answer what they said since: move it on with something new (a decision, a time, a person).",
            strength=min(1.0, 0.5 + (best - REPEAT)),
        )
    ]
