"""hooks: signing secrets are stored sealed, which is longer than the secret

Revision ID: i21_hooks_sealed_secrets
Revises: i21_dead_letter_fingerprint
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i21_hooks_sealed_secrets"
down_revision: str | None = "i21_dead_letter_fingerprint"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A 256-character secret sealed (Fernet, base64, "enc:v1:") is about 450 characters. Secrets stored before
    # stay readable as they are (heard.sealing.unseal passes an unsealed value through).
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=256), type_=sa.String(length=1024))


def downgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=1024), type_=sa.String(length=256))
