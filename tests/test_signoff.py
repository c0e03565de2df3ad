"""Clinical sign-off: an item is `reviewed` (by a named clinician, on a date) or a `draft`, and nothing
claims a review that did not happen. A missing `status` means draft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from drafts import make_draft

from faq.embedding import Encoder
from faq.errors import KnowledgeError
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.rendering import no_answer_text
from faq.schema import OutOfScopeTopic
from faq.validation import overdue_reviews


def problems(knowledge: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    return [str(p) for p in caught.value.problems]


def test_missing_status_means_draft_with_no_sign_off(knowledge: Path) -> None:
    make_draft(knowledge, "does-it-hurt")
    kb = load_knowledge(knowledge)
    draft, reviewed = kb.entry("does-it-hurt"), kb.entry("what-is-dry-needling")
    assert (draft.status, draft.reviewed, draft.reviewer, draft.review_due()) == ("draft", None, None, None)
    assert not draft.is_reviewed
    assert (reviewed.status, reviewed.reviewer) == ("reviewed", "Test Reviewer, PT")
    assert reviewed.review_due() == dt.date(2027, 11, 1)


def test_red_flag_draft_with_a_reviewer_names_the_line(knowledge: Path) -> None:
    path = knowledge / "red_flags.yaml"
    path.write_text(path.read_text().replace("  level: urgent\n", "  level: urgent\n  reviewer: Dr. Nobody\n", 1))
    assert problems(knowledge) == [
        "knowledge/red_flags.yaml:27: `reviewer` is set but there is no `status` (which means draft) — "
        'if a clinician has checked it, run `faq review infection --by "Name, credentials"`; '
        "if not, delete the `reviewer:` line"
    ]


def test_out_of_scope_topic_reviewed_without_date_names_the_status_line(knowledge: Path) -> None:
    (knowledge / "out_of_scope.yaml").write_text(
        "- id: medicines\n"
        "  title: Medicines\n"
        "  reply: Please ask your pharmacist.\n"
        "  examples: [is tramadol addictive]\n"
        "  reviewer: Dr. A. Example, PT\n"
        "  status: reviewed\n"
    )
    assert problems(knowledge) == [
        "knowledge/out_of_scope.yaml:6: `status: reviewed` needs `reviewed` — "
        'run `faq review medicines --by "Name, credentials"` once a clinician has checked it, '
        "or write `status: draft` until then"
    ]


def test_overdue_reviews_cover_every_reviewed_item_and_no_draft(knowledge: Path) -> None:
    (knowledge / "out_of_scope.yaml").write_text(
        "- id: medicines\n"
        "  title: Medicines\n"
        "  reply: Please ask your pharmacist.\n"
        "  examples: [is tramadol addictive]\n"
        "  status: reviewed\n"
        "  reviewed: 2024-03-01\n"
        "  reviewer: Dr. A. Example, PT\n"
        "  review_every: 6\n"
    )
    make_draft(knowledge, "does-it-hurt")
    kb = load_knowledge(knowledge)
    found = [str(p) for p in overdue_reviews(kb, dt.date(2027, 12, 1), strict=True)]
    assert (
        "knowledge/out_of_scope.yaml:6: `medicines` was due for review on 2024-09-01 (reviewed 2024-03-01)"
        in (found[-1])
    )
    assert found[-1].endswith('run `faq review medicines --by "Name, credentials"`')
    assert not any("does-it-hurt" in line for line in found)
    assert len(found) == len(kb.entries) - 1 + 1  # every reviewed entry (all 2026-11-01) and the topic


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (
            "Ilinois",
            "`state` 'Ilinois' is not a US state — write the clinic's US state by name or two-letter code "
            "(did you mean Illinois?)",
        ),
        (
            "Bavaria",
            "`state` 'Bavaria' is not a US state — write the clinic's US state by name or two-letter code "
            "(e.g. Illinois or IL)",
        ),
    ],
)
def test_clinic_state_must_be_a_us_state(knowledge: Path, state: str, message: str) -> None:
    clinic = knowledge / "clinic.yaml"
    clinic.write_text(clinic.read_text() + f"state: {state}\n")
    assert problems(knowledge) == [f"knowledge/clinic.yaml:7: {message}"]


@pytest.mark.parametrize("state", ["Illinois", "IL", "new york", "District of Columbia"])
def test_clinic_state_by_name_or_code(knowledge: Path, state: str) -> None:
    clinic = knowledge / "clinic.yaml"
    clinic.write_text(clinic.read_text() + f"state: {state}\n")
    assert load_knowledge(knowledge).clinic.state == state


def test_serve_drafts_is_off_unless_the_clinic_says_so(knowledge: Path) -> None:
    assert load_knowledge(knowledge).clinic.serve_drafts is False
    clinic = knowledge / "clinic.yaml"
    clinic.write_text(clinic.read_text() + "serve_drafts: true\n")
    assert load_knowledge(knowledge).clinic.serve_drafts is True


def test_validate_reports_a_draft_with_a_reviewer(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("  status: reviewed\n", "", 1))
    result = faq("validate", "--no-collisions", "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert "knowledge/basics.yaml:14: `reviewed` and `reviewer` are set but there is no `status`" in result.output


@pytest.fixture
def one_draft(knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample knowledge with `does-it-hurt` a draft and the clinic live (`serve_drafts` unset: false), built."""
    make_draft(knowledge, "does-it-hurt")
    build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(tmp_path / "index"))
    return knowledge


