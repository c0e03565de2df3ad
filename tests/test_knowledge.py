"""Loading knowledge: every staff mistake gets file:line: problem — fix, never a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from faq.errors import KnowledgeError
from faq.knowledge import load_knowledge

BAD = sorted((Path(__file__).parent / "data" / "bad_entries").glob("*.yaml"))


def expected_messages(sample: Path) -> list[str]:
    prefix = "# expect: "
    return [line[len(prefix) :] for line in sample.read_text().splitlines() if line.startswith(prefix)]


def test_sample_knowledge_loads(knowledge: Path) -> None:
    kb = load_knowledge(knowledge)
    assert [e.id for e in kb.entries][:2] == ["what-is-dry-needling", "does-it-hurt"]
    assert {f.level for f in kb.red_flags} == {"emergency", "urgent"}
    assert kb.clinic.emergency_number == "911"
    assert kb.origins["does-it-hurt"].file == "knowledge/basics.yaml"


@pytest.mark.parametrize("sample", BAD, ids=[p.stem for p in BAD])
def test_bad_entry_file_reports_exact_problems(sample: Path, knowledge: Path) -> None:
    shutil.copy(sample, knowledge / "bad.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    assert [str(p) for p in caught.value.problems] == expected_messages(sample)


def test_all_problems_are_reported_at_once(knowledge: Path) -> None:
    shutil.copy(Path(__file__).parent / "data" / "bad_entries" / "missing_question.yaml", knowledge / "a.yaml")
    shutil.copy(Path(__file__).parent / "data" / "bad_entries" / "bad_date.yaml", knowledge / "b.yaml")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    files = sorted(p.file for p in caught.value.problems)
    assert files == ["knowledge/a.yaml", "knowledge/b.yaml"]


def test_missing_clinic_file_is_named(knowledge: Path) -> None:
    (knowledge / "clinic.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"knowledge/clinic.yaml:1: file not found — create clinic.yaml"):
        load_knowledge(knowledge)


def test_unknown_care_placeholder(knowledge: Path) -> None:
    text = (knowledge / "red_flags.yaml").read_text().replace("{clinic_phone}", "{clinic_fone}", 1)
    (knowledge / "red_flags.yaml").write_text(text)
    with pytest.raises(KnowledgeError, match=r"unknown placeholder \{clinic_fone\}"):
        load_knowledge(knowledge)


def test_not_utf8_file(knowledge: Path) -> None:
    (knowledge / "latin1.yaml").write_bytes("- id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(KnowledgeError, match=r"knowledge/latin1.yaml:1: not UTF-8 .* — save the file as UTF-8 text"):
        load_knowledge(knowledge)


def test_content_hash_ignores_comments_but_not_answers(knowledge: Path) -> None:
    before = load_knowledge(knowledge).content_hash()
    basics = knowledge / "basics.yaml"
    basics.write_text("# a staff comment\n" + basics.read_text())
    assert load_knowledge(knowledge).content_hash() == before
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))
    assert load_knowledge(knowledge).content_hash() != before


def test_validate_cli_lists_problems_without_traceback(knowledge: Path, faq: Callable[..., Result]) -> None:
    shutil.copy(BAD[0], knowledge / "bad.yaml")
    result = faq("validate", "--no-collisions", "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert expected_messages(BAD[0])[0] in result.output


def test_validate_cli_ok(knowledge: Path, faq: Callable[..., Result]) -> None:
    result = faq("validate", "--knowledge", str(knowledge))
    assert result.exit_code == 0, result.output
    assert "OK: 5 entries, 3 red flags, no collisions." in result.output


def test_collision_names_both_entries(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("    - how much is it\n", "    - is it painful\n"))
    result = faq("validate", "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert 'alternate "is it painful" of `cost-and-insurance` is closer to `does-it-hurt`' in result.output
    assert "knowledge/basics.yaml:" in result.output and "similarity 0." in result.output


def test_overdue_review_is_warning_then_error_with_strict(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("reviewed: 2026-11-01", "reviewed: 2020-01-15", 1))
    lenient = faq("validate", "--no-collisions", "--knowledge", str(knowledge))
    assert lenient.exit_code == 0
    assert "warning: `what-is-dry-needling` was due for review on 2021-01-15" in lenient.output
    strict = faq("validate", "--no-collisions", "--strict", "--knowledge", str(knowledge))
    assert strict.exit_code == 1
    assert "`what-is-dry-needling` was due for review on 2021-01-15 (reviewed 2020-01-15)" in strict.output
