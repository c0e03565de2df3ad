"""Removing what identifies a person from a question before it is stored.

Two passes. First, patterns for things with a shape: emails (also "sarah dot jones at gmail dot
com"), URLs and handles, dates, street addresses in several languages, postcodes, phone numbers
(Google's libphonenumber, plus vanity and spelled-out numbers), ID numbers, and "I'm the head chef
at Flour Bakery". Then every remaining word is judged on its own: a word with digits survives only
if it is a small plain number ("3 sessions", "2nd", "30min", "L4-L5"), and a capitalised word
survives only if it is an ordinary word and not a person's name (`faq.wordlists`). Lower-case
names are caught when they are in the name lists and no everyday word ("sarah jones here"), after
a lead-in ("this is", "I'm", "my wife", "Dr") or next to another name. Each kind becomes a tag
such as [EMAIL], so staff still see what sort of thing was asked. Redaction errs on the side of
removing too much: a lost word costs little, a stored name is a leak.

Presidio was considered, but it needs a spaCy language model and spaCy publishes none on PyPI, so
it cannot be installed offline here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from faq.wordlists import (
    CLINIC_WORDS,
    NOT_NAMES,
    ORDINARY_NAMES,
    common_words,
    english_words,
    first_names,
    surnames,
)

_MONTH_NAMES = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = _MONTH_NAMES + r"\.?"
_YEAR = r"(?:19|20)\d{2}"
_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|"
    r"circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl|crescent|close|grove|row)\.?"
)
# Street words written before the name in other languages ("Calle Mayor 12", "12 rue de la Paix").
_FOREIGN_STREETS = (
    r"(?:calle|c/|avenida|avda|paseo|plaza|carrer|rua|travessa|largo|rue|avenue|boulevard|chemin|all[ée]e|impasse|"
    r"quai|via|viale|piazza|corso|vicolo|ulica|ul|aleja|utca|calea|strada|sokak|caddesi|jalan|jl|[đd]u[ờo]ng|ph[ốo])\.?"
)
# ... and as the end of one word ("Hauptstraße 5", "Keizersgracht 12").
_STREET_ENDINGS = (
    r"(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|damm|ring|laan|straat|gracht|plein|gatan|v[äa]gen|vej|gade|"
    r"veien|vei)"
)
# Words that never make up a street name: "2 more sessions on the way" is no address.
_NOT_STREET_WORDS = r"(?:the|a|an|on|in|to|my|of|for|and|or|more|times|sessions|days|weeks|months|down|long|all)"
_UNIT = r"(?:apt|apto|apartment|apartamento|flat|unit|suite|ste|piso|int|interno|scala|esc|puerta|[ée]tage|bte|#)"
_EMAIL_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\{dot\}|\bdot\b)\s*"
_EMAIL_AT = r"\s*(?:@|\(at\)|\[at\]|\{at\}|\bat\b)\s*"
_TLDS = r"(?:com|org|net|edu|gov|co|uk|ca|us|io|info|me|de|fr|es|it|nl|au|ie|mx|br|ch|at|be|pt|pl|se)"
_DIGIT_WORDS = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)),
    ("[EMAIL]", re.compile(r"(?<!\S)(?:[\w.+-]\s){2,}@(?:\s[\w.-]){3,}(?!\S)")),  # r o b . k @ g m a i l . c o m
    (
        "[EMAIL]",  # sarah dot jones at gmail dot com
        re.compile(
            rf"\b[\w+-]+(?:{_EMAIL_DOT}[\w+-]+)*{_EMAIL_AT}[\w-]+(?:{_EMAIL_DOT}[\w-]+)*{_EMAIL_DOT}{_TLDS}\b", re.I
        ),
    ),
    (
        "[URL]",
        re.compile(
            r"\b(?:https?://|www\.)[^\s)\]}>\"']*[^\s)\]}>\"'.,!?;:]"  # a closing bracket or full stop is not the URL's
            r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|us|uk|ca|info)(?:/[^\s)\]}>\"']*)?\b",
            re.I,
        ),
    ),
    ("[HANDLE]", re.compile(r"(?<![\w@.])@\w(?:[\w.]*\w)?")),
    (
        "[DATE]",
        re.compile(
            rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}\b|\b\d{{1,2}}/{_YEAR}\b|"
            rf"\b{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b|"  # 19850304
            rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|"
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b|"
            rf"\b\d{{1,2}}[\s/.-]?{_MONTH_NAMES}[\s/.,-]?(?:{_YEAR}|\d{{2}})\b|"  # 04MAR1985, 4-Mar-85
            rf"\b{_MONTHS}\s*,?\s*(?:of\s+)?{_YEAR}\b|"  # March 1985
            rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?!\w)",
            re.I,
        ),
    ),
    ("[ADDRESS]", re.compile(r"\bp\.?\s?o\.?\s+box\s+\d+\b", re.I)),
    (
        "[ADDRESS]",  # "42 Elm Street", "220 e 14th st"
        re.compile(
            rf"\b\d{{1,6}}[a-z]?(?:\s+(?!{_NOT_STREET_WORDS}\b)(?:[a-z][\w'.-]*|\d+(?:st|nd|rd|th))){{1,4}}?\s+{_STREET_TYPES}(?=\W|$)",
            re.I,
        ),
    ),
    (
        "[ADDRESS]",
        re.compile(rf"(?<!\w){_FOREIGN_STREETS}\s+(?:[^\W\d][\w'\u2019.-]*\s+){{0,4}}?\d{{1,5}}[a-z]?\b", re.I),
    ),
    ("[ADDRESS]", re.compile(rf"\b\d{{1,5}}[a-z]?,?\s+{_FOREIGN_STREETS}(?:\s+[^\W\d][\w'\u2019-]*){{1,4}}", re.I)),
    ("[ADDRESS]", re.compile(rf"\b[^\W\d]*{_STREET_ENDINGS}\s+\d{{1,5}}[a-z]?\b", re.I)),
    (
        "[ADDRESS]",  # what follows an address: "Apt 3", "14th fl", "3º izq", "int. 7"
        re.compile(
            rf"(?:\[ADDRESS\]|\b{_UNIT})(?:,?\s*(?:{_UNIT}\.?\s*[a-z]?\d{{1,4}}[a-z]?\b|"
            r"\d{1,3}(?:st|nd|rd|th)?\s*(?:fl|floor)\b|\d{1,3}\s*[ºª°]\s*(?:izq(?:uierda)?|dcha|der(?:echa)?|[a-z])?\b))+",
            re.I,
        ),
    ),
    ("[ADDRESS]", re.compile(rf"\b{_UNIT}\.?\s*[a-z]?\d+[a-z]?\b", re.I)),
    ("[ZIP]", re.compile(r"\b\d{5}[-\s]\d{4}\b")),
    ("[ZIP]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b", re.I)),  # UK, Canada
    (
        "[PHONE]",  # vanity numbers: 1-800-FLOWERS, (555) CALL-NOW
        re.compile(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[.-])(?=[\w.-]*[A-Za-z])(?:[A-Za-z\d][.-]?){4,10}\b"),
    ),
    ("[PHONE]", re.compile(rf"\b(?:{_DIGIT_WORDS}[\s,-]+){{6,}}{_DIGIT_WORDS}\b", re.I)),
]
_ADDRESS_LEAD = re.compile(
    r"\b(?P<lead>(?:i|we)\s+live\s+(?:at|on)|live\s+at|my\s+address\s+is|address\s*(?:is|:)|reside\s+at|located\s+at)\s+"
    r"(?P<address>\d{1,6}[a-z]?\b(?:\s+(?!(?:and|but|so|is|if|in|can|do|does|will|for)\b)[\w'\u2019.-]+){0,3})",
    re.I,
)
_BORN_YEAR = re.compile(
    rf"\b(?P<lead>(?:born|dob|d\.o\.b\.?|birthday|birth\s*date|date\s+of\s+birth|birth\s+year|b-?day)\b[^\d.!?\n]{{0,20}}?)"
    rf"(?P<year>{_YEAR}|'\d{{2}})\b",
    re.I,
)
_ID_LEAD = re.compile(
    r"\b(?P<lead>(?:member|membership|policy|group|grp|account|acct|medicare|medicaid|mrn|subscriber|claim|reference|ref|"
    r"ssn|social|security|nhs|insurance|license|licence|passport|chart|card|id|number|no|num)\b\.?"
    r"(?:\s*(?:id|number|no|num|#|is|was|:))*\s*[:#]?\s*)"
    r"(?P<id>(?-i:[A-Z]{2,4}[\s-]+)?[a-z\d-]*\d[a-z\d-]*(?:\s+[a-z\d-]*\d[a-z\d-]*)*)",
    re.I,
)
# "I'm the head pastry chef at Flour Bakery": a job with a named workplace picks one person out.
_JOB = re.compile(
    r"\b(?P<lead>(?i:i'?m|i\s+am|i\s+work\s+as|work(?:ing|s)?\s+as)\s+(?i:the\s+|an?\s+)?)"
    r"(?P<job>[a-z]+(?:\s+[a-z]+){0,2}?)\s+(?P<prep>at|for|with)\s+(?P<the>the\s+)?"
    r"(?P<place>[A-Z][\w'\u2019&-]*(?:\s+(?:[A-Z][\w'\u2019&-]*|\d+))*)"
)
_PHONE_EXTENSION = re.compile(r"\[PHONE\],?\s*(?:ext\.?|extension|x)\s*\d{1,5}\b", re.I)
_LONG_NUMBER = re.compile(r"\b(?:\d[\s-]?){7,}\d\b")
_ZIP5 = re.compile(r"(?<![\w$£€.,-])\d{5}(?![\w-]|[.,]\d)")
_TAG_RUN = re.compile(r"(\[[A-Z]+\])(?:[\s,-]*\1)+")

# Kept word for word although they contain names or codes.
_PROTECTED = re.compile(
    r"\b(?:st\.?\s+john'?s\s+wort|tommy\s+john|blue\s+(?:cross|shield)|(?:mayo|cleveland)\s+clinic|johns\s+hopkins|"
    r"mass\s+general|kaiser\s+permanente|united\s?healthcare|grace\s+period)\b|"
    r"\b(?:cpt|icd(?:-?10)?)(?:\s+codes?)?\s*#?:?\s*[A-Z]?\d{2,5}(?:\.\d+)?\b|"
    # eponyms: "Sever's disease", "Osgood Schlatter disease", "Bell's palsy"
    r"\b(?:[A-Z][\w'\u2019-]+\s+){1,2}(?=(?:disease|syndrome|palsy|neuroma|cyst|sign|contracture|phenomenon|ulcer|"
    r"fracture|tendinitis|tenosynovitis)(?![\w-]))",
    re.I,
)

# A word with digits that is kept: "3", "2nd", "30min", "10am", "x2", "L4", "C5", "B12" (hyphen parts: "2-3", "L4-L5").
_PLAIN_NUMBER = re.compile(
    r"\d{1,4}(?:st|nd|rd|th|s|am|pm|x|k|mg|mcg|ml|mm|cm|kg|lbs?|mins?|h|hrs?|d|wks?|yrs?|yo|y|m|ish)?|x\d{1,2}|"
    r"[cltsbdk]\d{1,2}|covid\d{0,2}",
    re.I,
)
_TOKEN = re.compile(r"\[[A-Z]+\]|[^\W_]+(?:['\u2019-][^\W_]+)*")
# Internal capitals mark a brand or term ("CrossFit", "AFib", "WebMD"), unless a name prefix ("McDonald").
_CAMEL_CASE = re.compile(r"(?!(?:Mc|Mac|O'|D'|De|Di|Da|Du|La|Le|Van|Von|St)[A-Z])[A-Z]+[a-z]+[A-Z]\w*|[A-Z]{2,}[a-z]+")

# Words after a lead-in ("I'm", "this is", "my name is", "my son") that never start a name.
_NOT_NAME_STARTS = frozenset(
    """
    a an the so very really just not in on at from here there back still currently pregnant scared worried nervous
    afraid anxious terrified sore sick ill diabetic allergic okay ok fine good new over under about going trying having
    taking feeling looking wondering asking thinking considering interested unsure confused curious concerned booked
    due seeing getting off also already always never sorry hoping planning breastfeeding nursing older younger
    and or but i im my me is it its to for with because since if when what how can does do your you his her their
    our this that these those ready able one two three four five after before
    will may might can could would should must has had have was were did got gets said says told tells asked
    wants needs hopes hope loves love thinks keeps read lives works lie
    """.split()
)
_RELATIONS = frozenset(
    """
    wife husband partner son daughter mom mum mother dad father brother sister friend boyfriend girlfriend fiance
    fiancee fiancé kid child grandson granddaughter grandma grandpa grandmother grandfather aunt uncle niece nephew
    cousin coworker colleague boss neighbor neighbour baby stepson stepdaughter
    """.split()
)
_TITLES = frozenset("dr doctor mr mrs ms miss mx prof professor nurse".split())
_PARTICLES = frozenset("van von de del della da di du le la der den ter bin ibn al el st mac mc".split())
_PEOPLE_MONTHS = frozenset("april may june august".split())  # months that are also first names


def _leads(phrases: str) -> tuple[tuple[str, ...], ...]:
    """Lead-in phrases written as "a b|c", as word tuples."""
    return tuple(tuple(lead.split()) for lead in phrases.split("|"))


# Lead-ins after which the next word is a name for sure (unless a common word), or if it looks like one.
_SURE_LEADS = _leads(
    "my name is|my name's|my names|name is|named|signed|mein name ist|ich heiße|ich heisse|me llamo|"
    "mi nombre es|je m'appelle|mi chiamo|meu nome é|me chamo"
)
_LIKELY_LEADS = _leads(
    "this is|it's|its|i'm|im|i am|call me|thanks|thank you|thx|cheers|regards|sincerely|hi|hello|hey|dear|"
    "ich bin|soy|je suis|sono|sou"
)
_COLON_LEADS = frozenset("name surname patient from signed contact".split())
_LEAD_OUTS = frozenset("here speaking".split())
_SENTENCE_END = re.compile(r"[.!?:;\n]")
# Words only German uses: one of them makes a message German, where capitalised nouns are no names.
_GERMAN_HINTS = frozenset(
    "ich bitte und nicht habe zum zur ist eine mein meine meinen wie für auch noch schon sehr wird haben sind mich mir "
    "kein keine dass wegen".split()
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    gap: str  # the text between the previous token and this one
    initial: bool  # first word of a sentence

    @property
    def word(self) -> str:
        """Lower case, without a possessive 's."""
        word = self.text.lower().replace("\u2019", "'")
        return word[:-2] if word.endswith("'s") else word

    @property
    def capitalised(self) -> bool:
        """Written with a capital first letter (shouting in capitals does not count)."""
        return self.text[0].isupper() and not self.text.isupper()

    @property
    def is_tag(self) -> bool:
        return self.text.startswith("[")


