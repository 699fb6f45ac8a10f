"""TwACS parsing, the warm/angry labeller, ROC AUC, the evaluation report and weight tuning."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from heard.coach.weights import HAND_WEIGHTS
from heard.errors import BadInput
from heard.lab.coach.evaluation import evaluate, roc_auc
from heard.lab.coach.outcome import outcome
from heard.lab.coach.tuning import FLOOR, Dataset, blend, build_dataset, cross_validate, fit_penalties
from heard.lab.coach.twacs import exchanges, read_exchanges, turns
from tests.conftest import shared_path

ROW = {
    "first_tweet_id": "7",
    "first_utterance": "<cust__  __company__  my flight got cancelled &amp; no one told me __cust>",
    "context": (
        "<rep__  __cust__  Sorry to hear that! What is your confirmation #? *TMT __rep> "
        "<cust__  __company__  ABC123, thanks for looking __cust> "
        "<rep__  __cust__  As stated, per our policy you should have checked the app. __rep> "
        "<cust__  __company__  This is ridiculous 🙄 __cust>"
    ),
}


def test_turns_unmask_and_decode() -> None:
    said = turns(ROW["first_utterance"])
    assert said == [("cust", "my flight got cancelled & no one told me")]


def test_each_answered_reply_becomes_an_exchange() -> None:
    found = list(exchanges(ROW))
    assert [e.reply[:5] for e in found] == ["Sorry", "As st"]
    assert found[0].post.startswith("my flight")
    assert found[1].post == "ABC123, thanks for looking"
    assert found[1].next_turn == "This is ridiculous 🙄"


def test_a_broken_row_yields_nothing() -> None:
    assert list(exchanges({"first_utterance": "<cust__ unterminated", "context": "<rep__ x"})) == []


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        ("Thanks so much, that helps!", "warm"),
        ("Awesome 👍", "warm"),
        ("This is ridiculous", "angry"),
        ("thanks for nothing", "angry"),
        ("🙄", "angry"),
        ("great, another delay, this is a joke", None),  # both: sarcasm is left out
        ("DL1234 from ATL", None),
    ],
)
def test_outcome_labels(turn: str, expected: str | None) -> None:
    assert outcome(turn) == expected


def test_roc_auc_matches_the_definition() -> None:
    assert roc_auc([3, 4], [1, 2]) == 1.0
    assert roc_auc([1, 2], [3, 4]) == 0.0
    assert roc_auc([1, 1], [1, 1]) == 0.5
    assert roc_auc([2, 1], [1]) == 0.75
    assert roc_auc([], [1]) is None


def test_evaluate_reports_auc_counts_and_the_worst(tmp_path: Path) -> None:
    report = evaluate(list(exchanges(ROW)), worst=1)
    assert report["n_warm"] == 1
    assert report["n_angry"] == 1
    assert report["roc_auc"] == 1.0  # the blaming reply scores lower and was answered angrily
    assert report["worst"][0]["reply"].startswith("As stated")
    assert {f["rule"] for f in report["worst"][0]["findings"]} >= {"humble.blame"}


def test_read_exchanges_refuses_other_csv(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([["a", "b"], ["1", "2"]])
    with pytest.raises(BadInput):
        read_exchanges(path)


def test_fit_learns_that_a_penalised_rule_predicts_anger() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, size=(600, 3)).astype(float)
    warm = rng.random(600) < np.where(x[:, 0] > 0, 0.2, 0.8)  # only the first rule matters
    w = fit_penalties(x, warm)
    assert w[0] > 3 * max(w[1], w[2], 0.05)
    assert (w >= 0).all()


def test_blend_keeps_a_floor_under_every_rule() -> None:
    zero = dict.fromkeys(HAND_WEIGHTS, 0.0)
    weights = blend(zero, 1.0)
    assert all(weights[r] == pytest.approx(FLOOR * HAND_WEIGHTS[r]) for r in HAND_WEIGHTS)


def test_cross_validation_on_real_twacs_beats_chance() -> None:
    path = shared_path("data", "twacs-airlines", "conversations.csv")
    data = build_dataset(read_exchanges(path, limit=4000))
    assert isinstance(data, Dataset)
    result = cross_validate(data, folds=3)
    assert result["heldout_roc_auc_by_blend"]["0.0"] > 0.55
    assert result["chosen_blend"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert set(result["weights"]) == set(HAND_WEIGHTS)


def test_the_shipped_coach_separates_warm_from_angry_on_real_replies() -> None:
    path = shared_path("data", "twacs-airlines", "conversations.csv")
    report = evaluate(read_exchanges(path, limit=5000))
    assert report["roc_auc"] > 0.6
    assert len(report["worst"]) == 10


def test_the_labeller_agrees_with_human_sentiment_labels_on_airline_tweets() -> None:
    """Crowd-labelled airline tweets (a different corpus): what the labeller calls angry is negative, and most of
    what it calls warm is positive (first tweets to an airline are more sarcastic than answers to a reply)."""
    path = shared_path("data", "airline-sentiment", "airline-sentiment.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(outcome(r["text"]), r["airline_sentiment"]) for r in csv.DictReader(handle)]
    warm = [gold for label, gold in rows if label == "warm"]
    angry = [gold for label, gold in rows if label == "angry"]
    assert warm.count("positive") / len(warm) > 0.7
    assert angry.count("negative") / len(angry) > 0.9
    assert warm.count("negative") / len(warm) < 0.2
