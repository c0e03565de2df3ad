"""Staff edits to the knowledge files: add or remove an alternate, change the fields of an entry, a red flag
or an out-of-scope topic, write a new entry, delete an item. Each `propose_*` function returns a checked
`Edit` and never writes; `faq.history.save` writes it (conflict check, atomic replace, history).

Changing what a clinician signed off (an answer, its sources, a care card, a topic's reply: SIGNED_FIELDS)
returns the item to draft: the sign-off was given to the old words, not the new ones. With
`serve_drafts: false` patients then get the no-answer reply for that entry until `faq review` signs it off
again; red-flag cards show whatever their status.

An edit changes only the lines of the entry it names: the file is edited in ruamel.yaml's round-trip mode
(faq.roundtrip), so comments, key order, quoting and layout stay as written, and the result is read back
with the project's own loader, which must find exactly the intended data. Then the whole knowledge folder,
with the new file in place, is loaded in a scratch copy by `load_knowledge`: an edit that adds a problem is
refused with the same `file:line: problem — fix` lines `faq validate` prints. With an encoder, a new
phrasing the model places nearer another entry than its own is refused too (CollisionError) unless forced.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from faq.embedding import TextEncoder
from faq.errors import CollisionError, EditConflictError, EditError, InvalidEditError, KnowledgeError, Problem
from faq.knowledge import SPECIAL_FILES, KnowledgeBase, load_knowledge
from faq.roundtrip import (
    FIELD_ORDER,
    attach_trailing,
    detach_trailing,
    dump,
    new_item,
    read_text,
    round_trip,
    set_values,
    version_of,
)
from faq.signoff import signable_items
from faq.validation import collision_problems, phrasing_collisions
from faq.yamlfile import read_yaml

ENTRY, RED_FLAG, TOPIC = "entry", "red flag", "out-of-scope topic"
KINDS = (ENTRY, RED_FLAG, TOPIC)
"""The kinds of item an edit can change (`faq.signoff.Item.kind`)."""
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    ENTRY: ("question", "alternates", "answer", "category", "tags", "sources", "related"),
    RED_FLAG: (
        *("title", "level", "triggers", "not_triggers", "counts_when_over", "meaning_needs_one_of"),
        *("examples", "care"),
    ),
    TOPIC: ("title", "reply", "examples"),
}
"""The fields staff change through an edit, by kind of item; the sign-off fields are written by `faq review`."""
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    ENTRY: ("question", "answer", "sources"),
    RED_FLAG: ("title", "level", "care"),
    TOPIC: ("title", "reply"),
}
"""What patients read and a clinician signs off: changing one of these returns a reviewed item to draft."""
DRAFT = {"status": "draft", "reviewed": None, "reviewer": None}
"""The sign-off fields of an item whose signed words changed."""
LONG_TEXTS = frozenset({"answer", "care", "reply"})
"""Texts of several lines, written as blocks; a change in trailing spaces or blank ends is no change."""
LISTS = frozenset({"alternates", "tags", "related", "triggers", "not_triggers", "examples", "meaning_needs_one_of"})
"""Fields holding a list of one-line texts."""


@dataclass(frozen=True)
class ItemText:
    """One entry, red flag or out-of-scope topic as an editor shows it: its fields as plain values, where it
    is written, and the version of its file, to pass back with the edit so a change made on disk meanwhile
    is noticed."""

    id: str
    kind: str
    """ENTRY, RED_FLAG or TOPIC."""
    path: Path
    display: str
    line: int
    version: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Edit:
    """A checked change to one knowledge file, not yet written (see `faq.history.save`)."""

    folder: Path
    path: Path
    display: str
    entry_id: str
    summary: str
    """What changed, in the words of a commit message: "Add alternate to does-it-hurt"."""
    before: str | None
    """The file's text the edit was made from; None when the edit creates the file."""
    after: str | None
    """The file's new text; None when the edit removes the file (undoing the edit that created it)."""
    version: str
    """The version of `before`: saving is refused when the file on disk no longer has it."""
    warnings: tuple[str, ...] = ()
    """Collisions saved anyway (`force=True`), for the editor to show."""
    undoes: str | None = None
    """For an undo: the id of the change it takes back."""
    sign_off_removed: bool = False
    """Whether the edit changed signed-off words, returning the item to draft."""

    def diff(self) -> str:
        """The change as a unified diff of the file."""
        before, after = (self.before or "").splitlines(True), (self.after or "").splitlines(True)
        return "".join(difflib.unified_diff(before, after, f"a/{self.display}", f"b/{self.display}"))


