"""Editing the staff's YAML files without disturbing them: ruamel.yaml round-trip mode set up to write a
knowledge file back byte for byte when nothing changed, and an atomic replace.

`faq review` (signoff.py) and the staff's edits (edits.py) both write through here, so there is one
way to change a knowledge file. `tests/test_review.py` and `tests/test_edits.py` check every shipped
file loads and saves byte for byte, so a ruamel.yaml upgrade that changes its output is caught.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

ABSENT = "absent"
"""The version of a file that does not exist (yet)."""
# How the knowledge files are written, for fields and items an edit adds.
FIELD_ORDER = (
    *("id", "status", "reviewed", "reviewer", "level", "title", "counts_when_over", "question", "alternates"),
    *("triggers", "not_triggers", "meaning_needs_one_of", "answer", "reply", "examples", "care"),
    *("category", "tags", "sources", "related", "review_every"),
)
"""Where a field goes when an entry, red flag or out-of-scope topic does not have it yet: after the fields
that come before it here (the order the shipped files write them in)."""
ONE_LINE_LISTS = frozenset({"tags", "related"})
"""Lists written on one line (`tags: [a, b]`) in a new entry, as the shipped files write them."""


class _MarginEmitter(Emitter):
    """ruamel.yaml's emitter, except that the top-level list keeps its dashes at the left margin (`- id:`)
    while nested lists stay indented (`  alternates:` / `    - ...`), as the knowledge files are written.
    ruamel.yaml applies one dash offset to every list, the top level included."""

    def _in_top_level_list(self) -> bool:
        return len(self.indents.values) == 1 and self.indents.values[0] == (None, True)

    def expect_block_sequence_item(self, first: bool = False) -> None:
        if not self._in_top_level_list():
            super().expect_block_sequence_item(first)
            return
        offset, self.sequence_dash_offset = self.sequence_dash_offset, 0
        try:
            super().expect_block_sequence_item(first)
        finally:
            self.sequence_dash_offset = offset

    def increase_indent(self, flow: bool = False, sequence: Any = None, indentless: bool = False) -> None:
        if not flow and self._in_top_level_list():  # an item of the top-level list: its fields 2 in, under `id`
            self.indents.append(self.indent, sequence)
            self.indent = 2
            return
        super().increase_indent(flow, sequence, indentless)


def round_trip() -> YAML:
    """A ruamel.yaml loader and dumper that writes a knowledge file back byte for byte when nothing changed."""
    yaml = YAML(typ="rt")
    yaml.Emitter = _MarginEmitter
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never re-wrap a long line
    # One date object signs several items: written as `&id001` / `*id001` otherwise, which the loader refuses.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def dump(yaml: YAML, data: Any) -> str:
    """`data` as YAML text."""
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def version_of(text: str | None) -> str:
    """The version token of a file's text (its sha256), or ABSENT for a file that does not exist."""
    return ABSENT if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str | None:
    """The file's text exactly as stored (no newline translation), or None when there is no such file."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return None


def replace_file(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path` (keeping its permissions),
    so a reader never sees half a file."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def detach_trailing(item: CommentedMap) -> str:
    """Take the blank lines and comments that follow `item`'s last line off it and return them.

    ruamel.yaml hangs them on the deepest last value of the item, so a value appended after it (a new
    alternate, a new field) would be written below the blank line that separates it from the next item.
    Put them back with `attach_trailing` once the item is edited."""
    holder = _last_comment_slot(item)
    if holder is None:
        return ""
    slots, index, block = holder
    token = slots[index] if index < len(slots) else None
    if not isinstance(token, CommentToken):
        return ""
    value = str(token.value)
    keep = "" if block else value[: value.find("\n") + 1] if "\n" in value else value
    trailing = value[len(keep) :]
    if keep:
        token.value = keep
    else:
        slots[index] = None
    return trailing


def attach_trailing(item: CommentedMap, trailing: str) -> None:
    """Hang `trailing` (from `detach_trailing`) on the item's new deepest last value."""
    if not trailing:
        return
    holder = _last_comment_slot(item)
    if holder is None:
        return
    slots, index, block = holder
    while len(slots) <= index:
        slots.append(None)
    token = slots[index]
    if isinstance(token, CommentToken):
        token.value = str(token.value) + trailing
    else:
        slots[index] = CommentToken(trailing if block else "\n" + trailing, start_mark=CommentMark(0))


