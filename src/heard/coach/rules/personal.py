"""Personal: the reply names the customer, speaks to their actual situation, and a real agent signs it."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation, usable_name
from heard.coach.text import Draft, content_words, shares_topic, surface_words

_GREETING_NAME = re.compile(
    r"(?:\b(?i:hi|hey|hello|dear|morning|evening|afternoon|thanks|thank you|sorry|oh no|welcome)[ ,]+|^|[,!.] )"
    r"([A-Z][A-Za-z'’-]{1,20})\b(?=[ ,!.:;\-]|$)"
)
_NOT_NAMES_TEXT = (
    "There Team Folks All Everyone Friend Friends Again Guys So We You I Our Your The This That It Please Sorry "
    "Thanks Thank Hi Hey Hello Yes No Oh Ok Okay Great Glad Happy Good Unfortunately Absolutely Sure Wow Just "
    "If Can Could Would Will Let Feel Send Any Is Are Do Did Have Has What When Where How Why Not Safe"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
#: How agents sign in practice: "^AB", "*TMT", "~Ann", "- Ann", "—Ann", "/ann", "-AB (2/2)", and a closing
#: "Cheers, Ann" or "Thanks, Ann".
_SIGNATURE = re.compile(
    r"(?:[\^*~—–/]\s?|(?:^|\s)-{1,2}\s?)([A-Za-z][A-Za-z.]{0,20})(?:\s*\(?\d/\d\)?)?\W{0,6}$|"
    r"(?i:\b(?:cheers|thanks|thank you|best|regards|kind regards|best wishes|take care|speak soon)),?\s+"
    r"([A-Z][a-z]{1,20})(?:\s+[A-Z]\.?)?\W{0,6}$"
)


def check_name(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if _names_customer(draft, ctx):
        return []
    name = usable_name(ctx)
    if not name and (ctx.customer_name.strip() or ctx.customer_handle.strip()):
        # Only an id or a handle is known: the network puts the handle on the reply already, and "Hi 117136"
        # or "Hi pileon_demo3" is worse than no greeting.
        return []
    who = name or "the customer"
    return [
        Finding(
            "personal.name",
            "warning",
            "The reply does not address the customer by name.",
            "A reply that could have been sent to anyone reads as a form letter, and the crowd watching notices.",
            f'Open with their name, e.g. "Hi {who},".',
        )
    ]


def _names_customer(draft: Draft, ctx: ReviewContext) -> bool:
    name = usable_name(ctx)
    known = [name] if name else []
    if ctx.customer_handle.strip():
        known.append(ctx.customer_handle.strip().lstrip("@"))
    if known:
        return any(re.search(rf"(?<!\w)@?{re.escape(n.lower())}(?!\w)", draft.lower) for n in known if n)
    # No name given (an imported thread): accept any greeting that addresses a person by a capitalised name.
    return any(m.group(1) not in _NOT_NAMES for m in _GREETING_NAME.finditer(draft.text[:400]))


def check_situation(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if not sit.topics or shares_topic(content_words(draft.text), sit.topics):
        return []
    sample = ", ".join(sorted(surface_words(ctx.post[:5000]), key=len, reverse=True)[:3])
    return [
        Finding(
            "personal.situation",
            "warning",
            "The reply does not mention anything from the customer's post.",
            "Echoing their actual problem shows it was read by a person, not matched by a keyword.",
            f"Say what happened to them in your own words (their post mentions: {sample}).",
        )
    ]


def check_signature(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    tail = draft.text.rstrip()[-60:]
    agent = ctx.agent_name.strip()
    # Any signature counts: agents sign with a nickname or initials the account does not know ("- Ann" from the
    # account "Demo Agent" is signed). The agent's first name anywhere near the end counts too.
    if _SIGNATURE.search(tail) or (
        agent and re.search(rf"\b{re.escape(agent.split()[0].lower())}\b", draft.lower[-80:])
    ):
        return []
    sign = f"^{agent.split()[0]}" if agent else "^ and your first name or initials"
    return [
        Finding(
            "personal.signature",
            "info",
            "The reply is not signed by the agent who wrote it.",
            "A signed reply comes from a person who can be held to it; an unsigned one comes from a logo.",
            f"End with {sign}.",
        )
    ]
