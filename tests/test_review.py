"""`faq review`: a clinician's sign-off written into the knowledge files, changing only the sign-off lines.

Runs the real command on copies of the shipped knowledge/ and of tests/data/kb, and compares the
files line by line (difflib)."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from faq.knowledge import load_knowledge
from faq.roundtrip import dump, round_trip

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "knowledge"
SAMPLE_KB = Path(__file__).parent / "data" / "kb"
REVIEWER = "Dr. A. Example, PT, DPT"
INVENTED_SIGN_OFF = re.compile(r"^  (reviewed|reviewer|review_every): .*\n", re.MULTILINE)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge as drafts (no `reviewed`/`reviewer`/`review_every` lines, as shipped)."""
    target = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, target)
    for path in target.glob("*.yaml"):
        path.write_text(INVENTED_SIGN_OFF.sub("", path.read_text()))
    return target


def diff(before: str, after: str) -> list[str]:
    """The lines added (+) and removed (-), without context."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize(
    "path", [*sorted(SHIPPED.glob("*.yaml")), *sorted(SAMPLE_KB.glob("*.yaml"))], ids=lambda p: p.name
)
def test_a_load_and_save_with_no_change_is_byte_identical(path: Path) -> None:
    yaml = round_trip()
    text = path.read_text(encoding="utf-8")
    assert dump(yaml, yaml.load(text)) == text


def test_review_adds_exactly_the_sign_off_lines(shipped_copy: Path, faq: Callable[..., Result]) -> None:
    comfort, red_flags = shipped_copy / "comfort.yaml", shipped_copy / "red_flags.yaml"
    before = {path: path.read_text() for path in shipped_copy.glob("*.yaml")}
    result = faq("review", "does-it-hurt", "breathing-chest-pain", "--by", REVIEWER, "--knowledge", str(shipped_copy))
    assert result.exit_code == 0, result.output
    today = dt.date.today().isoformat()
    added = ["+  status: reviewed", f"+  reviewed: {today}", f'+  reviewer: "{REVIEWER}"']
    assert diff(before[comfort], comfort.read_text()) == added
    assert diff(before[red_flags], red_flags.read_text()) == added
    untouched = [p for p in before if p not in (comfort, red_flags)]
    assert all(p.read_text() == before[p] for p in untouched)
    lines = comfort.read_text().splitlines()
    at = lines.index("- id: does-it-hurt")
    assert lines[at + 1 : at + 4] == [line[1:] for line in added]  # right under its id
    assert f"Recorded the sign-off of 2 item(s) by {REVIEWER} on {today}:" in result.output
    assert "knowledge/comfort.yaml:5  does-it-hurt" in result.output
    assert "Patients see it after `faq build`" in result.output
    kb = load_knowledge(shipped_copy)
    signed = kb.entry("does-it-hurt")
    assert (signed.status, signed.reviewed, signed.reviewer) == ("reviewed", dt.date.today(), REVIEWER)
    assert next(f for f in kb.red_flags if f.id == "breathing-chest-pain").is_reviewed


def test_review_again_replaces_the_date_and_reviewer_in_place(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    before = basics.read_text()
    result = faq("review", "does-it-hurt", "--by", "Dr. B. Example, DC", "--knowledge", str(knowledge))
    assert result.exit_code == 0, result.output
    assert diff(before, basics.read_text()) == [
        "-  reviewed: 2026-11-01",
        "-  reviewer: Test Reviewer, PT",
        f"+  reviewed: {dt.date.today().isoformat()}",
        '+  reviewer: "Dr. B. Example, DC"',
    ]


def test_all_with_yes_signs_off_every_item_and_nothing_else(shipped_copy: Path, faq: Callable[..., Result]) -> None:
    before = {path: path.read_text() for path in shipped_copy.glob("*.yaml")}
    result = faq("review", "--all", "--yes", "--by", REVIEWER, "--knowledge", str(shipped_copy))
    assert result.exit_code == 0, result.output
    kb = load_knowledge(shipped_copy)
    items = [*kb.entries, *kb.red_flags, *kb.out_of_scope]
    assert all(item.is_reviewed and item.reviewer == REVIEWER for item in items)
    changed = [line for path in before for line in diff(before[path], path.read_text())]
    assert len(changed) == 3 * len(items)
    assert all(re.fullmatch(r"\+  (status|reviewed|reviewer): .*", line) for line in changed)
    assert (shipped_copy / "triage_training.yaml").read_text() == before[shipped_copy / "triage_training.yaml"]


def test_all_asks_first_and_no_leaves_every_file_alone(shipped_copy: Path, faq: Callable[..., Result]) -> None:
    before = {path: path.read_text() for path in shipped_copy.glob("*.yaml")}
    result = faq("review", "--all", "--by", REVIEWER, "--knowledge", str(shipped_copy), input="n\n")
    assert result.exit_code == 1
    kb = load_knowledge(shipped_copy)
    counts = f"{len(kb.entries)} entries, {len(kb.red_flags)} red flags and {len(kb.out_of_scope)} out-of-scope topics"
    assert f"Record that {REVIEWER} has reviewed all {counts} not yet signed off?" in result.output
    assert "Aborted!" in result.output
    assert all(path.read_text() == text for path, text in before.items())


def test_unknown_id_names_the_nearest_and_changes_nothing(knowledge: Path, faq: Callable[..., Result]) -> None:
    before = (knowledge / "basics.yaml").read_text()
    result = faq("review", "does-it-hurt", "does-it-hrut", "--by", REVIEWER, "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no entry, red flag or out-of-scope topic has the id `does-it-hrut` (did you mean `does-it-hurt`?) "
        "— use the `id:` written in the knowledge files; nothing was changed\n"
    )
    assert (knowledge / "basics.yaml").read_text() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", REVIEWER], "name the ids to sign off, or give --all (not both)"),
        (["does-it-hurt", "--all", "--by", REVIEWER], "name the ids to sign off, or give --all (not both)"),
        (["does-it-hurt", "--by", "  "], "the reviewer's name is empty"),
        (["does-it-hurt"], "Missing option '--by'"),
    ],
)
def test_usage_mistakes(knowledge: Path, faq: Callable[..., Result], args: list[str], message: str) -> None:
    result = faq("review", *args, "--knowledge", str(knowledge))
    assert result.exit_code in (1, 2)
    assert message in result.output


def test_a_file_it_cannot_keep_as_written_is_refused_untouched(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    odd = basics.read_text().replace("  tags: [pain]\n", "  tags: [ pain ]\n")  # ruamel would respace the list
    basics.write_text(odd)
    result = faq("review", "does-it-hurt", "--by", REVIEWER, "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert "knowledge/basics.yaml cannot be edited without changing more than the sign-off lines" in result.output
    assert "add these lines by hand under `does-it-hurt` (line 18)" in result.output
    assert basics.read_text() == odd


def test_the_file_is_replaced_whole_with_its_permissions(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    os.chmod(basics, 0o640)
    inode = basics.stat().st_ino
    assert faq("review", "serious-risks", "--by", REVIEWER, "--knowledge", str(knowledge)).exit_code == 0
    assert basics.stat().st_mode & 0o777 == 0o640
    assert basics.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert sorted(p.name for p in knowledge.iterdir()) == ["basics.yaml", "clinic.yaml", "red_flags.yaml"]


def test_a_file_with_a_key_written_twice_is_refused_with_the_fix(knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    edit = basics.read_text().replace("  category: Comfort\n", "  category: Comfort\n  category: Pain\n")
    basics.write_text(edit)
    result = faq("review", "does-it-hurt", "--by", REVIEWER, "--knowledge", str(knowledge))
    assert result.exit_code == 1
    assert "knowledge/basics.yaml cannot be edited (found duplicate key" in result.output
    assert "— run `faq validate`, fix it, then review" in result.output
    assert basics.read_text() == edit
