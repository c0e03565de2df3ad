"""`faq report` on a log made by real `faq ask --log` use: counts, groups and suggestions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result as CliResult

from faq.questionlog import QuestionLog, database_url

QUESTIONS = [
    "where can i park my car",
    "is there parking near the clinic",
    "do you have free parking",
    "does electric stim with needles hurt more",  # a near miss for the sample knowledge
    "does it hurt",
    "does it hurt a lot",
    "cant breathe since my session",
    "recipe for banana bread",
]


def test_report_groups_and_suggests(built: Path, faq: Callable[..., CliResult]) -> None:
    asked = faq("ask", "--log", "--json", input="\n".join(QUESTIONS) + "\n")
    statuses = [json.loads(line)["status"] for line in asked.stdout.splitlines()]
    log = QuestionLog(database_url(built))
    rows = log.rows()
    assert len(rows) == len(QUESTIONS)
    log.record_feedback(rows[5].id, helpful=False, comment="not what i asked")

    report = json.loads(faq("report", "--json").output)
    counts = report["counts"]
    assert counts["questions"] == 8
    assert counts["no_answer"] == statuses.count("no_answer")
    assert counts["urgent"] == 1
    assert counts["thumbs_down"] == 1

    groups = report["groups"]
    parking = next(g for g in groups if "where can i park my car" in g["questions"])
    assert sorted(parking["questions"]) == sorted(QUESTIONS[:3])
    assert parking["suggestion"]["action"] == "new_entry"
    assert 'question: "where can i park my car"' in parking["suggestion"]["yaml"]
    disliked = next(g for g in groups if g["kind"] == "thumbs_down")
    assert disliked["questions"] == ["does it hurt a lot"]
    assert disliked["suggestion"] == {
        "action": "add_alternate",
        "entry_id": "does-it-hurt",
        "yaml": '# under `- id: does-it-hurt`, in `alternates:`\n    - "does it hurt a lot"\n',
    }
    assert report["most_asked"][0]["id"] == "does-it-hurt"
    assert report["most_asked"][0]["count"] == 2


def test_report_text(built: Path, faq: Callable[..., CliResult]) -> None:
    faq("ask", "--log", input="where can i park my car\nis there parking near the clinic\n")
    text = faq("report", "--since", "1d").output
    assert text.startswith("Questions since ")
    assert ": 2  answered 0  no answer 2  urgent 0" in text
    assert '1. 2 x unanswered: "where can i park my car"; "is there parking near the clinic"' in text
    assert "suggestion: new entry needed" in text
