"""Issue 21, item 7: every row of every malformed file is taken or a dead letter, once; `heard import` says so
as a sum; importing the same file again records nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from heard.app import Runtime, build_runtime
from heard.cli import build
from heard.clock import FrozenClock
from heard.connectors.replay.formats import read_file, read_text
from heard.errors import BadInput
from heard.events import EVENTS_TOPIC, decode_event
from heard.ingest.models import DeadLetter
from heard.settings import Settings
from heard.workers.importer import import_file

MALFORMED = Path(__file__).parent / "malformed"
#: file -> (rows in it, rows that are posts), counted by hand from the file (tests/ingest/malformed/).
EXPECTED = {
    "bom.csv": (4, 4),
    "cr_only.csv": (4, 4),
    "crlf.csv": (4, 4),
    "unterminated_quote.csv": (4, 3),
    "unterminated_at_end.csv": (3, 2),
    "short_and_bad.csv": (7, 2),
    "binary.csv": (2, 1),
    "blank_lines.csv": (2, 2),
    "bom.jsonl": (2, 2),
    "cr_only.jsonl": (3, 3),
    "wrong_types.jsonl": (7, 2),
    "junk.jsonl": (7, 1),
    "far_dates.jsonl": (3, 1),
    "colon_network.jsonl": (2, 1),
}


def _format(name: str) -> str:
    return "twcs" if name.endswith(".csv") else "jsonl"


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, _env_file=None), clock=clock)
    yield rt
    rt.close()


def test_every_malformed_file_is_in_the_table() -> None:
    assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_row_is_one_post_or_one_dead_letter(name: str) -> None:
    rows, posts = EXPECTED[name]
    read = list(read_file(MALFORMED / name, _format(name)))  # type: ignore[arg-type]
    assert (len(read), sum(not isinstance(r, BadInput) for r in read)) == (rows, posts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_push_reads_a_file_as_an_import_does(name: str) -> None:
    """The API reads the pushed text; a CR-only or BOM file must give the same rows as from disk."""
    text = (MALFORMED / name).read_bytes().decode("utf-8", errors="replace")
    from_disk = list(read_file(MALFORMED / name, _format(name)))  # type: ignore[arg-type]
    pushed = list(read_text(text, _format(name)))  # type: ignore[arg-type]
    assert [type(r) for r in pushed] == [type(r) for r in from_disk]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_heard_import_prints_rows_as_taken_plus_dead_letters(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, posts = EXPECTED[name]
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'import.db'}")
    args = ["import", str(MALFORMED / name), "--format", _format(name), "--no-process"]
    first = CliRunner().invoke(build(), args)
    assert first.exit_code == 0, first.output
    dead = rows - posts
    assert f"{rows} rows = {posts} taken (0 already imported) + {dead} dead letters ({dead} new)" in first.stdout
    again = CliRunner().invoke(build(), args)
    assert f"{rows} rows = {posts} taken ({posts} already imported) + {dead} dead letters (0 new)" in again.stdout


def test_reimporting_records_no_dead_letter_again(runtime: Runtime) -> None:
    path = MALFORMED / "short_and_bad.csv"
    first = import_file(runtime, path, "twcs")
    again = import_file(runtime, path, "twcs")
    assert first.accounted
    assert again.accounted
    assert (first.new_dead_letters, again.new_dead_letters) == (5, 0)
    with runtime.sessions() as session:
        assert session.execute(select(func.count()).select_from(DeadLetter)).scalar_one() == 5
    announced = [name for name, _ in map(decode_event, (r.payload for r in runtime.log.read(EVENTS_TOPIC)))]
    assert announced.count("dead_letter.recorded") == 5
