"""Rebuilding the index from the staff page in a background thread.

`build_index` installs the new build atomically, and the serving holder reloads when the index
pointer changes, so patients keep getting answers from the old index until the new one is ready.
A save in the editor asks for a rebuild with `request`: several quick saves make one rebuild, started
once no save came for `delay` seconds (and again after a running one, if a save came meanwhile).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from faq import config
from faq.embedding import Encoder
from faq.errors import FaqError
from faq.index import build_index
from faq.knowledge import load_knowledge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildStatus:
    """The last rebuild's state and what it said."""

    state: Literal["idle", "scheduled", "running", "done", "failed"]
    message: str = ""
    finished_at: dt.datetime | None = None


class Rebuilder:
    """Runs at most one rebuild at a time."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, load_model: Callable[[str], Encoder]) -> None:
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.load_model = load_model
        self._lock = threading.Lock()
        self.status = RebuildStatus("idle")
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._again = False  # a save came while a rebuild was running: rebuild once more after it

    def start(self) -> bool:
        """Start a rebuild unless one is running; True when one was started."""
        with self._lock:
            return self._start_locked()

    def request(self, delay: float) -> None:
        """Rebuild `delay` seconds after the last request (one rebuild for several quick saves)."""
        with self._lock:
            if self.status.state == "running":
                self._again = True
                return
            if self._timer is not None:
                self._timer.cancel()
            self.status = RebuildStatus("scheduled", "The index is rebuilt in a moment, after the last save…")
            self._timer = threading.Timer(delay, self._timer_fired)
            self._timer.daemon = True
            self._timer.start()

    def wait(self, timeout: float | None = None) -> RebuildStatus:
        """Wait for the scheduled and running rebuilds (for tests and scripts); the status at the end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                waiting_on = self._timer if self.status.state == "scheduled" else self._thread
                if self.status.state not in ("scheduled", "running") or waiting_on is None:
                    return self.status
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return self.status
            waiting_on.join(left)

    def _start_locked(self) -> bool:
        if self.status.state == "running":
            return False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.status = RebuildStatus("running", "Rebuilding the index…")
        self._thread = threading.Thread(target=self._run, name="faq-rebuild", daemon=True)
        self._thread.start()
        return True

    def _timer_fired(self) -> None:
        with self._lock:
            if self.status.state == "scheduled":
                self._start_locked()

    def _run(self) -> None:
        try:
            knowledge = load_knowledge(self.knowledge_dir)
            encoder = self.load_model(config.model_name(knowledge.settings.model))
            report = build_index(knowledge, self.index_dir, encoder)
        except FaqError as err:
            self._finish("failed", str(err))
        except Exception as err:  # reported by type only, like every unexpected error
            log.error("index rebuild failed: %s", type(err).__name__)
            self._finish("failed", f"unexpected {type(err).__name__}; run `faq build` in a terminal to see more")
        else:
            m = report.manifest
            self._finish(
                "done",
                f"Rebuilt: {m.entry_count} entries, {report.encoded} texts embedded, {report.reused} reused, "
                f"in {report.seconds:.1f}s"
                + ("." if report.tuning_seconds is None else f", {report.tuning_seconds:.0f}s of it tuning the model."),
            )

    def _finish(self, state: Literal["done", "failed"], message: str) -> None:
        with self._lock:
            self.status = RebuildStatus(state, message, dt.datetime.now(dt.UTC))
            if self._again:  # a save came during this build: it is not in the index yet
                self._again = False
                self._start_locked()
