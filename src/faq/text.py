"""Cleaning what a patient types before it is matched: plain text, bounded length."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000
"""Longer input is cut here: the model reads at most 256 word pieces, so nothing useful is lost."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
"""Zero-width and other invisible characters: dropped, so "c\u200bant" reads "cant", not "c ant"."""
_SPACE = re.compile(r"\s+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")
_NON_WORD = re.compile(r"[^\w\s\u0900-\u0dff\u0e00-\u0e7f\u3099\u309a]")
"""Punctuation and symbols. Indic and Thai vowel signs and Japanese voicing marks are kept: they are
marks, not letters, but part of the word."""
_ACCENTS = re.compile(r"[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]")
"""Accents once decomposed (Latin, Greek, Cyrillic) and Hebrew and Arabic vowel and hamza marks: dropped,
as patients often leave them out; other scripts' marks stay."""


def clean_question(text: str) -> tuple[str, bool]:
    """Return the question as single-spaced plain text, cut to MAX_QUESTION_CHARS, and whether it was cut.

    Invisible characters are dropped and control characters become spaces; HTML and Markdown are
    left as literal text.
    """
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    truncated = len(text) > MAX_QUESTION_CHARS
    if truncated:
        text = text[:MAX_QUESTION_CHARS].rstrip()
    return text, truncated


def normalise_for_matching(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes and accents dropped ("Can't" -> "cant",
    "visión" -> "vision")."""
    text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text)).lower().translate(_APOSTROPHES)
    return _SPACE.sub(" ", _NON_WORD.sub(" ", _ACCENTS.sub("", text))).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*|\s+(?:but|and now|and then|anyway|so now)\s+", re.IGNORECASE)
MAX_SENTENCES = 8
MIN_SENTENCE_WORDS = 3


def sentences(text: str) -> list[str]:
    """The sentences of a longer message (at most MAX_SENTENCES), or [] when it is one sentence.

    A symptom buried in the middle of a rambling message is checked on its own, not diluted by the rest.
    """
    parts = [p.strip() for p in _SENTENCE_END.split(text) if len(p.split()) >= MIN_SENTENCE_WORDS]
    return parts[:MAX_SENTENCES] if len(parts) > 1 else []
