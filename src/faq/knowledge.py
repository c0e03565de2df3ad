"""Loading the knowledge folder into validated entries, reporting every problem at once."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from faq.errors import KnowledgeError, Problem
from faq.schema import NO_FLAG, Clinic, Entry, OutOfScopeTopic, RedFlag, Settings, TriageMessages
from faq.yamlfile import Location, YamlDocument, read_yaml

CLINIC_FILE = "clinic.yaml"
RED_FLAGS_FILE = "red_flags.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"
SETTINGS_FILE = "settings.yaml"
TRIAGE_TRAINING_FILE = "triage_training.yaml"
SPECIAL_FILES = frozenset({CLINIC_FILE, RED_FLAGS_FILE, OUT_OF_SCOPE_FILE, SETTINGS_FILE, TRIAGE_TRAINING_FILE})
EMPTY_FILE = "file is empty"

Model = TypeVar("Model", bound=BaseModel)
Item = TypeVar("Item", Entry, RedFlag, OutOfScopeTopic, TriageMessages)


@dataclass(frozen=True)
class Origin:
    """The file and line where an entry or red flag starts, and the lines of its fields."""

    file: str
    line: int
    field_lines: dict[Location, int] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def line_of(self, *location: str | int) -> int:
        """The line of a field inside the item, e.g. line_of("alternates", 2); the item's line if unknown."""
        return self.field_lines.get(tuple(location), self.line)


