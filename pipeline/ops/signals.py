"""SIGINT and SIGTERM as a request to stop: the current file (or batch) is finished, then the run ends.

The handler only sets an event that the main thread never waits on (it polls `is_set()`, which takes
no lock), so a signal can never deadlock it. The handlers are inherited by forked pool workers, where
they only set the worker's own copy of the event: a worker is not killed mid-file by Ctrl-C or by a
stop that signals every process of the service.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(stop: Optional[threading.Event] = None) -> Iterator[threading.Event]:
    """An event set by SIGINT/SIGTERM for the duration of the block (the old handlers restored after)."""
    stop = stop or threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals reach the main thread only; the caller sets `stop` itself
        return

    def handle(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in SIGNALS}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
