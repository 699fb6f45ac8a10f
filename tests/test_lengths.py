"""Lengths as each network counts them: one place for the composer, the coach and the outbox."""

from __future__ import annotations

from heard.lengths import measure


def test_x_counts_a_link_as_23_whatever_its_length() -> None:
    link = "https://example.com/" + "a" * 100
    assert measure("x", f"fixed: {link}").length == len("fixed: ") + 23
    assert measure("twitter", "a" * 281).over == 1
    assert measure("mastodon", f"fixed: {link}").length == len(f"fixed: {link}")


def test_an_unknown_network_has_no_limit() -> None:
    measured = measure("somewhere", "a" * 50_000)
    assert (measured.limit, measured.over) == (None, 0)
