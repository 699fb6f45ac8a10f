"""How long a reply is as each network counts it, and each network's limit: the one place the composer's counter,
the coach's length rule, the outbox's refusal and each connector's last check before publishing read, so that
what the agent sees is what the network accepts.

- X: twitter-text's weighted length (config v3, the one X's API applies): text NFC-normalised, each code point in
  the Latin, punctuation and general-symbol ranges weighs 1, every other code point (CJK, most scripts) 2, an
  emoji sequence (however many code points) 2, every URL 23.
- Mastodon: grapheme clusters (the server's StatusLengthValidator), every URL 23, a mention `@user@domain` as
  `@user`; a reply that Heard prefixes with the recipient's @handle is counted with it (`mention=`).
- Bluesky: grapheme clusters (the app's 300 limit is in graphemes; facets do not change the text).
- The others: code points.

twitter-text has no maintained Python port (the `twitter-text-python` packages stop at config v1 and count code
points), so its few rules are written here from the published config; docs/decisions/0802-lengths-as-networks-count.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex  # type: ignore[import-untyped]

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
#: X and Mastodon count every link as 23 characters, whatever its length.
X_LINK_LENGTH = 23
MASTODON_LINK_LENGTH = 23
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
#: twitter-text config v3: code points in these ranges weigh 100 (one character), the rest 200 (two)
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
#: Mastodon counts a remote mention by its username only
_REMOTE_MENTION = re.compile(r"(?<![\w/])(@\w+)@[\w.-]+\w", re.UNICODE)


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


def x_weighted_length(text: str) -> int:
    """X's weighted length (twitter-text config v3)."""
    text = unicodedata.normalize("NFC", text)
    weight = 0
    position = 0
    for match in _URL.finditer(text):
        weight += _x_plain(text[position : match.start()]) + X_LINK_LENGTH
        position = match.end()
    return weight + _x_plain(text[position:])


def _x_plain(text: str) -> int:
    weight = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster):
            weight += 2  # an emoji sequence (skin tone, ZWJ family, flag) counts 2 however long
            continue
        for char in cluster:
            code = ord(char)
            weight += 1 if any(low <= code <= high for low, high in _X_LIGHT) else 2
    return weight


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    return len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    text = _REMOTE_MENTION.sub(r"\1", text)
    return graphemes(_URL.sub("x" * MASTODON_LINK_LENGTH, text))


def counted_length(text: str, network: str) -> int:
    kind = network.lower()
    if kind in {"x", "twitter"}:
        return x_weighted_length(text)
    if kind == "mastodon":
        return mastodon_length(text)
    if kind == "bluesky":
        return graphemes(text)
    return len(text)


def with_mention(network: str, text: str, mention: str | None) -> str:
    """The text as it goes out on networks that name the recipient in the text (Mastodon notifies only the
    accounts a status mentions, so Heard prefixes `@handle` when the reply does not name them already)."""
    handle = (mention or "").lstrip("@")
    if network.lower() != "mastodon" or not handle or f"@{handle}".lower() in text.lower():
        return text
    return f"@{handle} {text}"


def measure(network: str, text: str, mention: str | None = None) -> Measured:
    sent = with_mention(network, text, mention)
    return Measured(network.lower(), counted_length(sent, network), limit_of(network))
