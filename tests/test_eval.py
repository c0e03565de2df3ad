"""`faq eval`: metrics, failures, thresholds and eval-file errors, on the real model and index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from faq.errors import EvalFileError
from faq.evaluation import load_cases

SAMPLE_EVAL = Path(__file__).parent / "data" / "sample_eval.yaml"


def test_metrics_and_failures(built: Path, faq: Callable[..., Result]) -> None:
    result = faq("eval", "--json", str(SAMPLE_EVAL))
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    # 5 answerable cases, one of them deliberately mislabelled (cost question expecting does-it-hurt).
    assert figures["cases"] == 7
    assert figures["recall_at_1"] == pytest.approx(4 / 5)
    assert figures["no_answer_accuracy"] == 1.0
    assert figures["urgent_recall"] == 1.0
    assert figures["false_alarms"] == 0
    assert [f["line"] for f in figures["failures"]] == [8]
    failure = figures["failures"][0]
    assert failure["expected"] == ["does-it-hurt"]
    assert failure["returned"][0] == "cost-and-insurance"
    assert 0 < figures["mrr"] < 1


def test_text_report(built: Path, faq: Callable[..., Result]) -> None:
    result = faq("eval", str(SAMPLE_EVAL))
    assert "recall@1           0.800" in result.output
    assert (
        "line 8: 'how much does it cost'\n    expected does-it-hurt; got answered: cost-and-insurance" in result.output
    )


def test_threshold_gates_exit_code(built: Path, faq: Callable[..., Result]) -> None:
    assert faq("eval", str(SAMPLE_EVAL), "--min-recall-at-1", "0.8", "--max-false-alarms", "0").exit_code == 0
    failed = faq("eval", str(SAMPLE_EVAL), "--min-recall-at-1", "0.9")
    assert failed.exit_code == 1
    assert "Error: below threshold: recall_at_1 0.800 < 0.9" in failed.output


def test_unknown_id_in_eval_file(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text("- question: does it hurt\n  expect: does-it-hurt\n- question: price?\n  expect: costs\n")
    with pytest.raises(EvalFileError, match=r"eval.yaml:3: unknown id `costs` in `expect` — use an id"):
        load_cases(path, {"does-it-hurt"})


def test_malformed_eval_file(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text("- question: does it hurt\n  expect: [does-it-hurt\n")
    with pytest.raises(EvalFileError, match=r"eval.yaml:3: YAML syntax error"):
        load_cases(path, {"does-it-hurt"})


def test_calibrate_writes_settings_that_eval_then_uses(
    built: Path, knowledge: Path, faq: Callable[..., Result]
) -> None:
    result = faq("calibrate", str(SAMPLE_EVAL))
    assert result.exit_code == 0, result.output
    settings = (knowledge / "settings.yaml").read_text()
    assert settings.startswith("# Retrieval settings. Chosen by `faq calibrate")
    assert "min_score:" in settings and "lexical_weight:" in settings
    after = json.loads(faq("eval", "--json", str(SAMPLE_EVAL)).output)
    assert after["urgent_recall"] == 1.0
    assert after["no_answer_accuracy"] == 1.0
    assert after["recall_at_1"] == pytest.approx(4 / 5)


def test_calibrate_dry_run_writes_nothing(built: Path, knowledge: Path, faq: Callable[..., Result]) -> None:
    result = faq("calibrate", "--dry-run", str(SAMPLE_EVAL))
    assert result.exit_code == 0
    assert "balanced accuracy" in result.output
    assert not (knowledge / "settings.yaml").exists()
