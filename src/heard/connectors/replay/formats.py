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
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        if fmt == "twcs":
            yield from read_twcs(handle, channel)
        elif fmt == "jsonl":
            yield from read_jsonl(handle, channel)
        else:
            raise ValueError(f"unknown format {fmt!r}: use twcs or jsonl")


def read_twcs(handle: io.TextIOBase | io.StringIO, channel: str | None = None) -> Iterator[Row]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield BadInput(f"header is not CSV: {exc}", "")
        return
    missing = [c for c in TWCS_COLUMNS if c not in header]
    if missing:
        yield BadInput(f"not a twcs file: missing columns {', '.join(missing)}", ",".join(header)[:2000])
        return
    index = {name: header.index(name) for name in TWCS_COLUMNS}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadInput(f"line {reader.line_num}: broken CSV: {exc}", "")
            continue
        if not row:
            continue
        yield _twcs_row(row, index, reader.line_num, channel)


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
    return RawPost(
        network="twitter",
        external_id=tweet_id,
        author_id=author,
        author_handle=author,
        text=row[index["text"]][:MAX_TEXT_CHARS],
        created_at=created,
        is_brand=inbound == "false",
        in_reply_to=parent or None,
        permalink=f"https://twitter.com/{author}/status/{tweet_id}" if inbound == "false" else None,
        channel=channel,
    )


def read_jsonl(handle: io.TextIOBase | io.StringIO, channel: str | None = None) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            yield BadInput(f"line {number}: not JSON: {exc}", line.rstrip("\n"))
            continue
        if not isinstance(data, dict):
            yield BadInput(f"line {number}: not a JSON object", line.rstrip("\n"))
            continue
        if channel and not data.get("channel"):
            data["channel"] = channel
        try:
            yield raw_post_from_mapping(data, raw=line.rstrip("\n"))
        except BadInput as exc:
            yield BadInput(f"line {number}: {exc.reason}", exc.raw)


def write_jsonl(posts: list[RawPost], path: Path) -> None:
    """The inverse of read_jsonl, for exports and generated benchmark data."""
    with path.open("wb") as handle:
        for post in posts:
            handle.write(post.to_json() + b"\n")
