"""Fail-safe loading: no staff mistake or broken file in knowledge/ crashes, hangs or misleads.

Every case ends in a KnowledgeError naming file:line, the problem and the fix (so the app keeps
serving its last good index), and `faq validate` exits 1 with that message, never 3.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from faq.errors import KnowledgeError
from faq.knowledge import load_knowledge

BAD_YAML = sorted((Path(__file__).parent / "data" / "bad_yaml").glob("*.yaml"))
TRIAGE_OFF = "triage would be switched off — restore red_flags.yaml (git checkout knowledge/red_flags.yaml)"


def expected_messages(sample: Path) -> list[str]:
    """The `# expect: ` lines of a sample; read as bytes, since some samples are deliberately not UTF-8."""
    prefix = "# expect: "
    text = sample.read_bytes().decode("utf-8", errors="replace")
    return [line[len(prefix) :] for line in text.splitlines() if line.startswith(prefix)]


def problems(knowledge: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("sample", BAD_YAML, ids=[p.stem for p in BAD_YAML])
def test_bad_yaml_file_reports_exact_problem(sample: Path, knowledge: Path) -> None:
    (knowledge / "bad.yaml").write_bytes(sample.read_bytes())
    assert problems(knowledge) == expected_messages(sample)


def test_alias_bomb_is_refused_in_well_under_a_second(knowledge: Path) -> None:
    (knowledge / "bad.yaml").write_bytes((Path(__file__).parent / "data" / "bad_yaml" / "alias_bomb.yaml").read_bytes())
    started = time.perf_counter()
    with pytest.raises(KnowledgeError, match="YAML anchor `&a0`"):
        load_knowledge(knowledge)
    assert time.perf_counter() - started < 0.5


def test_number_too_long_for_python_in_settings(knowledge: Path) -> None:
    (knowledge / "settings.yaml").write_text("min_score: 0.4\ntop_k: " + "9" * 5000 + "\n")
    assert problems(knowledge) == [
        "knowledge/settings.yaml:2: `top_k` should be a whole number — write a small whole number, e.g. 3"
    ]


def broken_folder(knowledge: Path) -> None:
    (knowledge / "something.yaml").mkdir()


def link_to_own_folder(knowledge: Path) -> None:
    (knowledge / "loop.yaml").symlink_to(".")


def links_in_a_circle(knowledge: Path) -> None:
    (knowledge / "loop.yaml").symlink_to("round.yaml")
    (knowledge / "round.yaml").symlink_to("loop.yaml")


def dangling_link(knowledge: Path) -> None:
    (knowledge / "loop.yaml").symlink_to("moved-away.yaml")


def named_pipe(knowledge: Path) -> None:
    os.mkfifo(knowledge / "loop.yaml")


def link_to_dev_zero(knowledge: Path) -> None:
    (knowledge / "loop.yaml").symlink_to("/dev/zero")


def huge_file(knowledge: Path) -> None:
    with (knowledge / "loop.yaml").open("wb") as file:
        file.truncate(6_000_000)


NOT_ORDINARY = (
    "is not an ordinary file (a pipe, device or socket) — remove it: knowledge files must be ordinary text files"
)
NOT_A_FILE: dict[Callable[[Path], None], str] = {
    broken_folder: "knowledge/something.yaml:1: is a folder, not a file"
    " — remove it, or rename it so its name does not end in .yaml",
    link_to_own_folder: "knowledge/loop.yaml:1: is a link to a folder, not a file — remove the link",
    links_in_a_circle: "knowledge/loop.yaml:1: is a link that cannot be followed"
    " (round.yaml: Too many levels of symbolic links) — remove the link or fix it",
    dangling_link: "knowledge/loop.yaml:1: is a link that points nowhere (moved-away.yaml does not exist)"
    " — remove the link or fix it",
    named_pipe: f"knowledge/loop.yaml:1: {NOT_ORDINARY}",
    link_to_dev_zero: f"knowledge/loop.yaml:1: {NOT_ORDINARY}",
    huge_file: "knowledge/loop.yaml:1: file is larger than 5 MB — split it into several smaller files",
}


@pytest.mark.timeout(10)  # a pipe or /dev/zero used to block or read forever
@pytest.mark.parametrize("make", NOT_A_FILE, ids=[f.__name__ for f in NOT_A_FILE])
def test_what_is_not_a_readable_file_is_reported(make: Callable[[Path], None], knowledge: Path) -> None:
    make(knowledge)
    assert problems(knowledge)[0] == NOT_A_FILE[make]


def test_dangling_red_flags_link_is_not_reported_as_missing(knowledge: Path) -> None:
    (knowledge / "red_flags.yaml").unlink()
    (knowledge / "red_flags.yaml").symlink_to("old/red_flags.yaml")
    assert problems(knowledge) == [
        "knowledge/red_flags.yaml:1: is a link that points nowhere (old/red_flags.yaml does not exist)"
        " — remove the link or fix it"
    ]


def test_a_link_to_a_good_file_is_read(knowledge: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_bytes((knowledge / "basics.yaml").read_bytes())
    (knowledge / "basics.yaml").unlink()
    (knowledge / "basics.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert "does-it-hurt" in [e.id for e in load_knowledge(knowledge).entries]


def test_every_entry_file_emptied_is_an_error(knowledge: Path) -> None:
    (knowledge / "basics.yaml").write_text("# all answers removed\n")
    assert problems(knowledge) == [
        "knowledge/basics.yaml:1: no entries found in knowledge/ — add entries as `- id: ...` (see README)"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, f"knowledge/red_flags.yaml:1: file not found: {TRIAGE_OFF}"),
        ("", f"knowledge/red_flags.yaml:1: no red flags: {TRIAGE_OFF}"),
        ("# nothing urgent\n[]\n", f"knowledge/red_flags.yaml:1: no red flags: {TRIAGE_OFF}"),
    ],
    ids=["missing", "empty", "empty-list"],
)
def test_no_red_flags_is_an_error(content: str | None, expected: str, knowledge: Path) -> None:
    if content is None:
        (knowledge / "red_flags.yaml").unlink()
    else:
        (knowledge / "red_flags.yaml").write_text(content)
    assert problems(knowledge) == [expected]


def test_red_flag_without_triggers_or_examples(knowledge: Path) -> None:
    path = knowledge / "red_flags.yaml"
    text = path.read_text()
    first = text[: text.index("- id: saddle-numbness")]
    silent = re.sub(r"  triggers:\n(    - .*\n)+  examples:\n(    - .*\n)+", "  triggers: []\n  examples: []\n", first)
    assert silent != first
    path.write_text(silent + text[len(first) :])
    assert problems(knowledge) == [
        "knowledge/red_flags.yaml:5: `examples` is empty — add at least one item under `examples:`"
    ]


def fifo_in_knowledge(knowledge: Path) -> None:
    os.mkfifo(knowledge / "notes.yaml")


def impossible_date(knowledge: Path) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("reviewed: 2026-11-01", "reviewed: 2026-02-30", 1))


def alias_bomb(knowledge: Path) -> None:
    (knowledge / "bomb.yaml").write_bytes(
        (Path(__file__).parent / "data" / "bad_yaml" / "alias_bomb.yaml").read_bytes()
    )


def red_flags_emptied(knowledge: Path) -> None:
    (knowledge / "red_flags.yaml").write_text("")


CLI_CASES: dict[Callable[[Path], None], str] = {
    broken_folder: "knowledge/something.yaml:1: is a folder, not a file",
    link_to_dev_zero: "knowledge/loop.yaml:1: is not an ordinary file",
    fifo_in_knowledge: "knowledge/notes.yaml:1: is not an ordinary file",
    impossible_date: "`reviewed` date 2026-02-30 does not exist",
    alias_bomb: "knowledge/bomb.yaml:4: YAML anchor `&a0`",
    red_flags_emptied: TRIAGE_OFF,
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("make", CLI_CASES, ids=[f.__name__ for f in CLI_CASES])
def test_validate_exits_1_with_the_message(
    make: Callable[[Path], None], knowledge: Path, faq: Callable[..., Result]
) -> None:
    make(knowledge)
    result = faq("validate", "--no-collisions", "--knowledge", str(knowledge))
    assert result.exit_code == 1, result.output
    assert CLI_CASES[make] in result.output
    assert "unexpected" not in result.output
