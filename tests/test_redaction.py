"""Redaction: each kind of identifier is removed before anything is stored."""

from __future__ import annotations

import pytest

from faq.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email me at jo.smith+dn@gmail.com please", "email me at [EMAIL] please"),
        ("my number is (555) 123-4567", "my number is [PHONE]"),
        ("call +44 7700 900123 after 5", "call [PHONE] after 5"),
        ("text 555.867.5309", "text [PHONE]"),
        ("my dob is 03/14/1985", "my dob is [DATE]"),
        ("born March 14, 1985 is that too old", "born [DATE] is that too old"),
        ("born 14th of March 1985", "born [DATE]"),
        ("birthday 1985-03-14", "birthday [DATE]"),
        ("i live at 42 Elm Street Apt 3, can you come", "i live at [ADDRESS], can you come"),
        ("send it to 1200 north lake shore drive", "send it to [ADDRESS]"),
        ("PO Box 991 is my mail", "[ADDRESS] is my mail"),
        ("see https://example.com/my-chart?id=7 and www.facebook.com/jo", "see [URL] and [URL]"),
        ("my portal is janesmith.com", "my portal is [URL]"),
        ("member id 1234 5678 9012", "member id [NUMBER]"),
        ("my name is sarah jones and my neck hurts", "my name is [NAME] and my neck hurts"),
        ("My name's Tom. does it hurt", "My name's [NAME]. does it hurt"),
        ("I'm Sarah Miller, does it hurt?", "I'm [NAME], does it hurt?"),
        ("Hi, I am John. Is it safe?", "Hi, I am [NAME]. Is it safe?"),
        ("thanks, Maria", "thanks, [NAME]"),
        ("call me Bob", "call me [NAME]"),
        ("Dr. Patel said i need 6 sessions", "[NAME] said i need 6 sessions"),
    ],
)
def test_identifiers_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared, does it hurt",
        "Im pregnant is it safe",
        "I am Worried about bruising",
        "does it hurt for 2 days after",
        "I had 3 sessions in 2024",
        "how long is a 30 minute session",
        "thanks for the info",
        "is $85 per session right",
        "call me back about cost",
    ],
)
def test_ordinary_questions_are_kept(text: str) -> None:
    assert redact(text) == text
