"""Article Markdown renders to safe HTML: no raw HTML, no script links, YouTube only as a nocookie player."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.knowledge.markdown import plain_text, render, sections, youtube_id

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<iframe src="https://evil.example/"></iframe>',
    "https://youtu.be/dQw4w9WgXcQ<script>",
    "https://evil.example/youtu.be/dQw4w9WgXcQ",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_hostile_markdown_gives_no_active_markup(source: str) -> None:
    html = render(source)
    assert "<script" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    assert 'href="javascript' not in html.lower()
    assert 'src="javascript' not in html.lower()
    assert 'href="data' not in html
    assert 'evil.example/"></iframe' not in html
    assert all(src.startswith("https://www.youtube-nocookie.com/embed/") for src in _iframe_sources(html))


@pytest.mark.parametrize(
    ("url", "video"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=42", "dQw4w9WgXcQ"),
        ("<https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ>", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://vimeo.com/123", None),
        ("see https://youtu.be/dQw4w9WgXcQ", None),
    ],
)
def test_youtube_links_alone_in_a_paragraph_become_a_player(url: str, video: str | None) -> None:
    assert youtube_id(url) == video
    html = render(f"Watch this:\n\n{url}\n")
    if video:
        assert f'<iframe src="https://www.youtube-nocookie.com/embed/{video}"' in html
    else:
        assert "<iframe" not in html


def test_images_and_links_render() -> None:
    html = render("![the settings screen](https://img.example/settings.png) [help](https://help.example/)")
    assert '<img src="https://img.example/settings.png" alt="the settings screen" loading="lazy"' in html
    assert '<a href="https://help.example/">help</a>' in html


def test_sections_follow_the_headings_and_ignore_fenced_code() -> None:
    parts = sections("Intro\n## Symptom\nIt loops\n## Steps to fix\n1. Update\n```\n## not a heading\n```\n## Misc\nx")
    assert [(s.kind, s.heading) for s in parts] == [
        ("intro", ""),
        ("symptom", "Symptom"),
        ("steps", "Steps to fix"),
        ("other", "Misc"),
    ]
    assert "<ol>" in parts[2].html
    assert "## not a heading" in parts[2].html


def test_plain_text_drops_markup_and_cuts() -> None:
    assert (
        plain_text("## Symptom\n**The app** _loops_ at [login](https://x.example)") == "Symptom The app loops at login"
    )
    assert len(plain_text("word " * 500, limit=50)) <= 50


def _iframe_sources(html: str) -> list[str]:
    return re.findall(r'<iframe src="([^"]*)"', html)


@given(st.text(max_size=400))
def test_any_text_renders_without_raw_html(source: str) -> None:
    html = render(source)
    assert "<script" not in html.lower()
    assert all(src.startswith("https://www.youtube-nocookie.com/embed/") for src in _iframe_sources(html))
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html):
        assert tag.lower() in ALLOWED_TAGS, tag
    sections(source)
    plain_text(source)


ALLOWED_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "br", "img", "table", "thead", "tbody", "tr", "th", "td", "s", "figure", "figcaption", "iframe",
}  # fmt: skip
