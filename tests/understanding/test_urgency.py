"""Urgency: each documented ingredient moves the score the documented way, and says so in words."""

from __future__ import annotations

from heard.understanding.urgency import UrgencyInput, signals, urgency


def test_calm_private_non_complaint_is_low() -> None:
    score, reasons = urgency(UrgencyInput("thanks!", complaint=0.02, negative=0.01, public=False))
    assert score <= 2
    assert all("signal" not in r for r in reasons)


def test_each_ingredient_adds_points() -> None:
    base = UrgencyInput("my order is late", complaint=0.5, negative=0.5, followers=None, public=False)
    low, _ = urgency(base)
    assert low == 25  # 30 * 0.5 + 20 * 0.5
    public, _ = urgency(UrgencyInput(base.text, 0.5, 0.5, public=True))
    assert public == low + 5
    famous, reasons = urgency(UrgencyInput(base.text, 0.5, 0.5, followers=1_000_000, public=False))
    assert famous == low + 15
    assert any("1.0M followers" in r for r in reasons)
    waited, reasons = urgency(UrgencyInput(base.text, 0.5, 0.5, public=False, waited_minutes=300))
    assert waited == low + 15
    assert any("waiting 5 h" in r for r in reasons)


def test_safety_legal_churn_signals_are_named() -> None:
    text = "My son is in pain after your product exploded, I'm calling a lawyer and I will cancel my account"
    kinds = {kind for kind, _, _ in signals(text)}
    assert kinds == {"safety", "legal", "churn"}
    score, reasons = urgency(UrgencyInput(text, complaint=1.0, negative=1.0, followers=50_000))
    assert score == 100
    assert reasons[0].startswith("complaint probability 100%")
    assert any('legal signal: "lawyer"' in r for r in reasons)


def test_score_is_bounded_for_out_of_range_input() -> None:
    score, _ = urgency(UrgencyInput("", complaint=7.0, negative=-3.0, followers=10**12, waited_minutes=1e9))
    assert 0 <= score <= 100
