"""What a notice about an alert says: the JSON a webhook gets, the chat line, the e-mail (pure; the sending is
tested in tests/notify and end to end in test_delivery_queue.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from heard.alerts.models import Alert
from heard.alerts.notify import alert_payload, chat_text, email_subject, email_text


def _alert() -> Alert:
    when = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return Alert(
        id=7,
        kind="pileon",
        series_key="thread:x:123",
        severity=0.81234,
        observed=12.0,
        expected=0.02,
        started_at=when,
        created_at=when,
        conversation_id=None,
        evidence={"new_authors": 12},
        post_keys=["x:1", "x:2"],
    )


def test_the_payload_every_webhook_gets() -> None:
    assert alert_payload(_alert(), "http://heard/") == {
        "id": 7,
        "kind": "pileon",
        "series": "thread:x:123",
        "severity": 0.812,
        "observed": 12.0,
        "expected": 0.02,
        "started_at": "2026-01-05T09:00:00+00:00",
        "created_at": "2026-01-05T09:00:00+00:00",
        "conversation_id": None,
        "evidence": {"new_authors": 12},
        "posts": ["x:1", "x:2"],
        "url": "http://heard/alerts/7",
    }
    assert alert_payload(_alert())["url"] is None


def test_chat_text_links_to_the_alert() -> None:
    text = chat_text(alert_payload(_alert(), "http://heard"))
    assert text.startswith(":rotating_light: Pile-on on thread:x:123: 12.0 posts where 0.02 were expected")
    assert text.endswith("— http://heard/alerts/7")


def test_the_email_lists_the_posts_behind_it() -> None:
    payload = alert_payload(_alert())
    assert email_subject(payload).startswith("[Heard] Pile-on on thread:x:123")
    assert email_text(payload).endswith("Posts behind it:\n- x:1\n- x:2\n")
    spike = {**payload, "kind": "volume", "posts": [f"x:{n}" for n in range(30)]}
    assert email_subject(spike).startswith("[Heard] Spike on")
    assert email_text(spike).count("\n- ") == 20
