"""Checks beyond the schema: overdue reviews, and alternates the model confuses with another entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from faq.embedding import Encoder
from faq.errors import Problem
from faq.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Collision:
    """An alternate of `entry_id` that the model places nearer to a phrasing of `other_id`."""

    entry_id: str
    position: int
    alternate: str
    other_id: str
    other_phrasing: str
    similarity_other: float
    similarity_own: float


def overdue_reviews(kb: KnowledgeBase, today: dt.date, *, strict: bool) -> list[Problem]:
    """One problem per entry whose review date has passed (a warning unless `strict`)."""
    problems = []
    for entry in kb.entries:
        due = entry.review_due()
        if due < today:
            origin = kb.origins[entry.id]
            message = f"`{entry.id}` was due for review on {due} (reviewed {entry.reviewed})"
            fix = "re-check the answer and sources, then set `reviewed:` to today's date"
            problems.append(Problem(origin.file, origin.line, message, fix, warning=not strict))
    return problems


def find_collisions(kb: KnowledgeBase, encoder: Encoder) -> list[Collision]:
    """Alternates whose nearest other phrasing belongs to a different entry than their own."""
    owners = [e.id for e in kb.entries for _ in e.phrasings()]
    positions = [i - 1 for e in kb.entries for i in range(len(e.phrasings()))]
    texts = [p for e in kb.entries for p in e.phrasings()]
    vectors = encoder.encode(texts)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    owner_array = np.array(owners)
    collisions = []
    for row, owner in enumerate(owners):
        if positions[row] < 0:  # the canonical question itself
            continue
        own = similarity[row][owner_array == owner].max()
        others = np.where(owner_array != owner, similarity[row], -np.inf)
        nearest = int(others.argmax())
        if others[nearest] > own:
            collisions.append(
                Collision(
                    owner,
                    positions[row],
                    texts[row],
                    owners[nearest],
                    texts[nearest],
                    float(others[nearest]),
                    float(own),
                )
            )
    return collisions


def collision_problems(kb: KnowledgeBase, collisions: list[Collision]) -> list[Problem]:
    """Collisions as problems naming both entries, the similarity and the fix."""
    problems = []
    for c in collisions:
        origin = kb.origins[c.entry_id]
        message = (
            f'alternate "{c.alternate}" of `{c.entry_id}` is closer to `{c.other_id}` '
            f'("{c.other_phrasing}", similarity {c.similarity_other:.2f}) '
            f"than to its own entry ({c.similarity_own:.2f})"
        )
        fix = f"reword it, move it to `{c.other_id}`, or add a closer alternate to `{c.entry_id}`"
        problems.append(Problem(origin.file, origin.line_of("alternates", c.position), message, fix))
    return problems
