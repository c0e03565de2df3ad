"""Thumbs up/down on answers, recorded through one function.

Until the staff question log (`faq.questionlog`) exists, ratings live in the session only. Wiring
the log in means changing `record_feedback` and nothing else. A rating carries the turn number and
the entry shown, never the patient's words, and nothing here prints or logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

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
    session: MutableMapping[Any, Any], turn_id: int, kind: str, entry_id: str | None, helpful: bool | None
) -> Feedback:
    """Store a rating for a reply, replacing any earlier rating of the same reply."""
    feedback = Feedback(turn_id, kind, entry_id, helpful, dt.datetime.now(dt.UTC))
    session.setdefault(SESSION_KEY, {})[turn_id] = feedback
    return feedback


def recorded(session: MutableMapping[Any, Any]) -> dict[int, Feedback]:
    """The ratings given in this session, by turn."""
    stored: dict[int, Feedback] = session.get(SESSION_KEY, {})
    return stored
