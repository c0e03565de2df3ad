"""Thumbs up/down on answers, recorded through one function.

A rating is kept in the session (so the thumbs stay as the patient left them) and, when the
question was logged, attached to its row in the question log. A rating carries the turn number and
the entry shown, never the patient's words, and nothing here prints or logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from faq.web.logbook import AppLog

SESSION_KEY = "feedback"


@dataclass(frozen=True)
class Feedback:
    """One rating: which reply (turn), what it showed, and whether it helped (None: rating taken back)."""

    turn_id: int
    kind: str
    entry_id: str | None
    helpful: bool | None
    at: dt.datetime


def record_feedback(
    session: MutableMapping[Any, Any],
    turn_id: int,
    kind: str,
    entry_id: str | None,
    helpful: bool | None,
    logged: tuple[AppLog, int] | None = None,
) -> Feedback:
    """Store a rating for a reply, replacing any earlier rating of the same reply; `logged` is the
    question log and the question's row, when it was logged."""
    feedback = Feedback(turn_id, kind, entry_id, helpful, dt.datetime.now(dt.UTC))
    session.setdefault(SESSION_KEY, {})[turn_id] = feedback
    if logged is not None:
        app_log, row_id = logged
        app_log.feedback(row_id, helpful)
    return feedback


def recorded(session: MutableMapping[Any, Any]) -> dict[int, Feedback]:
    """The ratings given in this session, by turn."""
    stored: dict[int, Feedback] = session.get(SESSION_KEY, {})
    return stored