def open_item(folder: Path, item_id: str, kinds: tuple[str, ...] = KINDS) -> ItemText:
    """The item `item_id` (one of `kinds`) with its file's version; EditError naming the nearest id when
    there is none."""
    located = _locate(folder, item_id, kinds)
    text = _current(located.path, None, located.display)
    data = _plain_items(located.path, text, located.display)
    fields = data[located.position]
    return ItemText(item_id, located.kind, located.path, located.display, located.line, version_of(text), fields)


def propose_alternate(
    folder: Path,
    entry_id: str,
    phrasing: str,
    *,
    version: str | None = None,
    encoder: TextEncoder | None = None,
    force: bool = False,
) -> Edit:
    """Add `phrasing` to the entry's alternates (the last one). `version` is the file's version when the
    editor loaded it (None: as it is now)."""
    text = _one_line(phrasing)
    if not text:
        raise EditError("the phrasing is empty — write the way a patient asks it")
    entry = open_item(folder, entry_id, (ENTRY,))
    alternates = list(entry.fields.get("alternates") or [])
    if text in alternates or text == entry.fields.get("question"):
        raise EditError(
            f"`{entry_id}` already has the phrasing {text!r} ({entry.display}:{entry.line}) — nothing to add"
        )
    change = {"alternates": [*alternates, text]}
    summary = f"Add alternate to {entry_id}"
    return _propose_change(folder, entry_id, change, summary, version, encoder, force, [text])


def propose_alternate_removal(folder: Path, entry_id: str, phrasing: str, *, version: str | None = None) -> Edit:
    """Remove `phrasing` from the entry's alternates."""
    entry = open_item(folder, entry_id, (ENTRY,))
    alternates = list(entry.fields.get("alternates") or [])
    text = _one_line(phrasing)
    if text not in alternates:
        guess = difflib.get_close_matches(text, alternates, n=1, cutoff=0.5)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        raise EditError(
            f"`{entry_id}` has no alternate {text!r}{hint} ({entry.display}:{entry.line}) — "
            "give the phrasing exactly as written under `alternates:`"
        )
    alternates.remove(text)
    summary = f"Remove alternate from {entry_id}"
    return _propose_change(folder, entry_id, {"alternates": alternates}, summary, version, None, False, [])


