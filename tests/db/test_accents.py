from __future__ import annotations

import unicodedata

from heard.db import accents
from heard.db.migrations.versions import inbox_search_accents as migration


def test_every_accented_letter_folds_to_its_base_letter() -> None:
    assert len(accents.ACCENTED) == len(accents.PLAIN)
    for accented, plain in zip(accents.ACCENTED, accents.PLAIN, strict=True):
        base = unicodedata.normalize("NFKD", accented)[0]
        assert plain == base or (not base.isascii() or accented in "đħıłŀøŧ"), accented
    assert accents.fold("Reçu À Zürich, ÉTÉ") == "recu a zurich, ete"
    assert accents.fold("straße æ œ") == "straße æ œ"  # one letter for one: these stay


def test_the_migration_folds_with_the_same_tables() -> None:
    assert (migration.ACCENTED, migration.PLAIN) == (accents.ACCENTED, accents.PLAIN)
    assert "'" not in accents.ACCENTED + accents.PLAIN
