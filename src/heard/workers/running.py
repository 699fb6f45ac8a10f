"""How a long-running command process runs: one runtime, one worker loop, Ctrl-C stops it cleanly."""

from __future__ import annotations

import threading
from collections.abc import Callable

from heard.app import Runtime, build_runtime
from heard.settings import Settings

Loop = Callable[[threading.Event], None]


def run_until_interrupted(settings: Settings, loop_of: Callable[[Runtime], Loop]) -> None:
    """Build the runtime, run `loop_of(runtime)` until Ctrl-C, and close the runtime however it ends. The loop
    gets the stop event it watches; on Ctrl-C the event is set so a loop that catches the interrupt can finish
    its last batch and save its state."""
    with build_runtime(settings) as runtime:
        stop = threading.Event()
        try:
            loop_of(runtime)(stop)
        except KeyboardInterrupt:
            stop.set()
