"""Exact-word matching with BM25 (the bm25s library), scaled to 0..1 so it can be fused with cosine."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Question words carry no topic; without them "how does it work" would match every "how" question.
_QUESTION_WORDS = """
i im ive me my mine you your youre we our us do does did doing done how what whats when where which who why
can could would should shall may might must have has had get got am been being its so just
""".split()
STOPWORDS = sorted({*STOPWORDS_EN, *_QUESTION_WORDS})
K1 = 1.5


class LexicalIndex:
    """BM25 over one document per entry (its question, alternates and tags)."""

    def __init__(self, documents: list[str]) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        tokens = self._tokenize(documents)
        self._count = len(documents)
        self._df: Counter[str] = Counter(t for doc in tokens for t in set(doc))
        self._bm25 = bm25s.BM25(k1=K1, b=0.75, method="lucene")
        self._bm25.index(tokens, show_progress=False)

    def _tokenize(self, texts: list[str]) -> list[list[str]]:
        tokens = bm25s.tokenize(
            texts, stopwords=STOPWORDS, stemmer=self._stemmer, return_ids=False, show_progress=False
        )
        return [list(t) for t in tokens]

    def _idf(self, token: str) -> float:
        df = self._df.get(token, 0)
        return math.log(1 + (self._count - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> NDArray[np.float32]:
        """Per-document score in 0..1: BM25 divided by what a document of average length holding
        each query word once would score (the sum of the words' IDF), capped at 1.

        Unknown words count in that sum, so "asdf needling" matches about half as well as "needling".
        """
        tokens = self._tokenize([query])[0]
        if not tokens or not self._count:
            return np.zeros(self._count, dtype=np.float32)
        known = [t for t in tokens if t in self._df]
        ceiling = sum(self._idf(t) for t in tokens)
        if not known:
            return np.zeros(self._count, dtype=np.float32)
        raw = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        scaled: NDArray[np.float32] = np.clip(raw / ceiling, 0.0, 1.0).astype(np.float32)
        return scaled
