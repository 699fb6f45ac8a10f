"""Value types every part of Heard speaks: the raw post a connector reads and the normalised Post.

A RawPost crosses the event log as JSON, so `to_json`/`from_json` are the wire format of "posts.raw";
`from_json` is where hostile input is first checked, and it raises BadInput rather than guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from heard.clock import as_utc
from heard.errors import BadInput

#: The longest text Heard keeps for a post. Longer text is cut, and the post says so, rather than refused:
#: a customer's long complaint is still a complaint. Networks cap far below this (X 25k for premium).
MAX_TEXT_CHARS = 40_000
_MAX_ID_CHARS = 128
#: A post whose complaint probability reaches this is read as a complaint wherever a yes or no is needed (the
#: queue's reason line, the radar, rules, reports); the judge keeps its own tuned threshold for its labels.
COMPLAINT_AT = 0.5
MAX_FOLLOWERS = 2**31 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """Text every backend can store: lone surrogates (JSON allows "\\udcff") cannot be encoded as UTF-8, and
    PostgreSQL refuses NUL in text, so both become U+FFFD."""
    if text.isascii() and "\x00" not in text:
        return text  # the common case, found by two scans in C instead of a regex
    return _UNSTORABLE.sub("\ufffd", text)


_MAX_NAME_CHARS = 256
#: A network name is a word of Heard's own vocabulary ("x", "mastodon", "twitter"). The post key joins it to the
#: post's id with ":", so a name with ":" in it could make two posts one key ("a:b" + "c" and "a" + "b:c").
_NETWORK = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
#: The times a post can claim. Older than the first social network or later than this century is a broken
#: export or a hostile payload: a date near year 9999 has no room for the arithmetic every page does on it
#: (SLA targets, windows), so one such post made each page that showed it fail.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RawPost:
    """One item as a connector read it, before Heard cleaned it up."""

    network: str
    external_id: str
    author_id: str
    author_handle: str
    text: str
    created_at: datetime
    is_brand: bool = False
    in_reply_to: str | None = None
    quote_of: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    is_public: bool = True
    permalink: str | None = None
    language: str | None = None
    channel: str | None = None

    @property
    def key(self) -> str:
        """The identity of a post across redeliveries and re-imports."""
        return f"{self.network}:{self.external_id}"

    def to_json(self) -> bytes:
        text = _ENCODER.encode(self.to_mapping())
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # A connector passed on a lone surrogate (JSON allows "\\udcff"): it becomes U+FFFD, as storing it
            # would make it anyway, rather than failing the whole append.
            return storable(text).encode("utf-8")

    def to_mapping(self) -> dict[str, Any]:
        """The JSON-ready fields (what `raw_post_from_mapping` reads back)."""
        data = {name: getattr(self, name) for name in _RAW_FIELDS}
        data["created_at"] = self.created_at.isoformat()
        return data

    @classmethod
    def from_json(cls, payload: bytes | str) -> RawPost:
        return raw_post_from_mapping(_json_object(payload), raw=_preview(payload))


def _json_object(payload: bytes | str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: thousands of "[" deep
        raise BadInput(f"payload is not JSON: {str(exc)[:200]}", _preview(payload)) from exc
    if not isinstance(data, dict):
        raise BadInput("payload is not a JSON object", _preview(payload))
    return data


_RAW_FIELDS = tuple(f.name for f in fields(RawPost))
# One encoder for every post: json.dumps with options builds a new encoder on each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _preview(payload: bytes | str) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    return payload


def _required_str(data: dict[str, Any], name: str, raw: str, limit: int = _MAX_ID_CHARS) -> str:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"field '{name}' is missing or empty", raw)
    if len(value) > limit:
        raise BadInput(f"field '{name}' is longer than {limit} characters", raw)
    return storable(value.strip())


def _optional_str(data: dict[str, Any], name: str, raw: str, limit: int = _MAX_NAME_CHARS) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadInput(f"field '{name}' must be a string", raw)
    return storable(value[:limit])


def parse_time(value: object, raw: str = "") -> datetime:
    """ISO 8601 (with or without zone; naive means UTC) or a Unix timestamp, between EARLIEST and LATEST."""
    return in_range(_parse_time(value, raw), raw)


def in_range(when: datetime, raw: str = "") -> datetime:
    """`when`, or BadInput when it lies outside [EARLIEST, LATEST): refused rather than clamped, because a
    clamped date would put the post at a time it never had; the dead letter keeps it whole."""
    if not EARLIEST <= when < LATEST:
        raise BadInput(f"created_at {when.isoformat()} is outside {EARLIEST.year}-{LATEST.year - 1}", raw)
    return when


def _parse_time(value: object, raw: str) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise BadInput(f"timestamp {value!r} is out of range", raw) from exc
    if isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        try:
            return as_utc(datetime.fromisoformat(text))
        except (ValueError, OverflowError) as exc:
            raise BadInput(f"created_at {value[:40]!r} is not an ISO 8601 time", raw) from exc
    raise BadInput("field 'created_at' is missing", raw)


def network_name(value: str, raw: str = "") -> str:
    """The network name lower-cased, or BadInput for one that is not a plain word (see _NETWORK)."""
    name = value.strip().lower()
    if not _NETWORK.fullmatch(name):
        raise BadInput(f"network {value[:40]!r} is not a name of letters, digits, '_', '.' or '-'", raw)
    return name


def raw_post_from_mapping(data: dict[str, Any], raw: str = "") -> RawPost:
    """Build a RawPost from a decoded mapping, checking every field a hostile payload could get wrong."""
    text = data.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise BadInput("field 'text' must be a string", raw)
    text = storable(text)
    followers = data.get("author_followers")
    if followers is not None and (isinstance(followers, bool) or not isinstance(followers, int) or followers < 0):
        raise BadInput("field 'author_followers' must be a non-negative integer", raw)
    if followers is not None:
        # Reach is a 32-bit column; no account comes near it, and a post is worth keeping even when its count
        # is absurd, so it is held at the edge instead of failing the store of the whole batch.
        followers = min(followers, MAX_FOLLOWERS)
    handle = _optional_str(data, "author_handle", raw) or _required_str(data, "author_id", raw)
    return RawPost(
        network=network_name(_required_str(data, "network", raw, 32), raw),
        external_id=_required_str(data, "external_id", raw),
        author_id=_required_str(data, "author_id", raw),
        author_handle=handle,
        text=text[:MAX_TEXT_CHARS],
        created_at=parse_time(data.get("created_at"), raw),
        is_brand=_as_bool(data.get("is_brand", False)),
        in_reply_to=_optional_str(data, "in_reply_to", raw, _MAX_ID_CHARS),
        quote_of=_optional_str(data, "quote_of", raw, _MAX_ID_CHARS),
        author_name=_optional_str(data, "author_name", raw),
        author_followers=followers,
        is_public=_as_bool(data.get("is_public", True)),
        permalink=_optional_str(data, "permalink", raw, 2048),
        language=_optional_str(data, "language", raw, 16),
        channel=_optional_str(data, "channel", raw),
    )


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y"}
    return bool(value)


@dataclass(slots=True)
class Post:
    """A normalised post. Stages after normalize fill the judgement fields; None means not judged yet."""

    raw: RawPost
    text: str
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    language: str | None = None
    truncated: bool = False
    # Judgements (filled by the understanding stage).
    complaint: float | None = None
    intents: tuple[str, ...] = ()
    sentiment: str | None = None
    sentiment_score: float | None = None
    topic: str | None = None
    urgency: int | None = None
    urgency_reasons: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.raw.key

    @property
    def network(self) -> str:
        return self.raw.network

    @property
    def external_id(self) -> str:
        return self.raw.external_id

    @property
    def created_at(self) -> datetime:
        return self.raw.created_at

    @property
    def is_brand(self) -> bool:
        return self.raw.is_brand

    def to_judged_json(self) -> bytes:
        """The stored post with its judgements: the wire format of "posts.judged", which a radar running apart
        from the pipeline workers reads (`HEARD_RADAR_MODE=separate`)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in _JUDGED_FIELDS}
        data["raw"] = self.raw.to_mapping()
        incident = self.extra.get("incident_id")
        data["incident_id"] = incident if isinstance(incident, int) else None
        brands = self.extra.get("brands")
        data["brands"] = [str(b) for b in brands] if isinstance(brands, list) else []
        return _ENCODER.encode(data).encode("utf-8")

    @classmethod
    def from_judged_json(cls, payload: bytes | str) -> Post:
        """Read `to_judged_json` back; BadInput for anything else (the radar sets it aside as a dead letter)."""
        data = _json_object(payload)
        if not isinstance(data.get("raw"), dict):
            raise BadInput("payload is not a judged post", _preview(payload))
        raw = raw_post_from_mapping(data["raw"], raw=_preview(payload))
        try:
            post = cls(
                raw=raw,
                text=str(data.get("text", raw.text)),
                hashtags=tuple(str(t) for t in data.get("hashtags") or ()),
                mentions=tuple(str(m) for m in data.get("mentions") or ()),
                urls=tuple(str(u) for u in data.get("urls") or ()),
                language=_optional(data.get("language"), str),
                truncated=bool(data.get("truncated", False)),
                complaint=_optional(data.get("complaint"), float),
                intents=tuple(str(i) for i in data.get("intents") or ()),
                sentiment=_optional(data.get("sentiment"), str),
                sentiment_score=_optional(data.get("sentiment_score"), float),
                topic=_optional(data.get("topic"), str),
                urgency=_optional(data.get("urgency"), int),
                urgency_reasons=tuple(str(r) for r in data.get("urgency_reasons") or ()),
            )
        except (TypeError, ValueError) as exc:
            raise BadInput(f"judged post has a malformed field: {exc}", _preview(payload)) from exc
        incident = data.get("incident_id")
        if isinstance(incident, int) and not isinstance(incident, bool):
            post.extra["incident_id"] = incident
        brands = data.get("brands")
        if isinstance(brands, list) and brands:
            post.extra["brands"] = [str(b)[:64] for b in brands[:8]]
        return post


_JUDGED_FIELDS = (
    "text",
    "hashtags",
    "mentions",
    "urls",
    "language",
    "truncated",
    "complaint",
    "intents",
    "sentiment",
    "sentiment_score",
    "topic",
    "urgency",
    "urgency_reasons",
)


def _optional(value: Any, kind: Callable[[Any], Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        raise ValueError(f"unexpected {type(value).__name__}")
    return kind(value)
