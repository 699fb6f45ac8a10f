import html
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.pipeline.normalize import (
    _CONTROL,
    _HASHTAG,
    _MENTION,
    _NEWLINES,
    _SPACES,
    _URL,
    Normalize,
    clean_text,
    hashtags,
    mentions,
    normalize_one,
    urls,
)
from heard.pipeline.stage import StageContext
from heard.posts import _UNSTORABLE, MAX_TEXT_CHARS, Post, RawPost

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def raw(text: str, **kw: object) -> RawPost:
    return RawPost("twitter", "1", "42", "ana", text, NOW, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello   world", "hello world"),
        ("  trim me \n", "trim me"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("zero\u200bwidth\u202eflip", "zerowidthflip"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("line\r\nbreak", "line\nbreak"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("cafe\u0301", "café"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("", ""),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text, entities=True)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻 at work, 👨\u200d👩\u200d👧 at home",  # emoji ZWJ sequences
        "می\u200cخواهم",  # Persian: the non-joiner keeps "mi" apart from the verb
        "क्\u200dष",  # Devanagari: the joiner asks for the half form
    ],
)
def test_joiners_that_hold_words_and_emoji_together_are_kept(text: str) -> None:
    assert clean_text(text)[0] == text


@pytest.mark.parametrize(
    ("network", "expected"),
    [("x", "a & b <3"), ("twitter", "a & b <3"), ("mastodon", "a &amp; b &lt;3"), ("reddit", "a &amp; b &lt;3")],
)
def test_entities_are_decoded_only_for_networks_that_encode_them(network: str, expected: str) -> None:
    post = normalize_one(RawPost(network, "1", "42", "ana", "a &amp; b &lt;3", NOW))
    assert post.text == expected


@pytest.mark.parametrize(
    ("text", "tags", "handles", "links"),
    [
        ("@AmazonHelp my order #late again", ("late",), ("amazonhelp",), ()),
        ("#UnitedBreaksGuitars #unitedbreaksguitars", ("unitedbreaksguitars",), (), ()),
        ("see https://x.co/abc. and http://a.b/c?d=1)", (), (), ("https://x.co/abc", "http://a.b/c?d=1")),
        ("email me at ana@example.com", (), (), ()),
        ("#1 fan, issue #42", (), (), ()),
        ("@user@mastodon.social hi", (), ("user@mastodon.social",), ()),
        ("https://site.com/#anchor and &#39;", (), (), ("https://site.com/#anchor",)),
    ],
)
def test_entities(text: str, tags: tuple[str, ...], handles: tuple[str, ...], links: tuple[str, ...]) -> None:
    assert hashtags(text) == tags
    assert mentions(text) == handles
    assert urls(text) == links


def test_network_language_hint_is_kept_lowercase() -> None:
    assert normalize_one(raw("hola", language="ES")).language == "es"


def test_huge_text_is_cut_and_flagged() -> None:
    post = normalize_one(raw("x" * (MAX_TEXT_CHARS + 10)))
    assert len(post.text) == MAX_TEXT_CHARS
    assert post.truncated


def test_stage_normalizes_every_post() -> None:
    posts = [Post(raw=raw("a  &amp; b"), text="")]
    out = Normalize()(posts, StageContext(now=NOW))
    assert [p.text for p in out] == ["a & b"]


@given(st.text(max_size=3000))
def test_no_text_breaks_normalize(text: str) -> None:
    post = normalize_one(raw(text))
    post.text.encode("utf-8")  # always storable
    assert len(post.text) <= MAX_TEXT_CHARS


def _reference_clean(text: str, entities: bool) -> str:
    """clean_text as first written, without the shortcuts that skip work on plain text."""
    text = html.unescape(text) if "&" in text and entities else text
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSTORABLE.sub("\ufffd", _CONTROL.sub("", text))
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()[:MAX_TEXT_CHARS]


_HOSTILE = st.text(alphabet=st.sampled_from(list("ab #@:/\n\r\t\x00\u00a0\u200b&;e\u0301\u00e9\ud800é1")))


@given(st.one_of(st.text(), _HOSTILE), st.booleans())
def test_shortcuts_change_no_result(text: str, entities: bool) -> None:
    cleaned, _ = clean_text(text, entities=entities)
    assert cleaned == _reference_clean(text, entities)
    assert hashtags(cleaned) == tuple(dict.fromkeys(t.lower() for t in _HASHTAG.findall(cleaned) if not t.isdigit()))
    assert mentions(cleaned) == tuple(dict.fromkeys(m.lower() for m in _MENTION.findall(cleaned)))
    assert urls(cleaned) == tuple(dict.fromkeys(u.rstrip(".,;:!?)]}'\"") for u in _URL.findall(cleaned)))
