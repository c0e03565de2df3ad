"""Cleaning what a patient types before it is matched: plain text, bounded length."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 1000
"""Longer input is cut here: the model reads at most 256 word pieces, so nothing useful is lost."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACE = re.compile(r"\s+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")
_NON_WORD = re.compile(r"[^\w\s]")


def clean_question(text: str) -> tuple[str, bool]:
    """Return the question as single-spaced plain text, cut to MAX_QUESTION_CHARS, and whether it was cut.

    Control and invisible characters become spaces; HTML and Markdown are left as literal text.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    truncated = len(text) > MAX_QUESTION_CHARS
    if truncated:
        text = text[:MAX_QUESTION_CHARS].rstrip()
    return text, truncated


def normalise_for_matching(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes dropped ("can't" -> "cant")."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    return _SPACE.sub(" ", _NON_WORD.sub(" ", text)).strip()
