"""Spotting messages that describe a red-flag symptom, before any FAQ matching is trusted.

A red flag fires in one of three ways:
- a trigger phrase from red_flags.yaml appears in the message. The message is read as written and,
  when it is in English, with phone typos corrected towards the red flags' own words
  (`faq.spelling`), and with another person's symptoms read as the writer's ("my dad cant breathe"
  -> "i cant breathe", `faq.context`). A trigger with " + " needs every part; a flag's not-triggers
  ("cant breathe through my nose") blank out the harmless phrases that hold one. A crisis trigger
  fires unless it is denied ("i'm not suicidal"). An emergency or urgent trigger is skipped when the
  message only asks about a risk or a settled past event, with nothing said to be happening now
  ("what if i cant breathe after?", "i fainted once years ago, it went away"), though an emergency
  told as going on ("what if my face is drooping") still fires; an urgent one is also skipped when
  a negation stands just before it ("no fever, just stiff"). Nothing else can silence a trigger:
  no classifier score or similarity overrules one.
- the classifier trained on the flags' messages (`faq.classifier`) gives the message, or one of its
  sentences, at least `red_flag_min_probability` of needing a card; the card is the most serious
  flag holding a fair share of that chance, or crisis when it holds the most (self-harm told in body
  words is not cauda equina); when it is very sure a card is needed but spreads the chance so that no
  flag holds a fair share, the likeliest flag's card. It skips a sentence that only asks about a risk
  or denies a symptom (for crisis, only one that asks or tells a settled past), and an urgent flag for a mild
  after-effect, unless it is very sure (FRAMED_MIN_PROBABILITY): it learnt from such look-alikes
  itself. A sentence holding one of a flag's not-triggers ("out of breath after running up the
  stairs") never raises that flag by meaning, nor does an English message holding none of a flag's
  `meaning_needs_one_of` words, or holding them only denied (spinal infection needs a fever word, and
  "i dont have a fever" has none), and on a message in another language it counts only when very sure.
  A message that only asks about a risk or tells a past event is read whole, except that a sentence of
  it the classifier is very sure tells self-harm still shows the crisis card; and a sentence raises
  a flag only when the whole message holds some chance of it (SENTENCE_CONTEXT).
- for a message that may be in another language (`faq.language`), the same kind of classifier over a multilingual
  model's vectors (`faq.multilingual`), trained on the same English messages: "nie mogę oddychać po
  zabiegu" lands beside "i cant breathe since my session".
- for an emergency or crisis flag, as a second net: the message, or one of its sentences, is close
  in meaning to one of the flag's example phrasings AND closer to it than to every FAQ phrasing
  (plus a margin), and that sentence neither only asks about a risk, denies a symptom, tells a mild
  after-effect ("a little sore where i got needled") nor holds one of the flag's not-triggers. The FAQ
  condition keeps look-alikes such as "can dry needling cause a collapsed lung?" with the FAQ: they
  sit nearer to an FAQ alternate about risks than to "I can't catch my breath since my session".

An emergency or crisis trigger wins over anything else; then the most serious flag: emergency,
then crisis, then urgent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from faq.classifier import FlagClassifier
from faq.context import Frame, as_first_person, frame, negated_before
from faq.language import mostly_unknown_words, other_language
from faq.schema import NO_FLAG, RedFlag, Settings
from faq.spelling import Speller
from faq.text import normalise_for_matching, sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray

SEVERITY = {"urgent": 0, "crisis": 1, "emergency": 2}
"""Which card comes first when a message fires several flags."""
FRAMED_MIN_PROBABILITY = 0.9
"""The classifier's chance at which it overrules a sentence's framing: it learnt from questions about
risks, settled events and denials, so when it is this sure, "is it normal that my face is drooping?" or
"i havent been able to pee since this morning" is a symptom, not a question or a denial."""
MIN_SENTENCE_WORDS = 6
"""A sentence of a longer message this short ("it keeps going", "breathing totally fine") is too little for
the classifier or the similarity net to read on its own; the whole message still is."""
SENTENCE_CONTEXT = 0.01
"""The least chance of a flag the classifier must give a whole message before one of its sentences may
raise that flag by meaning: "it won't stop, been half an hour" alone reads like despair, but in "the
tiny hole on my shoulder keeps bleeding, slowly but it won't stop" it is the bleeding, and "i still dont
get the mechanism" is no broken needle. Triggers fire regardless."""
FAIR_SHARE = 0.25
"""A flag the classifier gives at least this share of a message's chance of needing a card may show its
card; the most serious such flag does, so a faint that may be the second is not shown as merely urgent."""


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag that fired, how it fired, and how sure that was."""

    flag: RedFlag
    reason: Literal["trigger", "classifier", "multilingual", "similarity"]
    similarity: float
    """1.0 for a trigger, the classifier's probability, or the similarity to the closest example."""
    specificity: tuple[int, int] = (0, 0)
    """For a trigger, how many parts and words it matched: of two flags' triggers, the one that joins
    more ("fever + lower back" over "now i have a fever") names the flag."""


