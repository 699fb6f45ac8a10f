"""A draft from an incident: symptom and product from the posts, steps from the agents' replies."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.knowledge.drafting import IncidentNotFound, draft_from_incident, instruction_steps
from heard.knowledge.markdown import sections
from tests.knowledge.factories import add_incident


def test_draft_from_incident(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        incident = add_incident(session, clock)
        article = draft_from_incident(session, clock, incident.id)
        assert article.status == "draft"
        assert article.incident_id == incident.id
        assert article.product == "AppleSupport"
        assert article.issue_status == "identified"
        parts = {s.kind: s for s in sections(article.body_md)}
        assert list(parts) == ["symptom", "cause", "steps", "workaround", "status"]
        assert "3 people reported this" in parts["symptom"].html
        assert "A [?]" in parts["symptom"].html  # quoted literally, the brackets escaped in Markdown
        steps = parts["steps"].html
        assert steps.count("Software Update") == 1  # the same step from two agents appears once
        assert "Text Replacement" in steps
        assert "^AB" not in steps
        assert "@ana" not in steps
        with pytest.raises(IncidentNotFound):
            draft_from_incident(session, clock, 999_999)


def test_steps_rank_the_most_given_instruction_first() -> None:
    replies = [
        "@a Could you try restarting? /X",
        "@b Please restart your phone and try again. ^Q",
        "@c Reinstall the app from the store. ^Q",
        "@d Please restart your phone and try again. ^Z",
    ]
    assert instruction_steps(replies) == [
        "Please restart your phone and try again.",
        "Reinstall the app from the store.",
    ]


def test_steps_leave_out_private_channels_and_questions_back() -> None:
    replies = [
        "@116098 Please backup your iPhone, update and let us know the result: https://t.co/ahjigcvFRG",
        "@1 Select the following link to join us in a DM and we'll go from there. https://t.co/GDrqU22YpT",
        "@2 If not, go to Settings > General > Reset > Reset Keyboard Library ^JK",
    ]
    assert instruction_steps(replies) == [
        "Please backup your iPhone, update.",
        r"If not, go to Settings \> General \> Reset \> Reset Keyboard Library",
    ]
