"""connectors: channel cursors become text

A compound cursor (one high-water mark per feed, or Jetstream's time plus the posts kept inside its rewind
window) can outgrow 512 characters, which PostgreSQL would refuse.

Revision ID: connectors_cursor_text
Revises: coach_approval
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "connectors_cursor_text"
down_revision: str | None = "coach_approval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.alter_column("cursor", existing_type=sa.String(length=512), type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.alter_column("cursor", existing_type=sa.Text(), type_=sa.String(length=512), existing_nullable=True)