_SUBSTRING_SCRIPTS = re.compile(
    r"[\u0600-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]"
)
"""Arabic, Indic, Thai, Korean, Japanese and Chinese: words are not spaced apart, or take endings, so
a trigger in these scripts matches anywhere, not only as whole words, and its spaced words need only
all appear."""

_LATIN_LETTERS = re.compile(r"[a-zA-Z\u00c0-\u024f]{2}")
"""Two Latin letters in a row: a message without them (Arabic, Chinese, Cyrillic...) is beyond the
English classifier, which then counts only when very sure, as it does on any message in another
language; the multilingual one reads it."""


@dataclass(frozen=True)
class Trigger:
    """One trigger phrase of a flag, as the parts that must all appear (padded with spaces, so as whole
    words, except in the scripts above). A part ending in a number is left open on the right, so it
    matches any number that starts so: "a fever of 10" fires on "a fever of 101" and "102.5"."""

    flag: RedFlag
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, flag: RedFlag, phrase: str) -> Trigger:
        """`phrase` as written in red_flags.yaml ("fever + back pain" has two parts)."""
        parts: list[str] = []
        for part in (normalise_for_matching(p) for p in phrase.split(" + ") if p.strip()):
            # In these scripts each spaced word is a part of its own: "사타구니 감각이 없" also fires
            # on "사타구니 쪽 감각이 없어요", where a word stands between.
            if _SUBSTRING_SCRIPTS.search(part):
                parts += part.split()
            else:
                parts.append(f" {part}" if part[-1].isdigit() else f" {part} ")
        return cls(flag, tuple(parts))

    @property
    def specificity(self) -> tuple[int, int]:
        """How many parts and words the trigger joins: a fuller trigger says more about which flag it is."""
        return len(self.parts), sum(len(part.split()) for part in self.parts)

    def fires(self, text: str, framing: Frame) -> bool:
        """Whether every part appears in `text` (padded), and, for an urgent flag, is meant."""
        starts = [text.find(part) for part in self.parts]
        if min(starts) < 0:
            return False
        if self.flag.level == "crisis":  # only a plain denial ("i'm not suicidal"), or a past that is over
            return not framing.over_and_done and not any(_crisis_denied(text, s + 1) for s in starts)
        if self.flag.level == "emergency":  # "what if i cant breathe?" asks; "what if my face is drooping" may not
            listed = any(_LISTED_DENIAL.search(text[: start + 1]) for start in starts)
            return not listed and (not framing.asks_only(self.flag.counts_when_over) or framing.ongoing)
        asked = framing.asks_only(self.flag.counts_when_over)
        return not asked and not any(negated_before(text, s + 1) for s in starts)


_CRISIS_DENIAL = re.compile(
    r"\b(?:no|not|never|without|nor|dont have any|not having any) (?:any )?"
    r"(?:thoughts?|thinking|urges?|plans?|intentions?) (?:of|about|to|like) $"
)
"""A denial of the thought, not the feeling ("no thoughts of hurting myself")."""


_LISTED_DENIAL = re.compile(
    r"\b(?:no|not|without|never|dont have any|havent had any) (?:\w+ ){1,4}(?:or|nor) (?:any )?$"
)
"""The second of a list of denied symptoms ("no trouble peeing or numbness down there"): an emergency
trigger is not silenced by a bare "no" ("no i cant breathe"), only by a denial it is listed in."""


