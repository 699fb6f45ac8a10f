"""incidents: the brand an incident belongs to (grouping stays within a brand)

Revision ID: i17_incident_brands
Revises: i17_brands
Create Date: 2026-12-07 16:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_incident_brands"
down_revision: str | None = "i17_brands"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Incidents from before brands belong to none: new posts with no brand keep joining them.
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_incidents_brand"), ["brand"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_brand"))
        batch_op.drop_column("brand")
