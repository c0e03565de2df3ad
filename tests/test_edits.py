"""Staff edits (faq.edits, faq.history and the `faq alternate` / `faq entry` / `faq flag` / `faq topic` /
`faq history` / `faq undo` commands): each changes only the lines it should, is checked like `faq validate`
first, never overwrites a newer file, and is recorded in git or as a snapshot so it can be undone.

Runs on copies of the shipped knowledge/ and of tests/data/kb in tmp_path, compares files line by line
(difflib), uses real git repositories and the real bundled model for the collision check."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from faq.edits import (
    EDITABLE_FIELDS,
    RED_FLAG,
    TOPIC,
    open_item,
    propose_alternate,
    propose_alternate_removal,
    propose_deletion,
    propose_edit,
    propose_new_entry,
)
from faq.embedding import Encoder
from faq.errors import CollisionError, EditConflictError, EditError, HistoryError, InvalidEditError
from faq.history import propose_undo, recent_changes, save, staff_identity, undo_last
from faq.knowledge import SPECIAL_FILES, load_knowledge
from faq.roundtrip import dump, round_trip

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "knowledge"
ENTRY_FILES = sorted(p for p in SHIPPED.glob("*.yaml") if p.name not in SPECIAL_FILES)
STAFF = "Sam Lee"
NEW_ENTRY = {
    "question": "Is parking free?",
    "answer": "Yes, parking behind the clinic is free.\n\nAsk at the desk for a permit.",
    "category": "Practical",
    "tags": ["parking"],
    "sources": [{"title": "Clinic front desk", "citation": "Sample clinic, 2026"}],
}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="the git command is not installed")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge/ (tests never write into knowledge/ itself)."""
    target = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def changed_lines(before: str, after: str) -> list[str]:
    """The lines added (+) and removed (-), without context."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository holding a copy of the sample knowledge, committed once."""
    root = tmp_path / "clinic"
    shutil.copytree(Path(__file__).parent / "data" / "kb", root / "knowledge")
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Clinic Admin")
    git(root, "config", "user.email", "admin@clinic.invalid")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Knowledge as installed")
    return root


# Round trips and exact diffs


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_loads_and_saves_byte_for_byte(path: Path) -> None:
    yaml = round_trip()
    text = path.read_text(encoding="utf-8")
    assert dump(yaml, yaml.load(text)) == text


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.name)
def test_an_edit_that_changes_nothing_leaves_the_file_byte_identical(path: Path, shipped_copy: Path) -> None:
    ids = [item["id"] for item in round_trip().load(path.read_text())]
    for entry_id in (ids[0], ids[-1]):
        fields = open_item(shipped_copy, entry_id).fields
        unchanged = {name: fields[name] for name in ("question", "answer", "alternates", "tags") if name in fields}
        edit = propose_edit(shipped_copy, entry_id, unchanged)
        assert edit.after == edit.before == path.read_text()
    with pytest.raises(EditError, match="would not change"):
        save(edit, author=STAFF, data_dir=shipped_copy.parent / "data")


def test_add_alternate_adds_one_line_and_remove_takes_it_away(shipped_copy: Path, data: Path) -> None:
    comfort = shipped_copy / "comfort.yaml"
    original = comfort.read_text()
    saved = save(propose_alternate(shipped_copy, "does-it-hurt", "will the needles sting"), author=STAFF, data_dir=data)
    assert changed_lines(original, comfort.read_text()) == ["+    - will the needles sting"]
    assert load_knowledge(shipped_copy).entry("does-it-hurt").alternates[-1] == "will the needles sting"
    after_add = comfort.read_text()
    removal = propose_alternate_removal(shipped_copy, "does-it-hurt", "will the needles sting", version=saved.version)
    save(removal, author=STAFF, data_dir=data)
    assert changed_lines(after_add, comfort.read_text()) == ["-    - will the needles sting"]
    assert comfort.read_text() == original
    assert all((shipped_copy / p.name).read_text() == p.read_text() for p in SHIPPED.glob("*.yaml"))