_CLAUSE_BREAK = re.compile(r" (?:but|and|now|though|although|except|yet|so) ")


def _affirmed(padded: str, word: str) -> bool:
    """Whether `word` appears in `padded` at least once without a negation just before it in its clause
    ("i dont have a fever" denies it; "no cough but a fever" does not)."""
    start = padded.find(word)
    while start >= 0:
        clause = _CLAUSE_BREAK.split(padded[:start])[-1]
        if not negated_before(clause + " ", len(clause) + 1):
            return True
        start = padded.find(word, start + 1)
    return False


def _too_short(number: int, text: str) -> bool:
    """Whether row `number` of a message's readings (0: the whole message) is a sentence too short to read
    alone (MIN_SENTENCE_WORDS)."""
    return number > 0 and len(text.split()) < MIN_SENTENCE_WORDS


def _crisis_denied(text: str, start: int) -> bool:
    return negated_before(text, start, window=2) or bool(_CRISIS_DENIAL.search(text[:start]))


def _unsure_crisis(hit: RedFlagHit) -> bool:
    return hit.flag.level == "crisis" and hit.similarity < FRAMED_MIN_PROBABILITY


def _rank(hit: RedFlagHit) -> tuple[bool, int, bool, float, tuple[int, int]]:
    """Which card a message gets: an emergency or crisis trigger first (so the classifier's guess at an
    emergency never hides the crisis card that "i cant go on like this" asks for), then the most
    serious flag; within a level a trigger beats the rest, then the surer one wins, and of two triggers
    the more specific one ("back pain got worse, now i have a fever": spinal infection, not a needle
    spot's)."""
    trigger = hit.reason == "trigger"
    return (trigger and hit.flag.level != "urgent", SEVERITY[hit.flag.level], trigger, hit.similarity, hit.specificity)


