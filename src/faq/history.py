"""Saving checked edits (faq.edits) and the record of who changed what, with undo.

A save is refused when the file changed on disk since the editor loaded it (EditConflictError), is written
atomically, and is recorded: when the knowledge folder is inside a git repository, as a commit of just that
file with the staff member as its author; otherwise as a snapshot (the file's text before and after) in
`<data>/history/`. `recent_changes` lists them with their diffs; `undo_last` takes back the latest change
not yet undone (a revert commit, or the snapshot's text put back), through the same checks as an edit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from faq.edits import Edit, check_edit
from faq.errors import EditConflictError, EditError, HistoryError
from faq.roundtrip import read_text, replace_file, version_of

ENTRY_TRAILER = "Faq-Entry"
"""Marks a commit made by faq, naming the entry it changed."""
UNDOES_TRAILER = "Faq-Undoes"
"""Marks an undo, naming the change it takes back."""
FALLBACK_EMAIL_DOMAIN = "clinic.invalid"


@dataclass(frozen=True)
class Saved:
    """A written edit: the file's new version (for the next edit) and the id of its record in the history."""

    edit: Edit
    version: str
    change_id: str
    """The commit's hash, or the snapshot's name."""
    recorded_as: str
    """ "git commit 1a2b3c4" or "snapshot data/history/...json"."""


@dataclass(frozen=True)
class Change:
    """One recorded change to the knowledge folder, newest first in `recent_changes`."""

    id: str
    time: dt.datetime
    author: str
    summary: str
    files: tuple[str, ...]
    entry_id: str
    """The entry it changed ("" for a commit made outside faq)."""
    diff: str = ""
    undoes: str | None = None
    undone: bool = False
    by_faq: bool = True
    """False for a commit made outside faq (by hand, with git): listed, never undone by `faq undo`."""


def staff_identity(by: str) -> tuple[str, str]:
    """The name and email for a staff member given as "Name" or "Name <email>"."""
    found = re.fullmatch(r"\s*(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*", by)
    name, email = (found.group(1), found.group(2)) if found else (" ".join(by.split()), "")
    if not name:
        raise EditError('the staff member\'s name is empty — give it with --by "Name" or set FAQ_STAFF_NAME')
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "staff"
    return name, email or f"{slug}@{FALLBACK_EMAIL_DOMAIN}"


def save(edit: Edit, *, author: str, data_dir: Path) -> Saved:
    """Write `edit` and record it; EditConflictError (nothing written) when the file is not the version the
    edit was made from."""
    name, email = staff_identity(author)
    if edit.after == edit.before:
        raise EditError(f"{edit.display} would not change (`{edit.entry_id}` already reads so) — nothing to save")
    if version_of(read_text(edit.path)) != edit.version:
        raise EditConflictError(
            f"{edit.display} changed since you loaded it (another edit was saved, or it was edited by hand) — "
            "nothing was written; reload it and make your change again"
        )
    repo = _repository(edit.folder)
    if repo is not None:
        change_id = _commit(repo, edit, name, email)
        recorded = f"git commit {change_id[:7]}"
    else:
        snapshot = _snapshot(edit, name, email, data_dir)
        change_id, recorded = snapshot.stem, f"snapshot {snapshot}"
    return Saved(edit, version_of(edit.after), change_id, recorded)


def recent_changes(folder: Path, data_dir: Path, limit: int = 10) -> list[Change]:
    """The latest `limit` changes to the knowledge folder, newest first, each with its diff."""
    repo = _repository(folder)
    if repo is None:
        return _snapshot_changes(folder, data_dir)[:limit]
    return [_with_diff(repo, folder, c) for c in _git_changes(repo, folder)[:limit]]


