"""A plain FAQ (questions and answers, no alternates) is valid knowledge: it validates with a warning
that phrasings help, builds, and answers its own questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from faq.embedding import Encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.retrieval import open_retriever


def _drop_alternates(knowledge: Path) -> str:
    path = knowledge / "basics.yaml"
    entries = yaml.safe_load(path.read_text())
    for entry in entries:
        entry.pop("alternates", None)
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True))
    return str(entries[0]["question"])


def test_entry_without_alternates_validates_with_a_warning(knowledge: Path, faq: Callable[..., Result]) -> None:
    _drop_alternates(knowledge)
    result = faq("validate", "--knowledge", str(knowledge), "--no-collisions")
    assert result.exit_code == 0, result.output
    assert "has no alternates — add a few ways patients ask it under `alternates:`" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("OK: ")


def test_plain_faq_builds_and_answers_its_questions(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    question = _drop_alternates(knowledge)
    build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    result = open_retriever(knowledge, tmp_path / "index").answer(question)
    assert result.status == "answered"
    assert result.matches[0].entry.question == question
