"""Recording a clinician's sign-off in the knowledge files (`faq review ID... --by NAME`).

Each item's file is edited in ruamel.yaml's round-trip mode, so it keeps its comments, order, quoting
and layout: a file is only replaced when the change touches nothing but the sign-off lines (`status`,
`reviewed`, `reviewer`) of the items named, and when it still reads as the same data with the new
sign-off. It is replaced atomically (a temporary file beside it, then a rename), so an interrupted
review never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from faq.errors import ReviewError
from faq.knowledge import CLINIC_FILE, OUT_OF_SCOPE_FILE, RED_FLAGS_FILE, SETTINGS_FILE, TRIAGE_TRAINING_FILE
from faq.roundtrip import dump, replace_file, round_trip
from faq.yamlfile import read_yaml

NOT_SIGNED = frozenset({CLINIC_FILE, SETTINGS_FILE, TRIAGE_TRAINING_FILE})
"""Top-level files without sign-off: clinic details, settings, and the messages that train triage."""
SIGN_OFF_LINE = re.compile(r"^\s*(status|reviewed|reviewer):")


@dataclass(frozen=True)
class Item:
    """A signable item (an entry, red flag or out-of-scope topic) and where it is written."""

    id: str
    path: Path
    display: str
    position: int
    """Its place in the file's top-level list."""
    line: int
    reviewed: bool
    kind: str
    """ "entry", "red flag" or "out-of-scope topic"."""


def signable_items(folder: Path) -> dict[str, Item]:
    """Every entry, red flag and out-of-scope topic in `folder` by id, read with the project's own loader
    (fast, and it tolerates files with other problems)."""
    items: dict[str, Item] = {}
    files = sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])
    for path in files:
        if path.parent == folder and path.name in NOT_SIGNED:
            continue
        display = str(Path(folder.name) / path.relative_to(folder))
        document = read_yaml(path, display)
        if not isinstance(document.data, list):
            continue
        for position, raw in enumerate(document.data):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"] not in items:
                line = document.line_of((position,))
                reviewed = raw.get("status") == "reviewed"
                items[raw["id"]] = Item(raw["id"], path, display, position, line, reviewed, _kind(path, folder))
    return items


def _kind(path: Path, folder: Path) -> str:
    if path.parent == folder and path.name == RED_FLAGS_FILE:
        return "red flag"
    if path.parent == folder and path.name == OUT_OF_SCOPE_FILE:
        return "out-of-scope topic"
    return "entry"


def count(items: list[Item]) -> str:
    """ "40 entries, 11 red flags and 9 out-of-scope topics" (kinds with none left out)."""
    plural = {"entry": "entries", "red flag": "red flags", "out-of-scope topic": "out-of-scope topics"}
    parts = []
    for kind, many in plural.items():
        n = sum(1 for i in items if i.kind == kind)
        if n:
            parts.append(f"{n} {kind if n == 1 else many}")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "nothing"


def choose(items: dict[str, Item], ids: list[str]) -> list[Item]:
    """The items named by `ids` (each once, in the order given); ReviewError naming every unknown id and
    its nearest known one, before anything is written."""
    unknown = [i for i in dict.fromkeys(ids) if i not in items]
    if unknown:
        lines = []
        for item_id in unknown:
            guess = difflib.get_close_matches(item_id, sorted(items), n=1)
            hint = f" (did you mean `{guess[0]}`?)" if guess else ""
            lines.append(f"no entry, red flag or out-of-scope topic has the id `{item_id}`{hint}")
        raise ReviewError("; ".join(lines) + " — use the `id:` written in the knowledge files; nothing was changed")
    return [items[i] for i in dict.fromkeys(ids)]


def record_review(items: list[Item], reviewer: str, day: dt.date) -> None:
    """Write `status: reviewed`, `reviewed: day` and `reviewer` into each item's file, file by file."""
    name = " ".join(reviewer.split())
    if not name:
        raise ReviewError('the reviewer\'s name is empty — give it with --by "Name, credentials"')
    by_file: dict[Path, list[Item]] = {}
    for item in items:
        by_file.setdefault(item.path, []).append(item)
    new_texts = {path: _signed_text(path, chosen, name, day) for path, chosen in by_file.items()}
    for path, text in new_texts.items():  # only once every file's change has been checked
        replace_file(path, text)


def _signed_text(path: Path, items: list[Item], reviewer: str, day: dt.date) -> str:
    """The file's text with the items signed off; ReviewError when that would change anything else."""
    display = items[0].display
    old = path.read_text(encoding="utf-8")
    yaml = round_trip()
    try:
        data = yaml.load(old)
    except YAMLError as err:  # e.g. a key written twice, which PyYAML's reader only reports
        problem = str(getattr(err, "problem", None) or type(err).__name__)
        raise ReviewError(f"{display} cannot be edited ({problem}) — run `faq validate`, fix it, then review") from None
    if dump(yaml, data) != old:
        raise _layout_error(display, items, reviewer, day)
    for item in items:
        mapping = data[item.position]
        if not isinstance(mapping, CommentedMap) or mapping.get("id") != item.id:
            raise ReviewError(f"{display} changed while it was read — run the command again")
        _sign(mapping, reviewer, day)
    new = dump(yaml, data)
    if not _only_sign_off_lines(old, new) or not _same_data_but_sign_off(path, new, items, reviewer, day):
        raise _layout_error(display, items, reviewer, day)
    return new


def _sign(mapping: CommentedMap, reviewer: str, day: dt.date) -> None:
    """Set the three sign-off fields: in place where they are, the missing ones after the last present
    one, else right under `id` (never at the end, where blank lines and comments before the next item sit)."""
    values: dict[str, Any] = {"status": "reviewed", "reviewed": day, "reviewer": DoubleQuotedScalarString(reviewer)}
    keys = list(mapping)
    present = [keys.index(k) for k in values if k in mapping]
    position = (max(present) if present else keys.index("id")) + 1
    for key, value in values.items():
        if key in mapping:
            mapping[key] = value
        else:
            mapping.insert(position, key, value)
            position += 1


def _only_sign_off_lines(old: str, new: str) -> bool:
    """True when every line added, removed or replaced is a `status:`, `reviewed:` or `reviewer:` line."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and not all(SIGN_OFF_LINE.match(line) for line in [*before[i1:i2], *after[j1:j2]]):
            return False
    return True


def _same_data_but_sign_off(path: Path, new: str, items: list[Item], reviewer: str, day: dt.date) -> bool:
    """Read back with the project's loader, the new text holds the old data plus exactly the new sign-offs."""
    before = read_yaml(path, str(path)).data
    with tempfile.TemporaryDirectory() as scratch:
        written = Path(scratch) / path.name
        written.write_text(new, encoding="utf-8")
        after = read_yaml(written, str(path)).data
    if not isinstance(before, list) or not isinstance(after, list) or len(before) != len(after):
        return False
    for item in items:
        before[item.position] = {
            **before[item.position],
            "status": "reviewed",
            "reviewed": day,
            "reviewer": reviewer,
        }
    return bool(before == after)


def _layout_error(display: str, items: list[Item], reviewer: str, day: dt.date) -> ReviewError:
    lines = f'status: reviewed / reviewed: {day} / reviewer: "{reviewer}"'
    where = ", ".join(f"`{i.id}` (line {i.line})" for i in items)
    return ReviewError(
        f"{display} cannot be edited without changing more than the sign-off lines — nothing was changed; "
        f"add these lines by hand under {where}: {lines}"
    )
