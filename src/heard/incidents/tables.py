"""The columns of other features' tables that incidents read and write.

Features are independent layers (import-linter), so incidents does not import the ingest, inbox or alerts
models; these lightweight table clauses name only the columns grouping needs, by the same names.
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, Integer, String, Text, column, table

from heard.db.base import UTCDateTime

posts = table(
    "posts",
    column("id", Integer),
    column("network", String),
    column("external_id", String),
    column("author_id", String),
    column("author_handle", String),
    column("author_followers", Integer),
    column("contact_id", Integer),
    column("is_brand", Integer),
    column("text", Text),
    column("hashtags", JSON),
    column("created_at", UTCDateTime()),
    column("conversation_id", Integer),
    column("incident_id", Integer),
    column("complaint", Float),
)

conversations = table("conversations", column("id", Integer), column("incident_id", Integer))

alerts = table(
    "alerts",
    column("id", Integer),
    column("kind", String),
    column("severity", Float),
    column("created_at", UTCDateTime()),
    column("incident_id", Integer),
)
