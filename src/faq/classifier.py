"""A small classifier over messages: which red flag, if any, a message describes.

`faq build` trains it on every red flag's examples and the messages in triage_training.yaml, each
labelled with its flag, against everything that needs no card: the FAQ phrasings, the out-of-scope
examples and triage_training.yaml's `none` messages. It reads meaning where no trigger phrase
matches ("winded walking to the car since the session"), and it can only add a care card: the
trigger phrases fire whatever it says.

Each message is read two ways, side by side: its sentence-embedding vector (what it means) and
hashed words, word pairs and character n-grams of its normalised text (what it says, robust to phone typos:
"cant breth" shares most of its character n-grams with "cant breathe"). Hashing needs no stored
vocabulary, so the weights are the whole model.
"""

from __future__ import annotations

import collections
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from faq.context import as_first_person, mark_negated
from faq.schema import NO_FLAG
from faq.text import normalise_for_matching

if TYPE_CHECKING:
    from numpy.typing import NDArray

REGULARISATION = 16.0
"""Inverse regularisation strength (scikit-learn's C): higher fits the training messages more closely."""
HASHED_FEATURES = 2**15
"""Buckets for each kind of hashed n-gram (words and word pairs; pieces of words)."""
NGRAM_WEIGHT = 1.0
"""How much the n-grams count next to the embedding (each part has unit length before weighting)."""


@dataclass(frozen=True)
class FlagClassifier:
    """Multinomial logistic regression: one row of weights per label, the bias in the last column."""

    labels: tuple[str, ...]
    weights: NDArray[np.float32]
    reads_words: bool = True
    """False for a classifier of vectors alone (`faq.multilingual`: its messages are not English)."""
    _hashed: NDArray[np.float32] = field(init=False, repr=False, compare=False)
    """The n-gram weights, one row per bucket, contiguous: a message picks the rows of its n-grams."""

    def __post_init__(self) -> None:
        hashed = self.weights[:, -1 - 2 * HASHED_FEATURES : -1].T if self.reads_words else self.weights[:, :0].T
        object.__setattr__(self, "_hashed", np.ascontiguousarray(hashed))

    @classmethod
    def fit(
        cls, vectors: NDArray[np.float32], texts: list[str], labels: list[str], *, reads_words: bool = True
    ) -> FlagClassifier | None:
        """Train on messages (their unit vectors and texts) and their labels (a flag id or NO_FLAG);
        None without both kinds to learn from."""
        if NO_FLAG not in labels or len(set(labels)) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=REGULARISATION, max_iter=3000)
        table = features(vectors, texts) if reads_words else vectors
        model.fit(table, labels, sample_weight=_weights(labels))
        classes = [str(c) for c in model.classes_]
        coefficients, intercepts = model.coef_, model.intercept_
        if len(classes) == 2:  # scikit-learn keeps one row for two classes: the second's log-odds
            coefficients = np.vstack([-coefficients / 2, coefficients / 2])
            intercepts = np.array([-intercepts[0] / 2, intercepts[0] / 2])
        order = sorted(range(len(classes)), key=lambda i: (classes[i] != NO_FLAG, classes[i]))
        weights = np.hstack([coefficients, intercepts.reshape(-1, 1)])[order].astype(np.float32)
        return cls(tuple(classes[i] for i in order), weights, reads_words)

    def probabilities(self, vectors: NDArray[np.float32], texts: list[str]) -> NDArray[np.float32]:
        """Per message (row of `vectors`, item of `texts`), each label's probability, in `labels` order."""
        width = vectors.shape[1]
        logits = vectors @ self.weights[:, :width].T + self.weights[:, -1]
        for row, text in enumerate(texts if self.reads_words else ()):
            buckets, values = ngrams(text)
            logits[row] += values @ self._hashed[buckets]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: NDArray[np.float32] = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
        return result


def feature_width(dimension: int, reads_words: bool = True) -> int:
    """How many features a classifier reads for vectors `dimension` wide (and, if it does, words)."""
    return dimension + 2 * HASHED_FEATURES * reads_words


def features(vectors: NDArray[np.float32], texts: list[str]) -> Any:
    """A sparse table for training: each message's vector, then its hashed n-grams."""
    from scipy.sparse import csr_matrix, hstack

    rows = [ngrams(t) for t in texts]
    indptr = np.cumsum([0, *(len(buckets) for buckets, _ in rows)])
    buckets = np.concatenate([b for b, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, dtype=np.float32)
    hashed = csr_matrix((values, buckets, indptr), shape=(len(texts), 2 * HASHED_FEATURES))
    return hstack([csr_matrix(vectors), hashed]).tocsr()


_WORD = re.compile(r"\b\w\w+\b")


def ngrams(text: str) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The message's hashed n-grams, as triage reads it (normalised, someone else's symptoms as the
    writer's): the buckets and their weights.

    Two blocks of HASHED_FEATURES buckets, each of unit length times NGRAM_WEIGHT / sqrt(2): words
    and word pairs (the words a negation denies marked "not_", `faq.context.mark_negated`), then 3-5
    character pieces of each word padded with a space at each end. The same numbers as scikit-learn's
    HashingVectorizer (`alternate_sign=False`; `analyzer="char_wb"` for the second block), without its
    per-call checks, which cost milliseconds per message.
    """
    reading = as_first_person(normalise_for_matching(text))
    words = mark_negated(_WORD.findall(reading))
    word_grams = [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]
    character_grams = [g for word in reading.split() for g in _pieces(f" {word} ")]
    parts = [_hashed(word_grams, 0), _hashed(character_grams, HASHED_FEATURES)]
    buckets = np.concatenate([b for b, _ in parts])
    values = np.concatenate([v for _, v in parts]) * np.float32(NGRAM_WEIGHT / np.sqrt(2))
    return buckets, values


def _pieces(padded: str) -> list[str]:
    """3-5 character pieces of a padded word; a word shorter than a piece counts once, whole."""
    pieces: list[str] = []
    for n in range(3, 6):
        if len(padded) <= n:
            pieces.append(padded)
            break
        pieces += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return pieces


def _hashed(grams: list[str], offset: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Count `grams` into HASHED_FEATURES buckets (from `offset`), scaled to unit length."""
    from sklearn.utils import murmurhash3_32  # the hash of scikit-learn's FeatureHasher

    counts = collections.Counter(abs(int(murmurhash3_32(g))) % HASHED_FEATURES + offset for g in grams)
    buckets = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    norm = float(np.linalg.norm(values))
    return buckets, values / norm if norm else values


def _weights(labels: list[str]) -> NDArray[np.float64]:
    """Sample weights giving "no card" as much weight as all the flags together, and every flag the same.

    Without them the 1,000 FAQ phrasings would drown a flag with 40 messages; with plain class
    balancing each flag would weigh as much as "no card", and ordinary questions would raise alarms.
    """
    counts = {label: labels.count(label) for label in set(labels)}
    flags = len(counts) - 1
    per_class = {label: (flags if label == NO_FLAG else 1) / count for label, count in counts.items()}
    weights = np.array([per_class[label] for label in labels])
    result: NDArray[np.float64] = weights * (len(labels) / weights.sum())
    return result
