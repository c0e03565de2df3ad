"""Removing what identifies a person from a question before it is stored.

Presidio would need a spaCy language model, and none is published by spaCy on PyPI (the copies
there are unofficial re-uploads), so this uses Google's libphonenumber (the `phonenumbers`
package) for phone numbers and careful patterns for the rest. Each kind is replaced by a tag such
as [EMAIL], so staff still see what sort of thing was asked. Redaction errs on the side of
removing too much: a lost street number costs nothing, a stored one is a leak.
"""

from __future__ import annotations

import re

import phonenumbers

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|"
    r"circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl|crescent|close|grove|row)\.?"
)
# Words that follow "I'm" / "I am" without being a name, when typed with a capital letter.
_NOT_NAMES = frozenset(
    """
    a an the so very really just not in on at from here there back still currently pregnant scared worried nervous
    afraid anxious terrified sore sick ill diabetic allergic okay ok fine good new over under about going trying having
    taking feeling looking wondering asking thinking considering interested unsure confused curious concerned booked
    due seeing getting on off also already always never sorry hoping planning breastfeeding nursing older younger
    """.split()
)

_CONNECTORS = frozenset(
    "and or but i im my me is it its to for with because since if when what how can does do".split()
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)),
    (
        "[URL]",
        re.compile(
            r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|us|uk|ca|info)(?:/\S*)?\b", re.I
        ),
    ),
    (
        "[DATE]",
        re.compile(
            rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|"
            rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b",
            re.IGNORECASE,
        ),
    ),
    ("[ADDRESS]", re.compile(r"\bp\.?\s?o\.?\s+box\s+\d+\b", re.IGNORECASE)),
    (
        "[ADDRESS]",
        re.compile(
            rf"\b\d{{1,6}}[a-z]?(?:\s+[a-z][\w'.-]*){{1,4}}?\s+{_STREET_TYPES}(?=\W|$)"
            r"(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*\w+)?",
            re.IGNORECASE,
        ),
    ),
    ("[ZIP]", re.compile(r"\b\d{5}(?:-\d{4})\b")),
]
_NAME_WORD = r"[A-Za-z][\w'-]*"
# "my name is sarah jones": any case, since patients often type in lower case.
_INTRODUCED_NAME = re.compile(
    rf"\b(?P<lead>my name is|my name's|my names|name is|call me)[,:]?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)",
    re.IGNORECASE,
)
# "I'm Sarah", "thanks, Maria": only a capitalised word counts, or "I'm scared" would become a name.
_CAPITALISED_NAME = re.compile(
    r"\b(?P<lead>I'm|I\s+am|Im|I\u2019m|this is|thanks|thank you|cheers|regards|signed|from)[,:]?\s+"
    r"(?P<name>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)"
)
_TITLED_NAME = re.compile(r"\b(?i:dr|mr|mrs|ms|miss|mx)\.?\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?")
_LONG_NUMBER = re.compile(r"\b(?:\d[\s-]?){7,}\d\b")


def _name(match: re.Match[str]) -> str:
    words = match.group("name").split()
    kept = []
    for word in words:
        if word.lower() in _NOT_NAMES or word.lower() in _CONNECTORS:
            break
        kept.append(word)
    if not kept:
        return match.group(0)
    rest = " ".join(words[len(kept) :])
    prefix = match.group(0)[: match.start("name") - match.start()]
    return f"{prefix}[NAME]" + (f" {rest}" if rest else "")


def _phones(text: str) -> str:
    found = [m for m in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE)]
    for match in reversed(found):
        text = text[: match.start] + "[PHONE]" + text[match.end :]
    return text


def redact(text: str) -> str:
    """The text with emails, URLs, dates, addresses, phone numbers, ID-like numbers and names replaced by tags."""
    for tag, pattern in _PATTERNS:
        text = pattern.sub(tag, text)
    text = _phones(text)
    text = _LONG_NUMBER.sub("[NUMBER]", text)
    text = _INTRODUCED_NAME.sub(_name, text)
    text = _CAPITALISED_NAME.sub(_name, text)
    return _TITLED_NAME.sub("[NAME]", text)