def propose_edit(
    folder: Path,
    item_id: str,
    changes: Mapping[str, Any],
    *,
    version: str | None = None,
    encoder: TextEncoder | None = None,
    force: bool = False,
    kind: str | None = None,
) -> Edit:
    """Change some fields of an entry, red flag or out-of-scope topic (EDITABLE_FIELDS of its kind; `kind`
    to accept only one kind): each value replaces the field's value; None or an empty list removes an
    optional field. Unchanged values, their quotes and comments stay as written. Changing signed-off words
    returns the item to draft."""
    item = open_item(folder, item_id, (kind,) if kind else KINDS)
    editable = EDITABLE_FIELDS[item.kind]
    unknown = [name for name in changes if name not in editable]
    if unknown:
        raise EditError(f"`{unknown[0]}` cannot be edited in a {item.kind} — edit one of {', '.join(editable)}")
    normalized = {name: _normalize(name, value) for name, value in changes.items()}
    for name in LONG_TEXTS & set(normalized):  # a one-line reply written without a final newline stays so
        written = item.fields.get(name)
        if (
            isinstance(written, str)
            and isinstance(normalized[name], str)
            and written.strip() == normalized[name].strip()
        ):
            normalized[name] = written
    changed = [name for name in editable if name in normalized and normalized[name] != item.fields.get(name)]
    new_phrasings: list[str] = []
    if item.kind == ENTRY:
        old = item.fields.get("alternates") or []
        new_phrasings = [p for p in normalized.get("alternates") or [] if p not in old]
        if "question" in changed:  # its alternates now compete with a new question
            new_phrasings = list(normalized.get("alternates") or old)
    summary = f"Edit {' and '.join(changed) or 'nothing'} of {item_id}"
    signed_changed = item.fields.get("status") == "reviewed" and bool(set(changed) & set(SIGNED_FIELDS[item.kind]))
    if signed_changed:
        normalized = {**normalized, **DRAFT}
        summary += " (back to draft: a clinician signs it off again)"
    edit = _propose_change(folder, item_id, normalized, summary, version, encoder, force, new_phrasings)
    return dataclasses.replace(edit, sign_off_removed=signed_changed)


def propose_new_entry(
    folder: Path,
    entry_id: str,
    fields: Mapping[str, Any],
    *,
    file: str | None = None,
    version: str | None = None,
    encoder: TextEncoder | None = None,
    force: bool = False,
) -> Edit:
    """Write a new entry (a draft) at the end of `file` (a path inside the folder, e.g. "billing.yaml"; by
    default the file holding the entries of its category, else a file named after the category)."""
    editable = EDITABLE_FIELDS[ENTRY]
    values = {name: _normalize(name, value) for name, value in fields.items() if name in editable}
    extra = [name for name in fields if name not in editable]
    if extra:
        raise EditError(f"`{extra[0]}` cannot be set here — give any of {', '.join(editable)}")
    path = _new_entry_file(folder, file, str(values.get("category") or ""))
    display = _display(path, folder)
    before = _current(path, version, display)
    entry = {"id": entry_id, **{name: values[name] for name in FIELD_ORDER if values.get(name) not in (None, [])}}
    item = new_item(entry)
    yaml = round_trip()
    if before is None or not before.strip():
        after = (before or "") + dump(yaml, [item])
    else:
        separator = "\n" if _blank_between_items(before) else ""
        after = before.rstrip("\n") + "\n" + separator + dump(yaml, [item])
    old_items = _plain_items(path, before, display) if before is not None else []
    _expect(path, after, display, [*old_items, entry])
    edit = Edit(folder, path, display, entry_id, f"Add entry {entry_id}", before, after, version_of(before))
    phrasings = list(entry.get("alternates") or [])
    return _checked(edit, encoder, force, entry_id, phrasings)


def propose_deletion(
    folder: Path,
    item_id: str,
    *,
    version: str | None = None,
    confirm_red_flag: bool = False,
    kind: str | None = None,
) -> Edit:
    """Remove an item's lines (and one blank line that separated it; `kind` to accept only one kind).
    Comments above it stay. A red flag goes only with `confirm_red_flag`: its card stops showing to
    patients who describe that symptom."""
    located = _locate(folder, item_id, (kind,) if kind else KINDS)
    if located.kind == RED_FLAG and not confirm_red_flag:
        raise EditError(
            f"`{item_id}` is a red flag: deleting it stops its urgent-care card for every patient who describes "
            "that symptom — nothing was deleted; to go ahead, give its id a second time "
            "(`--confirm ID` on the command line)"
        )
    before = _current(located.path, version, located.display)
    assert before is not None  # _locate found the item in it
    items = _plain_items(located.path, before, located.display)
    lines = before.splitlines(keepends=True)
    first, end = _item_span(located.path, before, located.display, located.position)
    while end > first + 1 and _trivia(lines[end - 1]):  # what follows its last field belongs to the next item
        end -= 1
    if end < len(lines) and not lines[end].strip():
        while end < len(lines) and not lines[end].strip():
            end += 1
    elif end == len(lines):
        while first > 0 and not lines[first - 1].strip():
            first -= 1
    after = "".join(lines[:first] + lines[end:])
    _expect(located.path, after, located.display, items[: located.position] + items[located.position + 1 :])
    edit = Edit(
        folder,
        located.path,
        located.display,
        item_id,
        f"Delete {located.kind} {item_id}",
        before,
        after,
        version_of(before),
    )
    try:
        return _checked(edit, None, False, item_id, [])
    except InvalidEditError as err:  # "use an existing id" is the wrong advice when the id is the one deleted
        raise InvalidEditError([_deletion_fix(p, item_id) for p in err.problems]) from None


