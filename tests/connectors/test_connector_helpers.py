"""The helpers every connector leans on: reset headers, high-water marks, credentials at rest, HTML text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.connectors.credentials import PREFIX, decrypt_options, encrypt_options, redacted
from heard.connectors.extras import require
from heard.connectors.failures import Misconfigured
from heard.connectors.html_text import html_to_text
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.ratelimits import DEFAULT_WAIT_S, MAX_WAIT_S, wait_seconds
from heard.errors import MissingExtra

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "120"}, 120),
        ({"Retry-After": "Mon, 05 Jan 2026 09:05:00 GMT"}, 300),
        ({"x-rate-limit-reset": str(int(NOW.timestamp()) + 900)}, 900),  # X: Unix time
        ({"X-RateLimit-Reset": "2026-01-05T09:10:00.000Z"}, 600),  # Mastodon: ISO time
        ({"x-ratelimit-reset": "369"}, 369),  # Reddit: seconds from now
        ({"ratelimit-reset": str(int(NOW.timestamp()) + 30)}, 30),  # Bluesky: Unix time
        ({"x-rate-limit-reset": str(int(NOW.timestamp()) - 50)}, 1),  # already passed: retry soon, not never
        ({"Retry-After": "nonsense"}, DEFAULT_WAIT_S),
        ({"Retry-After": "nan"}, DEFAULT_WAIT_S),
        ({"Retry-After": "99999999"}, MAX_WAIT_S),
        ({}, DEFAULT_WAIT_S),
    ],
)
def test_wait_is_read_from_each_networks_reset_header(headers: dict[str, str], expected: float) -> None:
    assert wait_seconds(headers, NOW) == pytest.approx(expected)


@given(st.dictionaries(st.sampled_from(["retry-after", "x-rate-limit-reset", "x-ratelimit-reset"]), st.text()))
def test_hostile_reset_headers_never_crash(headers: dict[str, str]) -> None:
    assert 1 <= wait_seconds(headers, NOW) <= MAX_WAIT_S


@given(
    st.lists(st.tuples(st.integers(0, 50).map(float), st.text(min_size=1, max_size=5)), max_size=40), st.integers(0, 40)
)
def test_a_mark_neither_skips_nor_repeats(items: list[tuple[float, str]], split: int) -> None:
    """Reading in two batches with the mark in between sees each (time, id) exactly once, as one batch would."""
    unique = list(dict.fromkeys(items))
    first, second = unique[:split], unique[split:]
    mark = Mark().advance(first)
    mark = Mark.from_json(load_cursor(dump_cursor({"m": mark.to_json()}))["m"])
    # the network answers "what is newest" with everything; the mark keeps only what was not read
    resent = [i for i in unique if mark.is_new(*i)]
    newest = max((t for t, _ in first), default=None)
    expected = [i for i in second if newest is None or i[0] >= newest]
    assert set(resent) >= set(expected) - set(first)
    assert not set(resent) & set(first)


def test_broken_cursors_start_afresh() -> None:
    assert load_cursor("not json") == {}
    assert load_cursor("[1,2]") == {}
    assert Mark.from_json("garbage") == Mark()


def test_credentials_are_encrypted_at_rest_and_come_back() -> None:
    options = {"instance": "https://mastodon.social", "token": "tok-123", "max_chars": 500}
    stored = encrypt_options(options, "k" * 40)
    assert stored["instance"] == options["instance"]
    assert stored["max_chars"] == 500
    assert stored["token"].startswith(PREFIX)
    assert "tok-123" not in str(stored)
    assert encrypt_options(stored, "k" * 40) == stored  # already encrypted stays as it is
    assert decrypt_options(stored, "k" * 40) == options
    assert redacted(options)["token"] == "***"
    with pytest.raises(Misconfigured, match="HEARD_SECRET_KEY changed"):
        decrypt_options(stored, "another key" * 4)


def test_connector_specific_secret_names_are_encrypted_too() -> None:
    stored = encrypt_options({"watch": "x", "odd_secret": "s"}, "k" * 40, secret_names={"odd_secret"})
    assert stored["odd_secret"].startswith(PREFIX)
    assert stored["watch"] == "x"


def test_mastodon_html_reads_as_text_with_full_links() -> None:
    html = (
        '<p>Hi <span class="h-card"><a href="https://x.y/@acme" class="u-url mention">@<span>acme</span></a></span>'
        ' my order is late <a href="https://example.com/track/123456789" rel="nofollow">'
        '<span class="invisible">https://</span><span class="ellipsis">example.com/track/1234</span></a>'
        ' <a href="https://x.y/tags/fail" class="mention hashtag">#<span>fail</span></a></p><p>second<br>line</p>'
    )
    assert html_to_text(html) == ("Hi @acme my order is late https://example.com/track/123456789 #fail\n\nsecond\nline")


@given(st.text())
def test_html_to_text_never_crashes(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_a_missing_optional_package_says_how_to_install_it() -> None:
    with pytest.raises(MissingExtra, match=r"pip install 'heard\[bluesky\]'"):
        require("heard_no_such_module", "bluesky")


def test_credentials_can_come_from_the_environment() -> None:
    stored = encrypt_options({"token": "env:ACME_MASTODON_TOKEN"}, "k" * 40)
    assert stored == {"token": "env:ACME_MASTODON_TOKEN"}  # a reference, not a secret: stored as it is
    assert decrypt_options(stored, "k" * 40, {"ACME_MASTODON_TOKEN": "tok"}) == {"token": "tok"}
    with pytest.raises(Misconfigured, match="ACME_MASTODON_TOKEN"):
        decrypt_options(stored, "k" * 40, {})
