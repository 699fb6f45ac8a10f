"""The coach reads the moment: mood, thread, pile-on, names, signatures and reasons as people write them."""

from __future__ import annotations

import pytest

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.situation import usable_name
from heard.coach.suggest import suggest_draft

ANGRY = ReviewContext(post="nope just laziness", mood=-0.9, customer_name="115878", agent_name="Demo")
PILE_ON = ReviewContext(
    post="me too. this is getting ridiculous",
    pile_on=True,
    is_complaint=True,
    mood=-0.7,
    customer_handle="pileon_demo11",
    thread=(("customer", "my order never arrived and nobody answers my emails"), ("customer", "same here")),
)
KIND_WORDS = "Hi there - thanks for the kind words: this is lovely to read, and we'll share it with the team"
BOILERPLATE = "We apologize for any inconvenience. Please DM us."
OWNING = (
    "I'm so sorry your order went to Germany, that was our mistake. The courier mislabelled it; I've sent a "
    "replacement by express today and it arrives Thursday. Thanks for bearing with us. - Ann"
)


@pytest.mark.parametrize("ctx", [ANGRY, PILE_ON])
def test_a_thank_you_for_kind_words_to_an_angry_post_is_caught(ctx: ReviewContext) -> None:
    result = review(KIND_WORDS, ctx)
    assert "tone.mismatch" in result.rules
    assert result.score < 60


def test_please_dm_us_alone_draws_a_finding_with_a_fix() -> None:
    result = review("Please DM us.", ANGRY)
    [finding] = [f for f in result.findings if f.rule == "deflect.private"]
    assert "public" in finding.what
    assert finding.fix


def test_a_dm_ask_with_a_public_apology_and_fix_is_fine() -> None:
    draft = (
        "Sorry your bag missed the connection, that's on us: it's on the 14:10 and we'll deliver it tonight. "
        "DM us your address. ^Sam"
    )
    assert "deflect.private" not in review(draft, ReviewContext(post="where is my bag?!", is_complaint=True)).rules


def test_the_owning_draft_beats_boilerplate_by_25() -> None:
    ctx = ReviewContext(post="They sent the feckin' order to Germany! I'm so done with Amazon!", agent_name="Demo")
    owning, boiler = review(OWNING, ctx), review(BOILERPLATE, ctx)
    assert owning.score >= boiler.score + 25, (owning.to_dict(), boiler.to_dict())
    assert not owning.rules & {"personal.signature", "reason.missing", "personal.situation"}


@pytest.mark.parametrize("signed", ["- Ann", "^AB", "*TMT", "~Ann", "—Ann", "Cheers, Ann", "-AB (2/2)"])
def test_signatures_as_people_write_them(signed: str) -> None:
    draft = f"Sorry about the delay, the crew ran late. You're on the 9:40 now. Thanks! {signed}"
    assert "personal.signature" not in review(draft, ReviewContext(post="late again", agent_name="Demo")).rules


@pytest.mark.parametrize(
    "reason", ["The courier mislabelled it.", "Our system went down overnight.", "The crew ran late from Denver."]
)
def test_reasons_said_as_what_happened(reason: str) -> None:
    draft = f"Sorry about your order. {reason} A new one ships today. Thanks ^Sam"
    assert "reason.missing" not in review(draft, ReviewContext(post="my order is wrong", is_complaint=True)).rules


@pytest.mark.parametrize(
    ("name", "handle", "expected"),
    [("117136", "117136", ""), ("pileon_demo3", "pileon_demo3", ""), ("Jane Doe", "jd", "Jane"), ("J", "", "")],
)
def test_only_real_names_are_names(name: str, handle: str, expected: str) -> None:
    assert usable_name(ReviewContext(customer_name=name, customer_handle=handle)) == expected


def test_a_numeric_id_is_neither_greeted_nor_asked_for() -> None:
    draft = suggest_draft(ANGRY)
    assert "115878" not in draft
    assert "personal.name" not in review("Sorry, we got this wrong. Fixing it now. ^Sam", ANGRY).rules


def test_saying_again_what_the_brand_said_in_the_thread_is_caught() -> None:
    said = "Please DM us your confirmation number and we'll take a look at your options."
    ctx = ReviewContext(post="I did, nobody answered", thread=(("brand", said), ("customer", "I did, nobody answered")))
    assert "human.repeat" in review(said, ctx).rules


def test_the_suggestion_for_a_pile_on_owns_it_in_our_words() -> None:
    draft = suggest_draft(PILE_ON)
    assert "sorry" in draft.lower()
    assert '"' not in draft
    assert "ridiculous" not in draft
    assert "pileon_demo" not in draft
    assert "your order" in draft
    assert review(draft, PILE_ON).score >= review(BOILERPLATE, PILE_ON).score + 20


def test_praise_gets_specific_thanks_and_a_question_an_answer() -> None:
    praise = suggest_draft(
        ReviewContext(post="Thank you for the lovely crew on my flight to Rome!", customer_name="Ana")
    )
    assert "crew" in praise
    assert "sorry" not in praise.lower()
    ctx = ReviewContext(post="How do I change my seat?", customer_name="Li", article_url="https://kb.example/seats")
    assert "https://kb.example/seats" in suggest_draft(ctx)
