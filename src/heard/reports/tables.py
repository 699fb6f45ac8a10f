"""The columns of other features' tables that the outcome reports read.

Features are independent layers (import-linter), so reports do not import the inbox, ingest, alerts, incidents or
knowledge models; these lightweight table clauses name only the columns the reports read, by the same names.
Reports only read: nothing here is ever written.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, Integer, String, column, table

from heard.db.base import UTCDateTime

conversations = table(
    "conversations",
    column("id", Integer),
    column("network", String),
    column("inbox_id", Integer),
    column("status", String),
    column("created_at", UTCDateTime()),
)

messages = table(
    "messages",
    column("id", Integer),
    column("conversation_id", Integer),
    column("direction", String),
    column("agent_id", Integer),
    column("delivery_state", String),
    column("created_at", UTCDateTime()),
)

posts = table(
    "posts",
    column("id", Integer),
    column("author_id", String),
    column("author_followers", Integer),
    column("is_brand", Boolean),
    column("created_at", UTCDateTime()),
    column("conversation_id", Integer),
    column("incident_id", Integer),
    column("complaint", Float),
    column("sentiment", String),
    column("sentiment_score", Float),
)

inboxes = table("inboxes", column("id", Integer), column("sla_first_response_s", Integer))

alerts = table(
    "alerts",
    column("id", Integer),
    column("kind", String),
    column("series_key", String),
    column("severity", Float),
    column("started_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
    column("conversation_id", Integer),
    column("evidence", JSON),
)

incidents = table(
    "incidents",
    column("id", Integer),
    column("title", String),
    column("status", String),
    column("post_count", Integer),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
    column("merged_into_id", Integer),
)

articles = table(
    "articles",
    column("id", Integer),
    column("slug", String),
    column("title", String),
    column("status", String),
    column("incident_id", Integer),
    column("published_at", UTCDateTime()),
)

agents = table("agents", column("id", Integer), column("name", String))
