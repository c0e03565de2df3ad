"""Answering a question: clean it, check red flags, rank entries by fused dense + BM25 score.

The CLI and the app both answer through `Retriever.answer`, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from faq import config
from faq.embedding import Encoder, load_encoder, single_thread
from faq.errors import EmptyQuestionError
from faq.index import LoadedIndex, check_fresh, load_index
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.lexical import LexicalIndex
from faq.schema import Entry, Settings
from faq.text import clean_question
from faq.triage import RedFlagHit, Triage

if TYPE_CHECKING:
    from numpy.typing import NDArray

Status = Literal["answered", "no_answer", "urgent"]
SUGGESTIONS = 3
DENSE_CANDIDATE_ROWS = 256


@dataclass(frozen=True)
class Match:
    """An entry and how well it matches: fused score, and the two parts it is made of."""

    entry: Entry
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Result:
    """The outcome for one question."""

    question: str
    truncated: bool
    status: Status
    matches: list[Match]
    red_flag: RedFlagHit | None = None
    suggestions: list[Match] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of `faq ask --json`."""
        flag = self.red_flag
        return {
            "question": self.question,
            "status": self.status,
            "answers": [
                {"id": m.entry.id, "question": m.entry.question, "score": round(m.score, 4)} for m in self.matches
            ],
            "red_flag": None if flag is None else {"id": flag.flag.id, "level": flag.flag.level},
        }


@dataclass(frozen=True)
class Signals:
    """A cleaned question, its vector, and each entry's dense and lexical score."""

    text: str
    truncated: bool
    vector: NDArray[np.float32]
    dense: NDArray[np.float32]
    lexical: NDArray[np.float32]

    def fused(self, settings: Settings) -> NDArray[np.float32]:
        """Per entry, `(1 - lexical_weight) * dense + lexical_weight * lexical`."""
        weight = settings.lexical_weight
        scores: NDArray[np.float32] = (1 - weight) * self.dense + weight * self.lexical
        return scores


class Retriever:
    """A loaded index plus the model, ready to answer questions."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, knowledge: KnowledgeBase) -> None:
        self.index = index
        self.encoder = encoder
        self.knowledge = knowledge
        self.entries = knowledge.entries
        self._position = {e.id: i for i, e in enumerate(self.entries)}
        self._row_entry = np.array([self._position[i] for i in index.row_entry_ids], dtype=np.int64)
        documents = [" ".join([*e.phrasings(), *e.tags]) for e in self.entries]
        self.lexical = LexicalIndex(documents)
        self.triage = Triage(knowledge.red_flags, index.red_flag_vectors, index.red_flag_rows)

    @property
    def settings(self) -> Settings:
        """The retrieval settings in force."""
        return self.knowledge.settings

    def answer(self, question: str, k: int | None = None) -> Result:
        """Answer one question; EmptyQuestionError when there is nothing to answer."""
        text, truncated = clean_question(question)
        if not text:
            raise EmptyQuestionError("please type a question")
        with single_thread():  # one question: encode and search on one thread (see single_thread)
            signals = self.signals(text, truncated, self.encoder.encode([text])[0])
        return self.decide(signals, k or self.settings.top_k, self.settings)

    def signals(self, text: str, truncated: bool, vector: NDArray[np.float32]) -> Signals:
        """The per-entry scores of a cleaned, encoded question, before any setting is applied."""
        return Signals(text, truncated, vector, self._dense_scores(vector), self.lexical.scores(text))

    def decide(self, signals: Signals, k: int, settings: Settings) -> Result:
        """Triage first, then rank by fused score and decide between answered and no_answer.

        Split from `signals` so that eval and calibration can try many settings on one encoding.
        """
        dense, lexical = signals.dense, signals.lexical
        fused = signals.fused(settings)
        order = np.argsort(-fused, kind="stable")[: max(k, SUGGESTIONS)]
        ranked = [Match(self.entries[i], float(fused[i]), float(dense[i]), float(lexical[i])) for i in order]
        best_dense = float(dense.max()) if len(dense) else 0.0
        flag = self.triage.check(signals.text, signals.vector, best_dense, settings)
        text, truncated = signals.text, signals.truncated
        if flag is not None:
            confident = [m for m in ranked[:k] if m.score >= settings.min_score]
            return Result(text, truncated, "urgent", confident, flag)
        if ranked and ranked[0].score >= settings.min_score:
            return Result(text, truncated, "answered", ranked[:k])
        return Result(text, truncated, "no_answer", [], suggestions=ranked[:SUGGESTIONS])

    def _dense_scores(self, vector: NDArray[np.float32]) -> NDArray[np.float32]:
        """Per entry, the best cosine over its question and alternates."""
        scores = np.full(len(self.entries), -np.inf, dtype=np.float32)
        rows = min(self.index.vectors.ntotal, DENSE_CANDIDATE_ROWS)
        if rows == 0:
            return np.zeros(len(self.entries), dtype=np.float32)
        similarities, row_ids = self.index.vectors.search(vector.reshape(1, -1), rows)
        valid = row_ids[0] >= 0
        np.maximum.at(scores, self._row_entry[row_ids[0][valid]], similarities[0][valid])
        # With a large index only the nearest rows are searched; an entry with none of its phrasings
        # among them scores no higher than the farthest row that was searched.
        scores[np.isinf(scores)] = float(similarities[0][valid].min())
        return scores


def open_retriever(knowledge_dir: Path | None = None, index_dir: Path | None = None) -> Retriever:
    """Load the knowledge, the index and the model, refusing an index that doesn't match the knowledge."""
    knowledge = load_knowledge(config.knowledge_dir(knowledge_dir))
    index = load_index(config.index_dir(index_dir))
    check_fresh(index, knowledge, config.model_name(knowledge.settings.model))
    return Retriever(index, load_encoder(index.model), knowledge)