def test_an_alternate_added_before_a_blank_line_and_comment_goes_above_them(knowledge: Path, data: Path) -> None:
    """ruamel.yaml hangs the blank line and the next item's comment on the entry's last value."""
    basics = knowledge / "basics.yaml"
    alternates = "  alternates:\n    - does it hurt??\n    - how painful is it\n    - will the needles be painful\n"
    text = basics.read_text().replace(alternates, "", 1)
    text = text.replace(
        "  related: [what-is-dry-needling]\n- id: serious-risks",
        f"  related: [what-is-dry-needling]\n{alternates}\n# next\n- id: serious-risks",
    )
    basics.write_text(text)
    save(propose_alternate(knowledge, "does-it-hurt", "one more"), author=STAFF, data_dir=data)
    assert changed_lines(text, basics.read_text()) == ["+    - one more"]
    lines = basics.read_text().splitlines()
    at = lines.index("    - one more")
    assert lines[at - 1 : at + 3] == ["    - will the needles be painful", "    - one more", "", "# next"]


@pytest.mark.parametrize("kind", [RED_FLAG, TOPIC])
def test_a_red_flag_or_topic_edit_that_changes_nothing_leaves_the_file_byte_identical(
    kind: str, shipped_copy: Path
) -> None:
    kb = load_knowledge(shipped_copy)
    items = kb.red_flags if kind == RED_FLAG else kb.out_of_scope
    path = shipped_copy / ("red_flags.yaml" if kind == RED_FLAG else "out_of_scope.yaml")
    for item in (items[0], items[-1]):  # the last one: its block ends the file
        fields = open_item(shipped_copy, item.id, (kind,)).fields
        edit = propose_edit(shipped_copy, item.id, {n: fields[n] for n in EDITABLE_FIELDS[kind] if n in fields})
        assert edit.after == edit.before == path.read_text(), item.id


def sign_off(folder: Path, item_id: str) -> None:
    """What `faq review ITEM --by ...` writes: the item signed off by a clinician."""
    from faq.signoff import choose, record_review, signable_items

    record_review(choose(signable_items(folder), [item_id]), "Dr Ana Ruiz, PT, DPT", dt.date(2026, 11, 2))


def test_changing_signed_off_words_returns_the_item_to_draft(shipped_copy: Path, data: Path) -> None:
    sign_off(shipped_copy, "does-it-hurt")
    comfort = shipped_copy / "comfort.yaml"
    signed = comfort.read_text()
    tags = propose_edit(shipped_copy, "does-it-hurt", {"tags": ["pain", "comfort", "needles"]})
    assert not tags.sign_off_removed and "status: reviewed" in (tags.after or "")
    edit = propose_edit(shipped_copy, "does-it-hurt", {"answer": "Most people feel a brief ache."})
    assert edit.sign_off_removed
    assert edit.summary == "Edit answer of does-it-hurt (back to draft: a clinician signs it off again)"
    save(edit, author=STAFF, data_dir=data)
    diff = changed_lines(signed, comfort.read_text())
    assert sorted(line for line in diff if "status" in line or "review" in line) == [
        "+  status: draft",
        "-  reviewed: 2026-11-02",
        '-  reviewer: "Dr Ana Ruiz, PT, DPT"',
        "-  status: reviewed",
    ]
    entry = load_knowledge(shipped_copy).entry("does-it-hurt")
    assert not entry.is_reviewed and entry.answer == "Most people feel a brief ache."


def test_the_command_says_when_a_sign_off_was_removed(
    shipped_copy: Path, data: Path, faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(shipped_copy))
    monkeypatch.setenv("FAQ_DATA", str(data))
    sign_off(shipped_copy, "does-it-hurt")
    edited = faq("entry", "edit", "does-it-hurt", "--answer-file", "-", "--by", STAFF, input="A brief ache.\n")
    assert edited.exit_code == 0, edited.output
    assert "Its sign-off was removed: a clinician signs the new words off with `faq review does-it-hurt" in (
        edited.output
    )


