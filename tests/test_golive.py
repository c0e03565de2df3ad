"""`faq validate --go-live`: everything a clinic must change before patients see the assistant, each
with its file and line; exit 1 while anything remains, 0 on a clinic that is ready (tests/data/live_kb)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).parent.parent / "knowledge"
INVENTED_SIGN_OFF = re.compile(r"^  (reviewed|reviewer|review_every): .*\n", re.MULTILINE)


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A copy of the ready clinic, reviewed today (so it is never overdue, whenever the test runs)."""
    target = tmp_path / "knowledge"
    shutil.copytree(DATA / "live_kb", target)
    for path in target.glob("*.yaml"):
        path.write_text(re.sub(r"reviewed: \d{4}-\d\d-\d\d", f"reviewed: {dt.date.today()}", path.read_text()))
    return target


def go_live(faq: Callable[..., Result], knowledge: Path) -> Result:
    return faq("validate", "--go-live", "--no-collisions", "--knowledge", str(knowledge))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_ready_clinic_passes(live: Path, faq: Callable[..., Result]) -> None:
    result = go_live(faq, live)
    assert result.exit_code == 0, result.output
    assert "Ready for go-live: every item is signed off and nothing is left from the sample clinic." in result.output
    assert faq("validate", "--no-collisions", "--knowledge", str(live)).exit_code == 0


CASES = {
    "placeholder-phone": (
        ("clinic.yaml", 'phone: "(217) 246-1900"', 'phone: "(555) 014-2380"'),
        "knowledge/clinic.yaml:3: placeholder phone number (555) 014-2380 — write the clinic's real phone number "
        "(555 numbers are fictional)",
    ),
    "fictional-number-in-an-answer": (
        ("basics.yaml", "Call us at (217) 246-1900.", "Call us at 555-0142."),
        "knowledge/basics.yaml:11: placeholder phone number 555-0142",
    ),
    "example-domain": (
        ("clinic.yaml", "https://www.prairielakes-pt.com/book", "https://prairie-lakes.example/book"),
        "knowledge/clinic.yaml:4: placeholder address prairie-lakes.example — write the clinic's real web address "
        "or email (example domains reach nobody)",
    ),
    "example-org-source": (
        ("basics.yaml", "https://www.apta.org/your-practice/scope-of-practice/dry-needling", "https://example.org/a"),
        "knowledge/basics.yaml:15: placeholder address example.org",
    ),
    "sample-clinic-name": (
        ("clinic.yaml", "name: Prairie Lakes Physical Therapy", "name: Prairie Lakes PT (sample clinic)"),
        "knowledge/clinic.yaml:2: `name` is the sample clinic (Prairie Lakes PT (sample clinic)) — write your "
        "clinic's name",
    ),
    "shipped-sample-name": (
        ("clinic.yaml", "name: Prairie Lakes Physical Therapy", "name: Riverside Spine & Sports Physical Therapy"),
        "knowledge/clinic.yaml:2: `name` is the sample clinic (Riverside Spine & Sports Physical Therapy)",
    ),
    "missing-state": (
        ("clinic.yaml", "state: Illinois\n", ""),
        "knowledge/clinic.yaml:2: `state` is missing — add `state:` with the US state you practise in "
        "(who may dry-needle, and how, is state law)",
    ),
    "emergency-number-not-written": (
        ("clinic.yaml", 'emergency_number: "911"\n', ""),
        "knowledge/clinic.yaml:2: `emergency_number` is not written (the default '911' is used) — write the "
        "emergency number for your area",
    ),
    "crisis-line-not-written": (
        ("clinic.yaml", 'crisis_line: "988 Suicide & Crisis Lifeline (call or text 988)"\n', ""),
        "knowledge/clinic.yaml:2: `crisis_line` is not written (the default '988 Suicide & Crisis Lifeline (call or "
        "text 988)' is used) — write the crisis line for your area",
    ),
    "crisis-line-without-a-number": (
        ("clinic.yaml", '"988 Suicide & Crisis Lifeline (call or text 988)"', "the local crisis team"),
        "knowledge/clinic.yaml:8: `crisis_line` has no number to call — write the crisis line with its number",
    ),
    "serving-drafts": (
        ("clinic.yaml", "state: Illinois\n", "state: Illinois\nserve_drafts: true\n"),
        "knowledge/clinic.yaml:7: `serve_drafts: true` gives patients answers no clinician has reviewed — set "
        "`serve_drafts: false` (or delete the line) once every answer is signed off",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_thing_to_change_is_named_with_its_line(live: Path, faq: Callable[..., Result], case: str) -> None:
    (name, old, new), expected = CASES[case]
    edit(live / name, old, new)
    result = go_live(faq, live)
    assert result.exit_code == 1
    assert "Error: not ready for go-live: 1 thing to change before patients see this assistant:" in result.output
    assert expected in result.output


def test_drafts_are_listed_with_the_command_that_signs_them_off(live: Path, faq: Callable[..., Result]) -> None:
    for name in ("basics.yaml", "red_flags.yaml"):
        path = live / name
        path.write_text(re.sub(r"  status: reviewed\n  reviewed: .*\n  reviewer: .*\n", "", path.read_text()))
    result = go_live(faq, live)
    assert result.exit_code == 1
    assert "3 things to change" in result.output
    assert (
        "knowledge/basics.yaml:2: `what-is-dry-needling` is a draft nobody has signed off — have a clinician check it "
        'and its sources, then run `faq review what-is-dry-needling --by "Name, credentials"`'
    ) in result.output
    assert "knowledge/basics.yaml:14: `does-it-hurt` is a draft nobody has signed off" in result.output
    assert "knowledge/red_flags.yaml:1: `breathing-chest-pain` is a draft nobody has signed off" in result.output


def test_an_overdue_review_blocks_go_live(live: Path, faq: Callable[..., Result]) -> None:
    edit(live / "red_flags.yaml", f"reviewed: {dt.date.today()}", "reviewed: 2020-01-15")
    result = go_live(faq, live)
    assert result.exit_code == 1
    assert "knowledge/red_flags.yaml:3: `breathing-chest-pain` was due for review on 2021-01-15" in result.output
    assert faq("validate", "--no-collisions", "--knowledge", str(live)).exit_code == 0  # a warning without --go-live


def test_the_shipped_sample_clinic_is_not_ready(tmp_path: Path, faq: Callable[..., Result]) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, knowledge)
    for path in knowledge.glob("*.yaml"):  # as shipped: no invented sign-offs
        path.write_text(INVENTED_SIGN_OFF.sub("", path.read_text()))
    result = go_live(faq, knowledge)
    assert result.exit_code == 1
    assert re.search(r"knowledge/clinic.yaml:\d+: placeholder phone number \(555\) 014-2380", result.output)
    assert re.search(r"knowledge/clinic.yaml:\d+: `name` is the sample clinic", result.output)
    assert "`does-it-hurt` is a draft nobody has signed off" in result.output
    assert "`breathing-chest-pain` is a draft nobody has signed off" in result.output
    assert "`medicines` is a draft nobody has signed off" in result.output
