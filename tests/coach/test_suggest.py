"""Suggested drafts: personal, good by the coach's own rules, within the network's limit, never the same twice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.suggest import suggest_draft
from heard.lengths import LIMITS as LENGTH_LIMITS
from heard.lengths import counted_length as weighted_length

COMPLAINT = ReviewContext(
    post="My bag was lost on flight 1234 to Denver and nobody at the desk will help! Booking HAPTCQ",
    customer_name="Jane Doe",
    agent_name="Sam Lee",
)
INCIDENT = {
    "agent_name": "Sam Lee",
    "incident_title": "the app logging people out after the 4.2 update",
    "article_url": "https://help.example.com/kb/app-logout",
}


@pytest.mark.parametrize(
    "ctx",
    [
        COMPLAINT,
        ReviewContext(post="How do I change my seat on the Rome flight?", customer_name="Li", agent_name="Kim"),
        ReviewContext(
            post="Thank you for the lovely crew on my flight to Rome!", customer_name="Ana", agent_name="Kim"
        ),
        ReviewContext(post="the app keeps logging me out", customer_handle="omar", **INCIDENT),  # type: ignore[arg-type]
    ],
)
def test_suggestions_pass_the_coach(ctx: ReviewContext) -> None:
    draft = suggest_draft(ctx)
    result = review(draft, ctx)
    assert result.score >= 85, (draft, result.to_dict())
    assert not result.rules & {"privacy.leak", "length.limit", "humble.blame", "ownership.non_apology"}


def test_suggestions_are_personal_and_keep_private_data_out() -> None:
    draft = suggest_draft(COMPLAINT)
    assert draft.startswith(("Hi Jane", "Hello Jane", "Jane,"))
    assert "flight 1234" in draft
    assert "HAPTCQ" not in draft
    assert draft.endswith("^Sam")


def test_the_article_link_goes_in() -> None:
    ctx = ReviewContext(post="the app keeps logging me out", customer_handle="omar", **INCIDENT)  # type: ignore[arg-type]
    assert "https://help.example.com/kb/app-logout" in suggest_draft(ctx)


def test_a_pile_on_never_gets_the_same_text_twice() -> None:
    posts = [
        "app logged me out again",
        "logged out of the app AGAIN after the update",
        "your update broke login, I keep getting logged out",
        "can't stay signed in since yesterday's update",
        "the app keeps logging me out every hour",
    ]
    sent: list[str] = []
    for i, post in enumerate(posts * 3):
        ctx = ReviewContext(post=post, customer_handle=f"user{i}", previous_replies=tuple(sent), **INCIDENT)  # type: ignore[arg-type]
        draft = suggest_draft(ctx)
        assert draft not in sent
        assert "human.near_copy" not in review(draft, ctx).rules
        sent.append(draft)
    assert len(set(sent)) == len(sent)


@pytest.mark.parametrize("network", sorted(LENGTH_LIMITS))
def test_suggestions_fit_every_network(network: str) -> None:
    ctx = ReviewContext(
        post="Worst airline ever " * 40,
        customer_name="Bartholomew" * 3,
        network=network,
        **INCIDENT,  # type: ignore[arg-type]
    )
    assert weighted_length(suggest_draft(ctx), network) <= LENGTH_LIMITS[network]


@settings(max_examples=150, deadline=None)
@given(post=st.text(max_size=600), name=st.text(max_size=40), handle=st.text(max_size=40))
def test_hostile_posts_never_crash_the_suggester(post: str, name: str, handle: str) -> None:
    draft = suggest_draft(ReviewContext(post=post, customer_name=name, customer_handle=handle))
    assert isinstance(draft, str)
    assert draft
    assert weighted_length(draft, "x") <= 280


def test_a_terse_post_borrows_the_pipelines_topic() -> None:
    ctx = ReviewContext(post="ugh!!", customer_name="Jo", is_complaint=True, topic="baggage", agent_name="Sam")
    assert "the baggage problem" in suggest_draft(ctx)
