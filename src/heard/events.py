"""Domain events: typed, named `noun.past_verb`, published after the transaction that caused them commits.

They travel on the "events" topic of the event log, which is what the web app's SSE stream tails, so a web
process sees what a worker process did.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

EVENTS_TOPIC = "events"
POSTS_TOPIC = "posts.raw"
#: Stored posts with their judgements, for a radar that runs apart from the pipeline workers.
JUDGED_TOPIC = "posts.judged"


@dataclass(frozen=True, slots=True)
class Event:
    name: ClassVar[str] = "event"

    def to_json(self) -> bytes:
        return json.dumps({"name": self.name, "data": asdict(self)}, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class PostsStored(Event):
    """A batch of posts was stored; carries counts, not posts, so the events topic stays small."""

    name: ClassVar[str] = "posts.stored"
    count: int
    conversations: int
    #: the conversations the batch opened or added to (one event per batch, not one per conversation: a
    #: replay touches thousands and each event is a row on the log)
    conversation_ids: tuple[int, ...] = ()
    opened_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ConversationUpdated(Event):
    name: ClassVar[str] = "conversation.updated"
    conversation_id: int


@dataclass(frozen=True, slots=True)
class DeadLettered(Event):
    name: ClassVar[str] = "dead_letter.recorded"
    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class ConversationAssigned(Event):
    """assignee_id None: unassigned."""

    name: ClassVar[str] = "conversation.assigned"
    conversation_id: int
    assignee_id: int | None
    by_agent_id: int


@dataclass(frozen=True, slots=True)
class ConversationStatusChanged(Event):
    """snoozed_until is an ISO 8601 UTC time when status is snoozed, else None."""

    name: ClassVar[str] = "conversation.status_changed"
    conversation_id: int
    status: str
    snoozed_until: str | None
    by_agent_id: int


@dataclass(frozen=True, slots=True)
class NoteAdded(Event):
    name: ClassVar[str] = "note.added"
    conversation_id: int
    message_id: int
    by_agent_id: int


@dataclass(frozen=True, slots=True)
class AlertRaised(Event):
    """The radar opened an alert: a volume spike on a series, or a pile-on on a thread (an alert that grows raises
    no second event; its conversation gets `conversation.updated`)."""

    name: ClassVar[str] = "alert.raised"
    alert_id: int
    kind: str
    series_key: str
    severity: float
    conversation_id: int | None = None
    incident_id: int | None = None


@dataclass(frozen=True, slots=True)
class IncidentUpdated(Event):
    """An incident opened, grew, or was edited (renamed, status, owner, merged, split)."""

    name: ClassVar[str] = "incident.updated"
    incident_id: int
    status: str
    post_count: int


@dataclass(frozen=True, slots=True)
class RuleMatched(Event):
    """A rule that notifies matched a stored post (one event per post it matched)."""

    name: ClassVar[str] = "rule.matched"
    rule_id: int
    rule_name: str
    conversation_id: int
    post_id: int


@dataclass(frozen=True, slots=True)
class ArticlePublished(Event):
    """A knowledge-base article went public; incident_id is the incident it answers, if any."""

    name: ClassVar[str] = "article.published"
    article_id: int
    slug: str
    incident_id: int | None = None


ALL_EVENTS: tuple[type[Event], ...] = (
    PostsStored,
    ConversationUpdated,
    DeadLettered,
    ConversationAssigned,
    ConversationStatusChanged,
    NoteAdded,
    AlertRaised,
    IncidentUpdated,
    ArticlePublished,
    RuleMatched,
)


def decode_event(payload: bytes) -> tuple[str, dict[str, Any]]:
    data = json.loads(payload)
    return str(data["name"]), dict(data.get("data", {}))
