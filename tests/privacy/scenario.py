"""A small world with one person to export and erase: Anna Solberg writes on two networks, a brand answers her,
an agent drafts a reply to her that waits in the outbox, a stranger names her, and one of her lines was bad input
(a dead letter). Everything goes through the real import, pipeline and reply path."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from heard.app import Runtime
from heard.conversations.models import Conversation
from heard.inbox.outbox import Author, queue_reply
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker

HANDLE = "annasolberg"
NAME = "Anna Solberg"
AUTHOR_ID = "u-annaso-9911"
TEXTS = (
    "@acmecare my quuxophone charger melted overnight and nobody answers",
    "@acmecare still waiting on the quuxophone refund, three weeks now",
    "the zorbulator app logged me out nine times today, fix it @acmecare",
)
#: A line of hers that could not be read (no id): it becomes a dead letter holding her words.
BAD_TEXT = "my quuxophone warranty card got eaten by the zorbulator too"
OTHER_TEXT = "@acmecare my bill doubled this month for no reason"


def _row(network: str, external_id: str, author: str, handle: str, text: str, minute: int, **extra: object) -> str:
    row = {
        "network": network,
        "external_id": external_id,
        "author_id": author,
        "author_handle": handle,
        "text": text,
        "created_at": datetime(2026, 12, 1, 9, minute, tzinfo=UTC).isoformat(),
        **extra,
    }
    return json.dumps(row)


def lines() -> list[str]:
    return [
        _row("twitter", "t1", AUTHOR_ID, HANDLE, TEXTS[0], 0, author_name=NAME, author_followers=120),
        _row(
            "twitter",
            "t2",
            "acme",
            "acmecare",
            f"@{HANDLE} Sorry {NAME}, we are on it",
            5,
            is_brand=True,
            in_reply_to="t1",
        ),
        _row("twitter", "t3", AUTHOR_ID, HANDLE, TEXTS[1], 9, author_name=NAME, in_reply_to="t2"),
        _row("mastodon", "m1", "m-77", HANDLE, TEXTS[2], 12, author_name=NAME),
        _row("twitter", "t4", "u-bob", "bobby_b", f"@{HANDLE} same here, my charger melted too", 14, in_reply_to="t1"),
        _row("twitter", "t5", "u-carl", "carl_c", OTHER_TEXT, 15, author_name="Carl Carlsen"),
        json.dumps({"network": "twitter", "author_handle": HANDLE, "text": BAD_TEXT}),
    ]


def build(runtime: Runtime, tmp_path: Path) -> int:
    """Import the world, run the pipeline, queue an agent's reply to Anna; returns her first conversation's id."""
    path = tmp_path / "world.jsonl"
    path.write_text("\n".join(lines()) + "\n", encoding="utf-8")
    import_file(runtime, path, "jsonl")
    PipelineWorker(runtime).drain()
    with runtime.sessions.begin() as session:
        conversation = session.query(Conversation).filter_by(root_external_id="t1").one()
        queue_reply(
            session,
            conversation.id,
            f"Hi {NAME}, I am sorry the charger melted; a new one is on its way. Thank you for telling us. Maria",
            clock=runtime.clock,
            author=Author(agent_id=None, name="Maria"),
        )
        return conversation.id
