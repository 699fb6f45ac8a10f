"""A thread's messages kept as HTML (heard.web.message_html): drawn once for the values they show, drawn anew
when any of them changes (an edit, a redaction, a renamed writer), never stale under an unchanged id."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from heard.app import Runtime
from heard.conversations.models import Message, PostRecord
from heard.web.message_html import MessageHtml

from .factories import add_conversation, add_message


def _kept(client: TestClient) -> MessageHtml:
    kept: MessageHtml = client.app.state.templates.globals["message_html"]  # type: ignore[attr-defined]
    return kept


def _thread(page: str) -> str:
    return page.split('<ol class="thread">', 1)[1].split("</ol>", 1)[0]


def test_a_message_drawn_again_is_served_from_what_was_kept(client: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        conversation = add_conversation(s, runtime.clock.now(), "alice", "my parcel never arrived")
        add_message(s, conversation, "incoming", "still nothing", "alice", runtime.clock.now(), complaint=0.9)
        cid = conversation.id
    first = client.get(f"/conversations/{cid}").text
    misses = _kept(client).misses
    thread = client.get(f"/conversations/{cid}/thread").text  # the thread fragment shows the same two messages
    assert _kept(client).misses == misses
    assert _kept(client).hits >= 2
    assert "still nothing" in thread
    assert _thread(thread) == _thread(first)


def test_a_changed_message_post_or_writer_is_drawn_anew(client: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as s:
        conversation = add_conversation(s, runtime.clock.now(), "alice", "call me on 555-0100")
        reply = add_message(s, conversation, "outgoing", "we are on it", "acme", runtime.clock.now())
        reply.agent_id = 1
        cid, message_id, post_id = conversation.id, reply.id, reply.post_id
    assert "call me on 555-0100" in _thread(client.get(f"/conversations/{cid}").text)
    with runtime.sessions.begin() as s:  # a redaction keeps the message's id
        s.execute(update(Message).where(Message.id == message_id - 1).values(text="[redacted]"))
        s.execute(update(PostRecord).where(PostRecord.id == post_id).values(sentiment="positive"))
    page = _thread(client.get(f"/conversations/{cid}").text)
    assert "555-0100" not in page
    assert "[redacted]" in page
    assert '<span class="sentiment positive">positive</span>' in page
    with runtime.sessions.begin() as s:
        s.execute(update(Message).where(Message.id == message_id).values(agent_id=None))
    assert 'title="the agent who wrote it"' in page
    assert 'title="the agent who wrote it"' not in _thread(client.get(f"/conversations/{cid}").text)


def test_what_is_kept_stays_within_its_characters(client: TestClient, runtime: Runtime) -> None:
    kept = _kept(client)
    kept.max_chars = 2000
    with runtime.sessions.begin() as s:
        conversation = add_conversation(s, runtime.clock.now(), "alice", "first")
        for i in range(8):
            add_message(s, conversation, "incoming", f"message {i} " + "x" * 300, "alice", runtime.clock.now())
        cid = conversation.id
    page = client.get(f"/conversations/{cid}").text
    assert "message 7 " in page
    assert 0 < kept.chars <= 2000
