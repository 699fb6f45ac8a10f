"""The "is it fixed for you?" check-in: asked once, a few days after a resolved complaint, through the reply path
and its coach; the customer's answer is read and counted in the outcome report (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation, Message, PostRecord
from heard.inbox.checkins import FIXED, NOT_FIXED, UNCLEAR, CheckIn, answer_of, record_answers, send_checkins
from heard.inbox.models import ReplyReview
from heard.reports.outcomes import as_json, outcome_report
from heard.settings import Settings
from tests.web.factories import add_conversation, add_message

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.fixture
def runtime(db_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=db_url, event_log="memory", outbox_dir=tmp_path, _env_file=None)
    rt = build_runtime(settings, clock=FrozenClock(NOW))
    yield rt
    rt.close()


@pytest.mark.parametrize(
    ("text", "sentiment", "answer"),
    [
        ("yes, works now, thank you!", None, FIXED),
        ("no, still broken", None, NOT_FIXED),
        ("nope", "neutral", NOT_FIXED),
        ("it is fine", "positive", FIXED),
        ("meh", "negative", NOT_FIXED),
        ("what?", "neutral", UNCLEAR),
    ],
)
def test_answers_are_read(text: str, sentiment: str | None, answer: str) -> None:
    assert answer_of(text, sentiment) == answer


def _resolved(runtime: Runtime, handle: str, days_ago: float, complaint: float) -> int:
    with runtime.sessions.begin() as session:
        c = add_conversation(session, NOW - timedelta(days=days_ago), handle, "my card was charged twice", waited=None)
        first = session.scalars(select(Message).where(Message.conversation_id == c.id)).one()
        post = session.get(PostRecord, first.post_id)
        assert post is not None
        post.complaint = complaint
        c.status = "resolved"
        c.last_activity_at = NOW - timedelta(days=days_ago)
        return c.id


def test_asked_once_then_answered_and_counted(runtime: Runtime) -> None:
    asked = _resolved(runtime, "carla", 4, 0.9)
    _resolved(runtime, "too_soon", 1, 0.9)
    _resolved(runtime, "praise", 4, 0.1)
    _resolved(runtime, "long_ago", 30, 0.9)
    with runtime.sessions.begin() as session:
        assert send_checkins(session, runtime.clock) == 1
        assert send_checkins(session, runtime.clock) == 0  # never twice
        checkin = session.scalars(select(CheckIn)).one()
        assert checkin.conversation_id == asked
        message = session.get(Message, checkin.message_id)
        assert message is not None
        assert message.text.startswith("Hi @carla, checking in")
        assert message.direction == "outgoing"
        review = session.scalars(select(ReplyReview).where(ReplyReview.message_id == message.id)).one()
        assert 0 <= review.score <= 100  # the coach reviewed it on the one reply path
        assert record_answers(session, NOW) == 0  # no answer yet
    with runtime.sessions.begin() as session:
        c = session.get(Conversation, asked)
        assert c is not None
        add_message(session, c, "incoming", "yes it works now, thanks", "carla", NOW + timedelta(hours=2))
        assert record_answers(session, NOW + timedelta(hours=3)) == 1
        assert session.scalars(select(CheckIn.answer)).one() == FIXED
    with runtime.sessions() as session:
        report = outcome_report(session, NOW + timedelta(days=1), 3600, NOW.date() - timedelta(days=2), NOW.date())
    assert as_json(report)["checkins"] == {"asked": 1, "answered": 1, "fixed": 1, "not_fixed": 0}