def test_red_flag_and_topic_edits_change_only_their_lines_and_are_validated(shipped_copy: Path, data: Path) -> None:
    flags, topics = shipped_copy / "red_flags.yaml", shipped_copy / "out_of_scope.yaml"
    before = flags.read_text()
    examples = [
        *open_item(shipped_copy, "infection").fields["examples"],
        "the needle spot on my calf is hot and oozing",
    ]
    save(propose_edit(shipped_copy, "infection", {"examples": examples}), author=STAFF, data_dir=data)
    assert changed_lines(before, flags.read_text()) == ["+    - the needle spot on my calf is hot and oozing"]
    with pytest.raises(InvalidEditError) as typo:
        propose_edit(shipped_copy, "crisis", {"care": "Please call {crisis_lin} or {emergency_number}."})
    assert [p.file for p in typo.value.problems] == ["knowledge/red_flags.yaml"]  # no echo from the training file
    assert "unknown placeholder {crisis_lin}" in str(typo.value)
    with pytest.raises(EditError, match="cannot be edited in a red flag — edit one of title, level"):
        propose_edit(shipped_copy, "crisis", {"answer": "Call us."})
    with pytest.raises(EditError, match=r"`crisis` is a red flag \(knowledge/red_flags.yaml:\d+\), not an entry"):
        propose_edit(shipped_copy, "crisis", {"title": "x"}, kind="entry")
    old = topics.read_text()
    reply = "Sorry, I can't advise on medicines.\n\nYour pharmacist can help: or call {clinic_phone}."
    save(propose_edit(shipped_copy, "medicines", {"reply": reply}), author=STAFF, data_dir=data)
    assert load_knowledge(shipped_copy).out_of_scope[0].reply.strip() == reply
    assert all(line.startswith(("-    ", "+    ", "+")) for line in changed_lines(old, topics.read_text()))


def test_deleting_a_red_flag_needs_a_second_confirmation_and_its_training_gone(shipped_copy: Path, data: Path) -> None:
    flags = shipped_copy / "red_flags.yaml"
    with pytest.raises(EditError, match="`retained-needle` is a red flag: deleting it stops its urgent-care card"):
        propose_deletion(shipped_copy, "retained-needle")
    with pytest.raises(InvalidEditError) as training:
        propose_deletion(shipped_copy, "retained-needle", confirm_red_flag=True)
    assert "triage_training.yaml" in str(training.value)
    assert "delete this `flag: retained-needle` group" in str(training.value)
    _drop_training_group(shipped_copy / "triage_training.yaml", "retained-needle")
    save(propose_deletion(shipped_copy, "retained-needle", confirm_red_flag=True), author=STAFF, data_dir=data)
    assert "id: retained-needle" not in flags.read_text()
    assert "retained-needle" not in [f.id for f in load_knowledge(shipped_copy).red_flags]


def _drop_training_group(path: Path, flag: str) -> None:
    """What staff do by hand before deleting a red flag: remove its `- flag:` group of training messages."""
    yaml = round_trip()
    groups = yaml.load(path.read_text())
    path.write_text(dump(yaml, [g for g in groups if g["flag"] != flag]))


def test_editing_an_answer_changes_only_that_answer(shipped_copy: Path, data: Path) -> None:
    comfort = shipped_copy / "comfort.yaml"
    before = comfort.read_text()
    old_answer = load_knowledge(shipped_copy).entry("does-it-hurt").answer
    answer = "Most people feel a brief ache.\n\nTell your therapist if it is too much."
    save(propose_edit(shipped_copy, "does-it-hurt", {"answer": answer}), author=STAFF, data_dir=data)
    diff = changed_lines(before, comfort.read_text())
    removed = [line[1:] for line in diff if line.startswith("-")]
    added = [line[1:] for line in diff if line.startswith("+")]
    assert removed == [("    " + line).rstrip() for line in old_answer.rstrip("\n").split("\n")]
    assert added == ["    Most people feel a brief ache.", "", "    Tell your therapist if it is too much."]
    kb = load_knowledge(shipped_copy)
    assert kb.entry("does-it-hurt").answer == answer
    others = load_knowledge(SHIPPED)
    assert [e for e in kb.entries if e.id != "does-it-hurt"] == [e for e in others.entries if e.id != "does-it-hurt"]


