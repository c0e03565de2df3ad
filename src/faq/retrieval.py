"""Answering a question: clean it, check red flags and out-of-scope topics, rank entries by fused dense + BM25 score.

With tuning on (settings.yaml `tune_epochs`), two models score each question. The configured model
decides *whether* to answer (its scores separate off-topic questions best) and feeds red-flag
triage, so tuning can never silence a red flag; the model tuned on the phrasings decides *which*
entry comes first (it ranks new phrasings better). See docs/benchmarks.md, 'Tuning'.

The CLI and the app both answer through `Retriever.answer`, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from faq import config
from faq.embedding import Encoder, load_encoder, single_thread
from faq.errors import EmptyQuestionError
from faq.index import LoadedIndex, check_fresh, load_index, load_models
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.language import maybe_other_language
from faq.lexical import LexicalIndex
from faq.schema import Entry, Settings
from faq.scope import Scope, ScopeHit
from faq.spelling import Speller
from faq.text import clean_question, normalise_for_matching, sentences
from faq.triage import RedFlagHit, Triage

if TYPE_CHECKING:
    from numpy.typing import NDArray

Status = Literal["answered", "no_answer", "urgent"]
SUGGESTIONS = 3
TYPO_MIN_LENGTH = 5
"""Words shorter than this are not corrected for matching: short slang ("wats", "doin", "sooo") was
corrected wrongly more often than rightly on tests/data/dev-2026-12-01.yaml."""
DENSE_CANDIDATE_ROWS = 256


@dataclass(frozen=True)
class Match:
    """An entry and how well it matches: fused score, and the two parts it is made of."""

    entry: Entry
    score: float
    dense: float
    lexical: float


DID_YOU_MEAN_GAP = 0.03
"""Top fused scores closer than this are too close to call, so the patient picks instead of us guessing.

Measured on tests/data/eval.yaml with the shipped knowledge (180 answerable questions): a gap under
0.03 occurs for 17 of them; for those the top entry was the right one only 9 times (a coin flip),
while the right entry was among the offered choices 16 times. Every choice must also clear
`min_score`, or it is no real candidate.
"""

MAX_CHOICES = 3
"""At most this many "Did you mean ...?" choices: more is a menu, not a clarifying question."""


def close_matches(matches: list[Match], min_score: float) -> list[Match]:
    """The matches too close to the best one to choose between; empty when the best one is clearly ahead."""
    if len(matches) < 2:
        return []
    best = matches[0].score
    close = [m for m in matches[:MAX_CHOICES] if m.score >= min_score and best - m.score < DID_YOU_MEAN_GAP]
    return close if len(close) >= 2 else []


@dataclass(frozen=True)
class Result:
    """The outcome for one question."""

    question: str
    truncated: bool
    status: Status
    matches: list[Match]
    red_flag: RedFlagHit | None = None
    suggestions: list[Match] = field(default_factory=list)
    out_of_scope: ScopeHit | None = None
    """The out-of-scope topic a no_answer question belongs to, when there is one (its reply is shown)."""
    other_language: bool = False
    """The question looks written in another language: its reply carries the emergency and crisis numbers."""
    choices: list[Match] = field(default_factory=list)
    """For an answered question whose top entries are too close to call: ask "Did you mean ...?" with these."""
    withheld: Entry | None = None
    """The draft entry that fits best but is not served (clinic.yaml `serve_drafts: false`), so no answer."""

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of `faq ask --json`."""
        flag, topic = self.red_flag, self.out_of_scope
        return {
            "question": self.question,
            "status": self.status,
            "answers": [
                {"id": m.entry.id, "question": m.entry.question, "score": round(m.score, 4)} for m in self.matches
            ],
            "red_flag": None if flag is None else {"id": flag.flag.id, "level": flag.flag.level},
            "out_of_scope": None if topic is None else {"id": topic.topic.id, "title": topic.topic.title},
            "other_language": self.other_language,
            "did_you_mean": [m.entry.id for m in self.choices],
            "withheld_draft": None if self.withheld is None else self.withheld.id,
        }


class Unchecked(Enum):
    """Marks a question triage has not looked at yet."""

    TOKEN = 0


UNCHECKED = Unchecked.TOKEN


