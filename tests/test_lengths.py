"""Lengths as each network counts them: one place for the composer, the coach and the outbox."""

from __future__ import annotations

from heard.lengths import measure


def test_x_counts_a_link_as_23_whatever_its_length() -> None:
    link = "https://example.com/" + "a" * 100
    assert measure("x", f"fixed: {link}").length == len("fixed: ") + 23
    assert measure("twitter", "a" * 281).over == 1
    assert measure("mastodon", f"fixed: {link}").length == len("fixed: ") + 23  # Mastodon too


def test_x_weighs_cjk_and_emoji_two_and_latin_one() -> None:
    """twitter-text config v3 (the conformance cases of twitter-text's validate.yml, weighted length)."""
    assert measure("x", "hello").length == 5
    assert measure("x", "こんにちは").length == 10
    assert measure("x", "café — “quoted”").length == len("café — “quoted”")  # Latin-1, dashes, quotes: 1
    assert measure("x", "👍").length == 2
    assert measure("x", "👨‍👩‍👧‍👦").length == 2  # a ZWJ family is one emoji
    assert measure("x", "🇫🇷").length == 2
    assert measure("x", "e\u0301").length == 1  # NFC: é
    assert measure("x", "あ" * 140).over == 0
    assert measure("x", "あ" * 141).over == 2


def test_mastodon_counts_the_prepended_mention_and_remote_mentions_by_username() -> None:
    reply = "a" * 495
    assert measure("mastodon", reply).over == 0
    assert measure("mastodon", reply, mention="customer").length == 495 + len("@customer ")  # 505: over
    assert measure("mastodon", f"@customer {reply[:480]}", mention="customer").length == 490  # not twice
    assert measure("mastodon", "@someone@example.social hi").length == len("@someone hi")


def test_bluesky_counts_graphemes() -> None:
    assert measure("bluesky", "👨‍👩‍👧‍👦" * 300).over == 0
    assert measure("bluesky", "é" * 301).over == 1


def test_an_unknown_network_has_no_limit() -> None:
    measured = measure("somewhere", "a" * 50_000)
    assert (measured.limit, measured.over) == (None, 0)
