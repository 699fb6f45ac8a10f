"""Owns the mistake and gives the reason: an apology that admits, and why it happened."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import Draft

APOLOGY = re.compile(
    r"\b(sorry|apolog\w*|my bad|our (mistake|fault|error|bad)|we (messed|screwed) up|we got (this|it) wrong|"
    r"that'?s on us|we let you down|dropped the ball|should(n'?t| not) have happened|not the experience)\b"
)
NON_APOLOGY = re.compile(
    r"\b((sorry|apologi[sz]e|regret)\w* (that |if )?you (feel|felt|think|believe|were upset|are upset|perceive)\w*|"
    r"sorry if\b[^.!?]{0,40}|"
    r"(apologi[sz]e|sorry|regret)\w* (for )?any (inconvenience|trouble|confusion|frustration)\w*|"
    r"(sorry|apologi[sz]e)\w* (for|about) the inconvenience\w*( (this|that) may have caused)?|"
    r"(sorry|regret) to (hear|learn|see) (that )?you('re| are| were| feel)? ?(unhappy|disappointed|upset|frustrated|"
    r"dissatisfied|displeased)|never our intention|"
    r"(sorry|apologi[sz]e|apologies|regret)\w* (for |about )?(the|your|any|this) (frustration|disappointment|"
    r"experience|trouble|situation|issue)\w*|(sorry|regret) to (hear|learn|see) (about )?(the|your|this) "
    r"(frustration|disappointment|experience|situation|feedback)|"
    r"(sorry|apologi[sz]e|regret)\w* (that )?you('re| are| were| have been| had| feel| felt)? ?(frustrat\w*|"
    r"disappoint\w*|upset|unhappy|dissatisfied)|we regret (any|the|your)\b[^.!?]{0,40}|"
    r"we (understand|hear) (your|the) (frustration|disappointment|concern)s?|"
    r"(sorry|apologi[sz]e)\w* (for|about) (any|the) (confusion|trouble|hassle|issues?|problems?) (this|that|it) "
    r"(may have|might have|has) caus\w*)"
)
REASON = re.compile(
    r"\b(because|due to|caused by|the reason|reason (is|was)|since|as a result|that'?s why|this (is|was) why|"
    r"owing to|thanks to|happened when|came from|coming from|weather|maintenance|mechanical|air traffic|atc|"
    r"staffing|crew|outage|bug|glitch|system (issue|error|problem)|volume|update|we (found|traced|learned)|"
    r"turns out|it looks like|it seems|appears|(finding|found|looking into|checking|investigating) (out )?why|"
    r"(find|work) out (why|what happened|what went wrong)|what (went wrong|happened)|"
    # A cause said as what happened: "the courier mislabelled it", "our system went down", "the crew ran late".
    r"(the|our|a|an|their|its) (\w+ ){0,3}(mis\w+ed|(was|were|got) (mis\w+ed|sent|routed|delayed|held|"
    r"cancel+ed|damaged|grounded|diverted|overbooked|left|put|loaded|tagged|labell?ed|scanned|stuck)|went down|"
    r"broke( down)?|crashed|failed|ran (late|out)|(didn'?t|did not|never) (scan|load|send|arrive|make|update|"
    r"transfer|connect)\w*)|"
    r"(a|an|the) (\w+ ){0,2}(problem|fault|error|issue|failure|glitch|storm|strike|shortage) (with|in|at|on|hit)|"
    r"we (mixed|messed|sent|put|loaded|tagged|labell?ed|routed|overbooked|forgot|dropped)\b)\b"
)


def check_apology(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    span = draft.search(NON_APOLOGY)
    if span:
        quoted = draft.text[span[0] : span[1]]
        return [
            Finding(
                "ownership.non_apology",
                "warning",
                f'"{quoted}" is a vague apology: it is sorry for feelings or "inconvenience" and owns no mistake.',
                "A non-apology reads as self-serving in public and is the kind of reply that gets mocked.",
                "Say what went wrong and that it was yours: \"We're sorry we cancelled your flight without "
                'telling you."',
                span,
            )
        ]
    if not sit.complaint or draft.search(APOLOGY):
        return []
    return [
        Finding(
            "ownership.apology",
            "warning",
            "The customer complains, and the reply does not apologise.",
            "Owning the mistake in public is what turns a complaint into trust; skipping it reads as defensive.",
            'Admit it plainly, e.g. "We\'re sorry, we got this wrong."',
        )
    ]


def check_reason(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if not sit.complaint or draft.search(REASON):
        return []
    return [
        Finding(
            "reason.missing",
            "warning",
            "The reply does not say why it happened.",
            "A reason, even a partial one, makes the failure understandable and the reply believable.",
            'Give the cause ("the 9:40 was held because the crew was late"), or say you are finding out and '
            "when you will know.",
        )
    ]
