"""The staff report: what was asked, what went unanswered, and what to add to the knowledge.

Unanswered and thumbs-down questions are grouped by meaning (greedy clustering on the model's
embeddings), so ten phrasings of "do you validate parking" become one row. Each group gets its
nearest entry and a concrete suggestion: add the phrasing as an alternate to that entry when it is
a near miss, otherwise write a new entry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from faq.questionlog import LoggedQuestion
from faq.retrieval import Retriever

GROUP_SIMILARITY = 0.5
"""Questions at least this similar (cosine) to a group's mean vector join that group."""
NEAR_MISS = 0.15
"""A group whose nearest entry scores within this much of `min_score` is a missing alternate, not a missing entry."""
MOST_ASKED = 10


@dataclass(frozen=True)
class Suggestion:
    """What staff could do about a group."""

    action: Literal["add_alternate", "new_entry"]
    entry_id: str | None
    yaml: str

    @property
    def label(self) -> str:
        """The suggestion in words, e.g. "add as alternate to does-it-hurt"."""
        return f"add as alternate to {self.entry_id}" if self.action == "add_alternate" else "new entry needed"


@dataclass
class Group:
    """Similar questions that went unanswered or got a thumbs down."""

    kind: Literal["unanswered", "thumbs_down"]
    questions: list[str]
    nearest_id: str
    nearest_question: str
    nearest_score: float
    suggestion: Suggestion | None = None
    comments: list[str] = field(default_factory=list)
    """The (redacted) comments patients left with a thumbs down."""

    @property
    def count(self) -> int:
        """How many logged questions are in the group."""
        return len(self.questions)

    @property
    def label(self) -> str:
        """ "unanswered" or "thumbs down"."""
        return "unanswered" if self.kind == "unanswered" else "thumbs down"


@dataclass
class Report:
    """Counts, grouped problems and the most-asked entries."""

    since: dt.datetime | None
    counts: dict[str, int]
    groups: list[Group] = field(default_factory=list)
    most_asked: list[tuple[str, str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values for tools."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "counts": self.counts,
            "groups": [
                {
                    "kind": g.kind,
                    "count": g.count,
                    "questions": g.questions,
                    "nearest": {"id": g.nearest_id, "question": g.nearest_question, "score": round(g.nearest_score, 4)},
                    "suggestion": asdict(g.suggestion) if g.suggestion else None,
                    "comments": g.comments,
                }
                for g in self.groups
            ],
            "most_asked": [{"id": i, "question": q, "count": c} for i, q, c in self.most_asked],
        }


def _counts(rows: list[LoggedQuestion]) -> dict[str, int]:
    statuses = Counter(r.status for r in rows)
    return {
        "questions": len(rows),
        "answered": statuses["answered"],
        "no_answer": statuses["no_answer"],
        "urgent": statuses["urgent"],
        "thumbs_up": sum(r.helpful is True for r in rows),
        "thumbs_down": sum(r.helpful is False for r in rows),
    }


def _cluster(vectors: np.ndarray[Any, Any]) -> list[list[int]]:
    groups: list[list[int]] = []
    centroids: list[np.ndarray[Any, Any]] = []
    for i, vector in enumerate(vectors):
        similarities = [float(c @ vector) / float(np.linalg.norm(c)) for c in centroids]
        best = int(np.argmax(similarities)) if similarities else -1
        if best >= 0 and similarities[best] >= GROUP_SIMILARITY:
            groups[best].append(i)
            centroids[best] = centroids[best] + vector
        else:
            groups.append([i])
            centroids.append(vector.copy())
    return groups


def _suggest(group: Group, min_score: float) -> Suggestion:
    quoted = [q.replace('"', "'") for q in group.questions]
    if group.nearest_score >= min_score - NEAR_MISS:
        snippet = f'# under `- id: {group.nearest_id}`, in `alternates:`\n    - "{quoted[0]}"\n'
        return Suggestion("add_alternate", group.nearest_id, snippet)
    alternates = "".join(f'    - "{q}"\n' for q in quoted[1:4]) or "    - ...\n"
    snippet = (
        f'- id: new-entry-id\n  question: "{quoted[0]}"\n  alternates:\n{alternates}'
        "  answer: ...   # then category, tags, sources (see README); a clinician signs it off with `faq review`\n"
    )
    return Suggestion("new_entry", None, snippet)


def _groups(
    retriever: Retriever, rows: list[LoggedQuestion], kind: Literal["unanswered", "thumbs_down"]
) -> list[Group]:
    if not rows:
        return []
    texts = [r.question for r in rows]
    vectors = retriever.encoder.encode(texts)
    settings = retriever.settings
    groups = []
    for members in _cluster(vectors):
        first = members[0]
        signals = retriever.signals_for([texts[first]])[0]
        entry = retriever.entries[int(np.argmax(signals.ranked(settings)))]
        confidence = float(signals.fused(settings).max())  # what `min_score` is compared with
        group = Group(kind, [texts[i] for i in members], entry.id, entry.question, confidence)
        group.comments = [c for i in members if (c := rows[i].comment)]
        group.suggestion = _suggest(group, settings.min_score)
        groups.append(group)
    return sorted(groups, key=lambda g: -g.count)


def build_report(retriever: Retriever, rows: list[LoggedQuestion], since: dt.datetime | None = None) -> Report:
    """The report over `rows` (already filtered by date)."""
    report = Report(since, _counts(rows))
    unanswered = [r for r in rows if r.status == "no_answer"]
    disliked = [r for r in rows if r.helpful is False and r.status != "no_answer"]
    report.groups = _groups(retriever, unanswered, "unanswered") + _groups(retriever, disliked, "thumbs_down")
    questions = {e.id: e.question for e in retriever.entries}
    asked = Counter(r.answer_ids[0] for r in rows if r.status == "answered" and r.answer_ids)
    report.most_asked = [(i, questions.get(i, i), c) for i, c in asked.most_common(MOST_ASKED)]
    return report
