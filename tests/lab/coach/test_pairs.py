"""The coach's labelled pairs: the committed file, the issue's cases, and the rebuild from TwACS."""

from __future__ import annotations

from pathlib import Path

from heard.lab.coach import pairs
from heard.lab.coach.phrases import fold_of, learn, out_of_fold
from heard.lab.coach.twacs import Exchange
from tests.conftest import shared_path


def test_the_committed_pairs_put_the_good_draft_above_the_bad_one() -> None:
    figures = pairs.evaluate(pairs.read())
    assert figures["n"] >= 700
    assert figures["good_above_bad"] >= 95, figures
    assert figures["by_kind"]["issue"]["good_above_bad"] == 100, figures


def test_every_failure_kind_is_in_the_file() -> None:
    kinds = set(pairs.evaluate(pairs.read())["by_kind"])
    assert {"boilerplate", "cheer_to_complaint", "polite_blame", "non_apology", "bare_dm"} <= kinds
    assert {"booking_in_public", pairs.PASTED, "issue"} <= kinds


def test_phrases_are_learned_by_conversation_fold() -> None:
    angry = [
        Exchange(f"a{i}", "late again", "as soon as possible our team is working hard", "ridiculous") for i in range(40)
    ]
    warm = [Exchange(f"w{i}", "late again", "rebooked you on the 9:40, seat 12A", "thanks!") for i in range(40)]
    everything = angry + warm
    labels = ["angry"] * 40 + ["warm"] * 40
    table = learn(everything, labels)  # type: ignore[arg-type]
    assert table.strength("as soon as possible") > table.strength("rebooked you on the 9:40")
    tables = out_of_fold(everything, labels, folds=5)  # type: ignore[arg-type]
    assert len(tables) == len(everything)
    assert fold_of(everything[0], 5) == fold_of(Exchange("a0", "", "", ""), 5)


def test_the_rebuild_from_twacs_gives_the_same_kinds(tmp_path: Path) -> None:
    source = shared_path("data/twacs-airlines/conversations.csv")
    out = tmp_path / "pairs.jsonl"
    assert pairs.write(source, out) > 100
    assert {p["kind"] for p in pairs.read(out)} >= {"real", "issue"}


def test_the_held_out_pairs_are_situations_nobody_tuned_on() -> None:
    from heard.lab.coach.evaluation import judge_posts
    from heard.lab.coach.twacs import read_exchanges

    exchanges = read_exchanges(shared_path("data/twacs-airlines/conversations.csv"))
    judged = judge_posts(exchanges)
    committed = {p["conversation"] for p in pairs.read()}
    rebuilt = {p["conversation"] for p in pairs.build(exchanges, judged) if p["kind"] == "real"}
    held = pairs.held_out(exchanges, judged, committed)
    assert len(held) == pairs.SITUATIONS
    assert not (committed | rebuilt) & {p["conversation"] for p in held}
    assert pairs.evaluate(held)["n"] == 7 * pairs.SITUATIONS
    # Without the committed file's conversations to leave out, today's shuffle would reuse some of them.
    assert committed & {p["conversation"] for p in pairs.held_out(exchanges, judged)}
