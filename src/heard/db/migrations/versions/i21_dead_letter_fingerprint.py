"""ingest: dead letters keep a fingerprint, so an input set aside again is recorded once

Revision ID: i21_dead_letter_fingerprint
Revises: alerts_delivery_queue
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i21_dead_letter_fingerprint"
down_revision: str | None = "alerts_delivery_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows from before keep NULL (a unique column holds any number of NULLs): they were recorded as they came.
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_dead_letters_fingerprint"), ["fingerprint"])


def downgrade() -> None:
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_dead_letters_fingerprint"), type_="unique")
        batch_op.drop_column("fingerprint")
