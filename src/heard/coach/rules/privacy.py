"""No private data in public: order numbers, e-mail addresses, phone numbers, booking codes."""

from __future__ import annotations

import re

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import Draft

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63})+")
_PHONE = re.compile(r"(?<![\w/])\+?\d[\d ().-]{7,18}\d(?!\w)")
#: Replies give the company's own lines all the time; a phone number is the customer's when they posted it or
#: the reply calls it theirs.
_YOUR = re.compile(r"\byour (phone|mobile|cell|number|contact number|home number)\b", re.IGNORECASE)
_REFERENCE = re.compile(
    r"\b(order|ticket|case|reference|ref|confirmation|conf|booking|account|acct|record locator|pnr|"
    r"reservation|claim|file) {0,3}(number|no\.?|num|#|code|id)? {0,3}[:#]? {0,3}([A-Z0-9][A-Z0-9-]{4,19})\b",
    re.IGNORECASE,
)
_CODE = re.compile(r"\b(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{6}\b|\b[A-Z]{6}\b")
_FLIGHT = re.compile(r"^[A-Z]{2}\d{1,4}$")


def private_data(text: str, post: str = "") -> list[tuple[str, tuple[int, int]]]:
    """Every piece of private data in `text`, with its kind and span."""
    found: list[tuple[str, tuple[int, int]]] = [("e-mail address", m.span()) for m in _EMAIL.finditer(text)]
    post_digits = {re.sub(r"\D", "", m.group(0)) for m in _PHONE.finditer(post)}
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 9 <= len(digits) <= 15 and (digits in post_digits or _YOUR.search(text[: m.start()][-30:])):
            found.append(("phone number", m.span()))
    for m in _REFERENCE.finditer(text):
        if any(ch.isdigit() for ch in m.group(3)) or m.group(3).isupper():
            found.append(("order or booking number", m.span(3)))
    post_tokens = set(post.split())
    for m in _CODE.finditer(text):
        code = m.group(0)
        if _FLIGHT.match(code) or (code.isalpha() and code not in post_tokens):
            continue  # an all-capitals word is shouting, not a booking code, unless the customer posted it
        found.append(("booking code", m.span()))
    return _dedupe(found)


def _dedupe(found: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    seen: list[tuple[str, tuple[int, int]]] = []
    for kind, span in sorted(found, key=lambda f: f[1]):
        if not any(s[0] <= span[0] < s[1] for _, s in seen):
            seen.append((kind, span))
    return seen


def check_private_data(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    if not ctx.public:
        return []
    found = private_data(draft.text, ctx.post)
    if not found:
        return []
    kinds = sorted({kind for kind, _ in found})
    return [
        Finding(
            "privacy.leak",
            "error",
            f"The public reply contains private data: {', '.join(kinds)}.",
            "Anyone can read a public reply; private data in it can be used to take over a booking or an account.",
            "Remove it, and move the conversation to a private message for anything that needs it.",
            found[0][1],
        )
    ]
