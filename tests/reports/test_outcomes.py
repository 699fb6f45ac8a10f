"""The outcome report on a known history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.errors import HeardError
from heard.reports.outcomes import as_json, outcome_report
from heard.reports.period import choose_period
from tests.reports.scenario import NOW, T0, build


def test_response_times_and_sla_count_only_replies_that_went_out(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        build(s)
        report = outcome_report(s, NOW, 900, T0.date(), T0.date())
    r = report.responses
    assert (r.conversations, r.answered) == (4, 2)  # the note and the reply still in the outbox answered nobody
    assert r.median_first_response_s == 300.0
    assert r.p90_first_response_s == 7200.0
    assert r.breaches == 3  # late, unanswered, and only-a-note
    assert r.sla_compliance == pytest.approx(0.25)
    assert r.by_day[T0.date()]["conversations"] == 4
    assert r.by_network["twitter"]["answered"] == 2


def test_sentiment_before_and_after_the_first_reply(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        build(s)
        shift = outcome_report(s, NOW, 900, T0.date(), T0.date()).sentiment
    assert shift.matrix["negative"]["positive"] == 1
    assert (shift.unhappy_to_loyal, shift.turned_around, shift.soured) == (1, 1, 0)
    assert shift.compared == 1
    assert shift.no_word_after == 1  # "slow": the later posts are not judged, so there is no word to compare
    assert shift.mean_change == pytest.approx(0.9 - -0.8)


def test_a_pileon_costs_the_people_who_joined_while_it_waited(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        ids = build(s)
        pileons = outcome_report(s, NOW, 900, T0.date(), T0.date()).pileons
    assert pileons.count == pileons.answered == 1
    cost = pileons.worst[0]
    assert cost.conversation_id == ids["slow"]
    assert cost.answered_after_s == pytest.approx(110 * 60)
    assert cost.joined_while_waiting == 3  # a, b, c (a twice); d came after the reply
    assert cost.reach_while_waiting == 110
    assert cost.people == 3  # the alert's own count, the one number the alert, inbox and docs show


def test_incidents_resolved_and_the_article_that_cut_complaints(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        build(s)
        report = outcome_report(s, NOW + timedelta(days=30), 900, T0.date() - timedelta(days=5), T0.date())
    assert (report.incidents.opened, report.incidents.resolved, report.incidents.open_now) == (1, 1, 0)
    assert report.incidents.median_resolve_s == pytest.approx((3 * 24 + 4) * 3600)
    [article] = report.articles
    assert article.per_day_before == pytest.approx(1.0)
    assert article.per_day_after == pytest.approx(1 / 7)
    assert article.change == pytest.approx(1 / 7 - 1)
    figures = as_json(report)
    assert figures["articles"][0]["slug"] == "logout-fix"
    assert figures["period"] == {"since": "2026-02-25", "until": "2026-03-02"}


def test_the_default_period_ends_at_the_latest_customer_message(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        build(s)
        period = choose_period(s, NOW + timedelta(days=400), None, None)
        assert period.days[-1] == (T0 + timedelta(hours=3)).date()
        assert len(period.days) == 30
        empty = choose_period(s, NOW, None, None)
        assert empty.days[-1] == T0.date()


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [(date(2026, 3, 5), date(2026, 3, 1), "after it ends"), (date(2024, 1, 1), date(2026, 3, 1), "at most 366")],
)
def test_periods_that_make_no_sense_are_refused(
    sessions: sessionmaker[Session], since: date, until: date, message: str
) -> None:
    with sessions() as s, pytest.raises(HeardError, match=message):
        choose_period(s, NOW, since, until)


def test_a_brands_report_counts_only_its_conversations_pileons_and_incidents(sessions: sessionmaker[Session]) -> None:
    from sqlalchemy import update

    from heard.alerts.models import Alert
    from heard.conversations.models import PostRecord
    from heard.incidents.models import Incident

    with sessions() as s:
        ids = build(s)
        everyone = outcome_report(s, NOW, 900, T0.date(), T0.date())
        s.execute(update(PostRecord).where(PostRecord.conversation_id == ids["slow"]).values(brand="acme"))
        s.execute(update(Alert).values(brand="acme"))
        s.execute(update(Incident).values(brand="other"))
        s.flush()
        acme = outcome_report(s, NOW, 900, T0.date(), T0.date(), brand="acme")
        nobody = outcome_report(s, NOW, 900, T0.date(), T0.date(), brand="nobody")
    assert everyone.responses.conversations > acme.responses.conversations == 1
    assert (acme.pileons.count, nobody.pileons.count) == (1, 0)
    assert acme.pileons.worst[0].people == everyone.pileons.worst[0].people
    assert nobody.responses.conversations == 0
    assert acme.incidents.open_now == nobody.incidents.open_now == 0


def test_reports_judge_by_the_due_time_the_queue_showed(sessions: sessionmaker[Session]) -> None:
    """Answered in 9 min: within the plain 15 min, late for a pile-on (5 min); answered in 30 min by an inbox that
    opens at 10:00 (written at 09:10, due 10:15): on time."""
    from heard.channels.models import Inbox
    from tests.web.factories import add_conversation, add_message

    with sessions.begin() as s:
        office = Inbox(
            name="office", business_tz="UTC", business_days="12345", business_opens_min=600, business_closes_min=1020
        )
        s.add(office)
        s.flush()
        start = T0 + timedelta(minutes=10)  # 09:10 UTC: the office opens at 10:00
        cases: list[tuple[str, int, dict[str, int]]] = [
            ("calm", 9, {}),
            ("piled", 9, {"priority": 100}),
            ("office", 30, {"inbox_id": office.id}),
        ]
        for handle, minutes, fields in cases:
            c = add_conversation(s, start + timedelta(minutes=1), handle, waited=timedelta(minutes=1), **fields)
            add_message(s, c, "outgoing", "On it", "brand", start + timedelta(minutes=minutes)).delivery_state = "sent"
    with sessions() as s:
        report = outcome_report(s, NOW, 900, T0.date(), T0.date())
    assert (report.responses.conversations, report.responses.breaches) == (3, 1)
