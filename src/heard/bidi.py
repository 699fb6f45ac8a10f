"""Bidirectional-text controls in names and handles, made harmless where text is composed into replies.

A customer can name themselves "ana\u202e" (RIGHT-TO-LEFT OVERRIDE): copied into "Hi ana\u202e, sorry about
the delay" the override runs on to the end of the reply, which then displays reversed to everyone who reads it.
The embedding, override and isolate controls (and the directional marks) never belong in a name, so they are
removed from whatever is spliced into a reply. Right-to-left names themselves are untouched: their letters
carry their own direction. The pages show such values isolated (`unicode-bidi: isolate`, static/heard.css).
"""

from __future__ import annotations

import re

#: ALM, LRM, RLM, the embeddings and overrides (LRE RLE PDF LRO RLO) and the isolates (LRI RLI FSI PDI).
_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutralised(text: str) -> str:
    """`text` without bidi controls (cheap for the usual text, which has none)."""
    if text.isascii():
        return text
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    return not text.isascii() and _CONTROLS.search(text) is not None