@dataclass
class KnowledgeBase:
    """Everything staff wrote, validated: entries, red flags, out-of-scope topics, clinic details and settings."""

    entries: list[Entry]
    red_flags: list[RedFlag]
    clinic: Clinic
    settings: Settings
    out_of_scope: list[OutOfScopeTopic] = field(default_factory=list)
    triage_training: list[TriageMessages] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id; KeyError when there is none."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    def served(self, item: Entry | OutOfScopeTopic) -> bool:
        """Whether patients may read this entry or topic reply (see Clinic.serves)."""
        return self.clinic.serves(item)

    def unserved_drafts(self) -> list[Entry]:
        """The draft entries patients do not get (`serve_drafts: false`): each waits for `faq review`."""
        return [e for e in self.entries if not self.served(e)]

    def served_entries(self) -> list[Entry]:
        """The entries patients may read, in file order."""
        return [e for e in self.entries if self.served(e)]

    def flag_levels(self) -> dict[str, str]:
        """Each red flag's id and level, for eval cases that name their flag."""
        return {f.id: f.level for f in self.red_flags}

    def content_hash(self) -> str:
        """A fingerprint of what the index is built from: entries, red flags, topics and clinic details."""
        payload = {
            "entries": [e.model_dump(mode="json") for e in self.entries],
            "red_flags": [r.model_dump(mode="json") for r in self.red_flags],
            "out_of_scope": [t.model_dump(mode="json") for t in self.out_of_scope],
            "clinic": self.clinic.model_dump(mode="json"),
        }
        if self.triage_training:  # only when present, so indexes built before the file existed stay current
            payload["triage_training"] = [t.model_dump(mode="json") for t in self.triage_training]
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Read and validate every YAML file in `folder`; raise KnowledgeError listing all problems."""
    if not folder.is_dir():
        problem = Problem(str(folder), 1, "knowledge folder not found", "pass --knowledge DIR or set FAQ_KNOWLEDGE")
        raise KnowledgeError([problem])
    problems: list[Problem] = []
    invalid_ids: set[str] = set()
    entries, origins = _load_entries(folder, problems, invalid_ids)
    invalid_flags: set[str] = set()
    red_flags = _load_red_flags(folder, problems, origins, invalid_flags)
    out_of_scope_file = folder / OUT_OF_SCOPE_FILE
    out_of_scope = (
        _load_list(out_of_scope_file, folder, OutOfScopeTopic, problems, origins) if _present(out_of_scope_file) else []
    )
    triage_training = _load_triage_training(folder, {f.id for f in red_flags} | invalid_flags, problems)
    clinic = _load_mapping(folder / CLINIC_FILE, folder, Clinic, problems, required=True)
    settings = _load_mapping(folder / SETTINGS_FILE, folder, Settings, problems, required=False)
    _check_related(entries, origins, problems, invalid_ids)
    errors = [p for p in problems if not p.warning]
    if errors or clinic is None:
        raise KnowledgeError(errors)
    return KnowledgeBase(
        entries=entries,
        red_flags=red_flags,
        clinic=clinic,
        settings=settings or Settings(),
        out_of_scope=out_of_scope,
        triage_training=triage_training,
        origins=origins,
        warnings=[p for p in problems if p.warning],
    )


def _display(path: Path, folder: Path) -> str:
    return str(Path(folder.name) / path.relative_to(folder))


def _present(path: Path) -> bool:
    """True when something is at `path`, even a link that points nowhere (read_yaml reports it)."""
    return path.is_symlink() or path.exists()


def _has_errors(problems: list[Problem]) -> bool:
    return any(not p.warning for p in problems)


def _entry_files(folder: Path) -> list[Path]:
    files = [*folder.rglob("*.yaml"), *folder.rglob("*.yml")]
    return sorted(p for p in files if p.name not in SPECIAL_FILES or p.parent != folder)


def _load_entries(
    folder: Path, problems: list[Problem], invalid_ids: set[str]
) -> tuple[list[Entry], dict[str, Origin]]:
    entries: list[Entry] = []
    origins: dict[str, Origin] = {}
    for path in _entry_files(folder):
        for entry in _load_list(path, folder, Entry, problems, origins, invalid_ids):
            entries.append(entry)
    if not entries and not _has_errors(problems):
        files = _entry_files(folder)
        display = _display(files[0], folder) if files else folder.name
        problems.append(
            Problem(display, 1, f"no entries found in {folder.name}/", "add entries as `- id: ...` (see README)")
        )
    return entries, origins


def _load_red_flags(
    folder: Path, problems: list[Problem], origins: dict[str, Origin], invalid_ids: set[str]
) -> list[RedFlag]:
    """The red flags; none at all is an error, since it would switch triage off without a word. The ids of
    invalid ones (already reported) go to `invalid_ids`."""
    path = folder / RED_FLAGS_FILE
    display = _display(path, folder)
    fix = f"restore {RED_FLAGS_FILE} (git checkout {display})"
    if not _present(path):
        problems.append(Problem(display, 1, "file not found: triage would be switched off", fix))
        return []
    found: list[Problem] = []
    red_flags = _load_list(path, folder, RedFlag, found, origins, invalid_ids)
    problems.extend(p for p in found if p.message != EMPTY_FILE)  # its "delete the file" is the wrong advice here
    if not red_flags and not _has_errors(found):
        problems.append(Problem(display, 1, "no red flags: triage would be switched off", fix))
    return red_flags


def _load_triage_training(folder: Path, flag_ids: set[str], problems: list[Problem]) -> list[TriageMessages]:
    """The optional messages that teach the red-flag classifier; each group's `flag` must be one of `flag_ids`
    (the red flags written, valid or already reported) or `none`."""
    path = folder / TRIAGE_TRAINING_FILE
    if not _present(path):
        return []
    origins: dict[str, Origin] = {}  # its own: a group is named after its flag, which is not a duplicate id
    groups = _load_list(path, folder, TriageMessages, problems, origins)
    known = flag_ids
    if not known and _has_errors(problems):
        return groups  # red_flags.yaml is broken and already reported: every flag would look unknown
    for group in groups:
        if group.flag != NO_FLAG and group.flag not in known:
            guess = difflib.get_close_matches(group.flag, sorted(known), n=1)
            hint = f"`{guess[0]}`" if guess else "an id from red_flags.yaml"
            origin = origins[group.id]
            problems.append(
                Problem(
                    origin.file,
                    origin.line_of("flag"),
                    f"`flag: {group.flag}` is not a red flag",
                    f"use {hint}, or `{NO_FLAG}` for messages that need no card",
                )
            )
    return [g for g in groups if g.flag == NO_FLAG or g.flag in known]


def _load_list(
    path: Path,
    folder: Path,
    model: type[Item],
    problems: list[Problem],
    origins: dict[str, Origin],
    invalid_ids: set[str] | None = None,
) -> list[Item]:
    """The valid items of a list file; the ids of invalid ones go to `invalid_ids` (already reported,
    so `related` naming them is not reported again as an unknown id)."""
    display = _display(path, folder)
    document = read_yaml(path, display)
    problems.extend(document.problems)
    if document.data is None and not document.problems:
        problems.append(Problem(display, 1, EMPTY_FILE, "add entries or delete the file", warning=True))
        return []
    if document.data is None:
        return []
    if not isinstance(document.data, list):
        fix = "start each item with `- id: ...` at the left margin"
        problems.append(Problem(display, 1, "expected a list of items", fix))
        return []
    items: list[Item] = []
    # Field lines grouped by item once: scanning every line per item would be quadratic in file size.
    item_lines: dict[int, dict[Location, int]] = {}
    for loc, line in document.lines.items():
        if loc and isinstance(loc[0], int):
            item_lines.setdefault(loc[0], {})[loc[1:]] = line
    for index, raw in enumerate(document.data):
        item = _validate(model, raw, document, (index,), problems)
        if item is None:
            if invalid_ids is not None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
                invalid_ids.add(raw["id"])
            continue
        item_id = str(item.id)
        origin = Origin(display, document.line_of((index,)), item_lines.get(index, {}))
        if item_id in origins:
            first = origins[item_id]
            if model is TriageMessages:  # groups are named after their flag
                message = f"a second group for `{item_id}` (the first is at {first})"
                fix = f"move these messages into the first `flag: {item_id}` group and delete this one"
            else:
                message, fix = f"duplicate id `{item_id}` (first used at {first})", "give each entry its own id"
            problems.append(Problem(display, origin.line, message, fix))
            continue
        origins[item_id] = origin
        items.append(item)
    return items


def _load_mapping(
    path: Path, folder: Path, model: type[Model], problems: list[Problem], *, required: bool
) -> Model | None:
    display = _display(path, folder)
    if not _present(path):
        if required:
            problems.append(Problem(display, 1, "file not found", f"create {path.name} (see README)"))
        return None
    document = read_yaml(path, display)
    problems.extend(document.problems)
    if document.problems:
        return None
    if not isinstance(document.data, dict):
        problems.append(Problem(display, 1, "expected `field: value` lines", "see README for the fields"))
        return None
    return _validate(model, document.data, document, (), problems)


def _validate(
    model: type[Model], raw: Any, document: YamlDocument, location: Location, problems: list[Problem]
) -> Model | None:
    if not isinstance(raw, dict):
        line = document.line_of(location)
        problems.append(
            Problem(document.path, line, "expected `field: value` lines", "start the item with `- id: ...`")
        )
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        for error in err.errors():
            where = (*location, *error["loc"])
            problems.append(_problem_from(error, model, document, where))
        return None


def _field_path(error: ErrorDetails) -> str:
    parts = [str(p) for p in error["loc"] if isinstance(p, str)]
    return ".".join(parts) if parts else "item"


def _problem_from(error: ErrorDetails, model: type[BaseModel], document: YamlDocument, where: Location) -> Problem:
    kind = error["type"]
    name = _field_path(error)
    line = document.line_of(where)
    if kind == "missing":
        return Problem(document.path, line, f"`{name}` is missing", f"add the `{name}:` field to this item")
    if kind == "extra_forbidden":
        known = list(model.model_fields)
        guess = difflib.get_close_matches(name.split(".")[-1], known, n=1)
        hint = f"did you mean `{guess[0]}`?" if guess else f"allowed fields: {', '.join(known)}"
        return Problem(document.path, line, f"unknown field `{name}`", f"remove it or fix the spelling ({hint})")
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        fix = "use lower-case words joined by hyphens, e.g. `does-it-hurt`"
        return Problem(document.path, line, f"`{name}` value `{value}` is not a valid id", fix)
    if kind.startswith("date"):
        value = error.get("input")
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d?-\d\d?", value):
            fix = "write a real date as YYYY-MM-DD, e.g. 2026-11-20"
            return Problem(document.path, line, f"`{name}` date {value} does not exist", fix)
        return Problem(document.path, line, f"`{name}` is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-20")
    if kind.startswith("int_"):
        return Problem(document.path, line, f"`{name}` should be a whole number", "write a small whole number, e.g. 3")
    if kind == "too_short":
        return Problem(document.path, line, f"`{name}` is empty", f"add at least one item under `{name}:`")
    if kind in {"list_type"}:
        return Problem(
            document.path,
            line,
            f"`{name}` should be a list",
            f"write each item on its own line starting with `- ` under `{name}:`",
        )
    if kind == "string_type":
        return Problem(document.path, line, f"`{name}` should be text", "put the value in double quotes")
    if kind == "url_parsing" or kind.startswith("url"):
        return Problem(
            document.path, line, f"`{name}` is not a web address", "write the full address, starting with https://"
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return Problem(document.path, line, f"`{name}` has an unknown value", f"use one of {expected}")
    if kind == "source_reference":
        fix = "add `url: https://...` or `citation: ...` under its `title:`"
        return Problem(document.path, line, "a source has no `url` or `citation`", fix)
    if kind == "blank":
        return Problem(document.path, line, f"`{name}` is empty", f"write the text after `{name}:`")
    if kind in {"draft_signed", "review_incomplete"}:
        return _sign_off_problem(error, document, where)
    if kind == "us_state":
        ctx = error.get("ctx", {})
        hint = f"did you mean {ctx['guess']}?" if ctx.get("guess") else "e.g. Illinois or IL"
        fix = f"write the clinic's US state by name or two-letter code ({hint})"
        return Problem(document.path, line, f"`{name}` {ctx.get('value')!r} is not a US state", fix)
    message = error["msg"].removeprefix("Value error, ")
    return Problem(document.path, line, f"`{name}`: {message}", "correct the value (see README, 'Editing answers')")


def review_command(item_id: str) -> str:
    """The command that records a clinician's sign-off of `item_id`, as fix advice quotes it."""
    return f'`faq review {item_id} --by "Name, credentials"`'