def test_lists_keep_their_style_and_an_emptied_list_is_removed(knowledge: Path, data: Path) -> None:
    basics = knowledge / "basics.yaml"
    before = basics.read_text()
    edit = propose_edit(knowledge, "does-it-hurt", {"tags": ["pain", "needles"], "related": []})
    save(edit, author=STAFF, data_dir=data)
    assert edit.summary == "Edit tags and related of does-it-hurt"
    assert changed_lines(before, basics.read_text()) == [
        "-  tags: [pain]",
        "+  tags: [pain, needles]",
        "-  related: [what-is-dry-needling]",
    ]


def test_a_new_entry_is_found_and_deleting_it_removes_exactly_it(knowledge: Path, data: Path) -> None:
    basics = knowledge / "basics.yaml"
    before = basics.read_text()
    saved = save(propose_new_entry(knowledge, "parking", NEW_ENTRY), author=STAFF, data_dir=data)
    kb = load_knowledge(knowledge)
    parking = kb.entry("parking")
    assert (parking.question, parking.category, parking.status) == ("Is parking free?", "Practical", "draft")
    assert parking.answer == NEW_ENTRY["answer"]
    assert kb.origins["parking"].file == "knowledge/basics.yaml"  # the file of its category
    assert basics.read_text().startswith(before)
    assert basics.read_text()[len(before) :].splitlines()[:2] == ["- id: parking", "  question: Is parking free?"]
    save(propose_deletion(knowledge, "parking", version=saved.version), author=STAFF, data_dir=data)
    assert basics.read_text() == before


def test_deleting_an_entry_removes_its_lines_and_one_blank_line(shipped_copy: Path, data: Path) -> None:
    sessions = shipped_copy / "sessions.yaml"
    before = sessions.read_text()
    count = len(load_knowledge(shipped_copy).entries)
    save(propose_deletion(shipped_copy, "water-alcohol-caffeine"), author=STAFF, data_dir=data)
    removed = changed_lines(before, sessions.read_text())
    assert all(line.startswith("-") for line in removed)
    assert removed[0] == "-- id: water-alcohol-caffeine" and removed[-1] == "-"
    kb = load_knowledge(shipped_copy)
    assert len(kb.entries) == count - 1
    assert "water-alcohol-caffeine" not in {e.id for e in kb.entries}
    assert "\n\n\n" not in sessions.read_text()


def test_a_new_entry_of_a_new_category_gets_its_own_file(knowledge: Path, data: Path) -> None:
    save(
        propose_new_entry(knowledge, "parking", {**NEW_ENTRY, "category": "Getting here"}), author=STAFF, data_dir=data
    )
    assert load_knowledge(knowledge).origins["parking"].file == "knowledge/getting-here.yaml"


# Refused edits


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": " "}, "knowledge/basics.yaml:19: `question` is empty — write the text after `question:`"),
        (
            {"related": ["serious-risk"]},
            "knowledge/basics.yaml:34: `related` of `does-it-hurt` names unknown id `serious-risk` "
            "— use an existing id (did you mean `serious-risks`?)",
        ),
    ],
)
def test_an_edit_that_breaks_validation_is_refused_and_writes_nothing(
    knowledge: Path, changes: dict[str, object], message: str
) -> None:
    before = (knowledge / "basics.yaml").read_text()
    with pytest.raises(InvalidEditError) as refused:
        propose_edit(knowledge, "does-it-hurt", changes)
    assert str(refused.value) == f"the edit would add 1 problem, so nothing was written:\n{message}"
    assert (knowledge / "basics.yaml").read_text() == before


def test_deleting_an_entry_others_name_in_related_says_where(knowledge: Path) -> None:
    with pytest.raises(InvalidEditError) as refused:
        propose_deletion(knowledge, "does-it-hurt")
    assert [str(p) for p in refused.value.problems] == [
        "knowledge/basics.yaml:17: `related` of `what-is-dry-needling` names unknown id `does-it-hurt` "
        "— remove `does-it-hurt` from this `related` list first"
    ]


