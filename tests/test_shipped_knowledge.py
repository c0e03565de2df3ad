"""The shipped knowledge base: every required entry, complete, sourced and linked; and its eval figures."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result

from faq.calibration import RED_FLAG_MARGINS, RED_FLAG_SIMILARITIES, calibrate, red_flag_grid
from faq.embedding import Encoder
from faq.evaluation import case_signals, load_cases, run_cases, score, triage_cases
from faq.index import load_index
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.retrieval import Retriever, make_retriever

ROOT = Path(__file__).parent.parent
REQUIRED = """
what-is-dry-needling dry-needling-vs-acupuncture how-it-works trigger-points twitch-response is-it-invasive
electrical-dry-needling conditions-treated neck-pain low-back-pain sciatica headaches mobility-and-stiffness
muscle-spasm does-it-work part-of-treatment-plan what-happens-in-a-session session-length how-many-sessions
how-soon-results what-to-wear before-your-session aftercare exercise-after cost-and-insurance referral booking
does-it-hurt soreness-after bruising side-effects serious-risks is-it-safe needle-hygiene needle-size
who-should-not-have-it pregnancy blood-thinners needle-fear children who-performs combining-treatments alternatives
""".split()
CLINIC_SPECIFIC = ["cost-and-insurance", "booking", "referral", "what-to-wear"]


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


def test_every_required_entry_is_complete(shipped: KnowledgeBase) -> None:
    entries = {e.id: e for e in shipped.entries}
    missing = [i for i in REQUIRED if i not in entries]
    assert not missing
    for entry_id in REQUIRED:
        entry = entries[entry_id]
        assert len(entry.alternates) >= 4, entry_id
        assert entry.sources and all(s.url or s.citation for s in entry.sources), entry_id
        assert entry.related, entry_id
        assert len(entry.answer.split()) >= 40, entry_id


def test_the_sample_claims_no_sign_off(shipped: KnowledgeBase) -> None:
    """Sample content for a sample clinic: no clinician reviewed it, so nothing may say one did."""
    items = [*shipped.entries, *shipped.red_flags, *shipped.out_of_scope]
    assert all(i.status == "draft" and i.reviewer is None and i.reviewed is None for i in items)
    clinic = shipped.clinic
    assert "(sample clinic)" in clinic.name
    assert (clinic.state, clinic.serve_drafts) == ("Illinois", True)  # the sample keeps serving its drafts


def test_never_called_non_invasive(shipped: KnowledgeBase) -> None:
    """ "Non-invasive" may appear only in a sentence that corrects it."""
    for entry in shipped.entries:
        for sentence in re.split(r"(?<=[.!?])\s+", entry.answer):
            if re.search(r"\bnon-?invasive\b", sentence, re.I):
                assert re.search(r"\bnot\b", sentence, re.I), (entry.id, sentence)
    assert "minimally invasive" in shipped.entry("is-it-invasive").answer.lower()


def test_clinic_specific_answers_use_clinic_values(shipped: KnowledgeBase) -> None:
    clinic = shipped.clinic
    for entry_id in CLINIC_SPECIFIC:
        answer = shipped.entry(entry_id).answer
        assert clinic.phone in answer or str(clinic.booking_url) in answer or clinic.name in answer, entry_id
    assert "$85" in shipped.entry("cost-and-insurance").answer


def test_red_flags_cover_the_required_emergencies(shipped: KnowledgeBase) -> None:
    levels = {f.id: f.level for f in shipped.red_flags}
    assert len(levels) >= 6
    assert list(levels.values()).count("emergency") >= 3
    assert "urgent" in levels.values()


# The targets on the public eval set, gated in CI with a freshly tuned model. Today's figures
# (recall@1 0.928, recall@3 0.989) sit a few cases above the recall targets, so tuning on another CPU
# moving a case or two does not fail CI; no-answer accuracy, urgent recall and false alarms depend only
# on the untuned model.
FLOORS = {
    "--min-recall-at-1": "0.90",
    "--min-recall-at-3": "0.97",
    "--min-no-answer-accuracy": "0.90",
    "--min-urgent-recall": "1.0",
    "--max-false-alarms": "2",
}


def test_public_eval_set_gate(tmp_path: Path, shipped_index: Path, faq: Callable[..., Result]) -> None:
    knowledge, index = ROOT / "knowledge", tmp_path / "index"
    shutil.copytree(shipped_index, index)  # `faq eval` saves its figures beside the index
    args = ["eval", "--json", "--knowledge", str(knowledge), "--index", str(index)]
    result = faq(*args, *[x for pair in FLOORS.items() for x in pair], str(ROOT / "tests" / "data" / "eval.yaml"))
    figures = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert figures["cases"] >= 200
    kinds = [str(k) for k in (ROOT / "tests" / "data" / "eval.yaml").read_text().split("expect: ")[1:]]
    assert sum(k.startswith("urgent") for k in kinds) >= 25
    assert sum(k.startswith("no-answer") for k in kinds) >= 25


def test_out_of_scope_examples_are_no_copies_of_eval_questions(shipped: KnowledgeBase, encoder: Encoder) -> None:
    """The out-of-scope examples were written after the eval set, so any example within 0.85 cosine of
    an eval question was removed (a copy would make the no-answer figure meaningless). Keep it so."""
    questions = [c.question for c in load_cases(ROOT / "tests" / "data" / "eval.yaml", {e.id for e in shipped.entries})]
    examples = [x for t in shipped.out_of_scope for x in t.examples]
    assert len(examples) >= 300
    similarity = encoder.encode(examples) @ encoder.encode(questions).T
    worst = np.unravel_index(int(similarity.argmax()), similarity.shape)
    assert similarity.max() < 0.85, (examples[worst[0]], questions[worst[1]])


def test_tuning_ranks_better_and_leaves_red_flags_and_refusals_alone(shipped_index: Path) -> None:
    """The tuned model orders entries; the untuned one still decides urgent and no_answer, so with
    the same settings those two outcomes are identical with and without the ranker."""
    loaded = load_index(shipped_index)
    knowledge = load_knowledge(ROOT / "knowledge")
    tuned = make_retriever(loaded, knowledge)
    assert tuned.ranker is not None
    untuned = Retriever(replace(loaded, ranking_vectors=None), tuned.encoder, knowledge)
    cases = load_cases(ROOT / "tests" / "data" / "eval.yaml", {e.id for e in knowledge.entries})
    ranked = run_cases(tuned, case_signals(tuned, cases))
    plain = run_cases(untuned, case_signals(untuned, cases))
    assert [r.status for r in ranked] == [r.status for r in plain]
    mrr_ranked, mrr_plain = score(cases, ranked).mrr, score(cases, plain).mrr
    assert mrr_ranked is not None and mrr_plain is not None
    assert mrr_ranked > mrr_plain + 0.03


def test_the_red_flag_grid_triages_only_what_can_change(shipped_retriever: Retriever) -> None:
    """`faq calibrate` re-triages, for each red-flag setting, only the cases whose verdict differs between
    the grid's extremes; at every other setting each case must get exactly what a full triage gives."""
    retriever = shipped_retriever
    ids, levels = {e.id for e in retriever.entries}, retriever.knowledge.flag_levels()
    signals = case_signals(retriever, load_cases(ROOT / "tests" / "data" / "triage.yaml", ids, levels))
    grid = list(red_flag_grid(retriever, signals, retriever.settings))
    assert len(grid) == len(RED_FLAG_SIMILARITIES) * len(RED_FLAG_MARGINS)
    changed = 0
    for candidate, flags in grid[:: len(grid) // 7]:
        full = triage_cases(retriever, signals, candidate)
        assert flags == full, candidate
        changed += full != grid[0][1]
    assert changed  # the sampled settings do move some verdicts, so the check above compared something


def test_calibrate_honours_the_no_answer_floor(shipped_index: Path) -> None:
    """With the out-of-scope classifier off, only `min_score` refuses, so a stricter floor must raise it.
    (With the classifier on, the shipped knowledge already refuses every eval no-answer case.)"""
    loaded = load_index(shipped_index)
    retriever = make_retriever(replace(loaded, scope_classifier=None), load_knowledge(ROOT / "knowledge"))
    cases = load_cases(ROOT / "tests" / "data" / "eval.yaml", {e.id for e in retriever.entries})
    usual, strict = calibrate(retriever, cases), calibrate(retriever, cases, min_no_answer=0.95)
    assert usual.metrics.no_answer_accuracy is not None and usual.metrics.no_answer_accuracy >= 0.9
    assert strict.metrics.no_answer_accuracy is not None and strict.metrics.no_answer_accuracy >= 0.95
    assert strict.settings.min_score > usual.settings.min_score


# The two blind-written sets (see their headers): regression floors a few cases under today's figures,
# so a change that makes the assistant worse on questions nobody tuned for fails CI. The out-of-scope
# classifier (2026-12-01) traded recall for refusals (dev 0.918 -> 0.898 recall@1, no-answer 0.943 ->
# 1.0; blind 0.898 -> 0.891, 0.825 -> 0.900): the recall floors moved down and the no-answer ones up.
BLIND_FLOORS = {
    "dev-2026-11-26.yaml": {"recall_at_1": 0.87, "recall_at_3": 0.93, "no_answer_accuracy": 0.95},
    "blind-2026-11-26.yaml": {"recall_at_1": 0.87, "recall_at_3": 0.92, "no_answer_accuracy": 0.85},
}


@pytest.mark.parametrize("name", sorted(BLIND_FLOORS))
def test_blind_sets_do_not_regress(name: str, shipped_retriever: Retriever) -> None:
    retriever = shipped_retriever
    cases = load_cases(ROOT / "tests" / "data" / name, {e.id for e in retriever.entries})
    metrics = score(cases, run_cases(retriever, case_signals(retriever, cases))).to_json()
    for figure, floor in BLIND_FLOORS[name].items():
        assert metrics[figure] >= floor, (figure, metrics[figure])
    assert metrics["urgent_recall"] == 1.0
    assert metrics["false_alarms"] <= 3


@pytest.mark.parametrize(
    ("question", "status"),
    [
        # Nearest to "my ivf clinic suggested acupuncture does it actually improve the odds" (0.53), which
        # declined it before the classifier's veto; the classifier finds it answerable.
        ("what are the chances it will actually help me", "answered"),
        # A near-paraphrase of an example ("does cupping actually work") stays declined even though the
        # classifier leans answerable.
        ("does cupping actually do anything or is it just marks", "no_answer"),
    ],
)
def test_a_loosely_similar_example_does_not_overrule_the_classifier(
    question: str, status: str, shipped_retriever: Retriever
) -> None:
    result = shipped_retriever.answer(question)
    assert result.status == status, (result.status, result.out_of_scope)
