"""The clock an inbox's response targets run on: its business hours (a time zone, the days and the hours it is
staffed; none means around the clock) and the pile-on rule that tightens a thread's target.

Pure functions, shared by the queue's timers, the stored breaches and the reports, so a target means the same
thing everywhere: a 15-minute target set on a Monday-to-Friday 9-17 inbox and a message on Friday at 16:55 falls
due on Monday at 09:10 (local time), and a thread the radar caught in a pile-on is due in a quarter of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heard.clock import as_utc

#: The priority the radar gives a conversation it caught in a pile-on (heard.alerts.actions.PILEON_PRIORITY).
PILEON_PRIORITY = 100
#: A thread caught in a pile-on gets this share of its target, never less than PILEON_FLOOR_S.
PILEON_SHARE = 0.25
PILEON_FLOOR_S = 300
#: ISO weekdays (1 = Monday ... 7 = Sunday), as they are stored ("12345" is Monday to Friday).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: A target spanning more than this many calendar days of closed hours is a settings mistake; the search stops.
_MAX_DAYS = 400


class BusinessHoursProblem(ValueError):
    """Business hours that cannot work as given; the message says why."""


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Staffed hours in one time zone: on each of `days` (ISO weekdays), from `opens_min` to `closes_min` minutes
    after local midnight (1440: until midnight)."""

    tz: str
    days: frozenset[int]
    opens_min: int
    closes_min: int

    def __post_init__(self) -> None:
        zone(self.tz)
        if not self.days or not self.days <= set(range(1, 8)):
            raise BusinessHoursProblem("business hours need at least one working day")
        if not 0 <= self.opens_min < self.closes_min <= 24 * 60:
            raise BusinessHoursProblem("business hours must close after they open, on the same day")

    @classmethod
    def parse(cls, tz: str, days: str, opens: str, closes: str) -> BusinessHours:
        """From the stored or typed form: "Europe/Berlin", "12345", "09:00", "17:00" (closing "00:00" or
        "24:00" means midnight, the end of the day)."""
        if not days.isdigit():
            raise BusinessHoursProblem("business hours need at least one working day")
        closing = minutes_of(closes)
        return cls(tz.strip(), frozenset(int(d) for d in days), minutes_of(opens), closing or 24 * 60)

    @property
    def days_text(self) -> str:
        return "".join(str(d) for d in sorted(self.days))

    def describe(self) -> str:
        """ "Mon-Fri 09:00-17:00 Europe/Berlin"."""
        names = [WEEKDAYS[d - 1] for d in sorted(self.days)]
        consecutive = sorted(self.days) == list(range(min(self.days), max(self.days) + 1))
        span = f"{names[0]}-{names[-1]}" if consecutive and len(names) > 2 else ", ".join(names)
        return f"{span} {clock_text(self.opens_min)}-{clock_text(self.closes_min)} {self.tz}"

    def windows_from(self, start: datetime, days: int = _MAX_DAYS) -> list[tuple[datetime, datetime]]:
        """Open windows as UTC (start, end), from the local day of `start` on, for `days` calendar days."""
        tz = zone(self.tz)
        first = as_utc(start).astimezone(tz).date()
        out = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            if day.isoweekday() in self.days:
                out.append((_local(day, self.opens_min, tz), _local(day, self.closes_min, tz)))
        return out


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BusinessHoursProblem(f"'{name}' is not a time zone (try one such as Europe/Berlin or UTC)") from exc


def minutes_of(text: str) -> int:
    """ "09:30" -> 570."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise BusinessHoursProblem(f"'{text}' is not a time of day (HH:MM)")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise BusinessHoursProblem(f"'{text}' is not a time of day (HH:MM)")
    return value


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """A local wall time as UTC; midnight at the end of the day is the next day's 00:00 (zoneinfo reads a time
    that a DST jump skips with the offset before the jump)."""
    if minutes >= 24 * 60:
        day, minutes = day + timedelta(days=1), 0
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz).astimezone(UTC)


def tightened(target_s: int, priority: int) -> int:
    """A pile-on's target: a thread with a dozen people piling on is not "due in 58 min"."""
    if priority >= PILEON_PRIORITY:
        return min(target_s, max(PILEON_FLOOR_S, int(target_s * PILEON_SHARE)))
    return target_s


def due_at(start: datetime, target_s: int, hours: BusinessHours | None) -> datetime:
    """When a response owed since `start` falls due: `target_s` later, counting only business hours."""
    start = as_utc(start)
    if hours is None:
        return start + timedelta(seconds=target_s)
    left = float(target_s)
    for opens, closes in hours.windows_from(start):
        begin = max(opens, start)
        if begin >= closes:
            continue
        available = (closes - begin).total_seconds()
        if left <= available:
            return begin + timedelta(seconds=left)
        left -= available
    raise BusinessHoursProblem("the target does not fit in a year of business hours")


def business_seconds(start: datetime, end: datetime, hours: BusinessHours | None) -> float:
    """Seconds of business time between two instants (negative when `end` is before `start`)."""
    start, end = as_utc(start), as_utc(end)
    if hours is None or end == start:
        return (end - start).total_seconds()
    if end < start:
        return -business_seconds(end, start, hours)
    total = 0.0
    days = (end - start).days + 2
    for opens, closes in hours.windows_from(start, days):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += (finish - begin).total_seconds()
    return total


def stored_hours(
    tz: str | None, days: str | None, opens_min: int | None, closes_min: int | None
) -> BusinessHours | None:
    """An inbox's business hours from its columns; no time zone means around the clock."""
    if not tz:
        return None
    return BusinessHours(tz, frozenset(int(d) for d in (days or "12345")), opens_min or 0, closes_min or 24 * 60)
