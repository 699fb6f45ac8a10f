"""The reply composer asks the knowledge base for articles matching the customer's post."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.knowledge.demo_articles import seed_demo_articles
from tests.web.factories import add_conversation

IOS_BUG = "@AppleSupport my phone keeps changing the letter I into a question mark symbol, iOS 11.1"


def suggestions_on(client: TestClient, conversation_id: int) -> str:
    page = client.get(f"/conversations/{conversation_id}").text
    box = re.search(r'<div class="kb-suggest" data-kb-for="reply-text"[^>]*hx-get="([^"]+)"', page)
    assert box, "the composer has no suggestion box"
    assert '<textarea id="reply-text"' in page
    assert 'src="/static/kb-suggest.js"' in page
    return client.get(html.unescape(box.group(1))).text


def test_composer_suggests_a_matching_published_article(client: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        seed_demo_articles(session, runtime.clock)
        asked = add_conversation(session, runtime.clock.now(), text=IOS_BUG).id
        other = add_conversation(session, runtime.clock.now(), text="my parcel never arrived").id
    assert 'data-insert-link="http://testserver/kb/articles/ios-11-1-typing-i-shows-a/"' in suggestions_on(
        client, asked
    )
    assert "data-insert-link" not in suggestions_on(client, other)


def test_hostile_post_text_stays_inside_the_attribute(client: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        asked = add_conversation(session, runtime.clock.now(), text='"><script>alert(1)</script> & more').id
    page = client.get(f"/conversations/{asked}").text
    assert "<script>alert(1)</script>" not in page
    assert client.get(f"/conversations/{asked}").status_code == 200
    suggestions_on(client, asked)