@dataclass
class Triage:
    """Red flags with their trigger phrases parsed, their example vectors and the build's classifier."""

    flags: list[RedFlag]
    example_vectors: NDArray[np.float32]
    example_flag_ids: list[str]
    classifier: FlagClassifier | None = None
    multilingual: FlagClassifier | None = None
    """The red-flag classifier over multilingual vectors, for messages in other languages."""

    def __post_init__(self) -> None:
        self._triggers = [Trigger.parse(f, t) for f in self.flags for t in f.triggers]
        self._parts = frozenset(part for trigger in self._triggers for part in trigger.parts)
        self._by_id = {f.id: f for f in self.flags}
        self._not_triggers = {
            f.id: tuple(f" {normalise_for_matching(p)} " for p in f.not_triggers) for f in self.flags if f.not_triggers
        }
        self._needed_words = {
            f.id: tuple(f" {normalise_for_matching(w)}" for w in f.meaning_needs_one_of)
            for f in self.flags
            if f.meaning_needs_one_of
        }
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
        framing = frame(text, question)
        english = not other_language(question)
        hits = self._trigger_hits(text, framing, english)
        # A message that only asks about a risk or tells a settled event is read whole: its sentences
        # alone ("i had a sharp pinch when the needle went in" | "but it was gone after a second") are not.
        rows = 1 if framing.only_asked_about else len(vectors)
        texts = [question, *sentences(question)][:rows]
        framings = [frame(normalise_for_matching(t), t) for t in texts]
        # The English model reads another language as noise: only a sure reading counts (the multilingual
        # classifier reads it).
        foreign = not english or _LATIN_LETTERS.search(question) is None
        floor = FRAMED_MIN_PROBABILITY if foreign else settings.red_flag_min_probability
        unworded = self._unworded(f" {text}") if english else frozenset()
        hits += self._classifier_hits(self.classifier, vectors[:rows], texts, framings, floor, unworded)
        if rows < len(vectors):  # self-harm told in one sentence of a message about the past is never settled
            hits += self._crisis_sentences(question, vectors, unworded)
        if not english or mostly_unknown_words(question):
            hits += self._multilingual_hits(texts, framings, settings)
        if not framing.only_asked_about:
            hits += self._similarity_hits(vectors, texts, framings, best_faq, settings, unworded)
        if not hits:
            return None
        if any(hit.reason == "trigger" for hit in hits):
            # A model's unsure guess at crisis does not take the card from what a trigger names ("a needle
            # is still stuck in my back" in Tagalog read as despair); a crisis trigger, or a sure guess, does.
            hits = [hit for hit in hits if hit.reason == "trigger" or not _unsure_crisis(hit)] or hits
        return max(hits, key=_rank)

    def _crisis_sentences(
        self, question: str, vectors: NDArray[np.float32], unworded: frozenset[str]
    ) -> list[RedFlagHit]:
        """The crisis card when the classifier is very sure of it in one sentence of a message read whole
        (one that only asks about a risk or tells a past event): "burned myself with the iron on purpose
        last night, ... is it ok to have needling near a burn" tells a crisis, not a settled event."""
        texts = [question, *sentences(question)]
        framings = [frame(normalise_for_matching(t), t) for t in texts]
        hits = self._classifier_hits(self.classifier, vectors, texts, framings, FRAMED_MIN_PROBABILITY, unworded)
        return [hit for hit in hits if hit.flag.level == "crisis"]

    def _trigger_hits(self, text: str, framing: Frame, english: bool) -> list[RedFlagHit]:
        spellings = (text, self.speller.correct(text)) if english else (text,)
        readings = {f" {as_first_person(t)} " for t in spellings}
        fired: dict[str, RedFlagHit] = {}
        for reading in readings:
            present = {part for part in self._parts if part in reading}  # one pass over every phrase
            for trigger in self._triggers:
                held = fired.get(trigger.flag.id)
                if (held and held.specificity >= trigger.specificity) or not present.issuperset(trigger.parts):
                    continue
                if trigger.fires(self._unmasked(reading, trigger.flag), framing):
                    fired[trigger.flag.id] = RedFlagHit(trigger.flag, "trigger", 1.0, trigger.specificity)
        return list(fired.values())

    def _unmasked(self, reading: str, flag: RedFlag) -> str:
        """`reading` with the flag's not-triggers ("cant breathe through my nose") blanked out."""
        for phrase in self._not_triggers.get(flag.id, ()):
            reading = reading.replace(phrase, " ~ ")
        return reading

    def _explained(self, padded: str, flag_id: str) -> bool:
        """Whether `padded` (a sentence normalised for matching, padded with spaces) holds one of the flag's
        not-triggers ("out of breath after running up the stairs"): its harmless reading explains that
        sentence, so the classifiers and the similarity net do not raise the flag from it. Another
        sentence of the message still can, and so can any trigger."""
        return any(phrase in padded for phrase in self._not_triggers.get(flag_id, ()))

    def _unworded(self, padded: str) -> frozenset[str]:
        """The flags whose `meaning_needs_one_of` words `padded` (the message normalised, a space in
        front) holds none of, or only denied ("i dont have a fever"): the English readings by meaning
        may not raise them."""
        return frozenset(
            flag_id
            for flag_id, words in self._needed_words.items()
            if not any(_affirmed(padded, word) for word in words)
        )

    def _allowed(self, framing: Frame, flag: RedFlag) -> bool:
        """Whether a sentence read this way may raise `flag` by meaning: not a question about a risk,
        not a denial, and not a mild after-effect ("a little sore, normal?"). Only a question about a risk or
        a past or settled event holds back a crisis, never a denial of something else ("didnt do
        anything", "hes not answering his phone")."""
        if flag.level == "crisis":
            return not framing.only_asked_about
        if framing.asks_only(flag.counts_when_over) or framing.denies:
            return False
        return not framing.mild

    def _multilingual_hits(self, texts: list[str], framings: list[Frame], settings: Settings) -> list[RedFlagHit]:
        """What the multilingual classifier reads in the message and its sentences (`texts`); nothing
        when the build has no such classifier or its engine cannot load here."""
        from faq.multilingual import MultilingualUnavailable, load_multilingual

        if self.multilingual is None:
            return []
        try:
            vectors = load_multilingual().encode(texts)
        except MultilingualUnavailable:
            return []  # the reply to another language still carries the emergency and crisis numbers
        if vectors.shape[1] + 1 != self.multilingual.weights.shape[1]:
            return []  # built with another version of the engine; `faq build` replaces it
        hits = self._classifier_hits(self.multilingual, vectors, texts, framings, settings.red_flag_min_probability)
        return [RedFlagHit(hit.flag, "multilingual", hit.similarity) for hit in hits]

    def _classifier_hits(
        self,
        classifier: FlagClassifier | None,
        vectors: NDArray[np.float32],
        texts: list[str],
        framings: list[Frame],
        min_probability: float,
        unworded: frozenset[str] = frozenset(),
    ) -> list[RedFlagHit]:
        """Per row of `vectors` with at least `min_probability` of needing a card, the most serious flag
        holding a fair share of that chance, leaving out the `unworded` flags."""
        if classifier is None:
            return []
        labels = classifier.labels
        best: dict[str, float] = {}
        rows = classifier.probabilities(vectors, texts).tolist()
        for number, (text, framing, row) in enumerate(zip(texts, framings, rows, strict=True)):
            chance = 1.0 - row[labels.index(NO_FLAG)]
            if chance < min_probability or _too_short(number, text):
                continue
            # Sure enough to overrule how the sentence is framed, though never a plain "what if".
            sure = chance >= FRAMED_MIN_PROBABILITY and not framing.only_what_if
            padded = f" {normalise_for_matching(text)} "
            eligible = [
                (SEVERITY[self._by_id[label].level], p, label)
                for label, p in zip(labels, row, strict=True)
                if label in self._by_id
                and label not in unworded
                and (sure or self._allowed(framing, self._by_id[label]))
                and not self._explained(padded, label)
                and not (number and rows[0][labels.index(label)] < SENTENCE_CONTEXT)
            ]
            candidates = [c for c in eligible if c[1] >= FAIR_SHARE * chance]
            if sure and not candidates:
                # Sure that a card is needed, unsure which (its chance spread over many flags, as on a
                # message in another language): the likeliest flag's card, when it may be raised.
                likeliest_flag = max((p, label) for label, p in zip(labels, row, strict=True) if label != NO_FLAG)[1]
                candidates = [c for c in eligible if c[2] == likeliest_flag]
            if candidates:
                # The most serious flag, unless crisis holds the most: a crisis told in body words
                # ("punched my legs black and blue") needs the crisis card, not the body's.
                likeliest = max(candidates, key=lambda c: c[1])
                _, _, label = likeliest if likeliest[0] == SEVERITY["crisis"] else max(candidates)
                best[label] = max(chance, best.get(label, 0.0))
        return [RedFlagHit(self._by_id[flag_id], "classifier", chance) for flag_id, chance in best.items()]

    def _similarity_hits(
        self,
        vectors: NDArray[np.float32],
        texts: list[str],
        framings: list[Frame],
        best_faq: NDArray[np.float32],
        settings: Settings,
        unworded: frozenset[str],
    ) -> list[RedFlagHit]:
        """Flags whose examples are near the question or one of its sentences (`texts`, rows of `vectors`),
        leaving out the `unworded` flags."""
        if not len(self.example_flag_ids):
            return []
        similarities = vectors @ self.example_vectors.T
        best: dict[str, float] = {}
        for number, (text, framing, row, faq_similarity) in enumerate(
            zip(texts, framings, similarities, best_faq.tolist(), strict=True)
        ):
            if _too_short(number, text):
                continue
            floor = max(settings.red_flag_min_similarity, faq_similarity + settings.red_flag_margin)
            padded = f" {normalise_for_matching(text)} "
            for flag_id, similarity in zip(self.example_flag_ids, row.tolist(), strict=True):
                flag = self._by_id[flag_id]
                serious = flag.level != "urgent"  # the classifier alone reads urgent flags
                if (
                    serious
                    and flag_id not in unworded
                    and similarity >= floor
                    and self._allowed(framing, flag)
                    and not self._explained(padded, flag_id)
                ):
                    best[flag_id] = max(similarity, best.get(flag_id, -1.0))
        return [RedFlagHit(self._by_id[flag_id], "similarity", similarity) for flag_id, similarity in best.items()]
