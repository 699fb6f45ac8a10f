"""Post text to HTML: escape everything, then turn http(s) links into anchors. The only way post text becomes
markup; the escaping happens on the pieces before they are joined, so no input can open a tag or attribute."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Stops at whitespace, quotes, angle brackets and control characters; those never belong to a link we make.
_URL = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
MAX_LINK_CHARS = 2048


def _split_trailing(url: str) -> tuple[str, str]:
    """A link at the end of a sentence ("see https://x.co/a.") keeps its full stop outside the link."""
    end = len(url)
    while end > 0 and url[end - 1] in _TRAILING:
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break
        end -= 1
    return url[:end], url[end:]


def _anchor(url: str) -> str:
    label = url if len(url) <= 60 else url[:57] + "…"
    return f'<a href="{escape(url)}" rel="nofollow noopener noreferrer ugc" target="_blank">{escape(label)}</a>'


def linkify(text: object) -> Markup:
    """Escaped text with http(s) links made clickable. Anything that is not a string is shown as its str()."""
    value = "" if text is None else str(text)
    out: list[str] = []
    last = 0
    for match in _URL.finditer(value):
        url, tail = _split_trailing(match.group(0))
        if len(url) <= len("https://") or len(url) > MAX_LINK_CHARS:
            continue
        out.append(str(escape(value[last : match.start()])))
        out.append(_anchor(url))
        out.append(str(escape(tail)))
        last = match.end()
    out.append(str(escape(value[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece above was escaped or built from escaped parts


def http_url(value: object) -> str | None:
    """`value` if it is an absolute http(s) URL, else None: a stored permalink is hostile input too, and a
    `javascript:` URL in an href would run on click."""
    if not isinstance(value, str) or len(value) > MAX_LINK_CHARS:
        return None
    if _URL.fullmatch(value) is None:
        return None
    return value
