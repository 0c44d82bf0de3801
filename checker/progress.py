"""A progress line for long scans: on a terminal only, never on a pipe or in CI logs, and only
once a scan has run long enough for it to help (short scans stay quiet)."""
from __future__ import annotations

import os
import sys
import time

DELAY = 0.75   # seconds before the first update is drawn


class Progress:
    def __init__(self, total: int, what: str, stream=None):
        self.stream = stream or sys.stderr
        self.total = max(total, 1)
        self.what = what
        self.done = 0
        self.start = time.monotonic()
        self.enabled = _interactive(self.stream)
        self._drawn = False
        self._last = 0.0

    def tick(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < DELAY or now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = int(width * min(self.done, self.total) / self.total)
        self.stream.write(f"\rpdguard: {self.what} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{min(self.done, self.total)}/{self.total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _interactive(stream) -> bool:
    if os.environ.get("CI") or os.environ.get("PDGUARD_NO_PROGRESS"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
