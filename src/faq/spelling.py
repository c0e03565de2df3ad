"""Reading phone typos ("cant brethe", "my ches hurts") as the words the red flags are written in.

A word is corrected only when it is not an English word (symspellpy's 82,765-word frequency
dictionary, shipped inside its wheel) and a word of the given vocabulary lies within one edit (two
for words of eight letters or more). Real words typed for others ("feint" for "faint") are left
alone: correcting them wrongly ("rite" -> "site") costs more than it gains. Triage matches the
original and the corrected text, so a correction can add a match, never remove one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib.resources import files

from symspellpy import SymSpell, Verbosity

MIN_LENGTH = 4
"""Shorter words are left alone: too many short words are one edit from each other."""
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def english_counts() -> dict[str, int]:
    """Word -> frequency from symspellpy's English frequency dictionary (loaded once)."""
    text = files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition(" ")
        counts[word] = int(count or 1)
    return counts


class Speller:
    """Corrects words towards a fixed vocabulary (the red flags' own words)."""

    def __init__(self, vocabulary: Iterable[str], min_length: int = MIN_LENGTH) -> None:
        self.english = english_counts()
        self.min_length = min_length
        self.vocabulary = frozenset(w for w in vocabulary if w.isalpha())
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word in self.vocabulary:
            self._symspell.create_dictionary_entry(word, max(self.english.get(word, 1), 1))
        self._cache: dict[str, str] = {}

    def correct(self, text: str) -> str:
        """`text` (already normalised for matching) with misspelt words replaced."""
        return " ".join(self._word(w) for w in text.split())

    def correct_words(self, text: str) -> str:
        """`text` as typed, with its misspelt lower-case words replaced and everything else kept."""
        return _WORD.sub(lambda m: self._word(m.group()) if m.group().islower() else m.group(), text)

    def _word(self, word: str) -> str:
        if len(word) < self.min_length or word in self.vocabulary or word in self.english or not word.isalpha():
            return word
        if word not in self._cache:
            self._cache[word] = self._lookup(word)
        return self._cache[word]

    def _lookup(self, word: str) -> str:
        distance = 1 if len(word) < 8 else 2
        suggestions = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        return str(suggestions[0].term) if suggestions else word
