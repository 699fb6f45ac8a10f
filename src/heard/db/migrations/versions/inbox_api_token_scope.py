"""inbox: a scope on API tokens (read or write)

Revision ID: inbox_api_token_scope
Revises: ingest_sent_reply_echoes
Create Date: 2026-11-24 21:20:00

Existing tokens keep acting with their agent's role ("write").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "inbox_api_token_scope"
down_revision: str | None = "ingest_sent_reply_echoes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=16), server_default="write", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