def ask_json(faq: Callable[..., Result], question: str) -> dict[str, Any]:
    result = faq("ask", "--json", question)
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


def test_an_unserved_draft_gets_the_no_answer_reply(one_draft: Path, faq: Callable[..., Result]) -> None:
    answer = ask_json(faq, "will the needles be painful")
    assert (answer["status"], answer["answers"], answer["withheld_draft"]) == ("no_answer", [], "does-it-hurt")
    assert ask_json(faq, "what is dry needling")["answers"][0]["id"] == "what-is-dry-needling"
    nearby = ask_json(faq, "what is dry needling")
    assert "does-it-hurt" not in [a["id"] for a in nearby["answers"]]  # never offered as a related answer either
    plain = faq("ask", "will the needles be painful").output
    assert "Sorry, I don't have a vetted answer for that. Please call (555) 000-1111." in plain
    assert "the draft `does-it-hurt` fits, but drafts are not served" in plain
    assert "Most people feel a brief cramp" not in plain


def test_eval_sees_the_same_no_answer(one_draft: Path, tmp_path: Path, faq: Callable[..., Result]) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text("- question: will the needles be painful\n  expect: no-answer\n")
    result = faq("eval", str(cases), "--json")
    assert json.loads(result.output)["no_answer_accuracy"] == 1.0


def test_serve_drafts_true_answers_with_the_draft_marked_as_a_sample(
    one_draft: Path, tmp_path: Path, encoder: Encoder, faq: Callable[..., Result]
) -> None:
    clinic = one_draft / "clinic.yaml"
    clinic.write_text(clinic.read_text() + "serve_drafts: true\n")
    build_index(load_knowledge(one_draft), tmp_path / "index", encoder)
    answer = ask_json(faq, "will the needles be painful")
    assert (answer["status"], answer["answers"][0]["id"], answer["withheld_draft"]) == (
        "answered",
        "does-it-hurt",
        None,
    )
    plain = faq("ask", "will the needles be painful").output
    assert "Sample answer — not yet reviewed by the clinic's clinicians" in plain
    assert "Last reviewed" not in plain.split("Sources:")[1].split("─")[0]


def test_a_draft_out_of_scope_reply_gives_way_to_the_clinic_no_answer(knowledge: Path) -> None:
    topic = OutOfScopeTopic(id="medicines", title="Medicines", reply="Ask your pharmacist.", examples=["x"])
    clinic = load_knowledge(knowledge).clinic
    assert no_answer_text(topic, clinic) == clinic.no_answer
    assert no_answer_text(topic, clinic.model_copy(update={"serve_drafts": True})) == "Ask your pharmacist."
    signed = topic.model_copy(update={"status": "reviewed", "reviewed": dt.date(2026, 11, 1), "reviewer": "Dr. A"})
    assert no_answer_text(signed, clinic) == "Ask your pharmacist."


def test_care_cards_show_even_when_their_red_flag_is_a_draft(one_draft: Path, faq: Callable[..., Result]) -> None:
    assert not any(f.is_reviewed for f in load_knowledge(one_draft).red_flags)
    answer = ask_json(faq, "cant breathe since my session")
    assert (answer["status"], answer["red_flag"]["id"]) == ("urgent", "breathing-chest-pain")