def _deletion_fix(problem: Problem, item_id: str) -> Problem:
    """`problem` with the fix that suits deleting `item_id`: first remove what still names it."""
    if f"names unknown id `{item_id}`" in problem.message:
        return dataclasses.replace(problem, fix=f"remove `{item_id}` from this `related` list first")
    if f"`flag: {item_id}` is not a red flag" in problem.message:
        fix = f"delete this `flag: {item_id}` group (the flag's training messages) from the file first, by hand"
        return dataclasses.replace(problem, message=f"`flag: {item_id}` names the red flag being deleted", fix=fix)
    return problem


def check_edit(edit: Edit, encoder: TextEncoder | None = None, force: bool = False) -> Edit:
    """`edit` checked against the whole knowledge folder (InvalidEditError when it adds a problem), and with
    an encoder its new alternates (CollisionError); used again for an undo."""
    return _checked(edit, encoder, force, edit.entry_id, [])


def _propose_change(
    folder: Path,
    entry_id: str,
    changes: Mapping[str, Any],
    summary: str,
    version: str | None,
    encoder: TextEncoder | None,
    force: bool,
    new_phrasings: list[str],
) -> Edit:
    """The edit that sets `changes` in the item: round-trip YAML, checked line by line and value by value."""
    located = _locate(folder, entry_id, KINDS)
    before = _current(located.path, version, located.display)
    assert before is not None
    items = _plain_items(located.path, before, located.display)
    target = {**items[located.position], **changes}
    target = {k: v for k, v in target.items() if v not in (None, []) or k not in changes}

    def apply(item: CommentedMap) -> None:
        set_values(item, target)

    after = _edited(located.path, before, located.display, located.position, entry_id, apply)
    _expect(located.path, after, located.display, [*items[: located.position], target, *items[located.position + 1 :]])
    edit = Edit(folder, located.path, located.display, entry_id, summary, before, after, version_of(before))
    return _checked(edit, encoder, force, entry_id, new_phrasings)


@dataclass(frozen=True)
class _Located:
    path: Path
    display: str
    position: int
    line: int
    kind: str


def _locate(folder: Path, item_id: str, kinds: tuple[str, ...]) -> _Located:
    if not folder.is_dir():
        raise EditError(f"knowledge folder {folder} not found — pass --knowledge DIR or set FAQ_KNOWLEDGE")
    every = signable_items(folder)
    items = {i.id: i for i in every.values() if i.kind in kinds}
    named = " or ".join(kinds) if len(kinds) < len(KINDS) else "entry, red flag or out-of-scope topic"
    if item_id in every and item_id not in items:
        found = every[item_id]
        place = f"{found.display}:{found.line}"
        raise EditError(f"`{item_id}` is {_a(found.kind)} ({place}), not {_a(named)} — pick one of its kind")
    if item_id not in items:
        guess = difflib.get_close_matches(item_id, sorted(items), n=1)
        hint = f" (did you mean `{guess[0]}`?)" if guess else ""
        raise EditError(f"no {named} has the id `{item_id}`{hint} — use the `id:` written in the knowledge files")
    item = items[item_id]
    return _Located(item.path, item.display, item.position, item.line, item.kind)


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _display(path: Path, folder: Path) -> str:
    return str(Path(folder.name) / path.relative_to(folder))


