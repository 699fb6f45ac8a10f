"""Readers for the labelled data the models train and are measured on.

Complaints: CSV with `text` and `label` (1 = complaint), other columns ignored. TweetEval: one tweet a line
and an aligned labels file (0 negative, 1 neutral, 2 positive). Airline tweets: Crowdflower Tweets.csv with
`airline_sentiment` and `negativereason`. Bad rows are skipped and counted, never fatal.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from heard.errors import BadInput

SENTIMENTS = ["negative", "neutral", "positive"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Labelled:
    """Texts with integer labels, and how many input rows were skipped as unusable."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    skipped: int = 0
    extra: list[dict[str, str]] = field(default_factory=list)


def _open_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from exc


def read_complaints(path: Path) -> Labelled:
    rows = _open_csv(path)
    if rows and ("text" not in rows[0] or "label" not in rows[0]):
        raise BadInput(f"{path} needs the columns text and label (1 = complaint)")
    out = Labelled()
    for row in rows:
        label = (row.get("label") or "").strip()
        if label not in {"0", "1"} or row.get("text") is None:
            out.skipped += 1
            continue
        out.texts.append(row["text"])
        out.labels.append(int(label))
        out.extra.append(row)
    return out


def read_tweeteval(text_path: Path, labels_path: Path) -> Labelled:
    try:
        texts = text_path.read_text(encoding="utf-8", errors="replace").split("\n")
        labels = labels_path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError as exc:
        raise BadInput(f"cannot read {exc.filename}: {exc.strerror}") from exc
    labels = [x.strip() for x in labels if x.strip()]
    texts = texts[: len(labels)]
    if len(texts) != len(labels):
        raise BadInput(f"{text_path} has {len(texts)} lines but {labels_path} has {len(labels)} labels")
    out = Labelled()
    for text, label in zip(texts, labels, strict=True):
        if label not in {"0", "1", "2"}:
            out.skipped += 1
            continue
        out.texts.append(text)
        out.labels.append(int(label))
    return out


def read_airline(path: Path) -> Labelled:
    """Airline tweets with sentiment labels; `extra` keeps each row (negativereason, retweet_count, ...)."""
    out = Labelled()
    for row in _open_csv(path):
        sentiment = (row.get("airline_sentiment") or "").strip()
        if sentiment not in SENTIMENTS or not row.get("text"):
            out.skipped += 1
            continue
        out.texts.append(row["text"])
        out.labels.append(SENTIMENTS.index(sentiment))
        out.extra.append(row)
    return out