@dataclass(frozen=True)
class Signals:
    """A cleaned question, its vector, and each entry's dense and lexical score.

    `ranking` holds each entry's dense score under the tuned model, when there is one. A message of
    several sentences also has each sentence's vector and its best similarity to any FAQ phrasing,
    for triage.
    """

    text: str
    truncated: bool
    vector: NDArray[np.float32]
    dense: NDArray[np.float32]
    lexical: NDArray[np.float32]
    ranking: NDArray[np.float32] | None = None
    sentence_vectors: NDArray[np.float32] | None = None
    sentence_best: NDArray[np.float32] | None = None
    topic_chances: NDArray[np.float32] | None = None
    """The out-of-scope classifier's probability of each of its labels (`Scope.chances`)."""

    def triage_vectors(self) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """The question's vector and its sentences', each with its best similarity to any FAQ phrasing."""
        best = np.array([float(self.dense.max()) if len(self.dense) else 0.0], dtype=np.float32)
        if self.sentence_vectors is None or self.sentence_best is None:
            return self.vector.reshape(1, -1), best
        return np.vstack([self.vector, self.sentence_vectors]), np.concatenate([best, self.sentence_best])

    def fused(self, settings: Settings) -> NDArray[np.float32]:
        """Per entry, `(1 - lexical_weight) * dense + lexical_weight * lexical`: decides whether to answer."""
        return _fuse(self.dense, self.lexical, settings)

    def ranked(self, settings: Settings) -> NDArray[np.float32]:
        """Per entry, the fused score that orders the answers: under the tuned model when there is one."""
        return self.fused(settings) if self.ranking is None else _fuse(self.ranking, self.lexical, settings)


def _fuse(dense: NDArray[np.float32], lexical: NDArray[np.float32], settings: Settings) -> NDArray[np.float32]:
    weight = settings.lexical_weight
    scores: NDArray[np.float32] = (1 - weight) * dense + weight * lexical
    return scores


