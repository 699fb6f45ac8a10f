"""How a long-running worker runs: one runtime, one polling loop, Ctrl-C stops it cleanly."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from heard.app import Runtime, build_runtime
from heard.settings import Settings

Loop = Callable[[threading.Event], None]


def run_until_interrupted(settings: Settings, loop_of: Callable[[Runtime], Loop]) -> None:
    """Build the runtime, run `loop_of(runtime)` until Ctrl-C, and close the runtime however it ends. The loop
    gets the stop event it watches; on Ctrl-C the event is set so a loop that catches the interrupt can finish
    its last batch and save its state."""
    with build_runtime(settings) as runtime:
        stop = threading.Event()
        stop_on_sigterm(stop)
        try:
            loop_of(runtime)(stop)
        except KeyboardInterrupt:
            stop.set()


def stop_on_sigterm(stop: threading.Event) -> None:
    """SIGTERM (what a process manager, honcho or systemd sends) stops the loop the way Ctrl-C does: the batch
    in hand finishes and is acked, state is saved, the runtime closes. Only the main thread may set handlers."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())


def poll_until_stopped(stop: threading.Event, step: Callable[[], int], idle_s: float, log: Any, failure: str) -> None:
    """Run `step` until `stop` is set, sleeping `idle_s` whenever it found nothing to do (it returns how much it
    did). A step that raises is logged with `failure`, on the worker's own logger, and counts as idle: one bad
    round must not end the worker."""
    while not stop.is_set():
        try:
            done = step()
        except Exception:
            log.exception(failure)
            done = 0
        if not done:
            stop.wait(idle_s)