def _current(path: Path, version: str | None, display: str) -> str | None:
    """The file's text now; EditConflictError when it is not the version the editor loaded."""
    text = read_text(path)
    if version is not None and version_of(text) != version:
        raise EditConflictError(
            f"{display} changed since you loaded it (another edit was saved, or it was edited by hand) — "
            "nothing was written; reload it and make your change again"
        )
    return text


def _plain_items(path: Path, text: str | None, display: str) -> list[Any]:
    """The file's items as the project's loader reads them (PyYAML, like `load_knowledge`)."""
    data = _read_back(path, text or "", display).data
    return list(data) if isinstance(data, list) else []


def _read_back(path: Path, text: str, display: str) -> Any:
    with tempfile.TemporaryDirectory() as scratch:
        written = Path(scratch) / path.name
        written.write_text(text, encoding="utf-8", newline="")
        return read_yaml(written, display)


def _edited(
    path: Path, before: str, display: str, position: int, entry_id: str, apply: Callable[[CommentedMap], None]
) -> str:
    """The file's text with `apply` run on the entry at `position`; EditError when ruamel.yaml cannot keep
    the file as written, or the change reaches outside the entry's lines."""
    yaml = round_trip()
    try:
        data = yaml.load(before)
    except YAMLError as err:
        problem = str(getattr(err, "problem", None) or type(err).__name__)
        raise EditError(f"{display} cannot be edited ({problem}) — run `faq validate`, fix it, then edit") from None
    item = data[position] if isinstance(data, list) and position < len(data) else None
    if dump(yaml, data) != before or not isinstance(item, CommentedMap) or item.get("id") != entry_id:
        raise _layout_error(display, entry_id)
    trailing = detach_trailing(item)
    apply(item)
    attach_trailing(item, trailing)
    after = dump(yaml, data)
    first, end = _item_span(path, before, display, position)
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    tail = len(old) - end
    if new[:first] != old[:first] or new[len(new) - tail :] != old[end:] or len(new) < first + tail:
        raise _layout_error(display, entry_id)
    return after


def _layout_error(display: str, entry_id: str) -> EditError:
    return EditError(
        f"{display} cannot be edited without changing lines outside `{entry_id}` — nothing was written; "
        "make this change by hand in the file, then run `faq validate`"
    )


def _item_span(path: Path, text: str, display: str, position: int) -> tuple[int, int]:
    """The 0-based lines [first, end) from the item's `- id:` line to the next item's."""
    document = _read_back(path, text, display)
    first = document.line_of((position,)) - 1
    count = len(document.data) if isinstance(document.data, list) else 0
    end = document.line_of((position + 1,)) - 1 if position + 1 < count else len(text.splitlines())
    lines = text.splitlines()
    while end > first + 1 and lines[end - 1].startswith("#"):  # the next item's own comments
        end -= 1
    return first, end


def _trivia(line: str) -> bool:
    return not line.strip() or line.startswith("#")


def _expect(path: Path, after: str, display: str, items: list[Any]) -> None:
    """EditError unless the project's loader reads `after` as exactly `items`."""
    if _plain_items(path, after, display) != items:
        raise EditError(
            f"{display} would not read back as intended after this edit — nothing was written; "
            "make this change by hand in the file, then run `faq validate`"
        )


def _checked(edit: Edit, encoder: TextEncoder | None, force: bool, entry_id: str, phrasings: list[str]) -> Edit:
    """`edit`, once the knowledge folder with it in place loads with no new problem and, with an encoder,
    none of `phrasings` collides (or `force`, which keeps the collisions as warnings)."""
    kb = _load_with(edit)
    if encoder is None or not phrasings:
        return edit
    problems = collision_problems(kb, phrasing_collisions(kb, encoder, entry_id, phrasings))
    if problems and not force:
        raise CollisionError(problems)
    return dataclasses.replace(edit, warnings=tuple(str(p) for p in problems))