def _is_ordinary(word: str) -> bool:
    known = english_words()
    return word in known or word.replace("'", "") in known


def _in_names(word: str) -> bool:
    return word in first_names() or word in surnames()


def _is_rare(word: str) -> bool:
    return word not in common_words()


def _is_surely_a_name(word: str) -> bool:
    """A name in any case: in the name lists and no everyday word ("sarah", "lopez", "o'brien")."""
    return len(word) > 2 and _in_names(word) and word not in ORDINARY_NAMES and word not in CLINIC_WORDS


def _part_is_name(part: str, initial: bool, german: bool) -> bool:
    token = _Token(part, 0, 0, "", initial)
    word = token.word
    if len(word) < 2 or word in NOT_NAMES or word in CLINIC_WORDS or word in _TITLES:
        return False
    if _is_surely_a_name(word):
        return True
    if not token.capitalised or _CAMEL_CASE.fullmatch(part):
        return False  # lower case or shouting: only sure names count; "CrossFit" is a brand
    if not _is_ordinary(word):
        return not german  # German capitalises its nouns: there only listed names count
    return _in_names(word) and not initial  # "Mark" mid-sentence; at a sentence start it may be the verb


def _is_name(token: _Token, german: bool) -> bool:
    parts = token.text.split("-")
    return any(_part_is_name(part, token.initial and i == 0, german) for i, part in enumerate(parts))


