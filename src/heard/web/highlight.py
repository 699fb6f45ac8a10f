"""Search results say why they matched: the words of a row that the search matched are wrapped in <mark>.

The search matches word prefixes with case and accents folded (heard.conversations.search), so the highlight
folds each word of the text the same way and marks the words that start with a searched term. Everything else is
escaped: the text is hostile input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from heard.conversations.search import search_terms
from heard.db.accents import fold

_WORD = re.compile(r"\w+", re.UNICODE)
#: Characters of context kept before the first match when the text is cut to fit a row.
LEAD_IN = 40


def highlight(text: str, query: Sequence[str] | str | None, width: int = 160) -> Markup:
    """`text` cut to about `width` characters around the first match, escaped, matching words in <mark>."""
    terms = search_terms(" ".join(query) if isinstance(query, (list, tuple)) else str(query or ""))
    words = [m for m in _WORD.finditer(text) if terms and any(fold(m.group()).startswith(t) for t in terms)]
    start = 0
    if words and words[0].start() > width - LEAD_IN:
        start = max(0, words[0].start() - LEAD_IN)
    end = min(len(text), start + width)
    out: list[str] = ["…" if start else ""]
    at = start
    for match in words:
        if match.start() < start or match.end() > end:
            continue
        out.append(str(escape(text[at : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        at = match.end()
    out.append(str(escape(text[at:end])))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))  # noqa: S704  every piece of the text was escaped above
