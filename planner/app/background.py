"""Work a server process does beside its requests (a clinic list being issued), each piece in a
daemon thread, so a request that starts it answers at once. `wait` lets a caller (a test, a clean
stop) wait for the work to end instead of guessing how long it takes."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import attrs


@attrs.define
class Background:
    _busy: int = 0
    _changed: threading.Condition = attrs.field(factory=threading.Condition)

    def start(self, work: Callable[[], object]) -> None:
        with self._changed:
            self._busy += 1
        threading.Thread(target=self._run, args=(work,), daemon=True).start()

    def _run(self, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception as error:  # the work records its own failures; this is the database down
            print(f"rehab-planner: background work: {type(error).__name__}: {error}", file=sys.stderr)
        finally:
            with self._changed:
                self._busy -= 1
                self._changed.notify_all()

    def wait(self, timeout: float) -> bool:
        """True once nothing is running (woken as each piece ends); False after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0, timeout)
