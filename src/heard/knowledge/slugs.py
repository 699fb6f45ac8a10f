"""URL slugs for articles and categories: lowercase ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.knowledge.models import Article

MAX_SLUG = 80
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, fallback: str = "article") -> str:
    ascii_text = unicodedata.normalize("NFKD", text if isinstance(text, str) else "").encode("ascii", "ignore")
    words = re.findall(r"[a-z0-9]+", ascii_text.decode().lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or fallback


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG + 8 and bool(SLUG.match(text))


def unique_slug(session: Session, text: str) -> str:
    """`slugify(text)`, with -2, -3... appended when an article already has it."""
    base = slugify(text)
    taken = set(session.scalars(select(Article.slug).where(Article.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
