"""Declining questions the FAQ deliberately does not answer (knowledge/out_of_scope.yaml).

A question is declined when it is nearer to an example of an out-of-scope topic than to every FAQ
phrasing (plus `out_of_scope_margin`). The examples mark the edge of what the clinic answers, so the
no-answer threshold (`min_score`) can stay low enough for vague but answerable questions such as
"will i cope?", while "what are the side effects of gabapentin?" is not answered with the dry-needling
side-effects entry. Red flags are checked first and are never declined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from faq.schema import OutOfScopeTopic, Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class ScopeHit:
    """The out-of-scope topic a question belongs to, and its similarity to the closest example."""

    topic: OutOfScopeTopic
    similarity: float


@dataclass
class Scope:
    """Out-of-scope topics with their example vectors (one row per example)."""

    topics: list[OutOfScopeTopic]
    example_vectors: NDArray[np.float32]
    example_topic_ids: list[str]

    def __post_init__(self) -> None:
        self._by_id = {t.id: t for t in self.topics}

    def check(self, vector: NDArray[np.float32], best_faq_similarity: float, settings: Settings) -> ScopeHit | None:
        """The topic whose example is nearest to the question, when it is nearer than every FAQ phrasing."""
        if not self.example_topic_ids:
            return None
        similarities = self.example_vectors @ vector
        nearest = int(np.argmax(similarities))
        similarity = float(similarities[nearest])
        if similarity < best_faq_similarity + settings.out_of_scope_margin:
            return None
        return ScopeHit(self._by_id[self.example_topic_ids[nearest]], similarity)
