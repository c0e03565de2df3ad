"""Telling a message in another language, so its reply always carries the emergency and crisis numbers.

Language identifiers (lingua, py3langid) call many short English symptom phrases non-English, so
this looks for what cannot be English: two or more common Spanish, Portuguese, French, German or
Italian function words, a message written mostly in another script (Chinese, Arabic, Cyrillic,
...) or with many accents (Vietnamese), or one whose words are mostly not English words at all
(Tagalog, Polish: `mostly_unknown_words`). A false "other language" costs one extra line of numbers
and a second reading for red flags (`faq.multilingual`); only the first two signs also stop triage
correcting a message's spelling towards English, since a message of phone typos ("lowr bak pain")
has mostly unknown words too.
"""

from __future__ import annotations

import re
import unicodedata

from faq.text import normalise_for_matching
from faq.wordlists import english_words

FOREIGN_WORDS = frozenset(
    """
    el los las del que por para con mi esta estoy tengo puedo muy pero como cuando desde despues hace mucho
    dolor cara pecho brazo pierna espalda sangre aguja sesion ayuda tiene estan hinchada respirar
    nao eu meu minha uma estou tenho consigo muito dor depois desde sangue agulha ajuda
    le les des du et est je mon mes une avec pour dans depuis apres tres mal jai suis peux
    ich nicht und der die das ist mein meine mit seit nach kann habe schmerzen
    il della sono ho dopo molto
    hoy ayer ahora siento gracias tambien todavia
    pela pelo hoje ontem agora sinto obrigado obrigada sessao voce estava
    aujourdhui hier maintenant merci seance
    heute gestern jetzt danke
    oggi ieri adesso grazie sento seduta
        """.split()
)
MIN_FOREIGN_WORDS = 2
MIN_FOREIGN_SHARE = 0.3
"""Share of a message's letters outside the Latin alphabet, or accented, that marks another language."""
MIN_UNKNOWN_WORDS = 5
MIN_UNKNOWN_SHARE = 0.5
"""A message of at least this many words, this share of them not English words, reads as another language
(fewer words are as often keyboard mashing or abbreviations: "lkjh poiu qwer", "hw lng appt")."""
_WORD = re.compile(r"[^\W\d_]{2,}")


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


def mostly_unknown_words(text: str) -> bool:
    """Whether most of `text`'s words (of two letters or more; at least MIN_UNKNOWN_WORDS) are not in the
    English word list: "Mam drętwienie w dłoni od wczorajszego zabiegu", but also "hw lng appt bk"."""
    words = _WORD.findall(normalise_for_matching(text))
    if len(words) < MIN_UNKNOWN_WORDS:
        return False
    known = english_words()
    return sum(word not in known for word in words) >= MIN_UNKNOWN_SHARE * len(words)


def maybe_other_language(text: str) -> bool:
    """Whether `text` may be in another language: `other_language`, or mostly unknown words."""
    return other_language(text) or mostly_unknown_words(text)