def _could_be_name(token: _Token, german: bool) -> bool:
    """After a lead-in: a name, a capitalised unknown word, or an unknown lower-case word."""
    word = token.word
    if token.is_tag or word in _NOT_NAME_STARTS or word in NOT_NAMES or word in CLINIC_WORDS:
        return False
    if _is_name(token, german) or _is_surely_a_name(word):
        return True
    if token.capitalised:
        return _in_names(word) or not _is_ordinary(word)
    return not _is_ordinary(word) and not any(c.isdigit() for c in word)


def _continues_name(token: _Token, between_names: bool) -> bool:
    """A word next to a name that belongs to it: "Sarah J. Jones", "maria lopez", "Will Smith", "Nguyen Van Minh"."""
    word = token.word
    if token.is_tag or any(c.isdigit() for c in word) or word in _TITLES:
        return False
    if not re.match(r"[a-z\u00c0-\u024f]", word):
        return True  # another script beside a name: "Aiko Tanaka (田中愛子)"
    if len(word) == 1:
        return token.text.isupper() and token.text not in "IA"
    if word in _PARTICLES:
        return token.capitalised or between_names
    if token.capitalised:
        return (word not in NOT_NAMES or word in _PEOPLE_MONTHS) and (_in_names(word) or _is_rare(word))
    return word not in _NOT_NAME_STARTS and (_is_surely_a_name(word) or (_in_names(word) and _is_rare(word)))


