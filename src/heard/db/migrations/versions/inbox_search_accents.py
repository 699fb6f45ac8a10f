"""search: fold accents in the PostgreSQL search indexes (inbox messages and knowledge-base articles)

Revision ID: inbox_search_accents
Revises: inbox_api_token_scope
Create Date: 2026-11-24 21:40:00

PostgreSQL's 'simple' configuration kept accents, so "reçu" did not find "recu" (SQLite's FTS5 folds them by
itself). The GIN indexes now hold to_tsvector('simple', translate(lower(text), ACCENTED, PLAIN)); translate()
is built in and immutable, so no extension (unaccent) is needed. The tables are written out here, not imported,
so this migration keeps meaning what it meant if heard.db.accents grows later.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "inbox_search_accents"
down_revision: str | None = "inbox_api_token_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCENTED = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
PLAIN = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
_ARTICLE = "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body_md, '')"


def _folded(expression: str) -> str:
    return f"translate(lower({expression}), '{ACCENTED}', '{PLAIN}')"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_messages_search")
    op.execute(f"CREATE INDEX ix_messages_search ON messages USING gin (to_tsvector('simple', {_folded('text')}))")
    op.execute("DROP INDEX IF EXISTS search_articles_tsv")
    op.execute(f"CREATE INDEX search_articles_tsv ON articles USING gin (to_tsvector('simple', {_folded(_ARTICLE)}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_messages_search")
    op.execute("CREATE INDEX ix_messages_search ON messages USING gin (to_tsvector('simple', text))")
    op.execute("DROP INDEX IF EXISTS search_articles_tsv")
    op.execute(f"CREATE INDEX search_articles_tsv ON articles USING gin (to_tsvector('simple', {_ARTICLE}))")
