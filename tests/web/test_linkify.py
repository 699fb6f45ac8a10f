from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.web.linkify import http_url, linkify


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Collect:
    parser = _Collect()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        (
            "see https://example.com/a?x=1&y=2.",
            'see <a href="https://example.com/a?x=1&amp;y=2" rel="nofollow noopener noreferrer ugc" '
            'target="_blank">https://example.com/a?x=1&amp;y=2</a>.',
        ),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ('https://x.co/"onmouseover="alert(1)', '<a href="https://x.co/"'),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", "wiki/Foo_(bar)</a>)"),
        ("http://", "http://"),
    ],
)
def test_linkify_examples(text: str, expected: str) -> None:
    assert expected in str(linkify(text))


def test_linkify_shows_long_links_shortened_but_keeps_the_target() -> None:
    url = "https://example.com/" + "a" * 100
    html = str(linkify(url))
    assert f'href="{url}"' in html
    assert "…</a>" in html


@given(st.text())
def test_linkify_only_ever_makes_http_links_and_keeps_every_character(text: str) -> None:
    parsed = parse(str(linkify(text)))
    assert all(tag == "a" for tag, _ in parsed.tags)
    for _, attrs in parsed.tags:
        assert set(attrs) == {"href", "rel", "target"}
        assert (attrs["href"] or "").lower().startswith(("http://", "https://"))
    shown = "".join(parsed.text)
    if "…" not in shown:
        # html.parser folds \r\n and NUL like a browser would; compare what a reader would see.
        assert shown == text.replace("\r\n", "\n").replace("\r", "\n") or "\x00" in text or "\r" in text


@given(st.text(alphabet=st.sampled_from(list("<>\"'&=/ :ahtps.")), max_size=60))
def test_linkify_never_opens_a_tag_from_markup_characters(text: str) -> None:
    parsed = parse(str(linkify(text)))
    assert all(tag == "a" for tag, _ in parsed.tags)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.com/status/1", "https://x.com/status/1"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("https://x.com/a b", None),
        (None, None),
        (42, None),
    ],
)
def test_http_url(value: object, expected: str | None) -> None:
    assert http_url(value) == expected
