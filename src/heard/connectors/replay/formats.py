"""Readers for export files. Each yields RawPost or BadInput per row, in file order, and never raises on a
bad row: the import goes on and the caller records what was set aside.

Formats:
- ``twcs``: the Kaggle "Customer Support on Twitter" CSV (tweet_id, author_id, inbound, created_at, text,
  response_tweet_id, in_response_to_tweet_id). ``inbound`` False marks the brand's own tweets.
- ``jsonl``: one JSON object a line with the fields of `heard.posts.RawPost` (see docs/formats.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

from heard.clock import as_utc
from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, in_range, raw_post_from_mapping

Format = Literal["twcs", "jsonl"]
Row = RawPost | BadInput

TWCS_COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
_TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"
# A hostile file can hold one enormous field; the csv module's default limit would abort the whole file.
csv.field_size_limit(16 * 1024 * 1024)


def read_file(path: Path, fmt: Format, channel: str | None = None) -> Iterator[Row]:
    # utf-8-sig: a spreadsheet's byte-order mark would otherwise glue itself to the first column's name.
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        if fmt == "twcs":
            yield from read_twcs(handle, channel)
        elif fmt == "jsonl":
            yield from read_jsonl(handle, channel)
        else:
            raise ValueError(f"unknown format {fmt!r}: use twcs or jsonl")


def read_text(text: str, fmt: Format, channel: str | None = None) -> Iterator[Row]:
    """The same readers over text already in memory (an API push): the same line endings are lines (newline="",
    so CR-only files split as they do from disk) and a byte-order mark is dropped."""
    handle = io.StringIO(text.removeprefix("\ufeff"), newline="")
    if fmt == "twcs":
        return read_twcs(handle, channel)
    return read_jsonl(handle, channel)


#: A line that starts a twcs row: id, author, inbound. Met inside a quoted field, it means the quote was
#: never closed, and the broken row must not swallow the rows after it.
_TWCS_ROW_START = re.compile(r"\d+,[^,\"\r\n]*,(?:True|False),", re.IGNORECASE)
#: The most physical lines one quoted record may span (a long multi-line tweet has a few dozen).
_MAX_RECORD_LINES = 500


def read_twcs(handle: io.TextIOBase | io.StringIO, channel: str | None = None) -> Iterator[Row]:
    """One Row for every record of the file, in order: a record is one line, or several where a quoted field
    holds line breaks. A record whose quote is never closed is one dead letter, and the next line that starts
    a row starts the next record (the csv module alone would read on to the next quote, rows and all)."""
    records = _twcs_records(handle)
    first = next(records, None)
    if first is None:
        return
    header_lines, _, _ = first
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(csv.reader(header_lines))]
    except (csv.Error, StopIteration) as exc:
        yield BadInput(f"header is not CSV: {exc}", "".join(header_lines)[:2000])
        return
    missing = [c for c in TWCS_COLUMNS if c not in header]
    if missing:
        yield BadInput(f"not a twcs file: missing columns {', '.join(missing)}", ",".join(header)[:2000])
        return
    index = {name: header.index(name) for name in TWCS_COLUMNS}
    for lines, line_num, closed in records:
        raw = "".join(lines).rstrip("\r\n")
        if not closed:
            yield BadInput(f"line {line_num}: a quoted field is never closed", raw)
            continue
        try:
            row = next(csv.reader(lines))
        except (csv.Error, StopIteration) as exc:
            yield BadInput(f"line {line_num}: broken CSV: {exc}", raw)
            continue
        yield _twcs_row(row, index, line_num, channel)


def _twcs_records(handle: io.TextIOBase | io.StringIO) -> Iterator[tuple[list[str], int, bool]]:
    """(physical lines, number of the first, whether its quotes closed) for each non-blank record. Quotes are
    counted: a CSV writer doubles every quote inside a quoted field, so a record is whole when the count is
    even."""
    lines: list[str] = []
    quotes = 0
    start = 0
    for number, line in enumerate(handle, start=1):
        if lines and quotes % 2 and (_TWCS_ROW_START.match(line) or len(lines) >= _MAX_RECORD_LINES):
            yield lines, start, False
            lines, quotes = [], 0
        if not lines:
            if not line.strip():
                continue
            start = number
        lines.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            yield lines, start, True
            lines, quotes = [], 0
    if lines:
        yield lines, start, False


def _twcs_row(row: list[str], index: dict[str, int], line: int, channel: str | None) -> Row:
    raw = ",".join(row)
    if len(row) < len(TWCS_COLUMNS):
        return BadInput(f"line {line}: expected {len(TWCS_COLUMNS)} columns, found {len(row)}", raw)
    tweet_id = row[index["tweet_id"]].strip()
    author = row[index["author_id"]].strip()
    if not tweet_id or not author:
        return BadInput(f"line {line}: tweet_id and author_id are required", raw)
    inbound = row[index["inbound"]].strip().lower()
    if inbound not in {"true", "false"}:
        return BadInput(f"line {line}: inbound must be True or False, not {inbound[:20]!r}", raw)
    try:
        created = as_utc(datetime.strptime(row[index["created_at"]].strip(), _TWCS_TIME))
    except ValueError:
        return BadInput(f"line {line}: created_at {row[index['created_at']][:40]!r} is not a twcs time", raw)
    try:
        created = in_range(created, raw)
    except BadInput as exc:
        return BadInput(f"line {line}: {exc.reason}", raw)
    parent = row[index["in_response_to_tweet_id"]].strip()
    if parent.endswith(".0"):  # pandas wrote these ids as floats in some copies of the file
        parent = parent[:-2]
    fields = {
        "network": "twitter",
        "external_id": tweet_id,
        "author_id": author,
        "text": row[index["text"]][:MAX_TEXT_CHARS],
        "created_at": created,
        "is_brand": inbound == "false",
        "in_reply_to": parent or None,
        "permalink": f"https://twitter.com/{author}/status/{tweet_id}" if inbound == "false" else None,
        "channel": channel,
    }
    try:  # the same checks as every other source (lengths, unstorable characters)
        return raw_post_from_mapping(fields, raw)
    except BadInput as exc:
        return BadInput(f"line {line}: {exc.reason}", raw)


def read_jsonl(handle: io.TextIOBase | io.StringIO, channel: str | None = None) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        raw = line.rstrip("\r\n")
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: a line of ten thousand "["
            yield BadInput(f"line {number}: not JSON: {str(exc)[:200]}", raw)
            continue
        if not isinstance(data, dict):
            yield BadInput(f"line {number}: not a JSON object", raw)
            continue
        if channel and not data.get("channel"):
            data["channel"] = channel
        try:
            yield raw_post_from_mapping(data, raw=raw)
        except BadInput as exc:
            yield BadInput(f"line {number}: {exc.reason}", exc.raw)


def write_jsonl(posts: list[RawPost], path: Path) -> None:
    """The inverse of read_jsonl, for exports and generated benchmark data."""
    with path.open("wb") as handle:
        for post in posts:
            handle.write(post.to_json() + b"\n")
