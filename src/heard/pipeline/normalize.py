"""normalize: RawPost -> Post. Cleans text and pulls out hashtags, mentions and links.

Social text is hostile input: lone surrogates, control characters, zero-width tricks, HTML entities (twcs
escapes & as &amp;), and text far longer than any network allows. Cleaning keeps what a person wrote and
removes only what cannot be shown or stored safely; escaping for HTML happens at render time, not here.

Two things look like noise and are not: the zero-width joiner and non-joiner (U+200D, U+200C) hold emoji
sequences together (👩‍💻) and shape Persian and Indic words, so they are kept. And "&amp;" is an escape only
where the network escapes: X (and its twcs export) sends "&amp; &lt; &gt;"; a Mastodon or Reddit user who
types "&amp;" means those five characters, so entities are decoded for the networks in ENTITY_ENCODED only.
"""

from __future__ import annotations

import html
import re
import unicodedata

from heard.pipeline.stage import StageContext
from heard.posts import MAX_TEXT_CHARS, Post, RawPost, storable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
#: Networks whose text arrives with HTML entities in it (X's API and its exports escape &, < and >).
ENTITY_ENCODED = frozenset({"x", "twitter"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_NEWLINES = re.compile(r"\n{3,}")
_HASHTAG = re.compile(r"(?<![\w&/])#(\w{1,100})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w/])@(\w{1,64}(?:@[\w.-]{1,253})?)", re.UNICODE)
_URL = re.compile(r"https?://[^\s<>\"']{1,2000}", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?)]}'\""


def clean_text(text: str, *, entities: bool = False) -> tuple[str, bool]:
    """The text as a person would read it, and whether it had to be cut to MAX_TEXT_CHARS. `entities`: the
    source escapes HTML entities, so they are decoded."""
    if entities and "&" in text:
        text = html.unescape(text)
    if not text.isascii():  # ASCII is its own NFC form; checking is far cheaper than normalising
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = storable(_CONTROL.sub("", text))
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n\n", text)
        text = "\n".join(line.strip() for line in text.split("\n"))
    text = text.strip()
    truncated = len(text) > MAX_TEXT_CHARS
    return (text[:MAX_TEXT_CHARS], truncated)


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# Each extractor first checks for the character its pattern cannot match without: most posts have no hashtag or
# link, and a substring test costs a fraction of a regex scan.
def hashtags(text: str) -> tuple[str, ...]:
    if "#" not in text:
        return ()
    return _unique([tag.lower() for tag in _HASHTAG.findall(text) if not tag.isdigit()])


def mentions(text: str) -> tuple[str, ...]:
    if "@" not in text:
        return ()
    return _unique([m.lower() for m in _MENTION.findall(text)])


def urls(text: str) -> tuple[str, ...]:
    if "://" not in text:
        return ()
    return _unique([u.rstrip(_TRAILING_PUNCT) for u in _URL.findall(text)])


def normalize_one(raw: RawPost) -> Post:
    text, truncated = clean_text(raw.text, entities=raw.network in ENTITY_ENCODED)
    language = raw.language.lower()[:16] if raw.language else None
    return Post(
        raw=raw,
        text=text,
        hashtags=hashtags(text),
        mentions=mentions(text),
        urls=urls(text),
        language=language,
        truncated=truncated or len(raw.text) >= MAX_TEXT_CHARS,
    )


class Normalize:
    name = "normalize"

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        return [normalize_one(p.raw) for p in posts]
