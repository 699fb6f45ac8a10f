"""The Atom feed of published articles, built with ElementTree so every piece of text is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from heard.clock import as_utc
from heard.knowledge.markdown import plain_text
from heard.knowledge.models import Article

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(
    articles: Sequence[Article],
    *,
    title: str,
    home_url: str,
    feed_url: str,
    link: Callable[[Article], str],
    now: datetime,
) -> bytes:
    """An Atom 1.0 document; `link(article)` gives each article's absolute URL (also its id)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", home_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=home_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=feed_url)
    stamps = [_updated(a) for a in articles]
    _text(feed, "updated", _iso(max(stamps) if stamps else now))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", title)
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = link(article)
        _text(entry, "title", article.title)
        _text(entry, "id", url)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=url)
        _text(entry, "updated", _iso(_updated(article)))
        _text(entry, "published", _iso(article.published_at or article.created_at))
        _text(entry, "summary", article.summary or plain_text(article.body_md))
        if article.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=xml_safe(article.category))
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def xml_safe(value: str) -> str:
    """`value` without what XML 1.0 cannot carry at all (most control characters, U+FFFE/U+FFFF, lone
    surrogates): dropped rather than writing a feed no reader can parse."""
    text = value.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if (ch in "\t\n\r" or ord(ch) >= 0x20) and ch not in "\ufffe\uffff")


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = xml_safe(value)


def _updated(article: Article) -> datetime:
    return as_utc(article.updated_at or article.published_at or article.created_at)


def _iso(value: datetime) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z")
