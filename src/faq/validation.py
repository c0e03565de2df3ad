"""Checks beyond the schema: overdue reviews, and alternates the model confuses with another entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from faq.embedding import Encoder, TextEncoder
from faq.errors import Problem
from faq.knowledge import KnowledgeBase, review_command
from faq.schema import Entry, OutOfScopeTopic, RedFlag

EXAMPLE_MAX_SIMILARITY = 0.8
"""An out-of-scope example this similar to an entry's phrasing is reported. The closest legitimate
examples in the shipped knowledge sit near 0.75 ("where is the clinic located" to "how do i contact
the clinic"); a reworded entry question sits above 0.85."""


@dataclass(frozen=True)
class Collision:
    """A phrasing of `owner_id` (an entry's alternate or an out-of-scope example) that the model
    places nearer to a phrasing of `other_id` than to every other phrasing of its own."""

    owner_id: str
    field: str
    position: int
    phrasing: str
    other_id: str
    other_phrasing: str
    similarity_other: float
    similarity_own: float


def overdue_reviews(kb: KnowledgeBase, today: dt.date, *, strict: bool) -> list[Problem]:
    """One problem per reviewed entry, red flag or out-of-scope topic whose review date has passed
    (a warning unless `strict`). Drafts were never reviewed, so they are never overdue."""
    problems = []
    items: list[Entry | RedFlag | OutOfScopeTopic] = [*kb.entries, *kb.red_flags, *kb.out_of_scope]
    for item in items:
        due = item.review_due()
        if due is not None and due < today:
            origin = kb.origins[item.id]
            message = f"`{item.id}` was due for review on {due} (reviewed {item.reviewed})"
            fix = f"once a clinician has re-checked it and its sources, run {review_command(item.id)}"
            problems.append(Problem(origin.file, origin.line_of("reviewed"), message, fix, warning=not strict))
    return problems


def missing_alternates(kb: KnowledgeBase) -> list[Problem]:
    """A warning per entry with no alternates: valid (an imported plain FAQ has none), but it matches worse."""
    fix = "add a few ways patients ask it under `alternates:` (short, misspelt, worried): phrasings help matching"
    return [
        Problem(kb.origins[e.id].file, kb.origins[e.id].line, f"`{e.id}` has no alternates", fix, warning=True)
        for e in kb.entries
        if not e.alternates
    ]


def find_collisions(kb: KnowledgeBase, encoder: Encoder) -> list[Collision]:
    """Phrasings the model confuses across owners.

    - An entry's alternate whose nearest phrasing (another entry's, or an out-of-scope example) is
      nearer than every other phrasing of its own entry.
    - An out-of-scope example within EXAMPLE_MAX_SIMILARITY of an entry's phrasing: it likely asks
      what that entry answers, and would turn such questions away. (Examples are not compared with
      their own topic: a topic such as chit-chat is meant to be varied.)
    """
    rows = [(e.id, "alternates", i - 1, p) for e in kb.entries for i, p in enumerate(e.phrasings())]
    entry_rows = len(rows)
    rows += [(t.id, "examples", i, x) for t in kb.out_of_scope for i, x in enumerate(t.examples)]
    owners = np.array([owner for owner, _, _, _ in rows])
    vectors = encoder.encode([text for _, _, _, text in rows])
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    collisions = []
    for row, (owner, field, position, text) in enumerate(rows):
        if row < entry_rows:
            own = similarity[row][owners == owner].max()
            others = np.where(owners != owner, similarity[row], -np.inf)
        else:
            own = EXAMPLE_MAX_SIMILARITY
            others = np.concatenate([similarity[row][:entry_rows], np.full(len(rows) - entry_rows, -np.inf)])
        nearest = int(others.argmax())
        if position >= 0 and others[nearest] > own:
            other_id, _, _, other_text = rows[nearest]
            collisions.append(
                Collision(owner, field, position, text, other_id, other_text, float(others[nearest]), float(own))
            )
    return collisions


_vectors: dict[tuple[str, str], np.ndarray] = {}
"""Vectors of phrasings already encoded, by model and text: checking one edit on the staff page then
encodes only the new phrasing, not the whole knowledge again."""


def phrasing_collisions(
    kb: KnowledgeBase, encoder: TextEncoder, owner_id: str, phrasings: list[str]
) -> list[Collision]:
    """The collisions of `owner_id`'s alternates among `phrasings` (new or changed ones), as `find_collisions`
    reports them: each alternate nearer a phrasing of another entry, or an out-of-scope example, than every
    other phrasing of its own entry."""
    owner = kb.entry(owner_id)
    rows = [(e.id, p) for e in kb.entries for p in e.phrasings()]
    rows += [(t.id, x) for t in kb.out_of_scope for x in t.examples]
    missing = list(dict.fromkeys(text for _, text in rows if (encoder.name, text) not in _vectors))
    for text, vector in zip(missing, encoder.encode(missing), strict=True):
        _vectors[(encoder.name, text)] = vector
    vectors = np.stack([_vectors[(encoder.name, text)] for _, text in rows])
    owners = np.array([owner_id for owner_id, _ in rows])
    collisions = []
    for position, text in enumerate(owner.alternates):
        if text not in phrasings:
            continue
        row = next(i for i, (o, t) in enumerate(rows) if o == owner_id and t == text)
        similarity = vectors @ vectors[row]
        similarity[row] = -np.inf
        own = similarity[owners == owner_id].max()
        others = np.where(owners != owner_id, similarity, -np.inf)
        nearest = int(others.argmax())
        if others[nearest] > own:
            other_id, other_text = rows[nearest]
            field = "alternates"
            collisions.append(
                Collision(owner_id, field, position, text, other_id, other_text, float(others[nearest]), float(own))
            )
    return collisions


def collision_problems(kb: KnowledgeBase, collisions: list[Collision]) -> list[Problem]:
    """Collisions as problems naming both sides, the similarity and the fix."""
    problems = []
    for c in collisions:
        origin = kb.origins[c.owner_id]
        if c.field == "examples":
            message = (
                f'out-of-scope example "{c.phrasing}" of `{c.owner_id}` is very close to `{c.other_id}` '
                f'("{c.other_phrasing}", similarity {c.similarity_other:.2f}): questions like it would be turned away'
            )
            fix = f"remove it if `{c.other_id}` answers it, or reword it so it is clearly about something else"
        else:
            message = (
                f'alternate "{c.phrasing}" of `{c.owner_id}` is closer to `{c.other_id}` '
                f'("{c.other_phrasing}", similarity {c.similarity_other:.2f}) '
                f"than to its own entry ({c.similarity_own:.2f})"
            )
            if any(t.id == c.other_id for t in kb.out_of_scope):
                fix = f"reword it, or remove the example it resembles from out-of-scope topic `{c.other_id}`"
            else:
                fix = f"reword it, move it to `{c.other_id}`, or add a closer alternate to `{c.owner_id}`"
        problems.append(Problem(origin.file, origin.line_of(c.field, c.position), message, fix))
    return problems
