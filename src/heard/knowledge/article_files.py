"""Articles as Markdown files with a small front matter, so editors can write them in any editor and keep them
in version control: `heard kb write FILE` creates the article or updates the one with the same slug.

    ---
    title: Typing “I” shows “A [?]” after updating to iOS 11.1
    slug: ios-11-1-typing-i-shows-a
    category: Apple iPhone and iPad
    summary: Autocorrect in iOS 11.1 turns a capital I into A and a question mark.
    issue_status: fixed
    language: en
    translation_of: (the original's slug, for a translation)
    incident: (an incident id)
    ---
    ## Symptom
    ...
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.knowledge.actions import EDITABLE, InvalidArticle, create_article, update_article
from heard.knowledge.models import Article
from heard.knowledge.queries import get_article

KEYS = EDITABLE - {"body_md"} | {"slug", "translation_of", "incident"}
NULLABLE = {"category", "product", "issue_status"}


def parse_article_file(text: str) -> tuple[dict[str, str], str]:
    """The front matter's `key: value` lines and the Markdown body; a file without front matter is all body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise InvalidArticle("the front matter starts with --- but never ends with ---") from None
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower().replace("-", "_")
        if not sep or key not in KEYS:
            raise InvalidArticle(f"line {number}: expected one of {', '.join(sorted(KEYS))} followed by ':'")
        fields[key] = value.strip()
    return fields, "\n".join(lines[end + 1 :]).strip() + "\n"


def write_article(session: Session, clock: Clock, text: str) -> tuple[Article, bool]:
    """Create the article the file describes, or update the one with its slug; returns it and whether it is new."""
    fields, body = parse_article_file(text)
    values: dict[str, Any] = {k: v for k, v in fields.items() if k in EDITABLE}
    for key in NULLABLE & set(values):
        values[key] = values[key] or None
    if "language" in values:
        values["language"] = values["language"].lower() or "en"
    values["body_md"] = body
    slug = fields.get("slug") or None
    existing = get_article(session, slug) if slug else None
    if existing is not None:
        return update_article(session, clock, existing.slug, **values), False
    title = values.pop("title", None)
    if not title:
        raise InvalidArticle("a new article needs a title: line")
    extra: dict[str, Any] = {}
    if fields.get("translation_of"):
        original = get_article(session, fields["translation_of"])
        if original is None:
            raise InvalidArticle(f"translation_of: no article {fields['translation_of']!r}")
        extra["original_id"] = original.original_id or original.id
    if fields.get("incident"):
        if not fields["incident"].isdigit():
            raise InvalidArticle("incident: an incident id (a number)")
        extra["incident_id"] = int(fields["incident"])
    return create_article(session, clock, title, slug=slug, **values, **extra), True
