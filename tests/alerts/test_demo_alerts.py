"""`heard demo --once --json`: the sample is history, the staged pile-on is news, and it is the one alert."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from heard.radar.pileon import says_me_too


def test_demo_once_raises_exactly_the_staged_pileon(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    result = CliRunner().invoke(build(), ["demo", "--once", "--json", "--database", str(database)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    alerts = summary["alerts"]
    assert alerts.get("pileon") == 1
    assert sum(alerts.values()) - 1 <= 2

    # Each support account of the sample is a brand; posts and the pile-on alert are filed under theirs.
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM brands").fetchone()[0] == 76
        attributed, total = db.execute("SELECT count(brand), count(*) FROM posts").fetchone()
        assert attributed >= 0.8 * total
        (brand,) = db.execute("SELECT brand FROM alerts WHERE kind = 'pileon'").fetchone()
        root_brand = db.execute(
            "SELECT p.brand FROM posts p JOIN alerts a ON a.series_key = 'thread:' || p.network || ':' || p.external_id"
        ).fetchone()[0]
        assert brand == root_brand is not None
        # Incidents never mix brands, and the staged "same here" replies joined their complaint's incident.
        mixed = db.execute(
            "SELECT incident_id FROM posts WHERE incident_id IS NOT NULL AND brand IS NOT NULL"
            " GROUP BY incident_id HAVING count(DISTINCT brand) > 1"
        ).fetchall()
        assert mixed == []
        assert db.execute("SELECT count(*) FROM incidents WHERE brand IS NOT NULL").fetchone()[0] > 0
        root_incident, joined = db.execute(
            "SELECT p.incident_id, (SELECT count(*) FROM posts r WHERE r.in_reply_to = p.external_id"
            "  AND r.external_id LIKE 'demo-pileon-%' AND r.incident_id = p.incident_id)"
            " FROM posts p JOIN alerts a ON a.series_key = 'thread:' || p.network || ':' || p.external_id"
        ).fetchone()
        assert root_incident is not None
        # The pile-on's alert, incident and conversation (every customer post of it, in `post_brands`) carry one
        # brand, so each brand-filtered page shows it.
        (incident_brand,) = db.execute("SELECT brand FROM incidents WHERE id = ?", (root_incident,)).fetchone()
        assert incident_brand == brand
        unfiled = db.execute(
            "SELECT count(*) FROM posts c JOIN posts p ON c.conversation_id = p.conversation_id"
            " JOIN alerts a ON a.series_key = 'thread:' || p.network || ':' || p.external_id"
            " WHERE NOT c.is_brand AND NOT EXISTS"
            " (SELECT 1 FROM post_brands b WHERE b.post_id = c.id AND b.brand = a.brand)"
        ).fetchone()[0]
        assert unfiled == 0
        assert joined == 12  # every staged reply says "same here", in one form or another
        # Titles and summaries are the problem in words: no one's handle, and the pile-on's incident is named by
        # the complaint, not by the "same here" replies that joined it.
        described = db.execute("SELECT title, summary FROM incidents WHERE merged_into_id IS NULL").fetchall()
        assert described
        handle = re.compile(r"(?<!\w)[@＠]\w")
        assert [t for t, s in described if handle.search(t) or handle.search(s or "")] == []
        (root_title,) = db.execute("SELECT title FROM incidents WHERE id = ?", (root_incident,)).fetchone()
        assert not says_me_too(root_title), root_title