def _is_place_word(token: _Token, between_names: bool) -> bool:
    return token.text[0].isupper() and token.text not in ("I", "A") and not token.is_tag


def _spread(tokens: list[_Token], marked: list[bool], belongs: Callable[[_Token, bool], bool], gap: str) -> list[bool]:
    """Mark, until nothing changes, each word next to a marked one (across `gap`) that `belongs`."""
    marked = list(marked)
    changed = True
    while changed:
        changed = False
        for i, token in enumerate(tokens):
            if marked[i]:
                continue
            left = i > 0 and marked[i - 1] and re.fullmatch(gap, token.gap) is not None
            right = i + 1 < len(tokens) and marked[i + 1] and re.fullmatch(gap, tokens[i + 1].gap) is not None
            if (left or right) and belongs(token, left and right):
                marked[i] = changed = True
    return marked


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    end = 0
    for match in _TOKEN.finditer(text):
        gap = text[end : match.start()]
        initial = not tokens or bool(_SENTENCE_END.search(gap))
        tokens.append(_Token(match.group(), match.start(), match.end(), gap, initial))
        end = match.end()
    return tokens


def _after_lead(words: list[str], tokens: list[_Token], i: int) -> str | None:
    """ "sure", "likely" or "relation" when a name lead-in ends just before token i, else None."""
    if i == 0 or not re.fullmatch(r"[\s,:-]*", tokens[i].gap):
        return None
    before = tuple(words[max(0, i - 3) : i])
    if any(before[-len(lead) :] == lead for lead in _SURE_LEADS):
        return "sure"
    if words[i - 1] in _COLON_LEADS and ":" in tokens[i].gap:
        return "sure"
    if any(before[-len(lead) :] == lead for lead in _LIKELY_LEADS):
        return "likely"
    if words[i - 1] in _TITLES and (tokens[i - 1].capitalised or words[i - 1] != "doctor"):
        return "likely"
    if words[i - 1] in _RELATIONS and i >= 2 and words[i - 2] in ("my", "our"):
        return "relation"
    return None


