"""Business hours and the pile-on rule (heard.channels.sla_clock): pure, table-driven, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from heard.channels.sla_clock import (
    BusinessHours,
    BusinessHoursProblem,
    business_seconds,
    due_at,
    minutes_of,
    stored_hours,
    tightened,
)

BERLIN = BusinessHours.parse("Europe/Berlin", "12345", "09:00", "17:00")


def berlin(*parts: int) -> datetime:
    """A Berlin wall time in winter (UTC+1), as UTC."""
    return datetime(*parts, tzinfo=UTC) - timedelta(hours=1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "target_s", "due"),
    [
        (berlin(2026, 1, 5, 10, 0), 900, berlin(2026, 1, 5, 10, 15)),  # Monday, open: plain 15 min
        (berlin(2026, 1, 5, 7, 30), 900, berlin(2026, 1, 5, 9, 15)),  # before opening: counts from 09:00
        (berlin(2026, 1, 5, 16, 55), 900, berlin(2026, 1, 6, 9, 10)),  # 5 min today, 10 tomorrow
        (berlin(2026, 1, 9, 16, 55), 900, berlin(2026, 1, 12, 9, 10)),  # Friday: Monday morning
        (berlin(2026, 1, 10, 12, 0), 3600, berlin(2026, 1, 12, 10, 0)),  # Saturday: Monday 10:00
        (berlin(2026, 1, 5, 17, 0), 60, berlin(2026, 1, 6, 9, 1)),  # at closing time: the next morning
        (berlin(2026, 1, 5, 9, 0), 2 * 8 * 3600, berlin(2026, 1, 6, 17, 0)),  # two whole working days
    ],
)
def test_due_times_count_only_business_hours(start: datetime, target_s: int, due: datetime) -> None:
    assert due_at(start, target_s, BERLIN) == due
    assert business_seconds(start, due, BERLIN) == target_s


def test_around_the_clock_is_plain_arithmetic() -> None:
    start = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    assert due_at(start, 900, None) == start + timedelta(minutes=15)
    assert business_seconds(start, start + timedelta(hours=2), None) == 7200


def test_daylight_saving_keeps_local_opening_hours() -> None:
    """Berlin moves to UTC+2 on 29 March 2026: Monday's 09:00 is 07:00 UTC, not 08:00."""
    friday_evening = datetime(2026, 3, 27, 15, 55, tzinfo=UTC)  # 16:55 in Berlin (UTC+1)
    assert due_at(friday_evening, 900, BERLIN) == datetime(2026, 3, 30, 7, 10, tzinfo=UTC)


def test_a_shift_until_midnight_and_weekend_only_inboxes() -> None:
    late = BusinessHours.parse("UTC", "67", "18:00", "00:00")
    assert late.closes_min == 24 * 60
    assert late.describe() == "Sat, Sun 18:00-24:00 UTC"
    saturday = datetime(2026, 1, 10, 23, 50, tzinfo=UTC)
    assert due_at(saturday, 1200, late) == datetime(2026, 1, 11, 18, 10, tzinfo=UTC)
    assert BERLIN.describe() == "Mon-Fri 09:00-17:00 Europe/Berlin"


@pytest.mark.parametrize(
    ("tz", "days", "opens", "closes", "why"),
    [
        ("Mars/Olympus", "12345", "09:00", "17:00", "not a time zone"),
        ("UTC", "", "09:00", "17:00", "at least one working day"),
        ("UTC", "12345", "17:00", "09:00", "close after they open"),
        ("UTC", "12345", "9h", "17:00", "not a time of day"),
        ("UTC", "12345", "09:75", "17:00", "not a time of day"),
        ("UTC", "189", "09:00", "17:00", "at least one working day"),
    ],
)
def test_hours_that_cannot_work_are_refused_with_the_reason(
    tz: str, days: str, opens: str, closes: str, why: str
) -> None:
    with pytest.raises(BusinessHoursProblem, match=why):
        BusinessHours.parse(tz, days, opens, closes)


def test_stored_columns() -> None:
    assert stored_hours(None, "12345", 540, 1020) is None
    assert stored_hours("Europe/Berlin", "12345", 540, 1020) == BERLIN
    assert minutes_of("09:30") == 570


@pytest.mark.parametrize(
    ("target", "priority", "expected"), [(3600, 100, 900), (900, 100, 300), (240, 100, 240), (3600, 0, 3600)]
)
def test_a_pileon_gets_a_quarter_of_its_target_at_least_five_minutes(target: int, priority: int, expected: int) -> None:
    assert tightened(target, priority) == expected
