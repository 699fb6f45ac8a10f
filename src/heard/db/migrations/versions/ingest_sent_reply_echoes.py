"""ingest: find the replies Heard sent when the network echoes them back

Revision ID: ingest_sent_reply_echoes
Revises: alerts_radar_snapshots
Create Date: 2026-11-24 21:00:00

A partial index over outgoing messages that carry a network id but no post yet: the sent replies waiting for
their echo. Ingested messages always have a post, so the index stays as small as the replies in flight and
costs the ingest path nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ingest_sent_reply_echoes"
down_revision: str | None = "alerts_radar_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = sa.text("post_id IS NULL AND external_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_messages_sent_unlinked",
        "messages",
        ["external_id"],
        unique=False,
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_messages_sent_unlinked", table_name="messages")
