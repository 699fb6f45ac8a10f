"""incidents: centroid, embedder, key phrases, pinning, merges and activity times for grouping

Revision ID: incidents_grouping
Revises: inbox_search
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "incidents_grouping"
down_revision: str | None = "inbox_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centroid", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("centroid_size", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("embedder", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("key_phrases", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("title_locked", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("first_post_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_post_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incidents_merged_into_id_incidents"), "incidents", ["merged_into_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_incidents_last_post_at"), ["last_post_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_last_post_at"))
        batch_op.drop_constraint(batch_op.f("fk_incidents_merged_into_id_incidents"), type_="foreignkey")
        for column in (
            "last_post_at",
            "first_post_at",
            "merged_into_id",
            "pinned",
            "title_locked",
            "key_phrases",
            "embedder",
            "centroid_size",
            "centroid",
        ):
            batch_op.drop_column(column)
