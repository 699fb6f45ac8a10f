"""The coach's rules. Each is `check(draft, context, situation) -> list[Finding]`; order is presentation only."""

from __future__ import annotations

from collections.abc import Callable

from heard.coach.review import Finding, ReviewContext
from heard.coach.rules.copies import check_near_copy
from heard.coach.rules.limits import check_length
from heard.coach.rules.moment import check_deflection, check_repeat, check_tone
from heard.coach.rules.ownership import check_apology, check_reason
from heard.coach.rules.personal import check_name, check_signature, check_situation
from heard.coach.rules.privacy import check_private_data
from heard.coach.rules.remedy import check_article_link, check_next_step
from heard.coach.rules.tone import check_blame, check_boilerplate, check_thanks
from heard.coach.situation import Situation
from heard.coach.text import Draft

Rule = Callable[[Draft, ReviewContext, Situation], list[Finding]]

#: Rules that read the draft's wording; they know English only.
ENGLISH_RULES: tuple[Rule, ...] = (
    check_blame,
    check_apology,
    check_reason,
    check_next_step,
    check_thanks,
    check_boilerplate,
    check_tone,
    check_deflection,
)
#: Rules that work in any language: data, length, links, names, signatures, shared words, copies.
ANY_LANGUAGE_RULES: tuple[Rule, ...] = (
    check_private_data,
    check_length,
    check_article_link,
    check_name,
    check_situation,
    check_signature,
    check_near_copy,
    check_repeat,
)
RULES: tuple[Rule, ...] = ANY_LANGUAGE_RULES + ENGLISH_RULES

#: Every rule id a finding can carry, for documentation and for the weights file.
RULE_IDS: tuple[str, ...] = (
    "privacy.leak",
    "length.limit",
    "humble.blame",
    "ownership.non_apology",
    "ownership.apology",
    "reason.missing",
    "remedy.next_step",
    "remedy.article_link",
    "personal.name",
    "personal.situation",
    "personal.signature",
    "thanks.missing",
    "human.boilerplate",
    "human.near_copy",
    "human.repeat",
    "tone.mismatch",
    "deflect.private",
    "human.scripted",
)
