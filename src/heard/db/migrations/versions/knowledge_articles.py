"""knowledge: article fields, translations, follow-ups and the full-text index

Revision ID: knowledge_articles
Revises: incidents_grouping
Create Date: 2026-11-24 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "knowledge_articles"
down_revision: str | None = "incidents_grouping"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The index is kept in raw SQL (heard.db.migrate.include_name keeps autogenerate off it). Triggers keep the
# SQLite index in step with every write, whoever makes it; a later batch migration that rebuilds `articles` on
# SQLite drops them, so such a migration must run SQLITE_TRIGGERS again.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE search_articles USING fts5(title, summary, body_md, content='articles', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
_OLD = "INSERT INTO search_articles(search_articles, rowid, title, summary, body_md) VALUES ('delete', old.id, old.title, old.summary, old.body_md);"
_NEW = (
    "INSERT INTO search_articles(rowid, title, summary, body_md) VALUES (new.id, new.title, new.summary, new.body_md);"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER search_articles_ai AFTER INSERT ON articles BEGIN {_NEW} END",
    f"CREATE TRIGGER search_articles_ad AFTER DELETE ON articles BEGIN {_OLD} END",
    f"CREATE TRIGGER search_articles_au AFTER UPDATE ON articles BEGIN {_OLD} {_NEW} END",
)
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body_md, ''))"
)


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("problem", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("product", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("issue_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("original_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_original_id"), ["original_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_articles_original_id_language"), ["original_id", "language"])
        batch_op.create_foreign_key(batch_op.f("fk_articles_original_id_articles"), "articles", ["original_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_articles_author_id_agents"), "agents", ["author_id"], ["id"])
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("summary", server_default=None)
        batch_op.alter_column("problem", server_default=None)
    op.create_table(
        "article_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("review_score", sa.Integer(), nullable=True),
        sa.Column("created_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_followups_article_id_articles")),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_article_followups_contact_id_contacts")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_article_followups_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_article_followups_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_followups")),
        sa.UniqueConstraint("article_id", "contact_id", name=op.f("uq_article_followups_article_id_contact_id")),
        sa.UniqueConstraint("message_id", name=op.f("uq_article_followups_message_id")),
    )
    _create_search_index()


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_INDEX)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO search_articles(search_articles) VALUES ('rebuild')")
    else:
        op.execute(f"CREATE INDEX search_articles_tsv ON articles USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_articles_ai", "search_articles_ad", "search_articles_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_articles")
    else:
        op.execute("DROP INDEX IF EXISTS search_articles_tsv")
    op.drop_table("article_followups")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_articles_author_id_agents"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_articles_original_id_articles"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_articles_original_id_language"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_articles_original_id"))
        for column in ("updated_at", "author_id", "original_id", "issue_status", "product", "problem", "summary"):
            batch_op.drop_column(column)
