"""The kept workspace pages (heard.web.page_cache): served again only while nothing they show has changed, never
another agent's page or session token, the selected row marked on a queue pane shared by every agent."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from heard.accounts.agents import find_agent, identity
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation
from heard.db.engine import make_engine, session_factory
from heard.events import ConversationStatusChanged
from heard.stream.base import publish_events
from heard.stream.memory import MemoryLog
from heard.stream.sql_log import SqlLog
from heard.web.page_cache import PageCache, WriteCounter, join_rows, split_rows
from heard.web.presence import ConversationPresence
from heard.web.routes import conversations

from .conftest import csrf_of, log_in
from .factories import add_conversation


def _cache(client: TestClient) -> PageCache:
    cache: PageCache = client.app.state.page_cache  # type: ignore[attr-defined]
    return cache


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="conversation[^"]*" data-conversation-id="\d+">', html)


def _seed(runtime: Runtime, *handles: str) -> list[int]:
    with runtime.sessions.begin() as s:
        made = [add_conversation(s, runtime.clock.now(), handle) for handle in handles]
        s.flush()
        return [c.id for c in made]


def test_a_second_look_is_served_from_the_cache_with_the_sessions_own_token(
    client: TestClient, runtime: Runtime
) -> None:
    _seed(runtime, "alice", "bob")
    first = client.get("/")
    hits = _cache(client).hits
    second = client.get("/")
    assert _cache(client).hits > hits
    assert first.text == second.text
    token = csrf_of(second.text)
    assert _cache(client).csrf_slot not in second.text
    assert _cache(client).row_slot not in second.text
    assert f'name="csrf_token" value="{token}"' in second.text


def test_conversations_of_one_queue_share_a_shell_and_fill_in_their_own_parts(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = _seed(runtime, "alice", "bob")
    drawn: list[object] = []
    shell = conversations._shell
    monkeypatch.setattr(conversations, "_shell", lambda *a: drawn.append(a) or shell(*a))
    pages = {cid: client.get(f"/conversations/{cid}").text for cid in (alice, bob)}
    assert len(drawn) == 1, "the second conversation's page reused the first one's shell"
    for cid, handle in ((alice, "alice"), (bob, "bob")):
        page = pages[cid]
        assert _cache(client).conversation_slot not in page
        assert f"<title>@{handle} · Inbox · Heard</title>" in page
        assert f'data-selected="{cid}"' in page
        assert f"&conversation={cid}" in page
        assert f'<section id="composer" class="composer" aria-label="Reply" data-conversation-id="{cid}">' in page
        assert re.findall(r'<li class="conversation[^"]* selected" data-conversation-id="(\d+)">', page) == [str(cid)]


def test_a_conversation_page_keeps_only_its_own_parts(client: TestClient, runtime: Runtime) -> None:
    # Kept whole, every conversation looked at would keep the shell again (navigation, filters, the queue pane):
    # some 60 KB a page at a million posts, 2048 pages per web process.
    ids = _seed(runtime, *(f"customer{i}" for i in range(6)))
    first = client.get(f"/conversations/{ids[0]}").text  # draws and keeps the queue's shell
    shell_chars = len(first.split('<section class="pane thread-pane', 1)[0])  # the page's text before its own parts
    before = _cache(client).chars
    pages = [client.get(f"/conversations/{cid}").text for cid in ids[1:]]
    kept = _cache(client).chars - before
    assert kept > 0
    assert kept < len(pages) * (len(first) - shell_chars), "each page kept its own parts, not the shell again"
    assert [client.get(f"/conversations/{cid}").text for cid in ids[1:]] == pages  # served from what was kept


def test_an_empty_queue_fills_the_shell_with_the_empty_pane(client: TestClient) -> None:
    page = client.get("/").text
    assert _cache(client).conversation_slot not in page
    assert "<title>Inbox · Heard</title>" in page
    assert 'data-selected=""' in page
    assert "&conversation=" not in page
    assert "Nothing selected." in page


def test_agents_never_see_each_others_page_or_token(client: TestClient, runtime: Runtime) -> None:
    _seed(runtime, "alice")
    mine = client.get("/").text
    with TestClient(client.app, follow_redirects=False) as other:
        log_in(other, runtime, "lead@example.com", "lead")
        theirs = other.get("/").text
    assert csrf_of(mine) != csrf_of(theirs)
    assert csrf_of(mine) not in theirs
    assert "lead@example.com" in theirs
    assert "lead@example.com" not in mine
    assert "Approvals" in theirs
    assert "Approvals" not in mine
    # the same queue pane for both, drawn once
    assert _rows(mine) == _rows(theirs)


def test_a_change_made_here_shows_at_once(client: TestClient, runtime: Runtime) -> None:
    alice, _bob = _seed(runtime, "alice", "bob")
    assert "s-resolved" not in client.get("/").text
    token = csrf_of(client.get("/").text)
    answer = client.post(f"/conversations/{alice}/status", data={"status": "resolved", "csrf_token": token})
    assert answer.status_code in (200, 303), answer.text
    assert f'data-conversation-id="{alice}"' not in client.get("/").text  # resolved: out of the working view
    assert f'data-conversation-id="{alice}"' in client.get("/?status=resolved").text


def test_a_change_another_process_announces_shows_at_once(client: TestClient, runtime: Runtime) -> None:
    alice, _bob = _seed(runtime, "alice", "bob")
    assert f'data-conversation-id="{alice}"' in client.get("/").text
    # another process: its own engine and sessions on the same database, its event on the shared log
    elsewhere = make_engine(str(runtime.engine.url))
    try:
        with session_factory(elsewhere).begin() as s:
            s.execute(update(Conversation).where(Conversation.id == alice).values(status="resolved"))
    finally:
        elsewhere.dispose()
    publish_events(runtime.log, [ConversationStatusChanged(alice, "resolved", None, 1)])
    assert f'data-conversation-id="{alice}"' not in client.get("/").text


def test_an_unannounced_change_of_another_process_shows_within_a_second(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    alice, _bob = _seed(runtime, "alice", "bob")
    assert f'data-conversation-id="{alice}"' in client.get("/").text
    elsewhere = make_engine(str(runtime.engine.url))
    try:
        with session_factory(elsewhere).begin() as s:
            s.execute(update(Conversation).where(Conversation.id == alice).values(status="resolved"))
    finally:
        elsewhere.dispose()
    assert f'data-conversation-id="{alice}"' in client.get("/").text  # kept: nothing said it changed
    clock.advance(1)
    assert f'data-conversation-id="{alice}"' not in client.get("/").text


def test_time_moves_the_waits_on(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    _seed(runtime, "alice")
    before = client.get("/").text
    clock.advance(7 * 60)
    after = client.get("/").text
    assert before != after
    assert "37 min" in after
    assert "37 min" not in before


def test_the_selected_row_is_marked_on_the_shared_pane(client: TestClient, runtime: Runtime) -> None:
    alice, bob = _seed(runtime, "alice", "bob")
    for selected, other in ((alice, bob), (bob, alice)):
        page = client.get(f"/conversations/{selected}").text
        assert f'<li class="conversation waiting selected" data-conversation-id="{selected}">' in page
        assert f'<li class="conversation waiting" data-conversation-id="{other}">' in page
        assert page.count('aria-current="true"') == 1
        assert re.search(rf'href="/conversations/{selected}" aria-current="true">', page)
    first = client.get("/").text
    top = re.findall(r'data-conversation-id="(\d+)"', first)[0]
    assert f'data-selected="{top}"' in first
    assert f'<li class="conversation waiting selected" data-conversation-id="{top}">' in first
    # the "N new" pane marks nothing
    pane = client.get("/inbox/queue").text
    assert "selected" not in pane
    assert "aria-current" not in pane
    assert _cache(client).row_slot not in pane


def test_presence_heartbeats_keep_the_cache(client: TestClient, runtime: Runtime) -> None:
    alice, _bob = _seed(runtime, "alice", "bob")
    client.get("/")
    version = _cache(client).version()
    with runtime.sessions() as s:
        agent = find_agent(s, "agent@example.com")
        assert agent is not None
        me = identity(agent)
    presence = ConversationPresence(runtime, client.app.state.templates, alice, me)  # type: ignore[attr-defined]
    presence.beat()
    presence.leave()
    assert _cache(client).version() == version


def test_joined_rows_mark_one_row_and_empties_the_other_slots() -> None:
    slot = "row-slot-abc"
    pane = (
        f'<li class="conversation waiting{slot}c1." data-conversation-id="1"><a href="/conversations/1"{slot}a1.>'
        f'<li class="conversation waiting{slot}c12." data-conversation-id="12"><a href="/conversations/12"{slot}a12.>'
    )
    parts = split_rows(pane, slot)
    marked = join_rows(parts, 12)
    assert marked == (
        '<li class="conversation waiting" data-conversation-id="1"><a href="/conversations/1">'
        '<li class="conversation waiting selected" data-conversation-id="12">'
        '<a href="/conversations/12" aria-current="true">'
    )
    assert slot not in join_rows(parts, None)
    assert "selected" not in join_rows(parts, None)
    assert "selected" not in join_rows(parts, 2), "row 12's slot is not row 2's"


def test_writes_are_counted_after_they_commit(runtime: Runtime) -> None:
    counter = WriteCounter(runtime.engine)
    with runtime.sessions() as s:  # a read: rolled back, counts nothing
        s.execute(text("SELECT 1"))
        s.scalars(select(Conversation.id)).all()
    assert counter.count == 0
    _seed(runtime, "alice")
    assert counter.count == 1
    # a commit that changed no row: an idle consumer's poll of the SQL log, an update that matched nothing
    log = SqlLog(runtime.engine, runtime.clock)
    log.consume("posts", "idle-worker")  # the first poll registers the group: a write
    written = counter.count
    assert log.consume("posts", "idle-worker") == []
    with runtime.sessions.begin() as s:
        s.execute(update(Conversation).where(Conversation.id == -1).values(status="resolved"))
    assert counter.count == written
    with runtime.sessions.begin() as s:
        s.execute(update(Conversation).values(status="pending"))
    assert counter.count == written + 1


def _bare_cache(clock: FrozenClock) -> PageCache:
    engine = make_engine("sqlite://")
    return PageCache(MemoryLog(clock), WriteCounter(engine), clock)


def test_the_cache_keeps_at_most_its_characters_of_text_dropping_the_least_recently_used(
    clock: FrozenClock,
) -> None:
    engine = make_engine("sqlite://")
    cache = PageCache(MemoryLog(clock), WriteCounter(engine), clock, max_chars=100)
    version = cache.version()
    cache.drawn("a", version, lambda: "a" * 40)
    cache.drawn("b", version, lambda: ("b" * 20, "b" * 20))
    assert cache.drawn("a", version, lambda: "drawn again") == "a" * 40  # a is now the most recently used
    cache.drawn("c", version, lambda: "c" * 40)
    assert cache.chars == 80
    assert cache.peek("b", version) is None
    assert cache.peek("a", version) == "a" * 40
    cache.drawn("a", (version[0] + 1, version[1]), lambda: "a" * 10)  # replaced, not counted twice
    assert cache.chars == 50


def test_one_request_draws_a_page_while_the_others_wait_for_it(clock: FrozenClock) -> None:
    cache = _bare_cache(clock)
    drawing = threading.Event()
    release = threading.Event()
    draws: list[int] = []

    def slow() -> str:
        draws.append(1)
        drawing.set()
        release.wait(5)
        return "page"

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(cache.drawn, "k", cache.version(), slow)
        assert drawing.wait(5)
        others = [pool.submit(cache.drawn, "k", cache.version(), slow) for _ in range(3)]
        release.set()
        assert [f.result(5) for f in (first, *others)] == ["page"] * 4
    assert len(draws) == 1


def test_an_aged_page_is_served_while_it_is_drawn_anew_but_a_changed_one_never(clock: FrozenClock) -> None:
    cache = _bare_cache(clock)
    cache.drawn("k", cache.version(), lambda: "old")
    clock.advance(2)
    drawing = threading.Event()
    release = threading.Event()

    def slow() -> str:
        drawing.set()
        release.wait(5)
        return "new"

    with ThreadPoolExecutor(2) as pool:
        redraw = pool.submit(cache.drawn, "k", cache.version(), slow)
        assert drawing.wait(5)
        assert cache.drawn("k", cache.version(), lambda: "other") == "old"  # only a second older
        changed = (cache.version()[0] + 1, cache.version()[1])
        waiting = pool.submit(cache.drawn, "k", changed, lambda: "changed")
        release.set()
        assert redraw.result(5) == "new"
        assert waiting.result(5) == "changed"  # the data changed: drawn, never the old page
