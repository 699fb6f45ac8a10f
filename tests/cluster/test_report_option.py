"""`heard bench cluster` starts `heard radar --report FILE`: the radar command takes the option (it once lost it when
`heard radar` became a group with `replay`, and the bench stopped with "radar exited with 2")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_radar_takes_report_and_says_what_mode_it_needs(tmp_path: Path) -> None:
    env = {**os.environ, "HEARD_RADAR_MODE": "inline", "HEARD_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    done = subprocess.run(
        [sys.executable, "-c", "from heard.cli import main; main()", "radar", "--report", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "No such option" not in done.stderr
    assert "HEARD_RADAR_MODE" in done.stderr
