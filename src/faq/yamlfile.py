"""Reading a YAML file together with the line of every value, so errors can name the line.

Whatever is in the knowledge folder, reading it ends in data or in problems, never in an exception
or a hang: only regular files up to MAX_FILE_BYTES are opened, and anchors, aliases and deep nesting
(the ways a few hundred bytes of YAML can expand into gigabytes) are refused before composing.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faq.errors import Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: same marks, much faster

MAX_FILE_BYTES = 5_000_000
"""The largest knowledge file read; the shipped files are under 30 KB each."""
MAX_DEPTH = 20
"""Deepest nesting of lists and mappings allowed; an entry needs 4 (list, entry, sources, source)."""

# What YAML allows in a file (YAML 1.1, section 5.1); anything else is an invisible control character.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)

# A value that starts with a YAML indicator character (after `- ` or `key: `), e.g. question: *really*?
_STARTS_WITH_INDICATOR = re.compile(r"(^|[-:]\s)\s*[*&!%@`]")
_FLATTEN = "write each entry as `- id: ...` with its fields one level below it (see README)"

Location = tuple[str | int, ...]
"""Where a value sits in a document: keys and list positions from the top, e.g. (3, "alternates", 0)."""


@dataclass
class YamlDocument:
    """A parsed YAML file with the line (1-based) of each value, and problems found while reading."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, location: Location) -> int:
        """The line of the value at `location`, or of its nearest enclosing value that has one."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


class _Constructor(yaml.SafeLoader):
    """SafeLoader's constructor, except that a date that does not exist (2026-02-30) or a number too
    long for Python's int stays text, so the schema reports it with its field and line."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse `path`; unreadable files, syntax errors and duplicate keys are reported as problems, never raised."""
    text = _read_text(path, display)
    if isinstance(text, Problem):
        return YamlDocument(display, None, problems=[text])
    problem = _invisible_character(text, display)
    try:
        problem = problem or _structure_problem(text, display)
        if problem is not None:
            return YamlDocument(display, None, problems=[problem])
        node = yaml.compose(text, Loader=_LOADER)
        data = _Constructor(text).construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = Problem(display, line, f"YAML syntax error: {err.problem or err.context}", _syntax_fix(err, text))
        return YamlDocument(display, None, problems=[problem])
    except yaml.YAMLError as err:
        problem = Problem(display, 1, f"YAML error: {err}", "check the quotes, dashes and indentation")
        return YamlDocument(display, None, problems=[problem])
    document = YamlDocument(display, data)
    if node is not None:
        _record_lines(node, (), document)
    return document


def _read_text(path: Path, display: str) -> str | Problem:
    """The file's text, or why it cannot be read. Opened without blocking, so a pipe never hangs."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        return _open_problem(path, display, err)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            if path.is_symlink():
                return Problem(display, 1, "is a link to a folder, not a file", "remove the link")
            return Problem(
                display, 1, "is a folder, not a file", "remove it, or rename it so its name does not end in .yaml"
            )
        if not stat.S_ISREG(mode):
            fix = "remove it: knowledge files must be ordinary text files"
            return Problem(display, 1, "is not an ordinary file (a pipe, device or socket)", fix)
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        return Problem(display, 1, f"cannot be read ({err.strerror})", "check that the file exists and can be read")
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1_000_000
        return Problem(display, 1, f"file is larger than {limit} MB", "split it into several smaller files")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return Problem(display, line, f"not UTF-8 ({err.reason})", "save the file as UTF-8 text")


def _open_problem(path: Path, display: str, err: OSError) -> Problem:
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "its target"
        if isinstance(err, FileNotFoundError):
            return Problem(
                display, 1, f"is a link that points nowhere ({target} does not exist)", "remove the link or fix it"
            )
        return Problem(
            display, 1, f"is a link that cannot be followed ({target}: {err.strerror})", "remove the link or fix it"
        )
    if isinstance(err, FileNotFoundError):
        return Problem(display, 1, "file not found", f"create {path.name} (see README)")
    return Problem(display, 1, f"cannot be read ({err.strerror})", "check that the file exists and can be read")


def _invisible_character(text: str, display: str) -> Problem | None:
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    message = f"invisible control character U+{ord(found.group()):04X}"
    return Problem(
        display, line, message, "remove the invisible control character (retype the line if you cannot see it)"
    )


def _structure_problem(text: str, display: str) -> Problem | None:
    """Anchors, aliases or deep nesting, found from the tokens before anything is composed: an alias
    repeats a value wherever it is used, so a few lines of them can stand for billions of values."""
    depth = 0
    for token in yaml.scan(text, Loader=_LOADER):
        line = token.start_mark.line + 1
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
            kind = "anchor" if sign == "&" else "alias"
            fix = (
                "write the text out in full; YAML anchors (&) and aliases (*) are not allowed "
                "(put text that starts with & or * in double quotes)"
            )
            return Problem(display, line, f"YAML {kind} `{sign}{token.value}`", fix)
        if isinstance(token, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(display, line, f"nested more than {MAX_DEPTH} levels deep", _FLATTEN)
        elif isinstance(token, _CLOSING):
            depth -= 1
    return None


def _syntax_fix(err: yaml.MarkedYAMLError, text: str) -> str:
    problem = str(err.problem or err.context or "")
    mark = err.problem_mark or err.context_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())] or "tab" in problem.split():
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return 'put text that contains ": " in double quotes, e.g. question: "Is it safe: really?"'
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation: each field of an entry lines up under `id`"
    if "found character" in problem or _STARTS_WITH_INDICATOR.search(line):
        return "put text that starts with * & ! % @ or ` in double quotes"
    if "nesting depth" in problem:
        return _FLATTEN
    return "check the quotes, dashes and indentation around this line"


def _record_lines(node: yaml.Node, location: Location, document: YamlDocument) -> None:
    document.lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), document)
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                document.problems.append(
                    Problem(
                        document.path,
                        key_node.start_mark.line + 1,
                        f"`{key}` appears twice in the same entry",
                        "keep one of them and delete the other",
                    )
                )
            seen.add(key)
            _record_lines(value_node, (*location, key), document)
            document.lines[(*location, key)] = key_node.start_mark.line + 1