def _load_with(edit: Edit) -> KnowledgeBase:
    """The knowledge folder loaded from a scratch copy holding the edited file, so problems name the same
    files and lines as `faq validate`; InvalidEditError listing the problems the edit adds."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / edit.folder.name
        shutil.copytree(edit.folder, copy, symlinks=True)
        target = copy / edit.path.relative_to(edit.folder)
        if edit.after is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edit.after, encoding="utf-8", newline="")
        try:
            return load_knowledge(copy)
        except KnowledgeError as err:
            added = _added_problems(edit.folder, err.problems)
            if added:
                raise InvalidEditError(added) from None
            raise  # every problem was there before the edit: the folder itself needs `faq validate`


def _added_problems(folder: Path, after: list[Problem]) -> list[Problem]:
    """The problems in `after` that the folder did not already have (compared without line numbers,
    which an edit shifts)."""
    try:
        load_knowledge(folder)
        before: Counter[tuple[str, str]] = Counter()
    except KnowledgeError as err:
        before = Counter((p.file, p.message) for p in err.problems)
    added = []
    for problem in after:
        key = (problem.file, problem.message)
        if before[key]:
            before[key] -= 1
        else:
            added.append(problem)
    return added


def _normalize(name: str, value: Any) -> Any:
    """A field's value as the file will hold it: one-line texts with single spaces, an answer, care card or
    reply with each line's trailing spaces removed and one final newline (a block), lists of those."""
    if value is None:
        return None
    if name in LONG_TEXTS:
        lines = str(value).replace("\r\n", "\n").strip().split("\n")
        return "\n".join(line.rstrip() for line in lines) + "\n"
    if name == "sources":
        return [{k: _one_line(v) for k, v in dict(source).items() if v not in (None, "")} for source in value]
    if isinstance(value, bool):  # counts_when_over
        return value
    if name in LISTS:
        texts = [_one_line(v) for v in ([value] if isinstance(value, str) else value)]
        return [t for t in texts if t]
    return _one_line(value)


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _new_entry_file(folder: Path, file: str | None, category: str) -> Path:
    """The file a new entry goes in; EditError for a name outside the folder or a file that holds no entries."""
    if not folder.is_dir():
        raise EditError(f"knowledge folder {folder} not found — pass --knowledge DIR or set FAQ_KNOWLEDGE")
    if file is None:
        kb_files = _category_files(folder)
        if category in kb_files:
            return kb_files[category]
        slug = re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-") or "entries"
        return folder / f"{slug}.yaml"
    path = (folder / file).resolve()
    if folder.resolve() not in path.parents or path.suffix not in (".yaml", ".yml"):
        raise EditError(f"{file} is not a .yaml file inside {folder} — give a file name such as billing.yaml")
    if path.parent == folder.resolve() and path.name in SPECIAL_FILES:
        raise EditError(f"{file} does not hold entries — choose another file, e.g. practical.yaml")
    return folder / path.relative_to(folder.resolve())


def _category_files(folder: Path) -> dict[str, Path]:
    """The file holding the first entry of each category."""
    files: dict[str, Path] = {}
    for item in signable_items(folder).values():
        if item.kind != "entry":
            continue
        raw = _plain_items(item.path, read_text(item.path), item.display)[item.position]
        category = raw.get("category") if isinstance(raw, dict) else None
        if isinstance(category, str):
            files.setdefault(_one_line(category), item.path)
    return files


def _blank_between_items(text: str) -> bool:
    """Whether the file separates its items with a blank line (most do)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    return any(i > 0 and not lines[i - 1].strip() for i in starts[1:]) or len(starts) == 1
