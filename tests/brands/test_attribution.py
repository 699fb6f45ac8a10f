"""Every post is attributed to the brand(s) it addresses: own account, mention, reply under its post, keyword."""

from __future__ import annotations

from datetime import UTC, datetime

from heard.brands.attribution import BrandBook, rule_for, slug_of
from heard.posts import Post, RawPost

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _post(n: str, author: str, text: str, mentions: tuple[str, ...] = (), reply_to: str | None = None) -> Post:
    raw = RawPost("twitter", n, author, author, text, T0, in_reply_to=reply_to)
    return Post(raw=raw, text=text, mentions=mentions)


BOOK = [
    rule_for("amazonhelp", [{"network": "twitter", "handle": "AmazonHelp"}], ["prime video"]),
    rule_for(
        "delta",
        [{"network": "twitter", "handle": "Delta"}, {"network": "bluesky", "id": "did:plc:delta"}],
        ["skymiles", "#deltafail"],
    ),
]


def test_own_account_mention_reply_and_keywords() -> None:
    book = BrandBook(BOOK)
    assert book.attribute(_post("1", "AmazonHelp", "@ana sorry to hear that")) == ("amazonhelp",)
    assert book.attribute(_post("2", "ana", "thanks", reply_to="1")) == ("amazonhelp",)  # under the brand's post
    assert book.attribute(_post("3", "bob", "@Delta lost my bag", mentions=("Delta",))) == ("delta",)
    assert book.attribute(_post("4", "cy", "my SkyMiles vanished")) == ("delta",)
    assert book.attribute(_post("5", "dee", "#DeltaFail again")) == ("delta",)
    assert book.attribute(_post("6", "eve", "Prime Video is down")) == ("amazonhelp",)
    assert book.attribute(_post("7", "did:plc:delta", "we are on it")) == ("delta",)
    both = _post("8", "fay", "@delta @amazonhelp both lost my parcel", mentions=("delta", "amazonhelp"))
    assert book.attribute(both) == ("delta", "amazonhelp")
    assert book.attribute(_post("9", "gus", "nice weather")) == ()


def test_no_brands_attributes_nothing_and_slugs_are_plain() -> None:
    assert BrandBook().attribute(_post("1", "a", "@x hi", mentions=("x",))) == ()
    assert slug_of("@British_Airways") == "british-airways"


def test_a_brand_answering_a_post_makes_that_post_and_later_replies_under_it_the_brands() -> None:
    book = BrandBook(BOOK)
    complaint = _post("10", "ana", "@someone my internet has been down all day")
    assert book.attribute(complaint) == ()
    # Before the brand answers, a "same here" under the complaint addresses no brand.
    assert book.attribute(_post("11", "bob", "same here", reply_to="10")) == ()
    brands, news = book.attribute_answer(_post("12", "Delta", "@ana sorry, we are on it", reply_to="10"))
    assert (brands, news) == (("delta",), "delta")
    assert book.attribute(_post("13", "cy", "me too", reply_to="10")) == ("delta",)
    # A second answer to the same post is no news: the store re-files the thread once.
    assert book.attribute_answer(_post("14", "Delta", "@bob looking", reply_to="10")) == (("delta",), None)
    # An answer to a post already addressed to the brand is no news either; a customer's reply is never one.
    assert book.attribute_answer(_post("15", "dee", "@Delta hi", mentions=("Delta",))) == (("delta",), None)
    assert book.attribute_answer(_post("16", "Delta", "@dee hello", reply_to="15")) == (("delta",), None)
    assert book.attribute_answer(_post("17", "eve", "@Delta and me", mentions=("Delta",), reply_to="10"))[1] is None
