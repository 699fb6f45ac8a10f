"""`heard coach` from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from heard.cli import build
from tests.cli import run

RUNNER = CliRunner()


def test_heard_coach_prints_score_and_findings() -> None:
    data = run("coach", "As stated, per our policy we can't help.", "--post", "You lost my bag!", "--json")
    assert isinstance(data["score"], int)
    assert data["score"] < 70
    findings = data["findings"]
    assert isinstance(findings, list)
    assert {"humble.blame", "ownership.apology"} <= {f["rule"] for f in findings}
    assert all({"rule", "severity", "what", "why", "fix", "span"} <= set(f) for f in findings)


def test_heard_coach_can_suggest_a_draft() -> None:
    data = run("coach", "ok", "--post", "You lost my bag on the Rome flight!", "--name", "Jane", "--suggest", "--json")
    assert "Jane" in str(data["suggestion"])


def test_heard_coach_reads_like_text_without_json() -> None:
    result = RUNNER.invoke(build(), ["coach", "thanks", "--post", "You lost my bag!"])
    assert result.exit_code == 0
    assert result.output.startswith("score ")
    assert "fix:" in result.output
