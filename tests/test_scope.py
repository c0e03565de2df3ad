"""Out-of-scope topics (knowledge/out_of_scope.yaml): declined questions, their reply, staff errors,
and the collision checks, with the real model and a real FAISS index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from faq.embedding import Encoder
from faq.errors import IndexCorruptError, KnowledgeError
from faq.index import FORMAT_VERSION, build_index, load_index
from faq.knowledge import load_knowledge

TOPICS = (Path(__file__).parent / "data" / "out_of_scope_sample.yaml").read_text()


SETTINGS = "min_score: 0.3\n"
"""Low enough that the drug question below gets an FAQ answer when no topic declines it."""


@pytest.fixture
def with_topics(knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample knowledge plus one out-of-scope topic, built; env vars point the CLI at it."""
    (knowledge / "out_of_scope.yaml").write_text(TOPICS)
    (knowledge / "settings.yaml").write_text(SETTINGS)
    index = tmp_path / "index"
    build_index(load_knowledge(knowledge), index, encoder)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(index))
    return knowledge


def ask_json(faq: Callable[..., Result], question: str) -> dict[str, Any]:
    result = faq("ask", "--json", question)
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.output)
    return parsed


def test_question_near_a_topic_is_declined_with_its_reply(with_topics: Path, faq: Callable[..., Result]) -> None:
    # Without the topic this drug question is answered by serious-risks ("what are the dangerous side effects").
    answer = ask_json(faq, "is it dangerous to take too much ibuprofen")
    assert answer["status"] == "no_answer"
    assert answer["answers"] == []
    assert answer["out_of_scope"] == {"id": "medicines", "title": "Medicines"}

    shown = faq("ask", "is it dangerous to take too much ibuprofen").output
    assert "I can't give advice about medicines. Your pharmacist can help, or call (555) 000-1111." in shown
    assert "I don't have a vetted answer" not in shown  # the topic's reply replaces the generic one
    assert "In an emergency call 911." in shown  # the disclaimer always comes last


def test_without_the_topic_the_same_question_gets_an_faq_answer(
    built: Path, knowledge: Path, faq: Callable[..., Result]
) -> None:
    (knowledge / "settings.yaml").write_text(SETTINGS)
    answer = ask_json(faq, "is it dangerous to take too much ibuprofen")
    assert (answer["status"], answer["out_of_scope"]) == ("answered", None)
    assert answer["answers"][0]["id"] == "serious-risks"


def test_faq_questions_are_still_answered(with_topics: Path, faq: Callable[..., Result]) -> None:
    for question in ["does dry needling hurt?", "what are the dangerous side effects"]:
        answer = ask_json(faq, question)
        assert (answer["status"], answer["out_of_scope"]) == ("answered", None), question


def test_red_flag_comes_before_any_topic(with_topics: Path, faq: Callable[..., Result]) -> None:
    answer = ask_json(faq, "took ibuprofen after my session and now i cant breathe")
    assert answer["status"] == "urgent"
    assert answer["out_of_scope"] is None


def test_margin_setting_is_honoured(with_topics: Path, faq: Callable[..., Result]) -> None:
    off = "out_of_scope_min_probability: 1.0\n"  # the classifier off, so only the nearest example decides
    (with_topics / "settings.yaml").write_text(SETTINGS + off + "out_of_scope_margin: 0.5\n")  # no rebuild needed
    answer = ask_json(faq, "is it dangerous to take too much ibuprofen")
    assert answer["out_of_scope"] is None  # the example must now be 0.5 nearer than every FAQ phrasing


def test_the_classifier_declines_what_no_example_is_nearest_to(with_topics: Path, faq: Callable[..., Result]) -> None:
    """The out-of-scope classifier (trained at build on the FAQ phrasings against the topic's examples)
    declines a question the nearest-example rule lets through, and `out_of_scope_min_probability`
    sets how sure it must be."""
    (with_topics / "settings.yaml").write_text(SETTINGS + "out_of_scope_margin: 0.5\n")
    answer = ask_json(faq, "is it dangerous to take too much ibuprofen")
    assert answer["status"] == "no_answer" and answer["out_of_scope"] == {"id": "medicines", "title": "Medicines"}
    assert load_index(with_topics.parent / "index").scope_classifier is not None


def test_topics_are_stored_in_the_index(with_topics: Path, tmp_path: Path) -> None:
    index = load_index(tmp_path / "index")
    assert index.out_of_scope_rows == ["medicines"] * 4
    assert index.out_of_scope_vectors.shape == (4, 384)
    assert [t.id for t in index.knowledge.out_of_scope] == ["medicines"]


def test_index_from_an_older_version_asks_for_a_rebuild(with_topics: Path, tmp_path: Path) -> None:
    index = load_index(tmp_path / "index")
    manifest = index.path / "manifest.json"
    manifest.write_text(manifest.read_text().replace(f'"format_version": {FORMAT_VERSION}', '"format_version": 2'))
    with pytest.raises(IndexCorruptError, match=r"built by another version of faq — run `faq build`"):
        load_index(tmp_path / "index")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("  reply: >\n", "  replies: >\n"), "knowledge/out_of_scope.yaml:4: unknown field `replies`"),
        (("{clinic_phone}", "{phone}"), "knowledge/out_of_scope.yaml:4: `reply`: unknown placeholder {phone}"),
        (("- id: medicines", "- id: does-it-hurt"), "knowledge/out_of_scope.yaml:2: duplicate id `does-it-hurt`"),
        (("  examples:\n", "  example:\n"), "knowledge/out_of_scope.yaml:2: `examples` is missing"),
    ],
)
def test_staff_mistakes_name_file_and_line(knowledge: Path, edit: tuple[str, str], message: str) -> None:
    (knowledge / "out_of_scope.yaml").write_text(TOPICS.replace(*edit))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    assert message in str(caught.value)


def test_validate_counts_topics(with_topics: Path, faq: Callable[..., Result]) -> None:
    result = faq("validate")
    assert result.exit_code == 0, result.output
    assert "OK: 5 entries, 3 red flags, 1 out-of-scope topics, no collisions." in result.output


def test_validate_flags_an_example_an_entry_answers(with_topics: Path, faq: Callable[..., Result]) -> None:
    topics = with_topics / "out_of_scope.yaml"
    topics.write_text(
        topics.read_text().replace("    - is tramadol addictive\n", "    - does dry needling hurt a lot\n")
    )
    result = faq("validate")
    assert result.exit_code == 1
    assert "knowledge/out_of_scope.yaml:8: out-of-scope example" in result.output
    assert '"does dry needling hurt a lot" of `medicines` is very close to `does-it-hurt`' in result.output
    assert "remove it if `does-it-hurt` answers it" in result.output


def test_validate_flags_an_alternate_nearer_a_topic(with_topics: Path, faq: Callable[..., Result]) -> None:
    basics = with_topics / "basics.yaml"
    basics.write_text(
        basics.read_text().replace("    - how painful is it\n", "    - how painful is a tramadol withdrawal\n")
    )
    result = faq("validate")
    assert result.exit_code == 1
    assert (
        'alternate "how painful is a tramadol withdrawal" of `does-it-hurt` is closer to `medicines`' in result.output
    )
    assert "remove the example it resembles from out-of-scope topic `medicines`" in result.output