def _starts_name(tokens: list[_Token], words: list[str], i: int, german: bool) -> bool:
    token = tokens[i]
    lead = _after_lead(words, tokens, i)
    if lead == "sure":
        return words[i] not in _NOT_NAME_STARTS
    if lead and _could_be_name(token, german):
        return True
    if lead == "relation" and words[i] in first_names() and words[i] not in _NOT_NAME_STARTS:
        return True  # "my son max"
    if _is_name(token, german):
        return True
    followed_by_lead_out = i + 1 < len(tokens) and words[i + 1] in _LEAD_OUTS
    return followed_by_lead_out and token.capitalised and _in_names(words[i])  # "Mark here"


def _names(text: str) -> str:
    tokens = _tokens(text)
    words = [token.word for token in tokens]
    german = not _GERMAN_HINTS.isdisjoint(words)
    named = [
        not token.is_tag and not any(c.isdigit() for c in token.text) and _starts_name(tokens, words, i, german)
        for i, token in enumerate(tokens)
    ]
    named = _spread(tokens, named, _continues_name, r"\.?\s+|-|\s*\(")
    places = _spread(tokens, [t.text in ("[ADDRESS]", "[ZIP]") for t in tokens], _is_place_word, r",?\s+")
    pieces: list[str] = []
    end = 0
    for token, is_name, is_place in zip(tokens, named, places, strict=True):
        digits = any(c.isdigit() for c in token.text) and not token.is_tag
        if is_name or (is_place and not token.is_tag):
            pieces.append(text[end : token.start] + "[NAME]")
            end = token.end
        elif digits and not all(_PLAIN_NUMBER.fullmatch(part) for part in token.text.split("-")):
            pieces.append(text[end : token.start] + "[NUMBER]")
            end = token.end
    return "".join(pieces) + text[end:]


