"""The pipeline worker builds its default stages from the settings: the brand's handles reach the radar."""

from __future__ import annotations

from pathlib import Path

from heard.app import build_runtime
from heard.pipeline.detect import Detect
from heard.radar.radar import Radar
from heard.settings import Settings
from heard.workers.pipeline import PipelineWorker


def test_the_worker_hands_the_brand_handles_to_the_radar(tmp_path: Path) -> None:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'w.db'}", brand_handles=["@AcmeHelp"])
    runtime = build_runtime(settings)
    try:
        [detect] = [s for s in PipelineWorker(runtime).stages if isinstance(s, Detect)]
        assert isinstance(detect.detector, Radar)
        assert detect.detector.brand_handles == frozenset({"acmehelp"})
    finally:
        runtime.close()
