"""The go-live check (`faq validate --go-live`): what a clinic must change before patients see the assistant.

The shipped knowledge is sample content for a fictional clinic: placeholder phone numbers and web
addresses, a sample name, and answers no clinician has signed off. Each of those, and anything else a
live clinic must decide for itself, is one problem with its file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from faq.errors import Problem
from faq.knowledge import CLINIC_FILE, SETTINGS_FILE, TRIAGE_TRAINING_FILE, KnowledgeBase, review_command
from faq.schema import Entry, OutOfScopeTopic, RedFlag
from faq.validation import overdue_reviews
from faq.yamlfile import read_yaml

SAMPLE_CLINIC_NAME = "Riverside Spine & Sports Physical Therapy"
"""The shipped sample clinic's name (without its "(sample clinic)" mark)."""

PLACEHOLDER_PHONE = re.compile(r"\(?\b555\)?[\s.-]*\d{3}[\s.-]*\d{4}\b|\b555[\s.-]*01\d\d\b")
"""Area code 555 (never assigned) or 555-0100 to 555-0199 (kept for fiction): numbers nobody answers."""
PLACEHOLDER_DOMAIN = re.compile(
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:example|test|invalid|localhost)\b|\bexample\.(?:com|net|org)\b", re.IGNORECASE
)
"""Domains reserved for examples and tests (RFC 2606): web addresses and emails that reach nobody."""
NOT_SHOWN = frozenset({SETTINGS_FILE, TRIAGE_TRAINING_FILE})
"""Top-level files patients never read, so their placeholders do not matter."""


def go_live_problems(kb: KnowledgeBase, folder: Path, today: dt.date) -> list[Problem]:
    """Everything to change before go-live, as a checklist by kind: placeholders, then clinic.yaml (the
    sample name, `state`, the emergency number and crisis line, `serve_drafts`), drafts, overdue reviews."""
    problems = [*_placeholders(folder), *_clinic(kb, folder)]
    items: list[Entry | RedFlag | OutOfScopeTopic] = [*kb.entries, *kb.red_flags, *kb.out_of_scope]
    for item in items:
        if not item.is_reviewed:
            origin = kb.origins[item.id]
            fix = f"have a clinician check it and its sources, then run {review_command(item.id)}"
            problems.append(Problem(origin.file, origin.line, f"`{item.id}` is a draft nobody has signed off", fix))
    problems += overdue_reviews(kb, today, strict=True)
    return problems


def _shown_files(folder: Path) -> list[Path]:
    files = sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])
    return [p for p in files if not (p.parent == folder and p.name in NOT_SHOWN)]


def _placeholders(folder: Path) -> list[Problem]:
    """Each line (comments aside) with a fictional phone number or a reserved example domain."""
    problems = []
    for path in _shown_files(folder):
        display = str(Path(folder.name) / path.relative_to(folder))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # already reported by `faq validate`
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            phones = sorted(set(PLACEHOLDER_PHONE.findall(line)))
            if phones:
                fix = "write the clinic's real phone number (555 numbers are fictional)"
                problems.append(Problem(display, number, f"placeholder phone number {', '.join(phones)}", fix))
            domains = sorted({m.group(0) for m in PLACEHOLDER_DOMAIN.finditer(line)})
            if domains:
                fix = "write the clinic's real web address or email (example domains reach nobody)"
                problems.append(Problem(display, number, f"placeholder address {', '.join(domains)}", fix))
    return problems


def _clinic(kb: KnowledgeBase, folder: Path) -> list[Problem]:
    """clinic.yaml: the sample name, and what each clinic must state for itself."""
    display = str(Path(folder.name) / CLINIC_FILE)
    document = read_yaml(folder / CLINIC_FILE, display)
    written = document.data if isinstance(document.data, dict) else {}
    clinic = kb.clinic
    problems = []

    def add(field: str, message: str, fix: str) -> None:
        problems.append(Problem(display, document.line_of((field,)), message, fix))

    name = " ".join(clinic.name.split())
    if "sample" in name.lower() or name == SAMPLE_CLINIC_NAME:
        add("name", f"`name` is the sample clinic ({name})", "write your clinic's name")
    if clinic.state is None:
        fix = "add `state:` with the US state you practise in (who may dry-needle, and how, is state law)"
        add("state", "`state` is missing", fix)
    for field, what in (("emergency_number", "the emergency number"), ("crisis_line", "the crisis line")):
        value = getattr(clinic, field)
        if field not in written:
            add(field, f"`{field}` is not written (the default {value!r} is used)", f"write {what} for your area")
        elif not re.search(r"\d", value):
            add(field, f"`{field}` has no number to call", f"write {what} with its number")
    if clinic.serve_drafts:
        fix = "set `serve_drafts: false` (or delete the line) once every answer is signed off"
        add("serve_drafts", "`serve_drafts: true` gives patients answers no clinician has reviewed", fix)
    return problems
