"""Maps a channel kind to its connector class. Built-ins load exactly like third-party plugins."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from heard.connectors.base import Connector
from heard.errors import MissingExtra

#: Modules that register the connectors shipped with Heard; imported on first use.
BUILTIN_CONNECTORS: tuple[str, ...] = (
    "heard.connectors.replay.connector",
    "heard.connectors.mastodon.connector",
    "heard.connectors.x.connector",
    "heard.connectors.bluesky.connector",
    "heard.connectors.reddit.connector",
    "heard.connectors.youtube.connector",
    "heard.connectors.facebook.connector",
    "heard.connectors.linkedin.connector",
)

_REGISTRY: dict[str, type[Connector]] = {}
_loaded = False


def register(cls: type[Connector]) -> type[Connector]:
    _REGISTRY[cls.kind] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_CONNECTORS:
        try:
            importlib.import_module(module)
        except MissingExtra:
            continue  # reported when that kind is asked for
    for entry in entry_points(group="heard.connectors"):
        entry.load()


def connector_class(kind: str) -> type[Connector]:
    _load()
    try:
        return _REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"no connector for {kind!r} (known: {known})") from None


def known_kinds() -> list[str]:
    _load()
    return sorted(_REGISTRY)
