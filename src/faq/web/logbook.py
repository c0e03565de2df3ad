"""The app's side of the question log: record every question, attach ratings, never break answering.

A log failure (locked SQLite file, database down) is remembered and shown to staff in the page's
staff notice, and written once to the server log by its type only; the patient still gets the
answer.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from faq.errors import FaqError
from faq.questionlog import QuestionLog, database_url, logging_enabled
from faq.retrieval import Result

log = logging.getLogger(__name__)

APP_LOG_KEY = "app_log"
"""Where the page keeps its AppLog in st.session_state, so rating callbacks can reach it."""


class AppLog:
    """Opens the log lazily and swallows its failures after noting the first one for staff."""

    def __init__(self, index_dir: Path) -> None:
        self._index_dir = index_dir
        self._store: QuestionLog | None = None
        self._lock = threading.Lock()
        self.problem: str | None = None

    def enabled(self, clinic_setting: bool) -> bool:
        """Whether questions are logged (clinic.yaml `log_questions` and the FAQ_LOG switch)."""
        return logging_enabled(clinic_setting)

    def _failed(self, err: FaqError) -> None:
        if self.problem is None:
            self.problem = f"The question log is not being written: {err}. Answers are unaffected."
            log.warning("question log unavailable: %s", type(err).__name__)

    def _open(self) -> QuestionLog:
        with self._lock:
            if self._store is None:
                self._store = QuestionLog(database_url(self._index_dir))
            return self._store

    def record(self, result: Result) -> int | None:
        """Store the (redacted) question and outcome; the row id, or None if the log failed."""
        try:
            row_id = self._open().record(result, source="app")
        except FaqError as err:
            self._failed(err)
            return None
        self.problem = None
        return row_id

    def feedback(self, row_id: int, helpful: bool | None, comment: str | None = None) -> None:
        """Attach a rating (None: taken back) and an optional comment (redacted by the store) to a question."""
        try:
            self._open().record_feedback(row_id, helpful, comment)
        except FaqError as err:
            self._failed(err)
