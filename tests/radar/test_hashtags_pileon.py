"""Hashtag discovery proposes rising tags with evidence; thread pile-on figures and urgency behave."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from heard.clock import FrozenClock
from heard.radar.hashtags import HashtagDiscovery
from heard.radar.pileon import ThreadPileOn, says_me_too, urgency
from heard.workers.staged_pileon import REPLIES


def test_a_rising_customer_invented_tag_is_proposed_once_with_evidence(clock: FrozenClock) -> None:
    discovery = HashtagDiscovery(known={"#acme"})
    proposals = []
    for n in range(48):  # a steady tag for two days: never proposed
        proposals += discovery.observe(clock.now(), ("#travel", "#acme"), f"x:{n}", f"a{n}")
        clock.advance(3600)
    assert proposals == []
    first = clock.now()
    for n in range(12):  # a new tag, twelve people in twenty minutes, complaints all
        clock.advance(100)
        proposals += discovery.observe(clock.now(), ("#AcmeBreaksGuitars",), f"x:g{n}", f"g{n}", complaint=0.9)
    assert [p.tag for p in proposals] == ["#acmebreaksguitars"]
    proposal = proposals[0]
    assert proposal.first_seen - first <= timedelta(seconds=100)
    assert proposal.authors >= 3
    assert proposal.growth >= 4
    assert proposal.complaint_share == 1.0
    assert proposal.examples[0] == "x:g0"
    discovery.accept("#AcmeBreaksGuitars")
    assert discovery.observe(clock.now(), ("#acmebreaksguitars",), "x:z", "z") == []


def test_discovery_memory_is_bounded(clock: FrozenClock) -> None:
    discovery = HashtagDiscovery(capacity=50)
    for n in range(1000):
        discovery.observe(clock.now(), (f"#tag{n}",), f"x:{n}", "a")
    assert len(discovery._tags) <= 50


@given(st.lists(st.text(max_size=200), max_size=10))
def test_discovery_takes_hostile_tags(tags: list[str]) -> None:
    clock = FrozenClock()
    HashtagDiscovery().observe(clock.now(), tuple(tags), "x:1", "a")


def test_thread_pileon_counts_new_authors_reach_and_silence(clock: FrozenClock) -> None:
    thread = ThreadPileOn("thread:x:1", root_author="victim")
    assert not thread.add(clock.now(), "victim", False, "you lost my bag")
    for n in range(10):
        clock.advance(10)
        assert thread.add(clock.now(), f"p{n}", False, "same here!", followers=1000)
    assert not thread.add(clock.now(), "p0", False, "again")  # not new
    state = thread.state(clock.now())
    assert (state.new_authors, state.reach, state.me_too) == (10, 10_000, 10)
    assert state.velocity_per_min > 1
    assert state.acceleration_per_min2 > 0
    clock.advance(300)
    waiting = thread.state(clock.now())
    assert waiting.unanswered_s >= 300
    thread.add(clock.now(), "brand", True, "so sorry, DM us")
    assert thread.state(clock.now()).unanswered_s == 0


def test_urgency_grows_with_velocity_and_silence() -> None:
    calm = urgency(0.0, 0.0, 0, 1, 0.0)
    busy = urgency(5.0, 0.1, 50_000, 30, 0.0)
    ignored = urgency(5.0, 0.1, 50_000, 30, 1800.0)
    assert 0 <= calm < busy < ignored <= 100


def test_me_too_phrases() -> None:
    assert says_me_too("Same here, no refund")
    assert says_me_too("me too!!")
    assert says_me_too("same")
    assert not says_me_too("the same colour as the old one")
    assert not says_me_too("")


def test_me_too_covers_lived_it_too_and_bare_same_but_not_look_alikes() -> None:
    # Every staged demo reply is a "same here" (two of them used to be missed and stayed out of the incident).
    assert [text for text in REPLIES if not says_me_too(text)] == []
    for text in (
        "I've had this for 3 days now",
        "we have had the same for a week",
        "same, and support just ignores us",
        "@AmericanAir @cust Same!",
        "same with me... and disconnecting",
        "everyone else is in the same boat",
    ):
        assert says_me_too(text), text
    for text in (
        "Takes me too long to find the episode I want",
        "you give me too much anxiety",
        "I've had this phone for 2 years",
        "I've had this since I was 19",
        "same day delivery never came",
        "it was rude to me as well",
    ):
        assert not says_me_too(text), text
