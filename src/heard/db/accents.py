"""Folding accented Latin letters to plain ones, the same way in Python and in PostgreSQL (inbox and
knowledge-base search).

SQLite's FTS5 tokenizer folds diacritics by itself; PostgreSQL's 'simple' text search configuration does not,
and its `unaccent` is an extension a hosted database may not allow. `translate()` is built in and immutable, so
an expression index can use it: the search index and the query both fold with `ACCENTED` -> `PLAIN` (a letter
for a letter, so ß, æ and œ stay as they are), and the search box's words are folded with the same table.
"""

from __future__ import annotations

ACCENTED = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
PLAIN = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
_TABLE = str.maketrans(ACCENTED, PLAIN)


def fold(text: str) -> str:
    """Lower case, accents off: what the PostgreSQL search index holds of `text`."""
    return text.lower().translate(_TABLE)


def sql_literal(value: str) -> str:
    """`value` as an SQL string literal (the tables above hold no quote, but never trust that silently)."""
    return "'" + value.replace("'", "''") + "'"


def folded_sql(expression: str) -> str:
    """`expression` (SQL) lower-cased and folded, as the PostgreSQL search indexes hold it."""
    return f"translate(lower({expression}), {sql_literal(ACCENTED)}, {sql_literal(PLAIN)})"
