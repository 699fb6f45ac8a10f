"""What a rule does to the conversation of a post it matched: tag, give to a team, raise priority, snooze,
notify (a `rule.matched` event, which webhooks and the live pages receive)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from heard.errors import BadInput

MAX_TAGS = 10
MAX_SNOOZE_HOURS = 24 * 30
_TAG = re.compile(r"^[\w][\w .-]{0,47}$", re.UNICODE)


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed, lower case, at most 48 characters of letters, digits, space, dot, dash."""
    value = " ".join(str(tag).split()).lower().lstrip("#")
    if not _TAG.match(value):
        raise BadInput(f"{value[:40]!r} is not a tag: letters, digits, space, dot or dash, up to 48 characters")
    return value


@dataclass(frozen=True, slots=True)
class Actions:
    tags: tuple[str, ...] = ()
    team_id: int | None = None
    #: Raise the conversation's priority to at least this (0-3); never lowers it.
    priority: int | None = None
    snooze_hours: float | None = None
    notify: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Actions:
        raw_tags = data.get("tags") or ()
        if isinstance(raw_tags, str):
            raw_tags = [t for t in raw_tags.split(",") if t.strip()]
        tags = tuple(dict.fromkeys(clean_tag(t) for t in list(raw_tags)[:MAX_TAGS]))
        team = data.get("team_id")
        priority = data.get("priority")
        snooze = data.get("snooze_hours")
        try:
            team_id = int(team) if team not in (None, "") else None
            level = int(priority) if priority not in (None, "") else None
            hours = float(snooze) if snooze not in (None, "") else None
        except (TypeError, ValueError) as exc:
            raise BadInput("team_id, priority and snooze_hours are numbers") from exc
        if level is not None and not 0 <= level <= 3:
            raise BadInput("priority: 0 to 3")
        if hours is not None and not 0 < hours <= MAX_SNOOZE_HOURS:
            raise BadInput(f"snooze_hours: more than 0, at most {MAX_SNOOZE_HOURS}")
        notify = data.get("notify") in (True, "true", "on", "yes", "1")
        made = cls(tags, team_id, level, hours, notify)
        if not made.to_json():
            raise BadInput("a rule needs at least one action")
        return made

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.tags:
            out["tags"] = list(self.tags)
        for name in ("team_id", "priority", "snooze_hours"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.notify:
            out["notify"] = True
        return out