def propose_undo(folder: Path, data_dir: Path, *, version: str | None = None) -> Edit:
    """The checked edit that takes back the latest change not yet undone. `version` is the version of its
    file when the editor showed the change (None: as it is now); HistoryError when there is nothing to undo
    or the file was changed again since."""
    repo = _repository(folder)
    changes = _git_changes(repo, folder) if repo is not None else _snapshot_changes(folder, data_dir)
    target = next((c for c in changes if c.by_faq and c.undoes is None and not c.undone), None)
    if target is None:
        done = (
            "every change made with faq here is undone already"
            if any(c.by_faq for c in changes)
            else ("no change made with faq is recorded for this knowledge folder")
        )
        raise HistoryError(f"nothing to undo: {done}")
    if repo is not None:
        display, before, after = _git_texts(repo, folder, target.id)
    else:
        display, before, after = _snapshot_texts(data_dir, target.id)
    path = folder / Path(display).relative_to(folder.name)
    current = read_text(path)
    if version is not None and version_of(current) != version:
        raise EditConflictError(
            f"{display} changed since you loaded it — nothing was undone; reload the history and try again"
        )
    if current != after:
        raise HistoryError(
            f'{display} changed after "{target.summary}" ({target.id[:12]}), so it cannot be taken back on its '
            "own — nothing was undone; make the change by hand"
        )
    summary = f'Undo "{target.summary}"'
    undo = Edit(folder, path, display, target.entry_id, summary, current, before, version_of(current), undoes=target.id)
    return check_edit(undo)


def undo_last(folder: Path, *, author: str, data_dir: Path, version: str | None = None) -> Saved:
    """Take back the latest change not yet undone, and record that as a change of its own."""
    return save(propose_undo(folder, data_dir, version=version), author=author, data_dir=data_dir)


def _repository(folder: Path) -> Path | None:
    """The git repository holding `folder`, or None; HistoryError when there is one but no git command."""
    start = folder.resolve()
    repo = next((p for p in (start, *start.parents) if (p / ".git").exists()), None)
    if repo is not None and shutil.which("git") is None:
        raise HistoryError(
            f"{folder} is inside a git repository ({repo}), but the `git` command is not installed — install "
            "git (e.g. `apt-get install git`) so each change is recorded as a commit"
        )
    return repo


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    if check and result.returncode != 0:
        raise HistoryError(f"`git {args[0]}` failed in {repo}: {result.stderr.strip()} — fix the repository, retry")
    return result.stdout


