"""Post text, handles and judgements are hostile input: every view must show them as text."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.clock import FrozenClock

from .factories import add_conversation, add_message

ATTACK = '<script>alert("pwned")</script><img src=x onerror=alert(1)><b>bold</b>"\'><a href="javascript:x">'
HANDLE = '"><script>alert(2)</script>'


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
        if tag in {"img", "b", "iframe"}:
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag}[{name}]")


def _check(html: str) -> None:
    elements = _Elements()
    elements.feed(html)
    assert all(s.get("src", "").startswith("/static/") for s in elements.scripts), elements.scripts
    assert elements.bad == []
    assert "&lt;script&gt;alert(" in html


def test_script_and_html_in_posts_render_as_text_in_every_view(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    now = clock.now()
    with runtime.sessions() as s:
        c = add_conversation(s, now, HANDLE, ATTACK, network="twitter")
        add_message(
            s,
            c,
            "incoming",
            ATTACK + " https://evil.example/<script>",
            HANDLE,
            now,
            intents=[ATTACK],
            topic=ATTACK[:64],
            sentiment="<i>neg</i>",
            urgency=3,
            urgency_reasons=[ATTACK],
            language="<u>",
            permalink="javascript:alert(3)",
        )
        add_message(s, c, "outgoing", ATTACK, "BrandHelp", now)
        s.commit()
    views = ["/", "/inbox/queue", f"/conversations/{c.id}", f"/conversations/{c.id}/thread", "/?network=twitter"]
    for path in views:
        response = client.get(path)
        assert response.status_code == 200, path
        _check(response.text)
    thread = client.get(f"/conversations/{c.id}").text
    assert 'href="https://evil.example/"' in thread
    assert "&lt;i&gt;neg&lt;/i&gt;" in thread


def test_hostile_network_name_in_the_filter_menu_is_escaped(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    with runtime.sessions() as s:
        add_conversation(s, clock.now(), "x", "<script>alert(1)</script>", network='"><script>')
        s.commit()
    html = client.get("/").text
    _check(html)
    assert 'value="&#34;&gt;&lt;script&gt;"' in html


def test_text_that_cannot_be_encoded_still_renders(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions() as s:
        c = add_conversation(s, clock.now(), "zed", "bidi \u202e reversed \u0000 nul \ufeff bom " + "z" * 50_000)
        s.commit()
    assert client.get("/").status_code == 200
    assert client.get(f"/conversations/{c.id}").status_code == 200