class Retriever:
    """A loaded index plus the model, ready to answer questions."""

    def __init__(
        self, index: LoadedIndex, encoder: Encoder, knowledge: KnowledgeBase, ranker: Encoder | None = None
    ) -> None:
        if (ranker is None) != (index.ranking_vectors is None):
            raise ValueError("a tuned index needs its tuned model as `ranker`, and only a tuned index takes one")
        self.index = index
        self.encoder = encoder
        self.ranker = ranker
        self.knowledge = knowledge
        self.entries = knowledge.entries
        self._position = {e.id: i for i, e in enumerate(self.entries)}
        self._served = np.array([knowledge.served(e) for e in self.entries], dtype=bool)
        self._row_entry = np.array([self._position[i] for i in index.row_entry_ids], dtype=np.int64)
        documents = [" ".join([*e.phrasings(), *e.tags]) for e in self.entries]
        self.lexical = LexicalIndex(documents)
        self.speller = Speller(knowledge_words(knowledge), min_length=TYPO_MIN_LENGTH)
        self.triage = Triage(
            knowledge.red_flags,
            index.red_flag_vectors,
            index.red_flag_rows,
            index.flag_classifier,
            index.multilingual_classifier,
        )
        self.scope = Scope(
            knowledge.out_of_scope, index.out_of_scope_vectors, index.out_of_scope_rows, index.scope_classifier
        )

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
            signals = self._signals([(text, truncated)])[0]
        return self.decide(signals, k or self.settings.top_k, self.settings)

    def signals_for(self, questions: list[str]) -> list[Signals]:
        """Clean and encode `questions` (in one batch) and score each against every entry, before any
        setting is applied; so eval and calibration can try many settings on one encoding."""
        return self._signals([clean_question(q) for q in questions])

    def _signals(self, cleaned: list[tuple[str, bool]]) -> list[Signals]:
        texts = [text for text, _ in cleaned]
        matched = [self.speller.correct_words(text) for text in texts]  # "neddle" -> "needle"
        split = [sentences(text) for text in texts]
        encoded = self.encoder.encode(matched + [s for parts in split for s in parts])
        vectors, sentence_vectors = encoded[: len(texts)], encoded[len(texts) :]
        ranking = [None] * len(texts) if self.ranker is None else list(self.ranker.encode(matched))
        offsets = np.cumsum([0, *(len(parts) for parts in split)])
        topic_chances = self.scope.chances(vectors, matched)
        return [
            Signals(
                text,
                truncated,
                vector,
                self._dense_scores(self.index.vectors, vector),
                self.lexical.scores(corrected),
                None if tuned is None else self._dense_scores(self.index.ranking_vectors, tuned),
                *self._sentence_signals(sentence_vectors[start:end]),
                None if topic_chances is None else topic_chances[row],
            )
            for row, ((text, truncated), corrected, vector, tuned, start, end) in enumerate(
                zip(cleaned, matched, vectors, ranking, offsets[:-1], offsets[1:], strict=True)
            )
        ]

    def _sentence_signals(
        self, vectors: NDArray[np.float32]
    ) -> tuple[NDArray[np.float32] | None, NDArray[np.float32] | None]:
        """A message's sentence vectors and each one's best similarity to any FAQ phrasing (None for one sentence)."""
        if not len(vectors) or not self.index.vectors.ntotal:
            return None, None
        similarities, _ = self.index.vectors.search(np.ascontiguousarray(vectors, dtype=np.float32), 1)
        return vectors, similarities[:, 0].astype(np.float32)

    def red_flag(self, signals: Signals, settings: Settings) -> RedFlagHit | None:
        """The red flag the question describes, if any (triage alone)."""
        return self.triage.check(signals.text, *signals.triage_vectors(), settings)

    def decide(
        self, signals: Signals, k: int, settings: Settings, flag: RedFlagHit | Unchecked | None = UNCHECKED
    ) -> Result:
        """Triage first, then decide between answered and no_answer, and rank.

        A match's `score` is the fused score that ranked it. The question is answered when the best
        `fused` score (the same thing when tuning is off) reaches `min_score`, no out-of-scope
        example is nearer than every FAQ phrasing, and the best entry may be served: a draft that
        fits best while clinic.yaml says `serve_drafts: false` gets the no-answer reply (`withheld`),
        never the next-best answer to another question. Unserved drafts are never offered either.
        Triage ignores sign-off: a care card shows whether or not its red flag was reviewed.
        `flag` is triage's verdict when the caller already has it (calibration tries hundreds of
        thresholds that leave triage unchanged).
        """
        dense, lexical = signals.dense, signals.lexical
        scores = signals.ranked(settings)
        order = np.argsort(-scores, kind="stable")
        withheld = self.entries[order[0]] if len(order) and not self._served[order[0]] else None
        order = order[self._served[order]][: max(k, SUGGESTIONS)]
        ranked = [Match(self.entries[i], float(scores[i]), float(dense[i]), float(lexical[i])) for i in order]
        best_dense = float(dense.max()) if len(dense) else 0.0
        if isinstance(flag, Unchecked):
            flag = self.red_flag(signals, settings)
        text, truncated, foreign = signals.text, signals.truncated, maybe_other_language(signals.text)
        fits = bool(len(scores)) and float(signals.fused(settings).max()) >= settings.min_score
        confident = fits and bool(ranked) and withheld is None
        if flag is not None:
            return Result(text, truncated, "urgent", ranked[:k] if confident else [], flag, other_language=foreign)
        declined = self.scope.check(signals.vector, signals.topic_chances, best_dense, settings)
        if confident and declined is None:
            choices = close_matches(ranked, settings.min_score)
            return Result(text, truncated, "answered", ranked[:k], other_language=foreign, choices=choices)
        suggestions = ranked[:SUGGESTIONS]
        withheld = withheld if fits and declined is None else None
        return Result(
            text, truncated, "no_answer", [], None, suggestions, declined, other_language=foreign, withheld=withheld
        )

    def _dense_scores(self, vectors: Any, vector: NDArray[np.float32]) -> NDArray[np.float32]:
        """Per entry, the best cosine over its question and alternates in `vectors` (a FAISS index)."""
        scores = np.full(len(self.entries), -np.inf, dtype=np.float32)
        rows = min(vectors.ntotal, DENSE_CANDIDATE_ROWS)
        if rows == 0:
            return np.zeros(len(self.entries), dtype=np.float32)
        similarities, row_ids = vectors.search(vector.reshape(1, -1), rows)
        valid = row_ids[0] >= 0
        np.maximum.at(scores, self._row_entry[row_ids[0][valid]], similarities[0][valid])
        # With a large index only the nearest rows are searched; an entry with none of its phrasings
        # among them scores no higher than the farthest row that was searched.
        scores[np.isinf(scores)] = float(similarities[0][valid].min())
        return scores


def knowledge_words(knowledge: KnowledgeBase) -> set[str]:
    """Every word of the entries' phrasings, tags and answers: what a misspelt word is corrected towards."""
    texts = (t for e in knowledge.entries for t in (*e.phrasings(), *e.tags, e.answer))
    return {w for t in texts for w in normalise_for_matching(t).split()}


def open_retriever(knowledge_dir: Path | None = None, index_dir: Path | None = None) -> Retriever:
    """Load the knowledge, the index and the model, refusing an index that doesn't match the knowledge."""
    knowledge = load_knowledge(config.knowledge_dir(knowledge_dir))
    index = load_index(config.index_dir(index_dir))
    check_fresh(index, knowledge, config.model_name(knowledge.settings.model))
    return make_retriever(index, knowledge)


def make_retriever(
    index: LoadedIndex, knowledge: KnowledgeBase, load_model: Callable[[str], Encoder] = load_encoder
) -> Retriever:
    """A retriever over `index` with the models that built it (so question and stored vectors match)."""
    encoder, ranker = load_models(index, load_model)
    return Retriever(index, encoder, knowledge, ranker)
