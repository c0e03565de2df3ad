"""Rebuilding the index from the staff page in a background thread.

`build_index` installs the new build atomically, and the serving holder reloads when the index
pointer changes, so patients keep getting answers from the old index until the new one is ready.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
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

    state: Literal["idle", "running", "done", "failed"]
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

    def start(self) -> bool:
        """Start a rebuild unless one is running; True when one was started."""
        with self._lock:
            if self.status.state == "running":
                return False
            self.status = RebuildStatus("running", "Rebuilding the index…")
            self._thread = threading.Thread(target=self._run, name="faq-rebuild", daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> RebuildStatus:
        """Wait for the running rebuild (for tests and scripts); the status at the end."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status

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
