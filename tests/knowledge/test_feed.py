"""The Atom feed is well-formed XML whatever the articles say."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from heard import schema  # noqa: F401 - registers every mapper
from heard.knowledge.feed import ATOM, atom_feed
from heard.knowledge.models import Article

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _article(title: str, summary: str, category: str | None) -> Article:
    return Article(
        id=1, slug="a", title=title, summary=summary, body_md="", category=category, language="en",
        created_at=NOW, published_at=NOW, status="published",
    )  # fmt: skip


@given(title=st.text(max_size=80), summary=st.text(max_size=200), category=st.none() | st.text(max_size=30))
def test_feed_is_well_formed_for_any_text(title: str, summary: str, category: str | None) -> None:
    body = atom_feed(
        [_article(title, summary, category)],
        title="Help <&> center",
        home_url="https://h.example/kb/",
        feed_url="https://h.example/kb/feed.atom",
        link=lambda a: f"https://h.example/kb/articles/{a.slug}/",
        now=NOW,
    )
    root = ET.fromstring(body)
    entry = root.find(f"{{{ATOM}}}entry")
    assert entry is not None
    assert entry.findtext(f"{{{ATOM}}}id") == "https://h.example/kb/articles/a/"
    assert root.findtext(f"{{{ATOM}}}title") == "Help <&> center"
    assert root.findtext(f"{{{ATOM}}}updated") == "2026-01-05T09:00:00Z"