def test_a_duplicate_id_for_a_new_entry_is_refused(knowledge: Path) -> None:
    with pytest.raises(InvalidEditError, match="duplicate id `does-it-hurt`"):
        propose_new_entry(knowledge, "does-it-hurt", NEW_ENTRY)


def test_unknown_ids_and_phrasings_name_the_nearest(knowledge: Path) -> None:
    with pytest.raises(EditError) as unknown:
        propose_alternate(knowledge, "does-it-hrut", "ouch")
    assert str(unknown.value) == (
        "no entry has the id `does-it-hrut` (did you mean `does-it-hurt`?) "
        "— use the `id:` written in the knowledge files"
    )
    with pytest.raises(EditError) as missing:
        propose_alternate_removal(knowledge, "does-it-hurt", "how painfull is it")
    assert str(missing.value) == (
        "`does-it-hurt` has no alternate 'how painfull is it' (did you mean 'how painful is it'?) "
        "(knowledge/basics.yaml:18) — give the phrasing exactly as written under `alternates:`"
    )
    with pytest.raises(EditError, match="already has the phrasing 'how painful is it'"):
        propose_alternate(knowledge, "does-it-hurt", "how  painful is it")


def test_a_second_save_from_the_same_loaded_version_is_refused(knowledge: Path, data: Path) -> None:
    basics = knowledge / "basics.yaml"
    loaded = open_item(knowledge, "does-it-hurt").version
    first = propose_alternate(knowledge, "does-it-hurt", "first staff member", version=loaded)
    second = propose_alternate(knowledge, "does-it-hurt", "second staff member", version=loaded)
    save(first, author="First", data_dir=data)
    saved_text = basics.read_text()
    with pytest.raises(EditConflictError) as refused:
        save(second, author="Second", data_dir=data)
    assert str(refused.value) == (
        "knowledge/basics.yaml changed since you loaded it (another edit was saved, or it was edited by hand) "
        "— nothing was written; reload it and make your change again"
    )
    with pytest.raises(EditConflictError):  # proposing from the old version is refused as well
        propose_alternate(knowledge, "does-it-hurt", "second staff member", version=loaded)
    assert basics.read_text() == saved_text
    assert "first staff member" in saved_text and "second staff member" not in saved_text


# History and undo


@needs_git
def test_in_git_a_save_is_a_commit_by_the_staff_member_and_undo_reverts_it(repo: Path, data: Path) -> None:
    knowledge, basics = repo / "knowledge", repo / "knowledge" / "basics.yaml"
    original = basics.read_text()
    (repo / "notes.txt").write_text("not knowledge\n")  # other work in the repository is left alone
    saved = save(propose_alternate(knowledge, "does-it-hurt", "will it sting"), author="Sam Lee", data_dir=data)
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>|%s")
        == "Sam Lee <sam.lee@clinic.invalid>|Add alternate to does-it-hurt\n"
    )
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["knowledge/basics.yaml"]
    assert saved.change_id == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    changes = recent_changes(knowledge, data)
    assert [c.summary for c in changes] == ["Add alternate to does-it-hurt", "Knowledge as installed"]
    assert "+    - will it sting" in changes[0].diff.splitlines()
    assert not data.exists()  # git holds the history

    undone = undo_last(knowledge, author="Dr. A. Example <a@clinic.example>", data_dir=data)
    assert basics.read_text() == original
    log = git(repo, "log", "-1", "--format=%an <%ae>|%s|%b")
    assert log.startswith('Dr. A. Example <a@clinic.example>|Undo "Add alternate to does-it-hurt"|')
    assert f"This reverts commit {saved.change_id}." in log
    assert undone.edit.undoes == saved.change_id
    assert [c.undone for c in recent_changes(knowledge, data)][:2] == [False, True]
    with pytest.raises(HistoryError, match="nothing to undo: every change made with faq here is undone already"):
        propose_undo(knowledge, data)


