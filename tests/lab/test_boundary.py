"""heard.lab stays out of the runtime: the import-linter contract that forbids importing it names every package."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The only places that may import heard.lab (and lab itself).
ENTRY_POINTS = {"heard.cli", "heard.commands", "heard.lab"}


def test_the_lab_contract_covers_every_runtime_package_and_module() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (lab,) = [c for c in contracts if c["type"] == "forbidden" and c["forbidden_modules"] == ["heard.lab"]]
    package = ROOT / "src" / "heard"
    runtime = {
        f"heard.{p.stem}"
        for p in package.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")
    }
    assert sorted(runtime - ENTRY_POINTS) == sorted(lab["source_modules"])
