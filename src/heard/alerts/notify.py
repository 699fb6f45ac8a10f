"""What a notice about an alert says: the JSON every webhook target gets, the line a chat target gets, and the
e-mail. Pure: sending is `heard.notify`'s job, run by `heard.workers.alert_delivery`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from heard.alerts.models import Alert

MAX_MAILED_POSTS = 20


def alert_payload(alert: Alert, base_url: str = "") -> dict[str, Any]:
    """The JSON every notifier sends (webhooks as is; chat and e-mail render it as text)."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "series": alert.series_key,
        "severity": round(alert.severity, 3),
        "observed": alert.observed,
        "expected": alert.expected,
        "started_at": _iso(alert.started_at),
        "created_at": _iso(alert.created_at),
        "conversation_id": alert.conversation_id,
        "evidence": alert.evidence,
        "posts": list(alert.post_keys),
        "url": f"{base_url.rstrip('/')}/alerts/{alert.id}" if base_url else None,
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def summary_line(payload: Mapping[str, Any]) -> str:
    what = "Pile-on" if payload.get("kind") == "pileon" else "Spike"
    line = (
        f"{what} on {payload.get('series')}: {payload.get('observed')} posts where "
        f"{payload.get('expected')} were expected (severity {payload.get('severity')}), "
        f"since {payload.get('started_at')}"
    )
    return f"{line} — {payload['url']}" if payload.get("url") else line


def chat_text(payload: Mapping[str, Any]) -> str:
    return f":rotating_light: {summary_line(payload)}"


def email_subject(payload: Mapping[str, Any]) -> str:
    return f"[Heard] {summary_line(payload)[:150]}"


def email_text(payload: Mapping[str, Any]) -> str:
    posts = "\n".join(f"- {key}" for key in payload.get("posts", [])[:MAX_MAILED_POSTS])
    return f"{summary_line(payload)}\n\nPosts behind it:\n{posts}\n"
