"""Fuzz targets for both import formats (issue 21): any file gives one row per record, each a post that crosses
the event log or a dead letter with a reason, and the reader never raises."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given
from hypothesis import strategies as st

from heard.connectors.replay.formats import TWCS_COLUMNS, read_text
from heard.errors import BadInput
from heard.posts import RawPost
from tests.fuzz.strategies import FUZZ, HOSTILE_TEXT, LEAVES

HEADER = ",".join(TWCS_COLUMNS)
CELLS = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(['"', '""', '"a,b"', "True", "False", "Tue Oct 31 22:10:47 +0000 2017", "12", "\r", "\n"]),
    st.text(alphabet=st.sampled_from('ab1,"\r\n \x00é\u202e'), max_size=12),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=9).map(",".join), max_size=8)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


def _crosses(row: object) -> None:
    assert isinstance(row, RawPost | BadInput)
    if isinstance(row, RawPost):
        with contextlib.suppress(BadInput):  # refused where the pipeline reads it: a dead letter
            RawPost.from_json(row.to_json())


def _lines(text: str) -> int:
    """Non-blank physical lines, split as the readers split them (\\n, \\r\\n or \\r)."""
    return sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())


@FUZZ
@given(ROWS, ENDINGS, st.booleans())
def test_any_twcs_file_is_rows_of_posts_or_dead_letters(rows: list[str], ending: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + ending.join([HEADER, *rows]) + ending
    found = list(read_text(text, "twcs"))
    for row in found:
        _crosses(row)
    assert len(found) <= max(_lines(text) - 1, 1)  # never more rows than lines; a record may span several


JSON_LINES = st.lists(
    st.one_of(
        st.dictionaries(
            st.sampled_from(["network", "external_id", "author_id", "author_handle", "text", "created_at", "x"]),
            LEAVES,
        ).map(json.dumps),
        st.text(max_size=30),
        st.sampled_from(["[" * 3000, "{}", "null", '{"network": "a:b"}']),
    ),
    max_size=8,
)


@FUZZ
@given(JSON_LINES, ENDINGS)
def test_any_jsonl_file_is_one_row_per_line(lines: list[str], ending: str) -> None:
    lines = [line for line in lines if "\n" not in line and "\r" not in line]
    text = ending.join(lines) + ending
    found = list(read_text(text, "jsonl"))
    for row in found:
        _crosses(row)
    assert len(found) == _lines(text)