@needs_git
def test_in_git_hand_edits_are_committed_first_and_an_edited_file_is_not_undone(repo: Path, data: Path) -> None:
    knowledge, basics = repo / "knowledge", repo / "knowledge" / "basics.yaml"
    basics.write_text(basics.read_text().replace("Most people feel", "Many people feel"))
    save(propose_alternate(knowledge, "does-it-hurt", "will it sting"), author=STAFF, data_dir=data)
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects[:2] == ["Add alternate to does-it-hurt", "Record changes made by hand to knowledge/basics.yaml"]
    basics.write_text(basics.read_text().replace("Many people", "Some people"))
    with pytest.raises(HistoryError) as refused:
        undo_last(knowledge, author=STAFF, data_dir=data)
    assert str(refused.value).startswith('knowledge/basics.yaml changed after "Add alternate to does-it-hurt"') and str(
        refused.value
    ).endswith("so it cannot be taken back on its own — nothing was undone; make the change by hand")


def test_without_git_a_snapshot_is_kept_and_undo_restores_the_file_byte_for_byte(knowledge: Path, data: Path) -> None:
    assert not any((p / ".git").exists() for p in (knowledge, *knowledge.parents))
    basics = knowledge / "basics.yaml"
    original = basics.read_bytes()
    save(propose_alternate(knowledge, "does-it-hurt", "will it sting"), author=STAFF, data_dir=data)
    save(propose_edit(knowledge, "serious-risks", {"category": "Safety first"}), author=STAFF, data_dir=data)
    assert len(list((data / "history").glob("*.json"))) == 2
    changes = recent_changes(knowledge, data)
    assert [(c.author, c.summary, c.files) for c in changes] == [
        (STAFF, "Edit category of serious-risks", ("knowledge/basics.yaml",)),
        (STAFF, "Add alternate to does-it-hurt", ("knowledge/basics.yaml",)),
    ]
    assert "+  category: Safety first" in changes[0].diff.splitlines()
    undo_last(knowledge, author=STAFF, data_dir=data)
    undo_last(knowledge, author=STAFF, data_dir=data)
    assert basics.read_bytes() == original
    with pytest.raises(HistoryError, match="nothing to undo"):
        undo_last(knowledge, author=STAFF, data_dir=data)


def test_undo_goes_through_the_conflict_check(knowledge: Path, data: Path) -> None:
    saved = save(propose_alternate(knowledge, "does-it-hurt", "will it sting"), author=STAFF, data_dir=data)
    shown = saved.version  # the staff page shows the change with the file's version
    save(propose_alternate(knowledge, "serious-risks", "can it puncture a lung"), author=STAFF, data_dir=data)
    with pytest.raises(EditConflictError, match=r"knowledge/basics\.yaml changed since you loaded it"):
        undo_last(knowledge, author=STAFF, data_dir=data, version=shown)
    assert "can it puncture a lung" in (knowledge / "basics.yaml").read_text()


def test_undo_of_a_new_file_removes_it(knowledge: Path, data: Path) -> None:
    save(propose_new_entry(knowledge, "parking", NEW_ENTRY, file="getting-here.yaml"), author=STAFF, data_dir=data)
    assert (knowledge / "getting-here.yaml").exists()
    undo_last(knowledge, author=STAFF, data_dir=data)
    assert not (knowledge / "getting-here.yaml").exists()


def test_staff_identity() -> None:
    assert staff_identity("  Dr. A.  Example, PT ") == ("Dr. A. Example, PT", "dr.a.example.pt@clinic.invalid")
    assert staff_identity("Sam Lee <sam@clinic.example>") == ("Sam Lee", "sam@clinic.example")
    with pytest.raises(EditError, match="the staff member's name is empty"):
        staff_identity(" ")


# Collisions, with the real model


