"""Spotting messages that describe a red-flag symptom, before any FAQ matching is trusted.

A red flag fires in one of two ways:
- a trigger phrase from red_flags.yaml appears in the message (apostrophes and case ignored), or
- the message is close in meaning to one of the red flag's example phrasings AND closer to it than
  to every FAQ phrasing (plus a margin). The second condition is what keeps look-alikes such as
  "can dry needling cause a collapsed lung?" with the FAQ: they sit nearer to an FAQ alternate
  about risks than to "I can't catch my breath since my session".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from faq.schema import RedFlag, Settings
from faq.text import normalise_for_matching

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag that fired, how it fired, and its similarity to the closest example."""

    flag: RedFlag
    reason: Literal["trigger", "similarity"]
    similarity: float


@dataclass
class Triage:
    """Red flags with their trigger phrases normalised and their example vectors."""

    flags: list[RedFlag]
    example_vectors: NDArray[np.float32]
    example_flag_ids: list[str]

    def __post_init__(self) -> None:
        self._triggers = [(f, [f" {normalise_for_matching(t)} " for t in f.triggers]) for f in self.flags]
        self._by_id = {f.id: f for f in self.flags}

    def check(
        self, question: str, vector: NDArray[np.float32], best_faq_similarity: float, settings: Settings
    ) -> RedFlagHit | None:
        """The most serious red flag the question describes, or None."""
        hits = [*self._trigger_hits(question), *self._similarity_hits(vector, best_faq_similarity, settings)]
        if not hits:
            return None
        # Emergency beats urgent; within a level a trigger beats a similarity, then the closer one wins.
        return max(hits, key=lambda h: (h.flag.level == "emergency", h.reason == "trigger", h.similarity))

    def _trigger_hits(self, question: str) -> list[RedFlagHit]:
        text = f" {normalise_for_matching(question)} "
        return [RedFlagHit(flag, "trigger", 1.0) for flag, phrases in self._triggers if any(p in text for p in phrases)]

    def _similarity_hits(self, vector: NDArray[np.float32], best_faq: float, settings: Settings) -> list[RedFlagHit]:
        if not len(self.example_flag_ids):
            return []
        similarities = self.example_vectors @ vector
        best: dict[str, float] = {}
        for flag_id, similarity in zip(self.example_flag_ids, similarities.tolist(), strict=True):
            best[flag_id] = max(similarity, best.get(flag_id, -1.0))
        return [
            RedFlagHit(self._by_id[flag_id], "similarity", similarity)
            for flag_id, similarity in best.items()
            if similarity >= settings.red_flag_min_similarity and similarity >= best_faq + settings.red_flag_margin
        ]
