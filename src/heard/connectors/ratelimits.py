"""Reads how long to wait from a network's rate-limit headers.

Networks disagree: `Retry-After` is seconds or an HTTP date; X sends `x-rate-limit-reset` as a Unix time;
Reddit sends `x-ratelimit-reset` as seconds from now; Mastodon sends `X-RateLimit-Reset` as an ISO time;
Bluesky sends `ratelimit-reset` as a Unix time. A number above 10^9 is read as a Unix time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

from heard.clock import as_utc

DEFAULT_WAIT_S = 60.0
MAX_WAIT_S = 24 * 3600.0
_RESET_HEADERS = ("retry-after", "x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset")


def wait_seconds(headers: Mapping[str, str], now: datetime, default: float = DEFAULT_WAIT_S) -> float:
    """Seconds to wait before the next call, from the first reset header that can be read."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in _RESET_HEADERS:
        value = lowered.get(name)
        if value is None:
            continue
        seconds = _parse(value.strip(), now)
        if seconds is not None:
            return min(MAX_WAIT_S, max(1.0, seconds))
    return default


def _parse(value: str, now: datetime) -> float | None:
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")):
            return None
        return number - now.timestamp() if number > 1e9 else number
    for parse in (_iso, _http_date):
        when = parse(value)
        if when is not None:
            return (as_utc(when) - now).total_seconds()
    return None


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