def _git_env(repo: Path, name: str, email: str) -> dict[str, str]:
    """The environment for a commit: the staff member as author; as committer too when git has no user."""
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    if not _git(repo, "config", "user.email", check=False).strip():
        env |= {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    return env


def _commit(repo: Path, edit: Edit, name: str, email: str) -> str:
    """Write the file and commit just it; on a failed commit the file is put back as it was."""
    relative = str(edit.path.resolve().relative_to(repo))
    env = _git_env(repo, name, email)
    if edit.before is not None and _git(repo, "status", "--porcelain", "--", relative).strip():
        _git(repo, "add", "--", relative)  # edits made by hand first, so an undo takes back only this change
        message = f"Record changes made by hand to {edit.display}\n\nCommitted by faq before: {edit.summary}\n"
        _git(repo, "commit", "--quiet", "--no-verify", "-m", message, "--", relative, env=env)
    trailers = f"{ENTRY_TRAILER}: {edit.entry_id}\n"
    if edit.undoes:
        trailers += f"{UNDOES_TRAILER}: {edit.undoes}\nThis reverts commit {edit.undoes}.\n"
    message = f"{edit.summary}\n\nChanged with faq by {name}.\n\n{trailers}"
    _write(edit)
    try:
        _git(repo, "add", "--all", "--", relative)
        _git(repo, "commit", "--quiet", "--no-verify", "-m", message, "--", relative, env=env)
    except HistoryError:
        _write(edit, undo=True)
        _git(repo, "reset", "--quiet", "--", relative, check=False)
        raise
    return _git(repo, "rev-parse", "HEAD").strip()


def _write(edit: Edit, *, undo: bool = False) -> None:
    text = edit.before if undo else edit.after
    if text is None:
        edit.path.unlink(missing_ok=True)
    else:
        edit.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(edit.path, text)


_FIELDS = "%x1e%H%x1f%an%x1f%aI%x1f%s%x1f%b%x1d"
"""One commit: record separator, fields, then the body and (after %x1d) the files it changed."""


def _git_changes(repo: Path, folder: Path) -> list[Change]:
    """Every commit that touched the folder, newest first, without diffs (see `_with_diff`)."""
    relative = _relative(repo, folder)
    if not _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip():
        return []  # a repository with no commit yet
    log = _git(repo, "log", f"--format={_FIELDS}", "--name-only", "--", relative)
    changes = []
    for record in filter(None, (r.strip("\n") for r in log.split("\x1e"))):
        sha, author, time, subject, rest = record.split("\x1f")
        body, _, names = rest.partition("\x1d")
        files = tuple(str(Path(folder.name) / (repo / f).relative_to(folder.resolve())) for f in names.split())
        trailers = dict(re.findall(rf"^({ENTRY_TRAILER}|{UNDOES_TRAILER}): (\S+)$", body, re.MULTILINE))
        entry = trailers.get(ENTRY_TRAILER, "")
        when = dt.datetime.fromisoformat(time)
        changes.append(
            Change(sha, when, author, subject, files, entry, "", trailers.get(UNDOES_TRAILER), by_faq=bool(entry))
        )
    undone = {c.undoes for c in changes if c.undoes}
    return [replace(c, undone=True) if c.id in undone else c for c in changes]


def _with_diff(repo: Path, folder: Path, change: Change) -> Change:
    return replace(change, diff=_git(repo, "show", "--format=", "--patch", change.id, "--", _relative(repo, folder)))


def _relative(repo: Path, folder: Path) -> str:
    return str(folder.resolve().relative_to(repo)) or "."


def _git_texts(repo: Path, folder: Path, sha: str) -> tuple[str, str | None, str | None]:
    """The display name of the one file `sha` changed in the folder, its text before and after."""
    relative = _relative(repo, folder)
    files = _git(repo, "show", "--format=", "--name-only", sha, "--", relative).split()
    if len(files) != 1:
        raise HistoryError(f"commit {sha[:12]} changed {len(files)} files — undo it by hand with `git revert`")
    display = str(Path(folder.name) / (repo / files[0]).relative_to(folder.resolve()))

    def text_at(revision: str) -> str | None:
        shown = subprocess.run(
            ["git", "-C", str(repo), "show", f"{revision}:{files[0]}"], capture_output=True, check=False, timeout=60
        )
        return shown.stdout.decode("utf-8") if shown.returncode == 0 else None

    return display, text_at(f"{sha}^"), text_at(sha)


def _snapshot(edit: Edit, name: str, email: str, data_dir: Path) -> Path:
    """Record the edit in `<data>/history/`, then write the file (the record is removed if writing fails)."""
    folder = data_dir / "history"
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = folder / f"{now:%Y%m%dT%H%M%S%fZ}-{edit.entry_id}.json"
    record = {
        "time": now.isoformat(),
        "author": name,
        "email": email,
        "summary": edit.summary,
        "entry": edit.entry_id,
        "folder": str(edit.folder.resolve()),
        "file": edit.display,
        "before": edit.before,
        "after": edit.after,
        "undoes": edit.undoes,
    }
    replace_file(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    try:
        _write(edit)
    except OSError:
        path.unlink(missing_ok=True)
        raise
    return path


def _snapshot_records(folder: Path, data_dir: Path) -> list[tuple[str, dict[str, str | None]]]:
    """This folder's snapshots, newest first."""
    found = []
    for path in sorted((data_dir / "history").glob("*.json"), reverse=True):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise HistoryError(f"{path} cannot be read — restore it or move it out of {path.parent}") from None
        if record.get("folder") == str(folder.resolve()):
            found.append((path.stem, record))
    return found


def _snapshot_changes(folder: Path, data_dir: Path) -> list[Change]:
    changes = []
    records = _snapshot_records(folder, data_dir)
    undone = {r.get("undoes") for _, r in records}
    for change_id, r in records:
        display = str(r["file"])
        lines = difflib.unified_diff(
            (r["before"] or "").splitlines(True), (r["after"] or "").splitlines(True), f"a/{display}", f"b/{display}"
        )
        time = dt.datetime.fromisoformat(str(r["time"]))
        summary, author, entry = str(r["summary"]), str(r["author"]), str(r["entry"])
        diff, undoes = "".join(lines), r.get("undoes")
        changes.append(Change(change_id, time, author, summary, (display,), entry, diff, undoes, change_id in undone))
    return changes


def _snapshot_texts(data_dir: Path, change_id: str) -> tuple[str, str | None, str | None]:
    record = json.loads((data_dir / "history" / f"{change_id}.json").read_text(encoding="utf-8"))
    return str(record["file"]), record["before"], record["after"]
