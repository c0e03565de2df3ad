"""Measuring the assistant on labelled questions: recall, MRR, no-answer accuracy, urgent recall."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from faq.errors import EvalFileError, Problem
from faq.retrieval import Result, Retriever, Signals
from faq.schema import RedFlag, Settings
from faq.triage import RedFlagHit
from faq.yamlfile import read_yaml

NO_ANSWER = "no-answer"
URGENT = "urgent"
NOT_URGENT = "not-urgent"
SPECIAL = frozenset({NO_ANSWER, URGENT, NOT_URGENT})
RANK_DEPTH = 10
SEVERITY = {"urgent": 1, "emergency": 2}
"""A fired flag at least this severe catches a case expecting a less severe one; `crisis` needs a crisis card."""


@dataclass(frozen=True)
class Case:
    """One labelled question: the ids that answer it, or `no-answer`, `urgent` or `not-urgent`.

    An urgent case may name the red flags that fit it (`flags`) and their levels (`levels`).
    """

    question: str
    expect: tuple[str, ...]
    line: int
    flags: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """`answer`, `no-answer`, `urgent` or `not-urgent` (anything but a care card)."""
        return self.expect[0] if self.expect[0] in SPECIAL else "answer"

    def caught_by(self, flag: RedFlag) -> bool:
        """Whether a care card for `flag` serves this urgent case: a named flag, or one at least as severe.

        An emergency shown as merely urgent is a miss; a crisis needs the crisis card (or a named flag).
        """
        if not self.flags or flag.id in self.flags:
            return True
        if flag.level == "crisis" or "crisis" in self.levels:
            return False
        return SEVERITY[flag.level] >= min(SEVERITY[level] for level in self.levels)


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
class FlagFigures:
    """How one red flag did: urgent cases naming it first, caught, caught by it, false alarms it raised."""

    cases: int = 0
    caught: int = 0
    right: int = 0
    false_alarms: int = 0


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
    right_flag: float | None = None
    """Of the urgent cases that name their flags, the share whose card was one of them."""
    flags: dict[str, FlagFigures] = field(default_factory=dict)
    """Per red flag: its urgent cases (by first-named flag), how many were caught, and its false alarms."""
    did_you_mean: float | None = None
    """The share of answerable cases answered with "Did you mean ...?" choices."""
    right_among_choices: float | None = None
    """Of the cases answered with choices, the share whose right entry was among them."""

    def to_json(self) -> dict[str, Any]:
        """All figures and failures as plain JSON values."""
        return asdict(self)


def load_cases(path: Path, known_ids: set[str], flag_levels: Mapping[str, str] | None = None) -> list[Case]:
    """Read an eval file; EvalFileError listing every bad case with its line.

    `flag_levels` maps each red flag id to its level, for cases that name their flag (`flag:`).
    """
    document = read_yaml(path, str(path))
    problems = list(document.problems)
    if not problems and not isinstance(document.data, list):
        problems.append(
            Problem(str(path), 1, "expected a list of cases", "write each case as `- question: ...` then `expect: ...`")
        )
    cases: list[Case] = []
    for index, raw in enumerate(document.data if isinstance(document.data, list) else []):
        line = document.line_of((index,))
        case = _case(raw, line, known_ids, flag_levels or {}, str(path), problems)
        if case is not None:
            cases.append(case)
    if problems:
        raise EvalFileError("\n".join(str(p) for p in problems))
    if not cases:
        raise EvalFileError(f"{path}:1: no cases — add `- question: ...` / `expect: ...` items")
    return cases


def _case(
    raw: Any, line: int, known_ids: set[str], flag_levels: Mapping[str, str], path: str, problems: list[Problem]
) -> Case | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str) or "expect" not in raw:
        problems.append(
            Problem(path, line, "a case needs `question:` (text) and `expect:`", "see README, 'Evaluating'")
        )
        return None
    expect = raw["expect"]
    expected = tuple(str(x) for x in expect) if isinstance(expect, list) else (str(expect),)
    special = SPECIAL & set(expected)
    if not expected or (special and len(expected) > 1):
        fix = "use either ids, `no-answer`, `urgent` or `not-urgent`"
        problems.append(Problem(path, line, "`expect` mixes ids with no-answer/urgent", fix))
        return None
    unknown = [x for x in expected if x not in known_ids and x not in special]
    if unknown:
        fix = "use an id from the knowledge files, `no-answer`, `urgent` or `not-urgent`"
        problems.append(Problem(path, line, f"unknown id `{unknown[0]}` in `expect`", fix))
        return None
    named = raw.get("flag", [])
    flags = tuple(str(x) for x in named) if isinstance(named, list) else (str(named),)
    if flags and expected != (URGENT,):
        problems.append(Problem(path, line, "`flag` on a case that is not urgent", "remove `flag` or expect `urgent`"))
        return None
    unknown = [x for x in flags if x not in flag_levels]
    if unknown:
        fix = "use an id from red_flags.yaml: " + ", ".join(sorted(flag_levels))
        problems.append(Problem(path, line, f"unknown red flag `{unknown[0]}` in `flag`", fix))
        return None
    return Case(raw["question"], expected, line, flags, tuple(flag_levels[x] for x in flags))


def case_signals(retriever: Retriever, cases: list[Case]) -> list[Signals]:
    """Clean and encode every case once (in one batch) and score it against every entry."""
    return retriever.signals_for([c.question for c in cases])


def run_cases(
    retriever: Retriever,
    signals: list[Signals],
    settings: Settings | None = None,
    flags: list[RedFlagHit | None] | None = None,
) -> list[Result]:
    """The result for every case under `settings` (default: the retriever's own); `flags`, triage's
    verdict per case when already known (see `triage_cases`)."""
    settings = settings or retriever.settings
    if flags is None:
        return [retriever.decide(s, RANK_DEPTH, settings) for s in signals]
    return [retriever.decide(s, RANK_DEPTH, settings, f) for s, f in zip(signals, flags, strict=True)]


def triage_cases(retriever: Retriever, signals: list[Signals], settings: Settings) -> list[RedFlagHit | None]:
    """Triage's verdict for every case, to reuse across settings that leave the red-flag ones alone."""
    return [retriever.red_flag(s, settings) for s in signals]


def score(cases: list[Case], results: list[Result]) -> Metrics:
    """Compute the metrics and list the failures."""
    hits1 = hits3 = 0
    reciprocal = 0.0
    answerable = no_answer_ok = no_answer_total = urgent_ok = urgent_total = false_alarms = named = right = 0
    per_flag: dict[str, FlagFigures] = {}
    with_choices = right_choice = 0
    failures = []
    for case, result in zip(cases, results, strict=True):
        returned = [m.entry.id for m in result.matches]
        fired = result.red_flag.flag if result.red_flag else None
        ok: bool
        if case.kind == URGENT:
            urgent_total += 1
            ok = fired is not None and case.caught_by(fired)
            urgent_ok += ok
            if case.flags:
                figures = per_flag.setdefault(case.flags[0], FlagFigures())
                named += 1
                hit = fired is not None and fired.id in case.flags
                figures.cases += 1
                figures.caught += ok
                figures.right += hit
                right += hit
        else:
            false_alarms += fired is not None
            if fired is not None:
                per_flag.setdefault(fired.id, FlagFigures()).false_alarms += 1
            if case.kind == NO_ANSWER:
                no_answer_total += 1
                ok = result.status == "no_answer"
                no_answer_ok += ok
            elif case.kind == NOT_URGENT:
                ok = fired is None
            else:
                answerable += 1
                rank = next((i + 1 for i, r in enumerate(returned) if r in case.expect), None)
                hits1 += rank == 1
                hits3 += rank is not None and rank <= 3
                reciprocal += 1 / rank if rank else 0.0
                if result.choices:
                    with_choices += 1
                    right_choice += any(m.entry.id in case.expect for m in result.choices)
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
        right_flag=right / named if named else None,
        flags=dict(sorted(per_flag.items())),
        did_you_mean=with_choices / answerable if answerable else None,
        right_among_choices=right_choice / with_choices if with_choices else None,
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
