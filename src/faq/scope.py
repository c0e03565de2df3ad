"""Declining questions the FAQ deliberately does not answer (knowledge/out_of_scope.yaml).

A question is declined in one of two ways:
- it is nearer to an example of an out-of-scope topic than to every FAQ phrasing (plus
  `out_of_scope_margin`);
- the out-of-scope classifier, trained at `faq build` on every FAQ phrasing against every
  out-of-scope example (the same kind of model as the red-flag classifier, `faq.classifier`), gives it
  at least `out_of_scope_min_probability` of belonging to a topic. It learns what the examples share
  ("painkiller", "MRI", "yoga") rather than waiting for a question to resemble one example.
The examples mark the edge of what the clinic answers, so the no-answer threshold (`min_score`) can
stay low enough for vague but answerable questions such as "will i cope?", while "what are the side
effects of gabapentin?" is not answered with the dry-needling side-effects entry. Red flags are
checked first and are never declined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from faq.classifier import FlagClassifier
from faq.schema import NO_FLAG, OutOfScopeTopic, Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray


ANSWERABLE_VETO = 0.5
CLOSE_EXAMPLE = 0.7
"""A question nearer to an out-of-scope example than to every FAQ phrasing is still answered when that
example is only loosely similar (cosine below CLOSE_EXAMPLE) and the classifier finds the question more
likely answerable than not (above ANSWERABLE_VETO): "my ivf clinic suggested acupuncture does it
actually improve the odds" (0.53) must not decline "what are the chances it will actually help me",
while a near-paraphrase of an example ("does cupping actually do anything") is declined whatever the
classifier says."""


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
    classifier: FlagClassifier | None = None

    def __post_init__(self) -> None:
        self._by_id = {t.id: t for t in self.topics}

    def chances(self, vectors: NDArray[np.float32], texts: list[str]) -> NDArray[np.float32] | None:
        """Per question (row of `vectors`, item of `texts`), the classifier's probability of each of its
        labels (NO_FLAG: answerable, else a topic id); None without a classifier."""
        return None if self.classifier is None else self.classifier.probabilities(vectors, texts)

    def check(
        self,
        vector: NDArray[np.float32],
        chances: NDArray[np.float32] | None,
        best_faq_similarity: float,
        settings: Settings,
    ) -> ScopeHit | None:
        """The topic the question belongs to: its nearest example's, when that is nearer than every FAQ
        phrasing (unless only loosely similar to a question the classifier finds answerable, see
        CLOSE_EXAMPLE), or else the classifier's likeliest, when `chances` (the question's row of `chances()`)
        give the topics together at least `out_of_scope_min_probability`."""
        if not self.example_topic_ids:
            return None
        similarities = self.example_vectors @ vector
        nearest = int(np.argmax(similarities))
        similarity = float(similarities[nearest])
        labels = self.classifier.labels if self.classifier is not None else []
        answerable = None if chances is None or not labels else float(chances[labels.index(NO_FLAG)])
        if similarity >= best_faq_similarity + settings.out_of_scope_margin and (
            answerable is None or answerable <= ANSWERABLE_VETO or similarity >= CLOSE_EXAMPLE
        ):
            return ScopeHit(self._by_id[self.example_topic_ids[nearest]], similarity)
        if chances is None or answerable is None or 1.0 - answerable < settings.out_of_scope_min_probability:
            return None
        topic = max((p, label) for p, label in zip(chances.tolist(), labels, strict=True) if label != NO_FLAG)[1]
        return ScopeHit(self._by_id[topic], similarity)
