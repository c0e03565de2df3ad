"""Reading a YAML file together with the line of every value, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faq.errors import Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: same marks, much faster

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


def _syntax_fix(problem: str) -> str:
    if "\t" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return 'put text that contains ": " in double quotes, e.g. question: "Is it safe: really?"'
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation: each field of an entry lines up under `id`"
    if "found undefined alias" in problem or "found character" in problem:
        return "put text that starts with * & ! % @ or ` in double quotes"
    return "check the quotes, dashes and indentation around this line"


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse `path`; syntax errors and duplicate keys are reported as problems, never raised."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        fix = "save the file as UTF-8 text"
        return YamlDocument(display, None, problems=[Problem(display, 1, f"not UTF-8 ({err.reason})", fix)])
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.SafeLoader(text).construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = f"YAML syntax error: {err.problem or err.context}"
        return YamlDocument(display, None, problems=[Problem(display, line, problem, _syntax_fix(str(err)))])
    except yaml.YAMLError as err:
        return YamlDocument(display, None, problems=[Problem(display, 1, f"YAML error: {err}", _syntax_fix(str(err)))])
    document = YamlDocument(display, data)
    if node is not None:
        _record_lines(node, (), document)
    return document


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
