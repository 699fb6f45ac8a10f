"""A brand's own reply keeps its language and topic but gets no complaint, intents, sentiment or urgency."""

from __future__ import annotations

from datetime import timedelta

from heard.clock import FrozenClock
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import StageContext, run_stages
from heard.pipeline.understand import Understand
from heard.posts import Post, RawPost

APOLOGY = "@ana We're sorry to hear this was your experience. Can you send us a DM with your email address?"
COMPLAINT = "@AcmeHelp my parcel is lost again and nobody answers, this is a disgrace"


def test_a_brand_apology_is_not_judged_as_a_complaint() -> None:
    now = FrozenClock().now()
    raws = [
        RawPost("x", "1", "ana", "ana", COMPLAINT, now - timedelta(hours=1)),
        RawPost("x", "2", "brand", "AcmeHelp", APOLOGY, now, in_reply_to="1", is_brand=True),
    ]
    ctx = StageContext(now=now)
    customer, brand = run_stages([Normalize(), Understand()], [Post(raw=r, text=r.text) for r in raws], ctx)
    assert customer.complaint is not None
    assert customer.complaint > 0.5
    assert customer.urgency is not None
    assert (brand.complaint, brand.intents, brand.urgency, brand.urgency_reasons) == (None, (), None, ())
    assert brand.language == "en"
    assert (brand.sentiment, brand.sentiment_score) == (None, None)
    assert brand.extra["judgement"]["is_complaint"] is False


def test_a_post_in_a_language_the_models_do_not_know_is_not_judged() -> None:
    now = FrozenClock().now()
    raw = RawPost("x", "3", "eva", "eva", "@iberia mi vuelo fue cancelado y nadie me ayuda, es una vergüenza", now)
    ctx = StageContext(now=now)
    [post] = run_stages([Normalize(), Understand()], [Post(raw=raw, text=raw.text)], ctx)
    assert post.language == "es"
    assert (post.complaint, post.sentiment, post.sentiment_score) == (None, None, None)
    assert post.extra["judgement"]["not_judged"] == "es"
    assert "not judged (es)" in post.urgency_reasons


def test_a_complaint_that_names_the_brand_without_an_at_is_judged_as_addressed() -> None:
    now = FrozenClock().now()
    texts = [
        "@AmazonHelp where is my parcel, it was due on Monday",
        "my amazon order got cancelled again, third time this month, unbelievable",
    ]
    raws = [RawPost("x", str(i), f"c{i}", f"c{i}", t, now) for i, t in enumerate(texts)]
    ctx = StageContext(now=now)
    _, named = run_stages([Normalize(), Understand()], [Post(raw=r, text=r.text) for r in raws], ctx)
    alone = run_stages([Normalize(), Understand()], [Post(raw=raws[1], text=raws[1].text)], StageContext(now=now))[0]
    assert named.complaint is not None
    assert alone.complaint is not None
    assert named.complaint > alone.complaint
    assert named.complaint >= 0.5


def test_brand_words_come_from_care_handles_and_brand_posts() -> None:
    from heard.pipeline.understand import brand_words

    now = FrozenClock().now()
    posts = [
        Post(raw=RawPost("x", "1", "a", "a", "@AskPlayStation help", now), text="@AskPlayStation help"),
        Post(raw=RawPost("x", "2", "b", "DeltaAssist", "hi", now, is_brand=True), text="hi"),
        Post(raw=RawPost("x", "3", "c", "c", "@bob hi", now), text="@bob hi"),
    ]
    assert brand_words(posts) == frozenset({"playstation", "delta"})
