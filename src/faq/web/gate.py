"""The staff password gate: constant-time comparison, and a pause after a few wrong tries."""

from __future__ import annotations

import hmac
import os
import threading
import time
from typing import Literal

PASSWORD_ENV = "FAQ_STAFF_PASSWORD"
ALLOWED_FAILURES = 3
PAUSE_SECONDS = 30.0

Outcome = Literal["ok", "wrong", "paused"]


def staff_password() -> str | None:
    """The staff password, or None when the staff page is switched off (FAQ_STAFF_PASSWORD unset or empty)."""
    return os.environ.get(PASSWORD_ENV) or None


class PasswordGate:
    """Checks passwords; after ALLOWED_FAILURES wrong tries in a row, refuses every try for PAUSE_SECONDS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures = 0
        self._paused_until = 0.0

    def seconds_paused(self, now: float | None = None) -> float:
        """How long tries are still refused (0 when they are not)."""
        return max(0.0, self._paused_until - (time.monotonic() if now is None else now))

    def check(self, entered: str, expected: str, now: float | None = None) -> Outcome:
        """Compare in constant time; count failures and pause after too many."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            if moment < self._paused_until:
                return "paused"
            if hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8")):
                self._failures = 0
                return "ok"
            self._failures += 1
            if self._failures >= ALLOWED_FAILURES:
                self._failures = 0
                self._paused_until = moment + PAUSE_SECONDS
            return "wrong"
