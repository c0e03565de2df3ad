"""Spotting messages that describe a red-flag symptom, before any FAQ matching is trusted.

A red flag fires in one of two ways:
- a trigger phrase from red_flags.yaml appears in the message. The message is read as written, with
  phone typos corrected towards the red flags' own words (`faq.spelling`), and with another
  person's symptoms read as the writer's ("my dad cant breathe" -> "i cant breathe",
  `faq.context`). A trigger with " + " needs every part. Emergency triggers always fire: they are
  the safety net no other signal can overrule. A crisis trigger fires unless it is denied ("i'm not
  suicidal"). An urgent trigger is skipped when the message only asks about a risk or a settled
  past event ("what if i faint?", "i fainted once years ago, it went away"), or when a negation
  stands just before it ("no fever, just stiff").
- the message, or one of its sentences, is close in meaning to one of the flag's example phrasings
  AND closer to it than to every FAQ phrasing (plus a margin), and that sentence neither only asks
  about a risk nor denies a symptom ("no numbness, just sore"). The FAQ condition keeps look-alikes
  such as "can dry needling cause a collapsed lung?" with the FAQ: they sit nearer to an FAQ
  alternate about risks than to "I can't catch my breath since my session".

The most serious flag wins: emergency, then crisis, then urgent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from faq.context import Frame, as_first_person, frame, negated_before
from faq.schema import RedFlag, Settings
from faq.spelling import Speller
from faq.text import normalise_for_matching, sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray

SEVERITY = {"urgent": 0, "crisis": 1, "emergency": 2}
"""Which card comes first when a message fires several flags."""


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag that fired, how it fired, and its similarity to the closest example."""

    flag: RedFlag
    reason: Literal["trigger", "similarity"]
    similarity: float


@dataclass(frozen=True)
class Trigger:
    """One trigger phrase of a flag, as the parts that must all appear (padded with spaces)."""

    flag: RedFlag
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, flag: RedFlag, phrase: str) -> Trigger:
        """`phrase` as written in red_flags.yaml ("fever + back pain" has two parts)."""
        return cls(flag, tuple(f" {normalise_for_matching(p)} " for p in phrase.split(" + ") if p.strip()))

    def fires(self, text: str, framing: Frame) -> bool:
        """Whether every part appears in `text` (padded), and, for an urgent flag, is meant."""
        starts = [text.find(part) for part in self.parts]
        if min(starts) < 0:
            return False
        if self.flag.level == "emergency":
            return True
        if self.flag.level == "crisis":  # only a denial right before it ("i'm not suicidal")
            return not any(negated_before(text, s + 1, window=2) for s in starts)
        return not framing.only_asked_about and not any(negated_before(text, s + 1) for s in starts)


@dataclass
class Triage:
    """Red flags with their trigger phrases parsed and their example vectors."""

    flags: list[RedFlag]
    example_vectors: NDArray[np.float32]
    example_flag_ids: list[str]

    def __post_init__(self) -> None:
        self._triggers = [Trigger.parse(f, t) for f in self.flags for t in f.triggers]
        self._parts = frozenset(part for trigger in self._triggers for part in trigger.parts)
        self._by_id = {f.id: f for f in self.flags}
        words = {
            w for f in self.flags for text in (*f.triggers, *f.examples) for w in normalise_for_matching(text).split()
        }
        self.speller = Speller(words)

    def check(
        self, question: str, vectors: NDArray[np.float32], best_faq: NDArray[np.float32], settings: Settings
    ) -> RedFlagHit | None:
        """The most serious red flag the question describes, or None.

        `vectors` holds the question's vector and then one per sentence of a longer message;
        `best_faq` the best similarity of each to any FAQ phrasing.
        """
        text = normalise_for_matching(question)
        framing = frame(text)
        hits = self._trigger_hits(text, framing)
        if not framing.only_asked_about:
            hits += self._similarity_hits(question, vectors, best_faq, settings)
        if not hits:
            return None
        # Most serious first; within a level a trigger beats a similarity, then the closer one wins.
        return max(hits, key=lambda h: (SEVERITY[h.flag.level], h.reason == "trigger", h.similarity))

    def _trigger_hits(self, text: str, framing: Frame) -> list[RedFlagHit]:
        readings = {f" {as_first_person(t)} " for t in (text, self.speller.correct(text))}
        fired: dict[str, RedFlagHit] = {}
        for reading in readings:
            present = {part for part in self._parts if part in reading}  # one pass over every phrase
            for trigger in self._triggers:
                if trigger.flag.id in fired or not present.issuperset(trigger.parts):
                    continue
                if trigger.fires(reading, framing):
                    fired[trigger.flag.id] = RedFlagHit(trigger.flag, "trigger", 1.0)
        return list(fired.values())

    def _similarity_hits(
        self, question: str, vectors: NDArray[np.float32], best_faq: NDArray[np.float32], settings: Settings
    ) -> list[RedFlagHit]:
        """Flags whose examples are near the question or one of its sentences (rows of `vectors`)."""
        if not len(self.example_flag_ids):
            return []
        texts = [question, *sentences(question)][: len(vectors)]
        similarities = vectors @ self.example_vectors.T
        best: dict[str, float] = {}
        for text, row, faq_similarity in zip(texts, similarities, best_faq.tolist(), strict=True):
            framing = frame(normalise_for_matching(text))
            if framing.only_asked_about or framing.denies:
                continue
            floor = max(settings.red_flag_min_similarity, faq_similarity + settings.red_flag_margin)
            for flag_id, similarity in zip(self.example_flag_ids, row.tolist(), strict=True):
                mild_look_alike = framing.mild and self._by_id[flag_id].level == "urgent"
                if similarity >= floor and not mild_look_alike:
                    best[flag_id] = max(similarity, best.get(flag_id, -1.0))
        return [RedFlagHit(self._by_id[flag_id], "similarity", similarity) for flag_id, similarity in best.items()]