def _sign_off_problem(error: ErrorDetails, document: YamlDocument, where: Location) -> Problem:
    """A draft that names a reviewer or date (at that line), or a `status: reviewed` without both (at its line)."""
    ctx = error.get("ctx", {})
    review = f"run {review_command(ctx.get('id') or 'ID')}"
    if error["type"] == "review_incomplete":
        missing = " and ".join(f"`{name}`" for name in ctx["missing"])
        line = document.line_of((*where, "status"))
        fix = f"{review} once a clinician has checked it, or write `status: draft` until then"
        return Problem(document.path, line, f"`status: reviewed` needs {missing}", fix)
    present = ctx["present"]
    fields = " and ".join(f"`{name}`" for name in present)
    lines = " and ".join(f"`{name}:`" for name in present)
    verb = "is" if len(present) == 1 else "are"
    status = "`status` is draft" if ctx.get("stated") else "there is no `status` (which means draft)"
    line = min(document.line_of((*where, name)) for name in present)
    fix = f"if a clinician has checked it, {review}; if not, delete the {lines} line{'s' if len(present) > 1 else ''}"
    return Problem(document.path, line, f"{fields} {verb} set but {status}", fix)


def _check_related(
    entries: list[Entry], origins: dict[str, Origin], problems: list[Problem], invalid_ids: set[str]
) -> None:
    known = {e.id for e in entries}
    for entry in entries:
        origin = origins[entry.id]
        for position, related in enumerate(entry.related):
            line = origin.line_of("related", position)
            if related == entry.id:
                problems.append(Problem(origin.file, line, f"`{entry.id}` lists itself in `related`", "remove it"))
            elif related not in known and related not in invalid_ids:
                guess = difflib.get_close_matches(related, sorted(known), n=1)
                hint = f" (did you mean `{guess[0]}`?)" if guess else ""
                message = f"`related` of `{entry.id}` names unknown id `{related}`"
                problems.append(Problem(origin.file, line, message, f"use an existing id{hint}"))
