"""inbox: routing by team (round robin, least open) and agents' availability (away, capacity)

Revision ID: i19_routing
Revises: i19_saved_replies
Create Date: 2026-12-07 16:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_routing"
down_revision: str | None = "i19_saved_replies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_routing",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("last_agent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_routing_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_routing")),
    )
    op.create_table(
        "agent_availability",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("updated_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_availability_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_availability")),
    )


def downgrade() -> None:
    op.drop_table("agent_availability")
    op.drop_table("team_routing")