def _last_comment_slot(node: CommentedMap | CommentedSeq) -> tuple[list[Any], int, bool] | None:
    """Where ruamel.yaml keeps the comment after the last scalar of `node`: the slot list, the index in
    it, and whether that scalar is a block scalar (`|` or `>`, which ends with its own newline)."""
    if not node:
        return None
    if isinstance(node, CommentedMap):
        key: Any = list(node)[-1]
        index = 2
    else:
        key, index = len(node) - 1, 0
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        return _last_comment_slot(value)
    slots = node.ca.items.setdefault(key, [None, None, None, None])
    return slots, index, isinstance(value, LiteralScalarString | FoldedScalarString)


def set_values(node: CommentedMap, target: Mapping[str, Any]) -> None:
    """Make `node` hold `target`, touching only what differs (kept: key order, quotes, comments)."""
    for key in [k for k in node if k not in target]:
        del node[key]
    for key, value in target.items():
        if key not in node:
            node.insert(_insert_at(node, key), key, _new_value(key, value))
        elif node[key] != value:
            old = node[key]
            if isinstance(old, CommentedMap) and isinstance(value, Mapping):
                set_values(old, value)
            elif isinstance(old, CommentedSeq) and isinstance(value, list):
                _sync_seq(old, value, key)
            else:
                node[key] = _styled_like(old, value)


def _sync_seq(node: CommentedSeq, target: list[Any], key: str) -> None:
    """Make `node` hold `target` by inserting and deleting only the items that differ."""
    current, wanted = [_signature(v) for v in node], [_signature(v) for v in target]
    matcher = difflib.SequenceMatcher(a=current, b=wanted, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                old, value = node[i1 + offset], target[j1 + offset]
                if isinstance(old, CommentedMap) and isinstance(value, Mapping):
                    set_values(old, value)
                else:
                    node[i1 + offset] = _styled_like(old, value)
            continue
        style = node[i1 if i1 < len(node) else -1] if node else None
        del node[i1:i2]
        for offset, value in enumerate(target[j1:j2]):
            node.insert(i1 + offset, _styled_like(style, value) if style is not None else _new_value(key, value))


def _signature(value: Any) -> str:
    """A list item as comparable text, whatever ruamel.yaml type holds it."""
    return json.dumps(_plain(value), sort_keys=True, default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _insert_at(node: CommentedMap, key: str) -> int:
    """Where a new field goes: after the last present field that comes before it in FIELD_ORDER."""
    order = FIELD_ORDER.index(key) if key in FIELD_ORDER else len(FIELD_ORDER)
    keys = list(node)
    before = [i for i, k in enumerate(keys) if k in FIELD_ORDER and FIELD_ORDER.index(k) < order]
    return before[-1] + 1 if before else min(1, len(keys))


def _styled_like(old: Any, value: Any) -> Any:
    """`value` written the way `old` was: the same quotes, or a `|` / `>` block."""
    if isinstance(value, Mapping):
        return _new_value("", value)
    if not isinstance(value, str):
        return value
    for style in (LiteralScalarString, FoldedScalarString, DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(value)
    return LiteralScalarString(value) if "\n" in value else value


def _new_value(key: str, value: Any) -> Any:
    """A value for a field or list item that did not exist, written as the shipped files write it."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = _new_value(k, v)
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_new_value("", v) for v in value)
        if key in ONE_LINE_LISTS:
            seq.fa.set_flow_style()
        return seq
    if key == "answer" or (isinstance(value, str) and "\n" in value):
        return LiteralScalarString(value)
    return value


def new_item(entry: Mapping[str, Any]) -> CommentedMap:
    """A new list item (an entry) holding `entry`, written as the shipped files write one."""
    item = CommentedMap()
    for key, value in entry.items():
        item[key] = _new_value(key, value)
    return item
