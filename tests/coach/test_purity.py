"""The rule engine stays pure: reviewing a draft loads no database, HTTP or web library."""

from __future__ import annotations

import subprocess
import sys


def test_the_rule_engine_imports_no_database_or_http_client() -> None:
    code = (
        "import sys; import heard.coach.reviewer, heard.coach.suggest, "
        "heard.lab.coach.evaluation, heard.lab.coach.tuning; "
        "print(sorted(m for m in ('sqlalchemy', 'httpx', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
