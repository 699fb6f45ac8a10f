"""Real agent replies from TwACS (Perkins & Yang 2019): each reply with the post it answered and what the customer
said next. The `context` column holds turns as `<cust__ ... __cust>` and `<rep__ ... __rep>`; handles are masked as
`__company__` / `__cust__`."""

from __future__ import annotations

import csv
import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from heard.errors import BadInput

_TURN = re.compile(r"<(cust|rep)__(.*?)__\1>", re.DOTALL)
_MASK = re.compile(r"__(company|cust)__")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One real agent reply: the customer turn it answered, the reply, and the customer's next turn."""

    conversation: str
    post: str
    reply: str
    next_turn: str
    #: The turns before the reply, oldest first, as ("customer" | "brand", text); the post is the last of them.
    thread: tuple[tuple[str, str], ...] = ()


def turns(text: str) -> list[tuple[str, str]]:
    """The (speaker, text) turns in a TwACS field, masks removed, HTML entities decoded."""
    return [(m.group(1), _tidy(m.group(2))) for m in _TURN.finditer(text)]


def _tidy(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_MASK.sub(" ", text))).strip()


def exchanges(row: dict[str, str]) -> Iterator[Exchange]:
    """Every reply in one conversation that the customer answered."""
    said = turns(row.get("first_utterance") or "") + turns(row.get("context") or "")
    conversation = str(row.get("first_tweet_id") or "")
    for i in range(1, len(said) - 1):
        speaker, reply = said[i]
        if speaker == "rep" and said[i - 1][0] == "cust" and said[i + 1][0] == "cust" and reply:
            thread = tuple(("customer" if who == "cust" else "brand", text) for who, text in said[:i])
            yield Exchange(conversation, said[i - 1][1], reply, said[i + 1][1], thread)


def read_exchanges(path: Path, limit: int | None = None) -> list[Exchange]:
    """All answered replies in a TwACS conversations CSV; a missing file, or one without its columns, is refused
    clearly."""
    if not path.is_file():
        raise BadInput(f"{path} is not a file")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    found: list[Exchange] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"first_utterance", "context"} <= set(reader.fieldnames):
            raise BadInput(f"{path} has no first_utterance and context columns (is it TwACS conversations.csv?)")
        for row in reader:
            found.extend(exchanges(row))
            if limit is not None and len(found) >= limit:
                return found[:limit]
    return found
