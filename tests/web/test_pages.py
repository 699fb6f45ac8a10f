from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.clock import FrozenClock

from .factories import add_conversation, add_message


def test_inbox_lists_conversations_with_words_network_handle_and_wait(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    with runtime.sessions() as s:
        add_conversation(s, clock.now(), "dana", "the app logs me out every hour", waited=timedelta(minutes=42))
        s.commit()
    html = client.get("/").text
    assert "the app logs me out every hour" in html
    assert "@dana" in html
    assert "twitter" in html
    assert "waiting 42 min" in html


def test_queue_fragment_keeps_the_filters(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions() as s:
        add_conversation(s, clock.now(), "on_x", network="twitter")
        add_conversation(s, clock.now(), "on_bsky", network="bluesky")
        s.commit()
    page = client.get("/?network=bluesky").text
    assert 'hx-get="/inbox/queue?network=bluesky"' in page
    fragment = client.get("/inbox/queue?network=bluesky").text
    assert "@on_bsky" in fragment
    assert "@on_x" not in fragment
    assert "<html" not in fragment


def test_unknown_filters_and_bad_offsets_do_not_fail(client: TestClient) -> None:
    assert client.get("/?status=nonsense&offset=999999").status_code == 200
    assert client.get("/?offset=-1").status_code == 422


def test_conversation_page_shows_the_thread_and_the_judgements(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    now = clock.now()
    with runtime.sessions() as s:
        c = add_conversation(s, now, "erin", "my flight was cancelled and nobody answers")
        add_message(s, c, "outgoing", "Erin, so sorry. Rebooking you now.", "SouthwestAir", now)
        add_message(
            s,
            c,
            "incoming",
            "thanks!!",
            "erin",
            now,
            complaint=0.12,
            intents=["praise"],
            sentiment="positive",
            sentiment_score=0.8,
            topic="rebooking",
            language="en",
            urgency=1,
            urgency_reasons=["waiting"],
        )
        s.commit()
    html = client.get(f"/conversations/{c.id}").text
    assert html.index("nobody answers") < html.index("Rebooking you now") < html.index("thanks!!")
    assert 'class="message incoming"' in html
    assert 'class="message outgoing"' in html
    for shown in ("12 %", "praise", "positive (0.80)", "rebooking", "<dd>en</dd>", "1: waiting"):
        assert shown in html
    thread = client.get(f"/conversations/{c.id}/thread").text
    assert "thanks!!" in thread
    assert "<html" not in thread


def test_unjudged_posts_show_no_judgements(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions() as s:
        c = add_conversation(s, clock.now(), "fay", "hi")
        s.commit()
    assert 'class="judgements"' not in client.get(f"/conversations/{c.id}").text


def test_missing_conversation_is_a_404(client: TestClient) -> None:
    assert client.get("/conversations/12345").status_code == 404
    assert client.get("/conversations/0").status_code == 404
    assert client.get(f"/conversations/{2**70}").status_code in (404, 422)
    assert client.get("/conversations/abc").status_code == 422


def test_every_response_has_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/inbox/queue", "/static/heard.css", "/conversations/1"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp


def test_static_htmx_is_served(client: TestClient) -> None:
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text[:2000]
    assert client.get("/static/htmx-ext-sse.min.js").status_code == 200


def test_errors_are_pages(client: TestClient) -> None:
    response = client.get("/conversations/4242")
    assert response.headers["content-type"].startswith("text/html")
    assert "No such conversation" in response.text
    assert "<script>" not in client.get("/nowhere/<script>").text
