"""A public fix or next step, with a link to the fix when a knowledge-base article has one."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import URL, Draft

NEXT_STEP = re.compile(
    r"\b((we|i)('ve| have| will|'ll| can(?!'?t| ?not)| could|'d)|"
    r"(we|i)('re|'m| are| am) (now )?(working|looking|checking|sending|getting|rebooking|refunding|fixing|"
    r"following|escalating|investigating|on it)|here'?s how|you can|try|"
    r"please (dm|send|follow|check|visit|call|contact|reach|go|use|update|restart|clear|reinstall|let)|"
    r"(dm|message) us|rebook\w*|refund\w*|credit\w*|voucher\w*|reimburs\w*|compensat\w*|link|steps?|fix\w*|"
    r"resolv\w*|next|look(ing)? into|check(ing)? (on|into)|follow(ing)? up|escalat\w*|will be|should be|"
    r"reach out|contact|call|update you|get you|help you|send you|take a look|(you'll|you will) (hear|get|receive|"
    r"see|have)|will (tell|update|post|answer|come back))\b"
)

#: Asking the customer for what is needed to help them ("What's your flight number?") is a next step too.
_ASKS = re.compile(r"\b(you|your)\b[^.!?]{0,200}\?|\?[^.!?]{0,200}\b(you|your)\b|\b(how|what) (can|may) (i|we)\b")


def check_next_step(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if not (sit.complaint or sit.question) or draft.search(NEXT_STEP) or draft.search(_ASKS) or URL.search(draft.text):
        return []
    return [
        Finding(
            "remedy.next_step",
            "warning",
            "The reply offers no fix or next step.",
            "Others with the same problem read the answer; a public fix helps all of them and stops the pile-on.",
            "Say what you are doing or what they can do now, e.g. \"We've rebooked you on the 14:10; here is how "
            'to claim your meal voucher: ..."',
        )
    ]


def check_article_link(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    url = (ctx.article_url or "").strip()
    if not url or url.lower().rstrip("/") in draft.lower:
        return []
    title = f' "{ctx.article_title}"' if ctx.article_title else ""
    return [
        Finding(
            "remedy.article_link",
            "warning",
            f"A published fix{title} matches this problem and the reply does not link it.",
            "A link to the fix lets this customer, and everyone reading, solve it without waiting on us.",
            f"Add the link: {url}",
        )
    ]
