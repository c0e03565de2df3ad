"""`faq ask`: the JSON contract, batch mode, triage, no-answer and hostile input, with the real model."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from faq.retrieval import Retriever, open_retriever


@pytest.fixture
def retriever(shared_index: tuple[Path, Path]) -> Retriever:
    knowledge, index = shared_index
    return open_retriever(knowledge, index)


@pytest.fixture
def ask_json(shared_index: tuple[Path, Path], faq: Callable[..., Result]) -> Callable[[str], dict[str, Any]]:
    knowledge, index = shared_index

    def ask(question: str) -> dict[str, Any]:
        result = faq("ask", "--json", "--knowledge", str(knowledge), "--index", str(index), question)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert len(lines) == 1
        parsed: dict[str, Any] = json.loads(lines[0])
        return parsed

    return ask


def test_json_contract(ask_json: Callable[[str], dict[str, Any]]) -> None:
    answer = ask_json("does dry needling hurt?")
    fields = {"question", "status", "answers", "red_flag", "out_of_scope", "other_language", "did_you_mean"}
    fields.add("withheld_draft")
    assert set(answer) == fields
    assert answer["question"] == "does dry needling hurt?"
    assert answer["status"] == "answered"
    assert answer["red_flag"] is None
    assert answer["out_of_scope"] is None
    assert len(answer["answers"]) == 3
    top = answer["answers"][0]
    assert set(top) == {"id", "question", "score"}
    assert top == {"id": "does-it-hurt", "question": "Does dry needling hurt?", "score": top["score"]}
    scores = [a["score"] for a in answer["answers"]]
    assert scores == sorted(scores, reverse=True)


def test_k_option(shared_index: tuple[Path, Path], faq: Callable[..., Result]) -> None:
    knowledge, index = shared_index
    result = faq("ask", "--json", "-k", "1", "--knowledge", str(knowledge), "--index", str(index), "is it painful")
    assert len(json.loads(result.output)["answers"]) == 1


def test_batch_mode_one_line_per_question(shared_index: tuple[Path, Path], faq: Callable[..., Result]) -> None:
    knowledge, index = shared_index
    stdin = "asdfgh\n\nwhat is dry needling\ncant catch my breath since my session\n"
    result = faq("ask", "--json", "--knowledge", str(knowledge), "--index", str(index), input=stdin)
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["status"] for line in lines] == ["no_answer", "answered", "urgent"]
    assert lines[1]["answers"][0]["id"] == "what-is-dry-needling"


def test_red_flag_beats_faq_match(ask_json: Callable[[str], dict[str, Any]]) -> None:
    answer = ask_json("my chest hurts and i am short of breath since dry needling, is it a collapsed lung?")
    assert answer["status"] == "urgent"
    assert answer["red_flag"] == {"id": "breathing-chest-pain", "level": "emergency"}
    assert answer["answers"][0]["id"] == "serious-risks"


@pytest.mark.parametrize(
    ("question", "flag"),
    [
        ("cant catch my breath since my appointment", "breathing-chest-pain"),
        ("I can\u2019t breathe properly after the needles", "breathing-chest-pain"),
        ("i am numb down there and cant pee", "saddle-numbness"),
        ("the needle spot is oozing pus and i feel feverish", "infection"),
    ],
)
def test_red_flags_fire(ask_json: Callable[[str], dict[str, Any]], question: str, flag: str) -> None:
    answer = ask_json(question)
    assert answer["status"] == "urgent"
    assert answer["red_flag"]["id"] == flag


@pytest.mark.parametrize("question", ["can dry needling cause a collapsed lung?", "is a collapsed lung a risk?"])
def test_look_alike_does_not_fire(ask_json: Callable[[str], dict[str, Any]], question: str) -> None:
    answer = ask_json(question)
    assert answer["status"] == "answered"
    assert answer["answers"][0]["id"] == "serious-risks"


@pytest.mark.parametrize("question", ["asdfgh", "what are your parking rates", "recipe for banana bread", "???"])
def test_no_answer(ask_json: Callable[[str], dict[str, Any]], question: str) -> None:
    answer = ask_json(question)
    assert answer == {
        "question": question,
        "status": "no_answer",
        "answers": [],
        "red_flag": None,
        "out_of_scope": None,
        "other_language": False,
        "did_you_mean": [],
        "withheld_draft": None,
    }


def test_exact_term_counts(retriever: Retriever) -> None:
    result = retriever.answer("TENS?")
    assert result.status == "answered"
    assert result.matches[0].entry.id == "electrical-dry-needling"
    assert result.matches[0].lexical > 0.5


def test_no_answer_offers_closest_topics(retriever: Retriever) -> None:
    result = retriever.answer("what are your parking rates")
    assert result.status == "no_answer"
    assert len(result.suggestions) == 3


def test_empty_question_is_refused(shared_index: tuple[Path, Path], faq: Callable[..., Result]) -> None:
    knowledge, index = shared_index
    result = faq("ask", "--knowledge", str(knowledge), "--index", str(index), "   \n ")
    assert result.exit_code == 1
    assert result.output == 'Error: the question is empty — type a question, e.g. faq ask "does it hurt?"\n'


def test_50000_character_question_is_truncated(ask_json: Callable[[str], dict[str, Any]], retriever: Retriever) -> None:
    question = ("does dry needling hurt? " * 2100)[:50_000]
    answer = ask_json(question)
    assert len(answer["question"]) == 1000
    assert answer["answers"][0]["id"] == "does-it-hurt"
    assert retriever.answer(question).truncated


def test_html_markdown_and_control_characters_are_plain_text(ask_json: Callable[[str], dict[str, Any]]) -> None:
    script = ask_json("<script>alert(1)</script><img src=x onerror=alert(2)>")
    assert script["question"] == "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert script["status"] == "no_answer"
    answer = ask_json("<b>**does\x00 it\x1b hurt**</b> 😬\u202e??")
    assert answer["question"] == "<b>**does it hurt**</b> 😬??"  # controls become spaces, invisible marks go
    assert answer["answers"][0]["id"] == "does-it-hurt"


def test_human_output_has_answer_sources_review_and_disclaimer(
    shared_index: tuple[Path, Path], faq: Callable[..., Result]
) -> None:
    knowledge, index = shared_index
    result = faq("ask", "--knowledge", str(knowledge), "--index", str(index), "does it hurt")
    assert "Most people feel a brief cramp or ache when the needle reaches the muscle." in result.output
    assert "Last reviewed 2026-11-01 by Test Reviewer, PT" in result.output
    assert "Brady 2014" in result.output
    assert result.output.rstrip().endswith("In an emergency call 911.")


def test_human_output_puts_care_card_first(shared_index: tuple[Path, Path], faq: Callable[..., Result]) -> None:
    knowledge, index = shared_index
    result = faq("ask", "--knowledge", str(knowledge), "--index", str(index), "cant breathe since my session")
    assert result.output.startswith("!! EMERGENCY: Trouble breathing or chest pain after needling")
    assert "**Call 911 now.** Then let Test Spine Clinic know at (555) 000-1111." in result.output


def test_question_never_reaches_logs(retriever: Retriever, caplog: pytest.LogCaptureFixture) -> None:
    secret = "my name is Zelda Quixote and my back hurts"
    with caplog.at_level(logging.DEBUG):
        retriever.answer(secret)
    assert "Zelda" not in caplog.text


def test_unexpected_error_hides_question(
    shared_index: tuple[Path, Path], faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge, index = shared_index

    def broken(self: Retriever, question: str, *args: object) -> None:
        raise ValueError(f"could not handle {question}")

    monkeypatch.setattr(Retriever, "answer", broken)
    result = faq("ask", "--knowledge", str(knowledge), "--index", str(index), "Zelda Quixote")
    assert result.exit_code == 3
    assert "Zelda" not in result.output
    assert "unexpected ValueError inside faq" in result.output


def test_did_you_mean_is_in_the_json(ask_json: Callable[[str], dict[str, Any]]) -> None:
    """Too close to call on the sample knowledge (serious-risks 0.53 vs does-it-hurt 0.51): the
    retriever decides to offer both, so the CLI, the app and `faq eval` see the same choices."""
    answer = ask_json("painful side effects")
    assert answer["status"] == "answered"
    assert set(answer["did_you_mean"]) == {"serious-risks", "does-it-hurt"}
    assert ask_json("does dry needling hurt?")["did_you_mean"] == []
