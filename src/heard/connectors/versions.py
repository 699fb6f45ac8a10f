"""API versions that expire: Meta's Graph API and LinkedIn's Marketing API pin a version per call, and a call to
a retired one fails (LinkedIn: HTTP 426; Graph: the call is served by the next version, with its changes). Each
connector takes the version as a setting whose default is current, and its reads warn in the channel's health
`WARN_DAYS` before the sunset.

Graph: a version stops two years after the next one is released (developers.facebook.com/docs/apps/versions);
LinkedIn: a monthly version (YYYYMM) is supported for one year (learn.microsoft.com, LinkedIn versioning).
"""

from __future__ import annotations

from datetime import date

WARN_DAYS = 90
GRAPH_DEFAULT = "v24.0"
#: Graph versions and the day each stops (two years after its successor was released)
GRAPH_SUNSETS = {
    "v20.0": date(2026, 9, 24),
    "v21.0": date(2027, 1, 21),
    "v22.0": date(2027, 5, 29),
    "v23.0": date(2027, 10, 8),
}
LINKEDIN_DEFAULT = "202611"


def graph_sunset(version: str) -> date | None:
    return GRAPH_SUNSETS.get(version)


def linkedin_sunset(version: str) -> date | None:
    """A YYYYMM version's last supported month ends a year after it was released."""
    if len(version) != 6 or not version.isdigit():
        return None
    year, month = int(version[:4]), int(version[4:])
    if not 1 <= month <= 12:
        return None
    return date(year + 1, month, 1)


def sunset_notice(network: str, version: str, sunset: date | None, today: date) -> str | None:
    """A line for the channel's health when `version` is retired or retires within WARN_DAYS."""
    if sunset is None:
        return None
    days = (sunset - today).days
    if days < 0:
        return f"{network} API version {version} was retired on {sunset:%Y-%m-%d}: set a current version"
    if days <= WARN_DAYS:
        return f"{network} API version {version} retires on {sunset:%Y-%m-%d} ({days} days): set a newer version"
    return None