def test_a_phrasing_that_belongs_to_another_entry_is_refused_naming_it(
    knowledge: Path, data: Path, encoder: Encoder
) -> None:
    before = (knowledge / "basics.yaml").read_text()
    with pytest.raises(CollisionError) as refused:
        propose_alternate(knowledge, "does-it-hurt", "how much does a session cost", encoder=encoder)
    assert str(refused.value).startswith("this phrasing is closer to `cost-and-insurance` than to its own entry")
    assert [p.line for p in refused.value.problems] == [24]  # where the alternate would be written
    assert (knowledge / "basics.yaml").read_text() == before
    forced = propose_alternate(knowledge, "does-it-hurt", "how much does a session cost", encoder=encoder, force=True)
    assert "is closer to `cost-and-insurance`" in forced.warnings[0]
    fitting = propose_alternate(knowledge, "does-it-hurt", "will the needles be sore", encoder=encoder)
    assert fitting.warnings == ()


# The commands


def test_commands_add_remove_new_edit_delete_history_undo(
    knowledge: Path, data: Path, faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_DATA", str(data))
    basics = knowledge / "basics.yaml"
    original = basics.read_text()

    added = faq("alternate", "add", "does-it-hurt", "will the needles be sore", "--by", STAFF)
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Add alternate to does-it-hurt: knowledge/basics.yaml (snapshot ")
    assert "Patients see it after `faq build`" in added.output
    removed = faq("alternate", "remove", "does-it-hurt", "will the needles be sore", "--by", STAFF)
    assert removed.exit_code == 0, removed.output
    assert basics.read_text() == original

    monkeypatch.setenv("FAQ_STAFF_NAME", "Front Desk")
    new = faq(
        *("entry", "new", "parking", "--question", "Is parking free?", "--category", "Practical"),
        *("--source-title", "Clinic front desk", "--source-citation", "Sample clinic, 2026", "--tag", "parking"),
        input="Yes, parking is free.\n",
    )
    assert new.exit_code == 0, new.output
    assert load_knowledge(knowledge).entry("parking").answer == "Yes, parking is free."
    answer = knowledge.parent / "answer.md"
    answer.write_text("Parking is free for patients.\n")
    edited = faq("entry", "edit", "parking", "--answer-file", str(answer), "--category", "Getting here")
    assert edited.exit_code == 0, edited.output
    assert edited.output.startswith("Edit answer and category of parking: knowledge/basics.yaml")
    deleted = faq("entry", "delete", "parking")
    assert deleted.exit_code == 0, deleted.output
    assert basics.read_text() == original

    history = faq("history", "-n", "2")
    assert history.exit_code == 0
    lines = history.output.splitlines()
    assert lines[0].endswith("  Front Desk: Delete entry parking")
    assert "-- id: parking" in lines
    brief = faq("history", "--no-diff")
    assert [line.split(": ", 1)[1] for line in brief.output.splitlines()] == [
        "Delete entry parking",
        "Edit answer and category of parking",
        "Add entry parking",
        "Remove alternate from does-it-hurt",
        "Add alternate to does-it-hurt",
    ]
    undone = faq("undo")
    assert undone.exit_code == 0, undone.output
    assert undone.output.startswith('Undo "Delete entry parking": knowledge/basics.yaml')
    assert load_knowledge(knowledge).entry("parking").category == "Getting here"


def test_command_errors(
    knowledge: Path, data: Path, faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_DATA", str(data))
    before = (knowledge / "basics.yaml").read_text()

    no_by = faq("alternate", "remove", "does-it-hurt", "how painful is it")
    assert no_by.exit_code == 2 and "Missing option '--by'" in no_by.output
    unknown = faq("alternate", "remove", "does-it-hrut", "x", "--by", STAFF)
    assert unknown.exit_code == 1
    assert unknown.output == (
        "Error: no entry has the id `does-it-hrut` (did you mean `does-it-hurt`?) "
        "— use the `id:` written in the knowledge files\n"
    )
    collision = faq("alternate", "add", "does-it-hurt", "how much does a session cost", "--by", STAFF)
    assert collision.exit_code == 1
    assert collision.output.startswith(
        "Error: this phrasing is closer to `cost-and-insurance` than to its own entry, so nothing was written:\n"
        'knowledge/basics.yaml:24: alternate "how much does a session cost" of `does-it-hurt` is closer to '
        "`cost-and-insurance`"
    )
    assert collision.output.endswith("Reword it, or pass --force to save it anyway\n")
    forced = faq("alternate", "add", "does-it-hurt", "how much does a session cost", "--by", STAFF, "--force")
    assert forced.exit_code == 0, forced.output
    assert "Warning: knowledge/basics.yaml:24: alternate" in forced.output
    (knowledge / "basics.yaml").write_text(before)

    blocked = faq("entry", "delete", "does-it-hurt", "--by", STAFF)
    assert blocked.exit_code == 1
    assert blocked.output == (
        "Error: the edit would add 1 problem, so nothing was written:\n"
        "knowledge/basics.yaml:17: `related` of `what-is-dry-needling` names unknown id `does-it-hurt` "
        "— remove `does-it-hurt` from this `related` list first\n"
    )
    empty = faq("entry", "edit", "does-it-hurt", "--question", " ", "--by", STAFF)
    assert empty.exit_code == 1
    assert "knowledge/basics.yaml:19: `question` is empty — write the text after `question:`" in empty.output
    nothing = faq("entry", "edit", "does-it-hurt", "--by", STAFF)
    assert nothing.exit_code == 2 and "give --question, --category or --answer-file" in nothing.output
    undo = faq("undo", "--by", STAFF)  # the forced alternate, but its file was put back by hand since
    assert undo.exit_code == 1
    assert undo.output.startswith('Error: knowledge/basics.yaml changed after "Add alternate to does-it-hurt"')
    assert (knowledge / "basics.yaml").read_text() == before


def test_a_repository_without_the_git_command_is_refused_before_writing(
    repo: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = repo / "knowledge"
    before = (knowledge / "basics.yaml").read_text()
    edit = propose_alternate(knowledge, "does-it-hurt", "will it sting")
    monkeypatch.setattr("faq.history.shutil.which", lambda name: None)
    with pytest.raises(HistoryError) as refused:
        save(edit, author=STAFF, data_dir=data)
    assert str(refused.value) == (
        f"{knowledge} is inside a git repository ({repo}), but the `git` command is not installed — install git "
        "(e.g. `apt-get install git`) so each change is recorded as a commit"
    )
    assert (knowledge / "basics.yaml").read_text() == before


def test_flag_and_topic_commands(
    shipped_copy: Path, data: Path, faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(shipped_copy))
    monkeypatch.setenv("FAQ_DATA", str(data))
    monkeypatch.setenv("FAQ_STAFF_NAME", STAFF)
    flags = shipped_copy / "red_flags.yaml"
    before = flags.read_text()
    added = faq("flag", "edit", "infection", "--add-example", "my needle spot is hot and oozing", "--level", "urgent")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Edit examples of infection: knowledge/red_flags.yaml")
    assert changed_lines(before, flags.read_text()) == ["+    - my needle spot is hot and oozing"]
    missing = faq("flag", "edit", "infection", "--remove-trigger", "no such trigger")
    assert missing.exit_code == 2 and "'no such trigger' is not in `triggers`" in missing.output
    unconfirmed = faq("flag", "delete", "infection")
    assert unconfirmed.exit_code == 1 and "`--confirm ID`" in unconfirmed.output
    mistyped = faq("flag", "delete", "infection", "--confirm", "infektion")
    assert mistyped.exit_code == 2 and "type the same id twice" in mistyped.output
    not_a_flag = faq("flag", "edit", "does-it-hurt", "--title", "x")
    assert not_a_flag.exit_code == 1 and "`does-it-hurt` is an entry" in not_a_flag.output
    replied = faq("topic", "edit", "medicines", "--reply-file", "-", input="Please ask your pharmacist.\n")
    assert replied.exit_code == 0, replied.output
    assert load_knowledge(shipped_copy).out_of_scope[0].reply.strip() == "Please ask your pharmacist."
    deleted = faq("topic", "delete", "medicines")
    assert deleted.exit_code == 0, deleted.output
    assert "medicines" not in [t.id for t in load_knowledge(shipped_copy).out_of_scope]
    assert faq("undo").exit_code == 0
    assert "medicines" in [t.id for t in load_knowledge(shipped_copy).out_of_scope]
