"""Scripted phrases: word n-grams that real customers answered angrily, learned from real replies.

`heard train coach` fits them on TwACS (agents' replies and what the customer said next) with a logistic model over
the phrases a reply contains, and keeps those that make an angry answer more likely, with their weight; they ship in
phrases.json beside this module (plain JSON, no pickle). The coach reads a draft's phrases with `scripted`, and the
rule `human.scripted` names the worst of them, so the finding says which words to change.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PHRASES_FILE = Path(__file__).with_name("phrases.json")
#: Shortest and longest phrase, in words: single words are too vague to name in a finding ("want").
MIN_WORDS = 2
MAX_WORDS = 3
_WORD = re.compile(r"[a-z][a-z']*|\d+")
_MASK = re.compile(r"https?://\S+|[@^*~]\w+|\s[-–—/]\w+\s*$")


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """Phrase -> how much more (> 0) or less (< 0) likely it makes an angry answer (a logistic weight)."""

    weights: Mapping[str, float]

    def found(self, text: str) -> list[tuple[str, float]]:
        """The table's phrases in `text`, heaviest first (phrases customers welcomed have weights below 0)."""
        hits = {g: self.weights[g] for g in phrase_grams(text) if g in self.weights}
        return sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))

    def strength(self, text: str) -> float:
        """0..1: how scripted the text sounds on balance, 1 - exp(-sum of its phrases' weights); phrases customers
        welcomed ("glad to hear", "you can") weigh against the scripted ones, never below 0."""
        total = sum(w for _, w in self.found(text))
        return 1.0 - math.exp(-total) if total > 0 else 0.0


def phrase_grams(text: str) -> Iterator[str]:
    """Every MIN_WORDS..MAX_WORDS word n-gram of a reply, lower-cased, with links, handles and signatures left out."""
    words = _WORD.findall(_MASK.sub(" ", text.lower().replace("’", "'")))
    words = ["0" if w.isdigit() else w for w in words]
    seen: set[str] = set()
    for n in range(MIN_WORDS, MAX_WORDS + 1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            if gram not in seen:
                seen.add(gram)
                yield gram


@lru_cache(maxsize=1)
def shipped_phrases() -> PhraseTable:
    """The learned phrases; an empty table when phrases.json is missing or unreadable."""
    try:
        data = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))
        return PhraseTable({str(k): float(v) for k, v in data["phrases"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return PhraseTable({})
