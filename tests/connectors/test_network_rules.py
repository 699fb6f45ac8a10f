"""What each network allows and how it says "slow down", beyond the shared contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, ListeningRules, OutgoingReply, PublishRefused
from heard.connectors.facebook.connector import FacebookConnector
from heard.connectors.failures import RateLimited
from heard.connectors.linkedin import signatures
from heard.connectors.linkedin.connector import LinkedInConnector
from heard.connectors.reddit.connector import RedditConnector
from heard.connectors.x.connector import XConnector, search_queries, search_query
from heard.connectors.youtube.connector import YouTubeConnector, until_quota_reset
from tests.conftest import shared_path
from tests.fakes.recordings import FakeNetwork

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def facebook(network: FakeNetwork) -> FacebookConnector:
    channel = ChannelConfig("fb", "facebook", options={"page_id": "4", "page_token": "t"})
    return FacebookConnector(channel, transport=network.transport, clock=FrozenClock(NOW))


def private(comment: str, age: timedelta, key: str = "p1") -> OutgoingReply:
    return OutgoingReply(key, "Details in your inbox.", comment, private=True, in_reply_to_created_at=NOW - age)


def test_meta_private_reply_only_within_seven_days_and_once_per_comment() -> None:
    network = FakeNetwork()
    network.route("POST", "/v24.0/4/messages", {"recipient_id": "9", "message_id": "m_1"})
    connector = facebook(network)
    with pytest.raises(PublishRefused, match="7 days"):
        connector.publish(private("1_2", timedelta(days=8)))
    assert not network.requests
    assert connector.publish(private("1_2", timedelta(days=6))).state == "sent"
    assert json.loads(network.requests[0].content) == {
        "recipient": {"comment_id": "1_2"},
        "message": {"text": "Details in your inbox."},
    }
    with pytest.raises(PublishRefused, match="one private reply per comment"):
        connector.publish(private("1_2", timedelta(days=1), key="p2"))
    assert len(network.requests) == 1


def test_meta_says_when_a_comment_already_had_its_private_reply() -> None:
    network = FakeNetwork()
    error = {"error": {"message": "(#10900) Activity already replied to", "type": "OAuthException", "code": 10900}}
    network.route("POST", "/v24.0/4/messages", error, status=400)
    with pytest.raises(PublishRefused, match="one private reply"):
        facebook(network).publish(private("1_3", timedelta(days=1)))


def test_messenger_reply_goes_to_the_sender_and_keeps_messengers_limit() -> None:
    network = FakeNetwork()
    network.route("POST", "/v24.0/4/messages", {"recipient_id": "987", "message_id": "m_2"})
    connector = facebook(network)
    reply = OutgoingReply("m1", "Hi!", "m_abc", recipient_id="987", private=True)
    assert connector.publish(reply).external_id == "m_2"
    assert json.loads(network.requests[0].content)["recipient"] == {"id": "987"}
    with pytest.raises(PublishRefused, match="2000"):
        connector.publish(OutgoingReply("m2", "x" * 2001, "m_abc", recipient_id="987", private=True))


def test_graph_throttling_error_codes_are_rate_limits() -> None:
    network = FakeNetwork()
    usage = {"4": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 12}]}
    body = {"error": {"message": "(#32) Page request limit reached", "code": 32}}
    network.always(400, {"x-business-use-case-usage": json.dumps(usage), "content-type": "application/json"}, body)
    with pytest.raises(RateLimited) as caught:
        facebook(network).read(None)
    assert caught.value.retry_after_s == 12 * 60


def test_youtube_quota_waits_until_midnight_pacific() -> None:
    error = json.loads(
        shared_path(
            "fixtures", "more", "youtube", "sns-sdks-python-youtube", "apidata__error_permission_resp.json"
        ).read_text()
    )
    error["error"]["errors"][0]["reason"] = "quotaExceeded"
    network = FakeNetwork()
    network.always(403, {"content-type": "application/json"}, error)
    channel = ChannelConfig("yt", "youtube", options={"channel_id": "UC1", "api_key": "k"})
    with pytest.raises(RateLimited) as caught:
        YouTubeConnector(channel, transport=network.transport, clock=FrozenClock(NOW)).read(None)
    # 09:00 UTC is 01:00 in Los Angeles (PST, UTC-8): 23 hours to midnight
    assert caught.value.retry_after_s == until_quota_reset(NOW) == 23 * 3600


def test_youtube_publish_needs_oauth_and_threads_under_the_top_level_comment() -> None:
    network = FakeNetwork()
    network.route("POST", "/youtube/v3/comments", {"id": "A.B", "snippet": {"videoId": "v"}})
    channel = ChannelConfig("yt", "youtube", options={"channel_id": "UC1", "api_key": "k"})
    delivery = YouTubeConnector(channel, transport=network.transport).publish(OutgoingReply("1", "hi", "A.C"))
    assert delivery.state == "failed"
    assert "OAuth" in (delivery.error or "")
    channel = ChannelConfig("yt", "youtube", options={"channel_id": "UC1", "access_token": "t"})
    delivery = YouTubeConnector(channel, transport=network.transport).publish(OutgoingReply("1", "hi", "A.C"))
    assert delivery.permalink == "https://www.youtube.com/watch?v=v&lc=A.B"
    assert json.loads(network.requests[-1].content)["snippet"]["parentId"] == "A"


def test_reddit_ratelimit_in_words_becomes_a_wait() -> None:
    network = FakeNetwork()
    network.route(
        "POST", "/api/v1/access_token", {"access_token": "a", "expires_in": 86400, "scope": "*", "token_type": "bearer"}
    )
    words = [
        "RATELIMIT",
        "Looks like you've been doing that a lot. Take a break for 9 minutes before trying again.",
        "ratelimit",
    ]
    network.route("POST", "/api/comment/", {"json": {"errors": [words]}})
    channel = ChannelConfig(
        "r", "reddit", options={"client_id": "c", "client_secret": "s", "username": "u", "password": "p"}
    )
    delivery = RedditConnector(channel, transport=network.transport).publish(OutgoingReply("1", "hi", "t1_x"))
    assert delivery.state == "failed"
    assert delivery.retry_after_s == 9 * 60


def test_x_query_is_built_from_the_rules() -> None:
    assert search_query(("@acme",), ("late delivery",), ("#acmefail",)) == (
        '(@acme OR "late delivery" OR #acmefail) -is:retweet'
    )
    assert search_query((), (), ()) == ""
    assert len(search_query((), tuple(f"word{i}" for i in range(200)), ())) <= 512


def test_x_long_rules_split_into_whole_queries_never_cut_mid_term() -> None:
    keywords = tuple(f"keyword number {i}" for i in range(60))
    queries = search_queries(("@acme",), keywords, ("#acmefail",))
    assert len(queries) > 1
    assert all(len(q) <= 512 for q in queries)
    assert all(q.startswith("(") for q in queries)
    assert all(q.endswith(") -is:retweet") for q in queries)
    terms = [t for q in queries for t in q[1 : -len(") -is:retweet")].split(" OR ")]
    assert terms == ["@acme", *[f'"{k}"' for k in keywords], "#acmefail"]  # every term, whole, once


def test_x_reads_every_split_query_with_its_own_cursor() -> None:
    network = FakeNetwork()
    network.route("GET", "/2/tweets/search/recent", {"meta": {"result_count": 0, "newest_id": "9"}})
    rules = ListeningRules(keywords=tuple(f"keyword number {i}" for i in range(60)))
    channel = ChannelConfig("x", "x", rules=rules, options={"bearer_token": "b"})
    result = XConnector(channel, transport=network.transport).read(None)
    sent = [r.url.params["query"] for r in network.requests]
    assert sent == search_queries((), rules.keywords, ())
    assert all(len(q) <= 512 for q in sent)
    assert result.cursor
    assert '"s1"' in result.cursor


def test_x_resumes_mentions_and_search_from_since_id() -> None:
    network = FakeNetwork()
    network.route("GET", "/2/tweets/search/recent", {"meta": {"result_count": 0}})
    network.route("GET", "/2/users/7/mentions", {"meta": {"result_count": 0}})
    channel = ChannelConfig(
        "x", "x", rules=ListeningRules(keywords=("acme",)), options={"bearer_token": "b", "user_id": "7"}
    )
    result = XConnector(channel, transport=network.transport).read('{"m":"100","s":"200"}')
    search, mentions = network.requests
    assert search.url.params["since_id"] == "200"
    assert mentions.url.params["since_id"] == "100"
    assert json.loads(result.cursor or "") == {"m": "100", "s": "200"}


def _linkedin(network: FakeNetwork) -> LinkedInConnector:
    channel = ChannelConfig(
        "li",
        "linkedin",
        options={"organization": "urn:li:organization:2414183", "access_token": "t", "client_secret": "sec"},
    )
    return LinkedInConnector(channel, transport=network.transport, clock=FrozenClock(NOW))


def test_linkedin_notifications_resume_from_the_mark_with_restli_syntax() -> None:
    network = FakeNetwork()
    network.route("GET", "/rest/organizationalEntityNotifications", {"elements": []})
    _linkedin(network).read('{"n":[1691574506.31,["x"]]}')
    query = network.requests[0].url.query.decode()
    assert "actions=List(COMMENT,ADMIN_COMMENT,SHARE_MENTION)" in query
    assert "organizationalEntity=urn%3Ali%3Aorganization%3A2414183" in query
    assert f"timeRange=(start:1691574506310,end:{int(NOW.timestamp() * 1000)})" in query


def test_linkedin_webhook_fetches_the_comment_it_names() -> None:
    body = shared_path("fixtures", "more", "linkedin", "test-vectors", "SELF_COMPUTED_webhook_body.raw").read_bytes()
    comment = {
        "actor": "urn:li:person:EXAMPLE123",
        "id": "7094977717598625792",
        "object": "urn:li:activity:7094637247890620418",
        "message": {"text": "Where is my order?"},
        "created": {"actor": "urn:li:person:EXAMPLE123", "time": 1691574506310},
    }
    network = FakeNetwork()
    network.route("GET", "/comments/7094977717598625792", comment)
    signature = signatures._hex("sec", b"hmacsha256=" + body)
    result = _linkedin(network).parse_webhook({"X-LI-Signature": signature}, body)
    (post,) = result.posts
    assert post.text == "Where is my order?"
    assert post.external_id == "urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)"
    assert post.in_reply_to == "urn:li:activity:7094637247890620418"
    assert (
        network.requests[0]
        .url.raw_path.decode()
        .startswith("/rest/socialActions/urn%3Ali%3Aactivity%3A7094637247890620418/comments/")
    )


def test_network_errors_never_echo_query_credentials() -> None:
    network = FakeNetwork()
    network.handlers.append(lambda r: httpx.Response(400, text="bad request"))
    channel = ChannelConfig("yt", "youtube", options={"channel_id": "UC1", "api_key": "KEY-SECRET"})
    with pytest.raises(Exception, match="400") as caught:
        YouTubeConnector(channel, transport=network.transport).read(None)
    assert "KEY-SECRET" not in str(caught.value)


def test_x_refuses_a_reply_to_a_post_that_never_mentioned_the_brand_without_flagging_the_channel() -> None:
    """X's 2026 rule (POST /2/tweets answers 403 to an API reply the author did not invite): the reply is
    refused with the reason, not mistaken for broken credentials."""
    network = FakeNetwork()
    forbidden = {
        "detail": "Reply to this conversation is not allowed because you have not been mentioned or otherwise "
        "engaged by the author of the post you are replying to.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }
    network.route("POST", "/2/tweets", forbidden, status=403)
    channel = ChannelConfig("x", "x", options={"bearer_token": "b", "user_token": "u"})
    with pytest.raises(PublishRefused, match="mentions or quotes the brand"):
        XConnector(channel, transport=network.transport).publish(OutgoingReply("r", "Hi", "1"))


def test_x_reads_direct_messages_with_the_user_token_and_pages_to_the_newest_read() -> None:
    """GET /2/dm_events (scope dm.read), shaped as docs.x.com's example; it takes no since_id, so Heard pages
    until the newest event it already read."""

    def event(n: int, sender: str) -> dict[str, object]:
        return {
            "id": str(1580705921830768643 + n),
            "text": f"message {n}",
            "event_type": "MessageCreate",
            "dm_conversation_id": "783214-42",
            "created_at": "2026-01-05T08:00:00.000Z",
            "sender_id": sender,
        }

    users = {"users": [{"id": "42", "username": "customer", "name": "A customer"}]}
    first = {"data": [event(n, "42") for n in range(110, 100, -1)], "includes": users, "meta": {"next_token": "p2"}}
    second = {"data": [event(n, "42") for n in range(100, 90, -1)], "includes": users, "meta": {}}
    network = FakeNetwork()
    network.route("GET", "/2/dm_events", second, when=lambda r: r.url.params.get("pagination_token") == "p2")
    network.route("GET", "/2/dm_events", first)
    channel = ChannelConfig("x", "x", options={"user_token": "u", "user_id": "783214"})
    network.route("GET", "/2/users/783214/mentions", {"meta": {"result_count": 0}})
    result = XConnector(channel, transport=network.transport).read(json.dumps({"d": str(1580705921830768643 + 95)}))
    dms = [p for p in result.posts if p.external_id.startswith("dm-")]
    assert len(dms) == 15  # 110 down to 96, across two pages
    assert all(not p.is_public and p.author_handle == "customer" for p in dms)
    assert json.loads(result.cursor or "{}")["d"] == str(1580705921830768643 + 110)
    assert all(r.headers["Authorization"] == "Bearer u" for r in network.requests)
