"""Turning results and eval figures into text for a terminal."""

from __future__ import annotations

from faq.evaluation import Metrics
from faq.report import Report
from faq.retrieval import Result
from faq.schema import Clinic, Entry, OutOfScopeTopic, RedFlag

RULE = "─" * 60


def _with_clinic_details(text: str, clinic: Clinic) -> str:
    return text.format(
        emergency_number=clinic.emergency_number,
        crisis_line=clinic.crisis_line,
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
    )


def care_card(flag: RedFlag, clinic: Clinic) -> str:
    """The red flag's care text with the clinic's numbers filled in."""
    return _with_clinic_details(flag.care, clinic)


def emergency_numbers_text(clinic: Clinic) -> str:
    """The emergency and crisis numbers in English and the languages patients most often write in."""
    number, crisis = clinic.emergency_number, clinic.crisis_line
    return (
        f"In an emergency call {number}. If you are thinking of suicide or self-harm: {crisis}. "
        f"· Emergencia: llame al {number}. Crisis: {crisis}. "
        f"· Emergência: ligue {number}. · Urgence : appelez le {number}. · Notfall: {number} anrufen."
    )


def no_answer_text(topic: OutOfScopeTopic | None, clinic: Clinic) -> str:
    """What a patient reads instead of an answer: the out-of-scope topic's reply, or the clinic's no-answer
    text (also for a draft topic while drafts are not served: the question is still declined)."""
    if topic is None or not clinic.serves(topic):
        return clinic.no_answer
    return _with_clinic_details(topic.reply, clinic)


DRAFT_LABEL = "Sample answer — not yet reviewed by the clinic's clinicians"
"""Shown under a draft answer instead of a sign-off, wherever a patient can read the answer."""


def sign_off_text(entry: Entry, day: str | None = None) -> str:
    """ "Last reviewed 2026-11-01 by Dr. A, PT" for a reviewed entry (`day` overrides the date's format), else
    DRAFT_LABEL: no answer claims a review that did not happen."""
    if entry.reviewed is None or entry.reviewer is None:
        return DRAFT_LABEL
    return f"Last reviewed {day or entry.reviewed.isoformat()} by {entry.reviewer}"


def _entry_block(entry: Entry, score: float) -> str:
    sources = "\n".join(f"  - {s.title}" + (f" <{s.url}>" if s.url else "") for s in entry.sources)
    return (
        f"{entry.question}  [{entry.id}, score {score:.2f}]\n\n{entry.answer.strip()}\n\n"
        f"Sources:\n{sources}\n{sign_off_text(entry)}"
    )


def render_result(result: Result, clinic: Clinic) -> str:
    """A result as a person would want to read it in a terminal, disclaimer last."""
    parts = []
    if result.truncated:
        parts.append("(Your question was very long, so only its beginning was used.)")
    if result.red_flag is not None:
        level = result.red_flag.flag.level.upper()
        parts.append(f"!! {level}: {result.red_flag.flag.title}\n\n{care_card(result.red_flag.flag, clinic).strip()}")
    if result.matches:
        best, *others = result.matches
        parts.append(_entry_block(best.entry, best.score))
        if others:
            parts.append(
                "Also related:\n" + "\n".join(f"  - {m.entry.question}  [{m.entry.id}, {m.score:.2f}]" for m in others)
            )
    elif result.status == "no_answer":
        topic = None if result.out_of_scope is None else result.out_of_scope.topic
        parts.append(no_answer_text(topic, clinic).strip())
        if result.withheld is not None:
            parts.append(
                f"(Staff: the draft `{result.withheld.id}` fits, but drafts are not served "
                f"(`serve_drafts: false` in clinic.yaml) until a clinician signs it off with `faq review`.)"
            )
        if result.suggestions:
            parts.append(
                "Closest topics:\n" + "\n".join(f"  - {m.entry.question}  [{m.entry.id}]" for m in result.suggestions)
            )
    if result.other_language:
        parts.append(emergency_numbers_text(clinic))
    parts.append(clinic.disclaimer.strip())
    return f"\n{RULE}\n".join(parts)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_metrics(metrics: Metrics) -> str:
    """Eval figures followed by each failure and what was returned."""
    lines = [
        f"cases              {metrics.cases}",
        f"recall@1           {_percent(metrics.recall_at_1)}",
        f"recall@3           {_percent(metrics.recall_at_3)}",
        f"MRR                {_percent(metrics.mrr)}",
        f"no-answer accuracy {_percent(metrics.no_answer_accuracy)}",
        f"urgent recall      {_percent(metrics.urgent_recall)}",
        f"false alarms       {metrics.false_alarms}",
    ]
    if metrics.did_you_mean is not None:
        among = _percent(metrics.right_among_choices)
        lines.append(f"did you mean       {_percent(metrics.did_you_mean)} of answerable (right among choices {among})")
    if metrics.right_flag is not None:
        lines.append(f"right flag         {_percent(metrics.right_flag)}")
    if metrics.flags:
        lines.append(f"\n{'red flag':<24} {'urgent':>6} {'caught':>6} {'right':>6} {'false alarms':>12}")
        for flag_id, figures in metrics.flags.items():
            lines.append(
                f"{flag_id:<24} {figures.cases:>6} {figures.caught:>6} {figures.right:>6} {figures.false_alarms:>12}"
            )
    if metrics.failures:
        lines.append(f"\n{len(metrics.failures)} failure(s):")
        for f in metrics.failures:
            flag = f" red flag: {f.red_flag}" if f.red_flag else ""
            got = ", ".join(f.returned) or "-"
            lines.append(
                f"  line {f.line}: {f.question!r}\n    expected {'/'.join(f.expected)}; got {f.status}: {got}{flag}"
            )
    return "\n".join(lines)


def render_report(report: Report) -> str:
    """The staff report for a terminal: counts, grouped problems with suggestions, most-asked entries."""
    c = report.counts
    since = f" since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else ""
    lines = [
        f"Questions{since}: {c['questions']}  answered {c['answered']}  no answer {c['no_answer']}  "
        f"urgent {c['urgent']}  thumbs up {c['thumbs_up']}  thumbs down {c['thumbs_down']}",
    ]
    if report.groups:
        lines.append(f"\nTo review ({len(report.groups)} groups, largest first):")
    for number, group in enumerate(report.groups, 1):
        asked = "; ".join(f'"{q}"' for q in group.questions[:5])
        lines.append(f"\n{number}. {group.count} x {group.label}: {asked}")
        lines.append(f"   nearest entry: {group.nearest_id} (score {group.nearest_score:.2f})")
        if group.suggestion is not None:
            lines.append(f"   suggestion: {group.suggestion.label}")
            lines.extend("     " + line for line in group.suggestion.yaml.rstrip().splitlines())
    if report.most_asked:
        lines.append("\nMost asked:")
        lines.extend(f"  {count:>4}  {entry_id}  {question}" for entry_id, question, count in report.most_asked)
    return "\n".join(lines)
