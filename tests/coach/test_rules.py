"""Each rule with a reply that breaks it and one that keeps it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review

POST = "My bag was lost on flight 1234 to Denver and nobody at the desk will help. Third time this year!"
CTX = ReviewContext(post=POST, customer_name="Jane Doe", customer_handle="janedoe", agent_name="Sam Lee")
GOOD = (
    "Hi Jane, we're sorry we lost your bag on flight 1234, that's on us. It missed the connection because the "
    "first leg landed late. We've traced it to Denver and will deliver it tonight. Thanks for your patience. ^Sam"
)

CASES = [
    # rule, a draft that breaks it, context
    ("personal.name", GOOD.replace("Hi Jane, we're", "We're"), CTX),
    (
        "personal.situation",
        "Hi Jane, we're sorry, that's on us; it happened because of a mixup. We'll fix it. Thanks! ^Sam",
        CTX,
    ),
    ("personal.signature", GOOD.replace(" ^Sam", ""), CTX),
    (
        "ownership.apology",
        GOOD.replace("we're sorry we lost your bag", "we lost your bag").replace(", that's on us", ""),
        CTX,
    ),
    (
        "ownership.non_apology",
        GOOD.replace(
            "we're sorry we lost your bag on flight 1234, that's on us",
            "we're sorry you feel that way about flight 1234",
        ),
        CTX,
    ),
    ("ownership.non_apology", GOOD.replace("that's on us", "sorry for any inconvenience"), CTX),
    ("reason.missing", GOOD.replace(" It missed the connection because the first leg landed late.", ""), CTX),
    (
        "remedy.next_step",
        "Hi Jane, we're sorry about the lost bag on flight 1234, that's on us: it missed the connection because "
        "of a late arrival. Thanks. ^Sam",
        CTX,
    ),
    (
        "remedy.article_link",
        GOOD,
        ReviewContext(
            post=POST,
            customer_name="Jane",
            agent_name="Sam",
            article_url="https://help.example.com/kb/lost-bags",
            article_title="Lost bags",
        ),
    ),
    ("humble.blame", GOOD.replace("Thanks for your patience.", "As stated, you should have checked the tag."), CTX),
    ("humble.blame", GOOD.replace("Thanks for your patience.", "Per our policy bags go separately. Thanks."), CTX),
    ("thanks.missing", GOOD.replace(" Thanks for your patience.", ""), CTX),
    (
        "human.boilerplate",
        GOOD.replace("Thanks for your patience.", "We value your feedback. Thanks, valued customer."),
        CTX,
    ),
    (
        "human.near_copy",
        GOOD,
        ReviewContext(
            post=POST, customer_name="Jane", agent_name="Sam", previous_replies=(GOOD.replace("Jane", "Omar"),)
        ),
    ),
    ("length.limit", GOOD, CTX),
    ("privacy.leak", GOOD.replace("tonight.", "tonight to jane.doe@example.com."), CTX),
    ("privacy.leak", GOOD.replace("tonight.", "tonight (booking ref HAPTCQ)."), CTX),
    ("privacy.leak", GOOD.replace("tonight.", "tonight; order #8812345 is updated."), CTX),
    ("privacy.leak", GOOD.replace("tonight.", "tonight; we'll call your number +44 7700 900123."), CTX),
]


def test_a_good_reply_has_no_findings() -> None:
    result = review(GOOD, CTX)
    assert result.findings == ()
    assert result.score == 100


@pytest.mark.parametrize(("rule", "draft", "ctx"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_bad_reply_breaks_the_rule_and_the_good_one_keeps_it(rule: str, draft: str, ctx: ReviewContext) -> None:
    if rule == "length.limit":
        draft = GOOD + " " + "More detail. " * 20
    bad = review(draft, ctx)
    assert rule in bad.rules, bad.to_dict()
    assert bad.score < 100
    finding = next(f for f in bad.findings if f.rule == rule)
    assert finding.what
    assert finding.why
    assert finding.fix
    good = GOOD
    if rule == "remedy.article_link":
        good = GOOD.replace("tonight.", "tonight: https://help.example.com/kb/lost-bags.")
    if rule == "human.near_copy":
        ctx = replace(ctx, previous_replies=("Hi Omar, the app update logged you out; the fix is live in 4.2. ^Kim",))
    assert rule not in review(good, ctx).rules


def test_spans_point_at_the_offending_text() -> None:
    draft = "Hi Jane, as stated, the flight 1234 bag rules apply. Thanks ^Sam"
    blame = next(f for f in review(draft, CTX).findings if f.rule == "humble.blame")
    assert blame.span is not None
    assert draft[blame.span[0] : blame.span[1]].lower() == "as stated"


def test_a_private_reply_may_carry_a_booking_code() -> None:
    draft = GOOD.replace("tonight.", "tonight (booking ref HAPTCQ).")
    assert (
        "privacy.leak"
        not in review(draft, ReviewContext(post=POST, customer_name="Jane", agent_name="Sam", public=False)).rules
    )


def test_the_company_phone_line_and_flight_numbers_are_not_private() -> None:
    draft = GOOD.replace("tonight.", "tonight on DL1234; call our baggage desk on 0344 493 0787 if not.")
    assert "privacy.leak" not in review(draft, CTX).rules


def test_shouting_is_not_a_booking_code_unless_the_customer_posted_it() -> None:
    assert "privacy.leak" not in review(GOOD.replace("Thanks", "THANKS again, really"), CTX).rules
    posted = ReviewContext(post=POST + " Booking GYYNNS", customer_name="Jane", agent_name="Sam")
    assert "privacy.leak" in review(GOOD.replace("tonight.", "tonight for GYYNNS."), posted).rules


def test_length_limits_differ_per_network_and_x_counts_links_as_23() -> None:
    long = GOOD + " " + "x" * 150
    assert "length.limit" in review(long, CTX).rules
    assert (
        "length.limit"
        not in review(long, ReviewContext(post=POST, customer_name="Jane", agent_name="Sam", network="mastodon")).rules
    )
    link = GOOD + " https://example.com/" + "a" * 200
    assert (
        "length.limit"
        not in review(link, ReviewContext(post=POST, customer_name="Jane", agent_name="Sam", network="x")).rules
    )


def test_praise_needs_no_apology_reason_or_fix() -> None:
    ctx = ReviewContext(post="Thank you for the great service on my flight to Denver today!", customer_name="Ana")
    rules = review("Hi Ana, thanks so much! We'll pass it on to the Denver crew. ^Kim", ctx).rules
    assert not rules & {"ownership.apology", "reason.missing", "remedy.next_step"}


def test_pipeline_judgement_overrides_the_lexicon() -> None:
    ctx = ReviewContext(post="Thank you for the great service!", customer_name="Ana", is_complaint=True)
    assert "ownership.apology" in review("Hi Ana, thanks for the great words about the service! ^Kim", ctx).rules


def test_worse_replies_score_lower() -> None:
    bad = "Sorry you feel that way. As stated, per our policy we can't help. We value your feedback."
    assert review(bad, CTX).score < review(GOOD, CTX).score - 40


def test_an_empty_draft_scores_zero() -> None:
    result = review("   ", CTX)
    assert result.score == 0
    assert result.rules == {"draft.empty"}


def test_near_copy_ignores_different_replies() -> None:
    other = "Hi Omar, the app logout bug came from Tuesday's update; the fix is live, please update to 4.2. Thanks ^Kim"
    ctx = ReviewContext(post=POST, customer_name="Jane", agent_name="Sam", previous_replies=(other,) * 50)
    assert "human.near_copy" not in review(GOOD, ctx).rules


def test_a_reply_in_another_language_is_checked_only_by_the_rules_that_can_read_it() -> None:
    ctx = ReviewContext(post="Perdieron mi maleta en el vuelo 1234", customer_name="Juan", agent_name="Ana")
    spanish = "Hola Juan, lamentamos mucho lo de tu maleta en el vuelo 1234. Ya la encontramos y te la llevamos hoy."
    result = review(spanish + " ^Ana", ctx)
    assert result.rules == {"coach.language"}
    assert result.score == 100
    leaking = review(spanish + " Reserva HAPTCQ, juan@example.com ^Ana", ctx)
    assert "privacy.leak" in leaking.rules
