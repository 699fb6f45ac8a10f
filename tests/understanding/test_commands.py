"""The classify command."""

from __future__ import annotations

from tests.cli import run


def test_classify_prints_every_judgement_and_the_urgency_explained() -> None:
    out = run("classify", "@united I'm in pain and stuck on the plane for 3 hours", "--followers", "50000", "--json")
    for key in (
        "complaint",
        "is_complaint",
        "intents",
        "sentiment",
        "sentiment_score",
        "sentiment_probs",
        "topic",
        "language",
        "urgency",
        "urgency_reasons",
    ):
        assert key in out
    assert out["language"] == "en"
    reasons = out["urgency_reasons"]
    assert isinstance(reasons, list)
    assert any("safety" in r for r in reasons)
    assert any("followers" in r for r in reasons)


def test_classify_takes_empty_text() -> None:
    out = run("classify", "", "--json")
    assert out["sentiment"] == "unknown"
