"""sitemap.xml for the public knowledge base, so search engines find every published article."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from heard.clock import as_utc

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: Sequence[tuple[str, datetime | None]]) -> bytes:
    """A sitemap of absolute `(url, last modified)` pairs."""
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for url, modified in pages:
        entry = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = url
        if modified is not None:
            ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = as_utc(modified).date().isoformat()
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
