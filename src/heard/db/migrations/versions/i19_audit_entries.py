"""audit: the audit trail (who did what and when)

Revision ID: i19_audit_entries
Revises: i17_incident_brands
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_audit_entries"
down_revision: str | None = "i17_incident_brands"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"], unique=False)
    op.create_index("ix_audit_entries_subject", "audit_entries", ["subject", "subject_id"], unique=False)
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_entries")
