"""Articles written as Markdown files with front matter: created, updated by slug, translated; bad files refused."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.knowledge.actions import InvalidArticle
from heard.knowledge.article_files import parse_article_file, write_article

ORIGINAL = """---
title: Login loop after the 4.2 update
slug: login-loop
category: Accounts
summary: The app sends you back to the login screen.
issue_status: identified
problem: the login loop
---
## Symptom
You log in and land on the login screen again.
"""

SPANISH = """---
title: Bucle de inicio de sesión tras la actualización 4.2
slug: login-loop-es
language: es
translation_of: login-loop
---
## Síntoma
Vuelves a la pantalla de inicio.
"""


def test_parse_front_matter_and_body() -> None:
    fields, body = parse_article_file(ORIGINAL)
    assert fields["title"] == "Login loop after the 4.2 update"
    assert fields["issue_status"] == "identified"
    assert body.startswith("## Symptom\n")
    assert parse_article_file("## Just a body\n") == ({}, "## Just a body\n")


def test_write_creates_updates_and_translates(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        article, created = write_article(session, clock, ORIGINAL)
        assert created
        assert (article.slug, article.status, article.category, article.language) == (
            "login-loop", "draft", "Accounts", "en",
        )  # fmt: skip
        edited, created = write_article(session, clock, ORIGINAL.replace("identified", "fixed"))
        assert not created
        assert edited.id == article.id
        assert edited.issue_status == "fixed"
        spanish, created = write_article(session, clock, SPANISH)
        assert created
        assert (spanish.original_id, spanish.language) == (article.id, "es")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: x\n", "never ends"),
        ("---\ncolour: red\n---\nbody", "expected one of"),
        ("---\nslug: new-one\n---\nbody", "needs a title"),
        ("---\ntitle: T\ntranslation_of: nothing-here\n---\nbody", "no article"),
        ("---\ntitle: T\nissue_status: broken\n---\nbody", "issue status"),
        ("---\ntitle: T\nslug: Not A Slug\n---\nbody", "slug"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    sessions: sessionmaker[Session], clock: FrozenClock, text: str, message: str
) -> None:
    with sessions() as session, pytest.raises(InvalidArticle, match=message):
        write_article(session, clock, text)