def _phones(text: str) -> str:
    found = list(phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE))
    for match in reversed(found):
        text = text[: match.start] + "[PHONE]" + text[match.end :]
    return text


def _job(match: re.Match[str]) -> str:
    if match.group("job").split()[0].lower() in _NOT_NAME_STARTS:
        return match.group(0)
    return f"{match.group('lead')}[JOB] {match.group('prep')} {match.group('the') or ''}[PLACE]"


def _protect(text: str) -> tuple[str, list[str]]:
    """Swap phrases that must survive for private-use characters, which no pattern or word matches."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return chr(0xE000 + len(kept) - 1)

    return _PROTECTED.sub(hold, text), kept


def _restore(text: str, kept: list[str]) -> str:
    for i, phrase in enumerate(kept):
        text = text.replace(chr(0xE000 + i), phrase)
    return text


def redact(text: str) -> str:
    """The text with emails, URLs, dates, addresses, phone numbers, ID numbers and names replaced by tags."""
    text = re.sub("[\ue000-\uf8ff]", "", text)  # the private-use characters _protect relies on
    text, kept = _protect(text)
    for tag, pattern in _PATTERNS:
        text = pattern.sub(tag, text)
    text = _ADDRESS_LEAD.sub(lambda m: m.group(0)[: m.start("address") - m.start()] + "[ADDRESS]", text)
    text = _BORN_YEAR.sub(lambda m: m.group("lead") + "[DATE]", text)
    text = _ID_LEAD.sub(lambda m: m.group("lead") + "[NUMBER]", text)
    text = _JOB.sub(_job, text)
    text = _phones(text)
    text = _PHONE_EXTENSION.sub("[PHONE]", text)
    text = _LONG_NUMBER.sub("[NUMBER]", text)
    text = _ZIP5.sub("[ZIP]", text)
    text = _names(text)
    return _restore(_TAG_RUN.sub(r"\1", text), kept)
