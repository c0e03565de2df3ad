"""Measuring the assistant on labelled questions: recall, MRR, no-answer accuracy, urgent recall."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from faq.errors import EvalFileError, Problem
from faq.retrieval import Result, Retriever, Signals
from faq.schema import Settings
from faq.yamlfile import read_yaml

NO_ANSWER = "no-answer"
URGENT = "urgent"
RANK_DEPTH = 10


@dataclass(frozen=True)
class Case:
    """One labelled question: the ids that answer it, or `no-answer`, or `urgent`."""

    question: str
    expect: tuple[str, ...]
    line: int

    @property
    def kind(self) -> str:
        """`answer`, `no-answer` or `urgent`."""
        return self.expect[0] if self.expect[0] in (NO_ANSWER, URGENT) else "answer"


@dataclass(frozen=True)
class Failure:
    """A case the assistant got wrong, with what it returned."""

    line: int
    question: str
    expected: list[str]
    status: str
    returned: list[str]
    red_flag: str | None


@dataclass
class Metrics:
    """The figures `faq eval` reports; None where the eval set has no case of that kind."""

    cases: int
    recall_at_1: float | None
    recall_at_3: float | None
    mrr: float | None
    no_answer_accuracy: float | None
    urgent_recall: float | None
    false_alarms: int
    failures: list[Failure] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """All figures and failures as plain JSON values."""
        return asdict(self)


def load_cases(path: Path, known_ids: set[str]) -> list[Case]:
    """Read an eval file; EvalFileError listing every bad case with its line."""
    document = read_yaml(path, str(path))
    problems = list(document.problems)
    if not problems and not isinstance(document.data, list):
        problems.append(
            Problem(str(path), 1, "expected a list of cases", "write each case as `- question: ...` then `expect: ...`")
        )
    cases: list[Case] = []
    for index, raw in enumerate(document.data if isinstance(document.data, list) else []):
        line = document.line_of((index,))
        case = _case(raw, line, known_ids, str(path), problems)
        if case is not None:
            cases.append(case)
    if problems:
        raise EvalFileError("\n".join(str(p) for p in problems))
    if not cases:
        raise EvalFileError(f"{path}:1: no cases — add `- question: ...` / `expect: ...` items")
    return cases


def _case(raw: Any, line: int, known_ids: set[str], path: str, problems: list[Problem]) -> Case | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str) or "expect" not in raw:
        problems.append(
            Problem(path, line, "a case needs `question:` (text) and `expect:`", "see README, 'Evaluating'")
        )
        return None
    expect = raw["expect"]
    expected = tuple(str(x) for x in expect) if isinstance(expect, list) else (str(expect),)
    special = {NO_ANSWER, URGENT} & set(expected)
    if not expected or (special and len(expected) > 1):
        problems.append(
            Problem(path, line, "`expect` mixes ids with no-answer/urgent", "use either ids, `no-answer` or `urgent`")
        )
        return None
    unknown = [x for x in expected if x not in known_ids and x not in special]
    if unknown:
        fix = "use an id from the knowledge files, `no-answer` or `urgent`"
        problems.append(Problem(path, line, f"unknown id `{unknown[0]}` in `expect`", fix))
        return None
    return Case(raw["question"], expected, line)


def case_signals(retriever: Retriever, cases: list[Case]) -> list[Signals]:
    """Clean and encode every case once (in one batch) and score it against every entry."""
    return retriever.signals_for([c.question for c in cases])


def run_cases(retriever: Retriever, signals: list[Signals], settings: Settings | None = None) -> list[Result]:
    """The result for every case under `settings` (default: the retriever's own)."""
    return [retriever.decide(s, RANK_DEPTH, settings or retriever.settings) for s in signals]


def score(cases: list[Case], results: list[Result]) -> Metrics:
    """Compute the metrics and list the failures."""
    hits1 = hits3 = 0
    reciprocal = 0.0
    answerable = no_answer_ok = no_answer_total = urgent_ok = urgent_total = false_alarms = 0
    failures = []
    for case, result in zip(cases, results, strict=True):
        returned = [m.entry.id for m in result.matches]
        ok: bool
        if case.kind == URGENT:
            urgent_total += 1
            ok = result.status == "urgent"
            urgent_ok += ok
        else:
            false_alarms += result.status == "urgent"
            if case.kind == NO_ANSWER:
                no_answer_total += 1
                ok = result.status == "no_answer"
                no_answer_ok += ok
            else:
                answerable += 1
                rank = next((i + 1 for i, r in enumerate(returned) if r in case.expect), None)
                hits1 += rank == 1
                hits3 += rank is not None and rank <= 3
                reciprocal += 1 / rank if rank else 0.0
                ok = rank == 1 and result.status == "answered"
        if not ok:
            flag = result.red_flag.flag.id if result.red_flag else None
            failures.append(Failure(case.line, case.question, list(case.expect), result.status, returned[:3], flag))
    return Metrics(
        cases=len(cases),
        recall_at_1=hits1 / answerable if answerable else None,
        recall_at_3=hits3 / answerable if answerable else None,
        mrr=reciprocal / answerable if answerable else None,
        no_answer_accuracy=no_answer_ok / no_answer_total if no_answer_total else None,
        urgent_recall=urgent_ok / urgent_total if urgent_total else None,
        false_alarms=false_alarms,
        failures=failures,
    )


LATEST_FILE = "last-eval.json"


def save_latest(index_dir: Path, eval_file: Path, metrics: Metrics) -> None:
    """Keep the latest figures next to the index, for the staff page."""
    figures = {k: v for k, v in metrics.to_json().items() if k != "failures"}
    record = {
        "file": str(eval_file),
        "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "failures": len(metrics.failures),
        **figures,
    }
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / LATEST_FILE).write_text(json.dumps(record, indent=2) + "\n")


def load_latest(index_dir: Path) -> dict[str, Any] | None:
    """The figures saved by the last `faq eval`, or None."""
    try:
        record: dict[str, Any] = json.loads((index_dir / LATEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    return record
