"""Webhook signatures and handshakes for Meta, X and LinkedIn, checked against known vectors: GitHub's published
X-Hub-Signature-256 triple (same algorithm as Meta) and the self-computed vectors in ../shared/fixtures."""

from __future__ import annotations

import json

import pytest

from heard.connectors.base import ChannelConfig
from heard.connectors.facebook.connector import FacebookConnector
from heard.connectors.facebook.signatures import handshake, sign, signature_ok
from heard.connectors.failures import AuthFailed
from heard.connectors.linkedin import signatures as linkedin
from heard.connectors.linkedin.connector import LinkedInConnector
from heard.connectors.x import webhooks as x
from heard.connectors.x.connector import XConnector
from tests.conftest import shared_path


def vectors(*parts: str) -> dict:
    return json.loads(shared_path("fixtures", "more", *parts).read_text(encoding="utf-8"))


def test_meta_signature_matches_githubs_published_vector() -> None:
    published = vectors("facebook", "test-vectors", "PUBLISHED_github_x-hub-signature-256_vector.json")
    secret, payload = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert expected in json.dumps(published)
    assert sign(secret, payload) == expected
    assert signature_ok(secret, payload, expected)
    assert not signature_ok(secret, payload + b" ", expected)
    assert not signature_ok("another secret", payload, expected)


def test_meta_signature_is_over_the_raw_bytes_not_reserialised_json() -> None:
    folder = shared_path("fixtures", "more", "facebook", "test-vectors")
    data = vectors("facebook", "test-vectors", "SELF_COMPUTED_x-hub-signature-256_vectors.json")
    secret = data["app_secret"]
    body_a = (folder / data["vectors"][0]["body_file"]).read_bytes()
    body_b = (folder / data["vectors"][1]["body_file"]).read_bytes()
    header_a = data["vectors"][0]["X-Hub-Signature-256"]
    assert signature_ok(secret, body_a, header_a)
    assert not signature_ok(secret, body_b, header_a)
    assert not signature_ok(secret, body_a, None)
    assert not signature_ok(secret, body_a, "sha1=" + header_a[7:])


def _facebook(**options: str) -> FacebookConnector:
    base = {
        "page_id": "111111111111111",
        "page_token": "t",
        "app_secret": "test_app_secret_NOT_REAL_0123456789abcdef",
        "verify_token": "my_verify_token_NOT_REAL",
    }
    return FacebookConnector(ChannelConfig("fb", "facebook", options={**base, **options}))


def test_facebook_webhook_delivery_becomes_posts_only_when_signed() -> None:
    folder = shared_path("fixtures", "more", "facebook", "test-vectors")
    data = vectors("facebook", "test-vectors", "SELF_COMPUTED_x-hub-signature-256_vectors.json")
    body = (folder / data["vectors"][0]["body_file"]).read_bytes()
    connector = _facebook()
    result = connector.parse_webhook({"X-Hub-Signature-256": data["vectors"][0]["X-Hub-Signature-256"]}, body)
    assert len(result.posts) == 1
    post = result.posts[0]
    assert "äöå" in post.text  # the \u-escaped body decodes to what the person wrote
    assert post.in_reply_to
    with pytest.raises(AuthFailed):
        connector.parse_webhook({"X-Hub-Signature-256": "sha256=" + "0" * 64}, body)


def test_facebook_handshake_echoes_the_challenge_only_for_the_right_token() -> None:
    data = vectors("facebook", "test-vectors", "SELF_COMPUTED_x-hub-signature-256_vectors.json")[
        "verification_handshake"
    ]
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": "1158201444",
        "hub.verify_token": data["configured_verify_token"],
    }
    assert _facebook().verify_subscription(params) == data["expected"]["body"]
    with pytest.raises(AuthFailed):
        _facebook().verify_subscription({**params, "hub.verify_token": "wrong"})
    assert handshake({**params, "hub.mode": "unsubscribe"}, data["configured_verify_token"]) is None
    assert (
        handshake({"hub.mode": "subscribe", "hub.verify_token": "my_verify_token_NOT_REAL"}, "my_verify_token_NOT_REAL")
        is None
    )


def test_x_crc_and_delivery_signature_match_the_vectors() -> None:
    data = vectors("x", "test-vectors", "SELF_COMPUTED_crc_and_signature_vectors.json")
    secret = data["consumer_secret"]
    for case in data["crc"]:
        assert x.crc_response(secret, case["crc_token"]) == case["expected_response_json"]
    body = shared_path("fixtures", "more", "x", "test-vectors", data["post_signature"]["body_file"]).read_bytes()
    assert x.signature_ok(secret, body, data["post_signature"]["value"])
    assert not x.signature_ok(secret, body + b"\n", data["post_signature"]["value"])
    connector = XConnector(ChannelConfig("x", "x", options={"bearer_token": "b", "consumer_secret": secret}))
    result = connector.parse_webhook({"x-twitter-webhooks-signature": data["post_signature"]["value"]}, body)
    assert result.posts
    assert all(p.network == "x" for p in result.posts)
    with pytest.raises(AuthFailed):
        connector.parse_webhook({}, body)


def test_x_account_activity_tweet_create_events_become_posts() -> None:
    statuses = json.loads(shared_path("fixtures", "tweepy", "testgetstatus.json").read_text())["interactions"]
    tweet = json.loads(statuses[0]["response"]["body"]["string"])
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [tweet, {"broken": True}]}).encode()
    secret = "s"
    connector = XConnector(ChannelConfig("x", "x", options={"bearer_token": "b", "consumer_secret": secret}))
    result = connector.parse_webhook({"X-Twitter-Webhooks-Signature": x._sign(secret, body)}, body)
    assert [p.external_id for p in result.posts] == [tweet["id_str"]]
    assert len(result.rejected) == 1


def test_linkedin_challenge_and_signature_match_the_vectors() -> None:
    data = vectors("linkedin", "test-vectors", "SELF_COMPUTED_challenge_and_signature_vectors.json")
    secret = data["client_secret"]
    code = data["challenge"]["expected_response_json"]["challengeCode"]
    assert linkedin.challenge_response(secret, code) == data["challenge"]["expected_response_json"]
    body = shared_path("fixtures", "more", "linkedin", "test-vectors", "SELF_COMPUTED_webhook_body.raw").read_bytes()
    assert linkedin.signature_ok(secret, body, data["post_signature"]["value"])
    assert not linkedin.signature_ok(secret, body, "0" * 64)
    connector = LinkedInConnector(
        ChannelConfig(
            "li",
            "linkedin",
            options={"organization": "urn:li:organization:2414183", "access_token": "t", "client_secret": secret},
        )
    )
    with pytest.raises(AuthFailed):
        connector.parse_webhook({"X-LI-Signature": "0" * 64}, body)


def test_x_account_activity_direct_messages_become_private_posts() -> None:
    body = shared_path(
        "fixtures", "more", "x", "docs-x-com", "x__account-activity-introduction__direct_message_events.json"
    ).read_bytes()
    connector = XConnector(
        ChannelConfig("x", "x", handle="Harris_0ff", options={"bearer_token": "b", "consumer_secret": "s"})
    )
    (post,) = connector.parse_webhook({"x-twitter-webhooks-signature": x._sign("s", body)}, body).posts
    assert (post.author_handle, post.author_followers, post.text) == ("furiouscamper", 22, "Hello World!")
    assert not post.is_public
    assert not post.is_brand
    assert post.created_at.isoformat() == "2018-01-19T23:12:40.557000+00:00"
