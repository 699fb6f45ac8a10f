"""Messenger's 24-hour window and HUMAN_AGENT tag, API versions as settings with a sunset warning, and polled
networks that page past one page (Send API docs: messaging types and message tags; Graph and LinkedIn
versioning docs; Graph paging and Reddit listing shapes from their documentation)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, ListeningRules, OutgoingReply, PublishRefused
from heard.connectors.facebook.connector import FacebookConnector
from heard.connectors.linkedin.connector import LinkedInConnector
from heard.connectors.marks import Mark, dump_cursor
from heard.connectors.versions import GRAPH_DEFAULT, LINKEDIN_DEFAULT, graph_sunset, linkedin_sunset, sunset_notice
from tests.fakes.recordings import FakeNetwork

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def facebook(network: FakeNetwork, **options: Any) -> FacebookConnector:
    channel = ChannelConfig("fb", "facebook", options={"page_id": "4", "page_token": "t", **options})
    return FacebookConnector(channel, transport=network.transport, clock=FrozenClock(NOW))


def messenger(age: timedelta, key: str = "m1") -> OutgoingReply:
    return OutgoingReply(key, "Hi!", "m_abc", recipient_id="987", private=True, in_reply_to_created_at=NOW - age)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(hours=23), {"messaging_type": "RESPONSE"}),
        (timedelta(hours=25), {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        (timedelta(days=6, hours=23), {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
    ],
)
def test_messenger_replies_within_24_hours_and_then_only_as_a_human_agent(
    age: timedelta, expected: dict[str, str]
) -> None:
    network = FakeNetwork()
    network.route("POST", "/4/messages", {"recipient_id": "987", "message_id": "m_2"})
    assert facebook(network).publish(messenger(age)).state == "sent"
    body = json.loads(network.requests[0].content)
    assert {k: v for k, v in body.items() if k in ("messaging_type", "tag")} == expected


def test_messenger_refuses_past_seven_days_and_past_24_hours_without_human_agent() -> None:
    network = FakeNetwork()
    with pytest.raises(PublishRefused, match="7 days"):
        facebook(network).publish(messenger(timedelta(days=8)))
    with pytest.raises(PublishRefused, match="24 hours"):
        facebook(network, human_agent="false").publish(messenger(timedelta(hours=30)))
    assert not network.requests


def test_api_versions_default_to_current_ones_and_warn_before_their_sunset() -> None:
    today = NOW.date()
    assert sunset_notice("Graph", GRAPH_DEFAULT, graph_sunset(GRAPH_DEFAULT), today) is None
    assert sunset_notice("LinkedIn", LINKEDIN_DEFAULT, linkedin_sunset(LINKEDIN_DEFAULT), today) is None
    assert graph_sunset("v21.0") == date(2027, 1, 21)
    assert "retires on 2027-01-21" in (sunset_notice("Graph", "v21.0", graph_sunset("v21.0"), today) or "")
    assert "was retired" in (sunset_notice("LinkedIn", "202405", linkedin_sunset("202405"), today) or "")


def test_an_old_graph_version_shows_in_the_reads_health_notice() -> None:
    network = FakeNetwork()
    network.route("GET", "/v21.0/4/feed", {"data": []})
    result = facebook(network, graph_version="v21.0").read(None)
    assert network.requests[0].url.path == "/v21.0/4/feed"
    assert len(result.notices) == 1
    assert "v21.0" in result.notices[0]


def _node(n: int, minutes_ago: int) -> dict[str, Any]:
    when = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return {"id": f"4_{n}", "message": f"post {n}", "created_time": when, "from": {"id": f"u{n}", "name": "A fan"}}


def test_the_facebook_feed_pages_until_it_reaches_the_stored_mark() -> None:
    network = FakeNetwork()
    first = [_node(n, n) for n in range(25)]
    second = [_node(n, n) for n in range(25, 40)]
    paging = {"cursors": {"before": "b", "after": "p2"}, "next": "https://graph.facebook.com/v24.0/4/feed?after=p2"}
    network.route("GET", "/4/feed", {"data": second}, when=lambda r: r.url.params.get("after") == "p2")
    network.route("GET", "/4/feed", {"data": first, "paging": paging})
    mark = Mark((NOW - timedelta(minutes=35)).timestamp(), ())
    result = facebook(network).read(dump_cursor({"f": mark.to_json()}))
    assert len(network.requests) == 2
    assert len(result.posts) == 36  # minutes 0 to 35: newer than the mark or at it (not among its ids)


def test_linkedin_notifications_page_past_one_page() -> None:
    network = FakeNetwork()

    def element(n: int) -> dict[str, Any]:
        return {
            "action": "COMMENT",
            "organizationalEntity": "urn:li:organization:5",
            "sourcePost": "urn:li:share:1",
            "decoratedSourcePost": {"owner": "urn:li:organization:5"},
            "generatedActivity": f"urn:li:comment:(urn:li:activity:1,{n})",
            "lastModifiedAt": int((NOW - timedelta(minutes=n)).timestamp() * 1000),
        }

    def notifications(request: httpx.Request) -> httpx.Response | None:
        if "organizationalEntityNotifications" not in request.url.path:
            return None
        start = int(request.url.params.get("start", "0"))
        batch = [element(n) for n in range(start, min(start + 100, 150))]
        return httpx.Response(200, json={"elements": batch, "paging": {"start": start, "count": 100, "total": 150}})

    network.handlers.append(notifications)
    channel = ChannelConfig("li", "linkedin", options={"organization": "urn:li:organization:5", "access_token": "t"})
    LinkedInConnector(channel, transport=network.transport, clock=FrozenClock(NOW)).read(None)
    assert [r.url.params.get("start") for r in network.requests] == ["0", "100"]
    assert all(r.headers["LinkedIn-Version"] == LINKEDIN_DEFAULT for r in network.requests)


def test_reddit_search_sends_only_documented_parameters_and_pages_to_the_mark() -> None:
    from heard.connectors.reddit.connector import RedditConnector

    network = FakeNetwork()
    token = {"access_token": "a", "expires_in": 86400, "scope": "*", "token_type": "bearer"}
    network.route("POST", "/api/v1/access_token", token)

    def thing(n: int) -> dict[str, Any]:
        created = (NOW - timedelta(minutes=n)).timestamp()
        return {
            "kind": "t3",
            "data": {
                "id": f"p{n}",
                "name": f"t3_p{n}",
                "title": f"acme {n}",
                "selftext": "",
                "author": f"u{n}",
                "author_fullname": f"t2_u{n}",
                "created_utc": created,
                "subreddit": "test",
                "permalink": f"/r/test/comments/p{n}/",
            },
        }

    def listing(things: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
        return {"kind": "Listing", "data": {"after": after, "children": things}}

    network.route(
        "GET", "/search", listing([thing(n) for n in range(100, 130)], None), when=lambda r: "after" in r.url.params
    )
    network.route("GET", "/search", listing([thing(n) for n in range(100)], "t3_p99"))
    channel = ChannelConfig(
        "r",
        "reddit",
        rules=ListeningRules(keywords=("acme",)),
        options={"client_id": "c", "client_secret": "s", "username": "u", "password": "p", "mentions": False},
    )
    mark = Mark((NOW - timedelta(minutes=120)).timestamp(), ())
    result = RedditConnector(channel, transport=network.transport, clock=FrozenClock(NOW)).read(
        dump_cursor({"q": mark.to_json()})
    )
    searches = [r for r in network.requests if r.url.path == "/search"]
    assert len(searches) == 2
    assert set(searches[0].url.params) == {"q", "sort", "type", "limit", "raw_json"}
    assert searches[0].url.params["type"] == "link"  # search finds links; there is no type=comment
    assert len(result.posts) == 121  # minutes 0 to 120, past the first page


def test_a_linkedin_token_that_cannot_renew_warns_two_weeks_before_it_expires() -> None:
    network = FakeNetwork()
    network.route("GET", "/organizationalEntityNotifications", {"elements": [], "paging": {"total": 0}})
    options = {
        "organization": "urn:li:organization:5",
        "access_token": "t",
        "token_expires_at": (NOW + timedelta(days=10)).timestamp(),
    }
    channel = ChannelConfig("li", "linkedin", options=options)
    result = LinkedInConnector(channel, transport=network.transport, clock=FrozenClock(NOW)).read(None)
    assert result.notices == ["the LinkedIn access token expires in 10 days: reconnect the account"]
    later = {**options, "token_expires_at": (NOW + timedelta(days=40)).timestamp()}
    quiet = LinkedInConnector(ChannelConfig("li", "linkedin", options=later), transport=network.transport)
    assert quiet.read(None).notices == []
