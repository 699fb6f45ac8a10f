"""How long a reply is as each network counts it, and each network's limit: the one place the composer's counter,
the coach's length rule and the outbox's refusal read, so that what the agent sees is what the network accepts.

Today X counts every link as 23 characters and the others count characters; the networks' finer rules (X's
weighted characters, Mastodon's prepended mention, Bluesky's graphemes) belong here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The longest post or reply each network takes (characters as it counts them).
LIMITS: dict[str, int] = {
    "x": 280,
    "twitter": 280,
    "mastodon": 500,
    "bluesky": 300,
    "reddit": 10_000,
    "facebook": 8_000,
    "linkedin": 1_250,
    "youtube": 10_000,
}
#: X counts every link as 23 characters, whatever its length.
X_LINK_LENGTH = 23
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Measured:
    """A text's length as `network` counts it, against the network's limit (None: no known limit)."""

    network: str
    length: int
    limit: int | None

    @property
    def over(self) -> int:
        """How many characters too many (0 when it fits)."""
        return max(0, self.length - self.limit) if self.limit is not None else 0


def limit_of(network: str) -> int | None:
    return LIMITS.get(network.lower())


def counted_length(text: str, network: str) -> int:
    if network.lower() in {"x", "twitter"}:
        return len(_URL.sub("x" * X_LINK_LENGTH, text))
    return len(text)


def measure(network: str, text: str) -> Measured:
    return Measured(network.lower(), counted_length(text, network), limit_of(network))
