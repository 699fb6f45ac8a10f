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
