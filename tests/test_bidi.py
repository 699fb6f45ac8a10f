"""Issue 21, item 4: bidi controls in names, handles and post text never reach a composed reply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from heard.bidi import has_controls, neutralised
from heard.coach.review import ReviewContext
from heard.coach.suggest import suggest_draft
from heard.knowledge.followups import followup_text
from heard.knowledge.models import Article

RLO, PDF, RLI, PDI, LRM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200e"


@pytest.mark.parametrize("name", [f"Ana{RLO}", f"{RLO}Ana", f"{RLI}Ana", f"Ana{LRM}{PDF}{PDI}"])
def test_a_suggested_reply_carries_no_bidi_control_from_the_name(name: str) -> None:
    greeted = suggest_draft(
        ReviewContext(post=f"my order is late {RLO}again", customer_name=name, agent_name=f"Kim{RLO}")
    )
    assert not has_controls(greeted), ascii(greeted)
    assert "Ana" in greeted
    # A handle is never greeted as a name (issue 16), but the incident's title is composed in.
    titled = suggest_draft(ReviewContext(post="the app", customer_handle=name, incident_title=f"Logout {RLO}loop"))
    assert not has_controls(titled), ascii(titled)


def test_a_followup_carries_no_bidi_control_from_the_handle() -> None:
    article = Article(
        slug="logout", title="Logout loop", body_md="x", status="published", created_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    text = followup_text(f"ana{RLO}", article, "https://help.example.com/kb/logout")
    assert not has_controls(text)
    assert text.startswith("Hi @ana,")


def test_right_to_left_names_keep_their_letters() -> None:
    assert neutralised(f"مریم{RLO}") == "مریم"
    assert neutralised("plain") == "plain"
