"""Humble, thankful and human: no blaming the customer, a thank-you, no corporate boilerplate."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import Draft

_BLAME = re.compile(
    r"\b(as (previously |already |clearly )?(stated|mentioned|explained|noted|advised|outlined|indicated)|"
    r"you should(n'?t| not)? ?(have|'?ve) (checked|booked|read|called|arrived|asked|contacted|listened|known|been|"
    r"done|gone|taken|made|bought|paid|kept|left|printed|confirmed|followed|selected|added|purchased|registered|"
    r"logged|chosen|come|brought|packed|waited|reported|filed|looked|thought|planned|allowed|given|told|used)|"
    r"you (failed|neglected|forgot) to|(as )?per (our |the )?(policy|policies|"
    r"terms|t&cs?|conditions|rules)|(it is|it'?s) (your|the customer'?s|the passenger'?s) responsibility|"
    r"you need(ed)? to (have )?read|you needed to|clearly stat\w+|our records show (that )?you|we are not responsible|"
    r"not our fault|you were (told|informed|advised|notified)|if you had\b|please (read|refer to) (the|our) "
    r"(terms|policy|faq)|policy (states|is clear)|you (did not|didn'?t) (read|check|follow|arrive|book))"
)
_THANKS = re.compile(r"\b(thank\w*|thx|ty|appreciat\w*|grateful|cheers|kudos)\b")
_BOILERPLATE = re.compile(
    r"\b(we value your (feedback|business|custom|comments?|loyalty)|your (call|feedback|business|satisfaction) is "
    r"(very )?important|please be advised|we take (this|these|your|all|such) [a-z ]{0,20}(very )?seriously|"
    r"valued customer|we strive to|we aim to|at this (point in )?time|\bkindly\b|we understand your frustration|"
    r"any inconvenience (this|that|it) may have caused|bringing this to our attention|rest assured|"
    r"we('re| are) committed to|has been (escalated|forwarded|passed) to the (relevant|appropriate|concerned) "
    r"(team|department|parties)|for (further|future) reference|we appreciate your (patience and )?understanding|"
    r"we apologi[sz]e for any inconvenience|feedback has been (noted|logged|shared)|"
    r"please accept our (sincere(st)? )?apologies|do not hesitate to|dear (valued )?(customer|passenger|guest)|"
    r"(as soon as|whenever) possible|(we're|we are|team is|teams are) working (hard|diligently|tirelessly)|"
    r"we always (want|strive|aim|try)|(safety|your comfort|customer satisfaction) is (always )?our (top |number "
    r"one |first )?priority|our (valued )?customers|we (do )?apologi[sz]e for (the|any) (inconvenience|"
    r"trouble|delay|frustration)|(this|that) is not the (level of )?(service|experience) we (want|strive|aim))\b"
)


def check_blame(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    span = draft.search(_BLAME)
    if not span:
        return []
    quoted = draft.text[span[0] : span[1]]
    return [
        Finding(
            "humble.blame",
            "error",
            f'"{quoted}" puts the blame on the customer.',
            "Lecturing a customer in public turns one complaint into a hundred; the crowd sides with them.",
            "Drop it and say what you can do now; if a rule applies, explain it kindly and offer a way forward.",
            span,
        )
    ]


def check_thanks(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if draft.search(_THANKS):
        return []
    what = "telling us" if sit.complaint else "reaching out"
    return [
        Finding(
            "thanks.missing",
            "info",
            "The reply does not say thank you.",
            "The customer took the time to tell you, in public; thanking them is the start of winning them back.",
            f'Thank them for something specific, e.g. "Thanks for {what}, and for your patience."',
        )
    ]


def check_boilerplate(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    matches = list(_BOILERPLATE.finditer(draft.lower))
    if not matches:
        return []
    first = matches[0]
    quoted = draft.text[first.start() : first.end()]
    more = f" (and {len(matches) - 1} more)" if len(matches) > 1 else ""
    return [
        Finding(
            "human.boilerplate",
            "warning",
            f'"{quoted}"{more} is corporate boilerplate.',
            "Canned phrases sound phony and self-serving; in public they invite mockery.",
            "Say it the way you would to a person at the counter, in your own words.",
            first.span(),
            strength=min(1.0, 0.6 + 0.4 * (len(matches) - 1)),
        )
    ]
