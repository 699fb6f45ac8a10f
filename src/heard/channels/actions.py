"""Channels: the network accounts Heard listens to and answers through. Credentials are encrypted at rest
(`heard.connectors.credentials`); what a channel reads is its listening rules (handles, keywords, hashtags,
and hashtags accepted from discovery); the listen loop stores each channel's cursor and health here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import Channel
from heard.connectors.base import ChannelConfig, ListeningRules
from heard.connectors.credentials import decrypt_options, encrypt_options, redacted
from heard.connectors.registry import connector_class
from heard.errors import Refused

HEALTHS = ("unknown", "ok", "rate_limited", "down", "auth_failed", "reconnect_needed", "misconfigured", "error")


class ChannelProblem(Refused):
    """A channel cannot be added or found as asked; the message says what to change."""


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """A channel as the UI and CLI show it: never its credentials."""

    id: int
    kind: str
    name: str
    handle: str | None
    health: str
    health_detail: str | None
    cursor: str | None
    rules: ListeningRules
    options: dict[str, Any]


def _split(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out += [v.strip() for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


def add_channel(
    session: Session,
    *,
    kind: str,
    name: str,
    options: Mapping[str, Any],
    secret_key: str,
    now: datetime,
    handle: str | None = None,
    rules: ListeningRules | None = None,
    brand_handles: Iterable[str] = (),
) -> Channel:
    try:
        cls = connector_class(kind)
    except KeyError as exc:
        raise ChannelProblem(str(exc.args[0])) from exc
    missing = [o for o in cls.required_options if not options.get(o)]
    if missing:
        raise ChannelProblem(f"a {kind} channel needs {', '.join('--' + m.replace('_', '-') for m in missing)}")
    if session.execute(select(Channel.id).where(Channel.name == name)).first():
        raise ChannelProblem(f"a channel named {name!r} exists already: pick another --name or remove it first")
    rules = rules or ListeningRules()
    config = {
        "options": encrypt_options(dict(options), secret_key, cls.secret_options),
        "rules": {"handles": list(rules.handles), "keywords": list(rules.keywords), "hashtags": list(rules.hashtags)},
        "brand_handles": list(_split(brand_handles)),
    }
    channel = Channel(kind=kind, name=name, handle=handle, config=config, health="unknown", created_at=now)
    session.add(channel)
    session.flush()
    return channel


def _rules(config: Mapping[str, Any]) -> ListeningRules:
    rules = config.get("rules") or {}
    return ListeningRules(
        handles=_split(rules.get("handles") or ()),
        keywords=_split(rules.get("keywords") or ()),
        hashtags=_split(rules.get("hashtags") or ()),
    )


def channel_config(channel: Channel, secret_key: str, brand_handles: Iterable[str] = ()) -> ChannelConfig:
    """What a connector needs, credentials decrypted (Misconfigured when the secret key changed)."""
    config = channel.config or {}
    return ChannelConfig(
        name=channel.name,
        kind=channel.kind,
        handle=channel.handle,
        brand_handles=_split([*brand_handles, *(config.get("brand_handles") or [])]),
        rules=_rules(config),
        options=decrypt_options(config.get("options") or {}, secret_key),
    )


def to_row(channel: Channel) -> ChannelRow:
    config = channel.config or {}
    try:
        secrets = connector_class(channel.kind).secret_options
    except KeyError:
        secrets = frozenset()
    return ChannelRow(
        channel.id,
        channel.kind,
        channel.name,
        channel.handle,
        channel.health,
        channel.health_detail,
        channel.cursor,
        _rules(config),
        redacted(config.get("options") or {}, secrets),
    )


def list_channels(session: Session) -> list[ChannelRow]:
    return [to_row(c) for c in session.scalars(select(Channel).order_by(Channel.name))]


def get_channel(session: Session, name: str) -> Channel:
    channel = session.scalars(select(Channel).where(Channel.name == name)).first()
    if channel is None:
        raise ChannelProblem(f"no channel named {name!r} (see `heard channels list`)")
    return channel


def remove_channel(session: Session, name: str) -> None:
    session.delete(get_channel(session, name))


def accept_hashtags(session: Session, name: str, hashtags: Iterable[str]) -> ListeningRules:
    """Add hashtags (for example, ones discovery suggested) to what a channel listens for."""
    channel = get_channel(session, name)
    config = dict(channel.config or {})
    rules = dict(config.get("rules") or {})
    tags = [t.lstrip("#").lower() for t in _split(hashtags)]
    rules["hashtags"] = list(dict.fromkeys([*(rules.get("hashtags") or []), *tags]))
    config["rules"] = rules
    channel.config = config  # a new dict, so SQLAlchemy sees the JSON change
    return _rules(config)


def request_backfill(session: Session, name: str, hashtags: Iterable[str], since: datetime) -> None:
    """Ask the listen loop to back-fill `hashtags` on this channel at its next read (the web app cannot wait on
    a network search inside a request)."""
    channel = get_channel(session, name)
    config = dict(channel.config or {})
    pending = list(config.get("backfill") or [])
    pending.append({"hashtags": [t.lstrip("#").lower() for t in _split(hashtags)], "since": since.isoformat()})
    config["backfill"] = pending[-20:]
    channel.config = config


def take_backfills(session: Session, channel_id: int) -> list[tuple[tuple[str, ...], datetime]]:
    """The back-fills asked for on this channel, removed from it: (hashtags, since) each."""
    channel = session.get(Channel, channel_id)
    if channel is None or not (channel.config or {}).get("backfill"):
        return []
    config = dict(channel.config or {})
    pending = config.pop("backfill")
    channel.config = config
    out = []
    for item in pending if isinstance(pending, list) else []:
        try:
            out.append((tuple(str(t) for t in item["hashtags"]), datetime.fromisoformat(str(item["since"]))))
        except (KeyError, TypeError, ValueError):
            continue  # a hand-edited entry that makes no sense is dropped, not retried forever
    return out


def store_credentials(session: Session, channel_id: int, renewed: Mapping[str, Any], secret_key: str) -> None:
    """Keep what a connector's credential renewal returned (a new access token, a rotated refresh token, the new
    expiry), encrypted like every credential, so the next connector built for the channel starts from it.
    X and Reddit rotate refresh tokens: the old one is spent, so losing the new one would lose the channel."""
    channel = session.get(Channel, channel_id)
    if channel is None or not renewed:
        return
    config = dict(channel.config or {})
    try:
        secrets = connector_class(channel.kind).secret_options
    except KeyError:
        secrets = frozenset()
    options = dict(config.get("options") or {})
    options.update(encrypt_options(dict(renewed), secret_key, secrets))
    config["options"] = options
    channel.config = config  # a new dict, so the JSON column is seen as changed


def stored_options(session: Session, channel_id: int, secret_key: str) -> dict[str, Any]:
    """A channel's options as stored now, decrypted (what a connector compares its own credentials with)."""
    channel = session.get(Channel, channel_id)
    return decrypt_options((channel.config or {}).get("options") or {}, secret_key) if channel else {}


def record_health(
    session: Session,
    channel_id: int,
    health: str,
    detail: str | None,
    cursor: str | None = None,
    move_cursor: bool = False,
) -> None:
    """Store a read's outcome; the cursor moves only when `move_cursor` (after its posts are on the log)."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        return
    channel.health = health if health in HEALTHS else "error"
    channel.health_detail = detail[:2000] if detail else None
    if move_cursor:
        channel.cursor = cursor
