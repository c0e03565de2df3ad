"""The page's plain-Python rules: when to ask "Did you mean ...?", welcome examples, phone links,
and which index is served when files are broken. Real model and FAISS where an index is involved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from faq.embedding import Encoder
from faq.knowledge import load_knowledge
from faq.retrieval import DID_YOU_MEAN_GAP, Match, close_matches
from faq.schema import Entry, Source
from faq.web.conversation import welcome_examples
from faq.web.feedback import record_feedback, recorded
from faq.web.replies import reviewed_line, staff_markdown, tel_url
from faq.web.serving import AppUnavailableError, ServingHolder, load_serving


def _entry(entry_id: str) -> Entry:
    return Entry(
        id=entry_id,
        question=f"{entry_id}?",
        alternates=["x"],
        answer="a",
        category="c",
        sources=[Source(title="t", citation="c")],
        status="reviewed",
        reviewed=dt.date(2026, 1, 5),
        reviewer="R",
    )


def _matches(*scores: float) -> list[Match]:
    return [Match(_entry(f"e{i}"), s, s, 0.0) for i, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ((0.80, 0.60), 0),  # a clear winner
        ((0.80, 0.80 - DID_YOU_MEAN_GAP / 2), 2),  # too close to call
        ((0.80, 0.79, 0.785), 3),  # three-way tie
        ((0.55, 0.54), 2),
        ((0.51, 0.49), 0),  # the runner-up is below min_score
        ((0.80,), 0),
    ],
)
def test_close_matches(scores: tuple[float, ...], expected: int) -> None:
    assert len(close_matches(_matches(*scores), min_score=0.5)) == expected


def test_welcome_examples_prefer_common_questions(knowledge: Path) -> None:
    examples = [e.id for e in welcome_examples(load_knowledge(knowledge))]
    assert examples[:4] == ["what-is-dry-needling", "does-it-hurt", "serious-risks", "cost-and-insurance"]
    assert 4 <= len(examples) <= 6


def test_small_helpers() -> None:
    assert tel_url("(555) 014-2380") == "tel:5550142380"
    assert tel_url("+1 555 014 2380") == "tel:+15550142380"
    assert staff_markdown("costs $85, or $60") == r"costs \$85, or \$60"
    assert reviewed_line(_entry("e")) == "Last reviewed January 5, 2026 by R"
    draft = _entry("e").model_copy(update={"status": "draft", "reviewed": None, "reviewer": None})
    assert reviewed_line(draft) == "Sample answer — not yet reviewed by the clinic's clinicians"


def test_feedback_replaces_earlier_rating() -> None:
    session: dict[str, object] = {}
    record_feedback(session, 1, "answer", "does-it-hurt", True)
    record_feedback(session, 1, "answer", "does-it-hurt", False)
    assert [(f.turn_id, f.helpful) for f in recorded(session).values()] == [(1, False)]


def test_no_index_and_invalid_knowledge_is_unavailable(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    (knowledge / "clinic.yaml").unlink()
    with pytest.raises(AppUnavailableError) as err:
        load_serving(knowledge, tmp_path / "index", lambda name: encoder)
    assert "clinic.yaml" in "\n".join(err.value.notice.details)


def test_holder_keeps_the_index_in_memory_when_files_break(built: Path, knowledge: Path, encoder: Encoder) -> None:
    holder = ServingHolder(knowledge, built, lambda name: encoder)
    first = holder.current()
    assert first.notice is None
    assert holder.current() is first  # nothing changed: no reload
    (built / "CURRENT").write_text("missing-build\n")
    (knowledge / "basics.yaml").write_text("- [")
    broken = holder.current()
    assert broken.retriever is first.retriever
    assert broken.notice is not None and "loaded earlier" in broken.notice.summary
    assert broken.retriever.answer("does it hurt??").matches[0].entry.id == "does-it-hurt"
