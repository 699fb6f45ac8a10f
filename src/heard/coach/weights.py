"""How many points each rule's finding costs. The shipped weights live in weights.json beside this module,
written by `heard train coach` (cross-validated on real replies); HAND_WEIGHTS are the product's priors."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")

#: Priors from the product rules: a leak or an unpublishable reply is worst, a missing signature least bad.
HAND_WEIGHTS: dict[str, float] = {
    "privacy.leak": 35.0,
    "length.limit": 30.0,
    "humble.blame": 30.0,
    "ownership.non_apology": 12.0,
    "ownership.apology": 12.0,
    "reason.missing": 6.0,
    "remedy.next_step": 12.0,
    "remedy.article_link": 10.0,
    "personal.name": 10.0,
    "personal.situation": 10.0,
    "personal.signature": 4.0,
    "thanks.missing": 6.0,
    "human.boilerplate": 10.0,
    "human.near_copy": 30.0,
    "human.repeat": 12.0,
    "tone.mismatch": 30.0,
    "deflect.private": 25.0,
    "human.scripted": 15.0,
}


@lru_cache(maxsize=1)
def shipped_weights() -> dict[str, float]:
    """The tuned weights when weights.json is there and sane, else the hand priors."""
    try:
        data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        tuned = {str(k): float(v) for k, v in data["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return dict(HAND_WEIGHTS)
    return {rule: max(0.0, tuned.get(rule, prior)) for rule, prior in HAND_WEIGHTS.items()}
