"""Telling a message in another language, so its reply always carries the emergency and crisis numbers.

Language identifiers (lingua, py3langid) call many short English symptom phrases non-English, so
this only looks for what cannot be English: two or more common Spanish, Portuguese, French, German or
Italian function words, or a message written mostly in another script (Chinese, Arabic, Cyrillic,
...) or with many accents (Vietnamese). A false "other language" costs one extra line of numbers.
"""

from __future__ import annotations

import unicodedata

from faq.text import normalise_for_matching

FOREIGN_WORDS = frozenset(
    """
    el los las del que por para con mi esta estoy tengo puedo muy pero como cuando desde despues hace mucho
    dolor cara pecho brazo pierna espalda sangre aguja sesion ayuda tiene estan hinchada respirar
    nao eu meu minha uma estou tenho consigo muito dor depois desde sangue agulha ajuda
    le les des du et est je mon mes une avec pour dans depuis apres tres mal jai suis peux
    ich nicht und der die das ist mein meine mit seit nach kann habe schmerzen
    il della sono ho dopo molto
    """.split()
)
MIN_FOREIGN_WORDS = 2
MIN_FOREIGN_SHARE = 0.3
"""Share of a message's letters outside the Latin alphabet, or accented, that marks another language."""


def other_language(text: str) -> bool:
    """Whether `text` is probably not written in English."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    marked = sum(1 for c in letters if not c.isascii() or unicodedata.combining(c))
    decomposed = unicodedata.normalize("NFD", "".join(letters))
    accents = sum(1 for c in decomposed if unicodedata.combining(c))
    if (marked - accents) / len(letters) >= MIN_FOREIGN_SHARE or accents / len(letters) >= MIN_FOREIGN_SHARE / 2:
        return True
    words = normalise_for_matching(text).split()
    return sum(w in FOREIGN_WORDS for w in words) >= MIN_FOREIGN_WORDS
