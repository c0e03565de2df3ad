"""Choosing retrieval settings from labelled questions (`faq calibrate`).

The objective, in order of priority:
1. Red flags: the highest `red_flag_min_similarity` (and margin) that keeps urgent recall at its
   maximum, with the fewest false alarms. Missing an emergency is the worst outcome.
2. Off-topic questions: no-answer accuracy of at least `min_no_answer` (0.9 unless chosen), because
   a vetted answer to a question it does not answer misleads a patient more than an honest "I don't
   have an answer to that" with the closest topics offered. That floor is the clinic's stated
   tolerance; refusing more than it asks would turn away answerable questions for nothing.
3. Answers: among the settings that meet the floor, the `lexical_weight` and `min_score` that answer
   the most answerable questions with the right entry first. Ties go to the better MRR, then to the
   middle of the best threshold range, which is the choice least sensitive to small changes in the
   knowledge. When no setting meets the floor, the best balanced accuracy (the mean of the two
   accuracies) wins instead, and the figures show the shortfall.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from faq.evaluation import NO_ANSWER, URGENT, Case, Metrics, case_signals, run_cases, score, triage_cases
from faq.retrieval import Retriever, Signals
from faq.schema import Settings
from faq.triage import RedFlagHit

LEXICAL_WEIGHTS = [round(w, 2) for w in np.arange(0.0, 0.61, 0.05)]
MIN_NO_ANSWER_ACCURACY = 0.9
MIN_SCORES = [round(t, 3) for t in np.arange(0.2, 0.8, 0.01)]
RED_FLAG_SIMILARITIES = [round(t, 2) for t in np.arange(0.45, 0.86, 0.01)]
RED_FLAG_MARGINS = [0.0, 0.02, 0.05, 0.1]


@dataclass(frozen=True)
class Calibration:
    """The chosen settings and the figures they give on the labelled data."""

    settings: Settings
    metrics: Metrics
    balanced_accuracy: float


def _answer_accuracy(cases: list[Case], metrics: Metrics) -> float:
    """The share of answerable questions answered with the right entry first."""
    answerable = sum(c.kind not in (NO_ANSWER, URGENT) for c in cases)
    wrong_answers = sum(1 for f in metrics.failures if f.expected[0] not in (NO_ANSWER, URGENT))
    return 1 - wrong_answers / answerable if answerable else 1.0


def _balanced_accuracy(cases: list[Case], metrics: Metrics) -> float:
    no_answer = [metrics.no_answer_accuracy] if metrics.no_answer_accuracy is not None else []
    return float(np.mean([_answer_accuracy(cases, metrics), *no_answer]))


def red_flag_grid(
    retriever: Retriever, signals: list[Signals], base: Settings
) -> Iterator[tuple[Settings, list[RedFlagHit | None]]]:
    """Each red-flag setting of the grid, with triage's verdict per case under it.

    The similarity net's hits only shrink as its floor rises, and a card is the best of its hits: a
    case that gets the same verdict at both extremes gets it at every setting between, so only the
    others are triaged again for each setting."""
    loosest = base.model_copy(update={"red_flag_min_similarity": 0.0, "red_flag_margin": min(RED_FLAG_MARGINS)})
    strictest = base.model_copy(update={"red_flag_min_similarity": 2.0})
    loose, strict = triage_cases(retriever, signals, loosest), triage_cases(retriever, signals, strictest)
    moving = [i for i, (a, b) in enumerate(zip(loose, strict, strict=True)) if a != b]
    for margin in RED_FLAG_MARGINS:
        for similarity in RED_FLAG_SIMILARITIES:
            candidate = base.model_copy(update={"red_flag_min_similarity": similarity, "red_flag_margin": margin})
            flags = list(strict)
            for i, flag in zip(moving, triage_cases(retriever, [signals[i] for i in moving], candidate), strict=True):
                flags[i] = flag
            yield candidate, flags


def _best_red_flag_settings(
    retriever: Retriever, cases: list[Case], signals: list[Signals], base: Settings
) -> Settings:
    best: tuple[float, int, float, float] | None = None
    chosen = base
    for candidate, flags in red_flag_grid(retriever, signals, base):
        metrics = score(cases, run_cases(retriever, signals, candidate, flags))
        similarity, margin = candidate.red_flag_min_similarity, candidate.red_flag_margin
        key = (metrics.urgent_recall or 0.0, -metrics.false_alarms, similarity, -margin)
        if best is None or key > best:
            best, chosen = key, candidate
    return chosen


def calibrate(retriever: Retriever, cases: list[Case], min_no_answer: float = MIN_NO_ANSWER_ACCURACY) -> Calibration:
    """Search the settings grid on `cases` and return the best settings with their figures."""
    signals = case_signals(retriever, cases)
    base = _best_red_flag_settings(retriever, cases, signals, retriever.settings)
    flags = triage_cases(retriever, signals, base)  # the grid below leaves triage's settings alone
    best_key: tuple[bool, float, float] | None = None
    plateau: list[Settings] = []
    for weight in LEXICAL_WEIGHTS:
        for threshold in MIN_SCORES:
            candidate = base.model_copy(update={"lexical_weight": weight, "min_score": threshold})
            metrics = score(cases, run_cases(retriever, signals, candidate, flags))
            refuses_enough = (metrics.no_answer_accuracy or 0.0) >= min_no_answer - 1e-9
            accuracy = _answer_accuracy(cases, metrics) if refuses_enough else _balanced_accuracy(cases, metrics)
            key = (refuses_enough, round(accuracy, 6), round(metrics.mrr or 0.0, 6))
            if best_key is None or key > best_key:
                best_key, plateau = key, [candidate]
            elif key == best_key and candidate.lexical_weight == plateau[0].lexical_weight:
                plateau.append(candidate)
    chosen = plateau[len(plateau) // 2]
    metrics = score(cases, run_cases(retriever, signals, chosen, flags))
    return Calibration(chosen, metrics, _balanced_accuracy(cases, metrics))


def write_settings(path: Path, settings: Settings, note: str) -> None:
    """Write settings.yaml with a comment saying where the values came from."""
    values = settings.model_dump(mode="json")
    body = yaml.safe_dump(values, sort_keys=False, allow_unicode=True)
    path.write_text(f"# Retrieval settings. {note}\n# See README, 'How answers are chosen'.\n{body}", encoding="utf-8")
