"""The `faq` commands that edit the knowledge files: `alternate`, `entry`, `history` and `undo`.

Thin, like the rest of the command line: each parses its options and calls `faq.edits` or
`faq.history`, which check every change like `faq validate`, refuse a file changed meanwhile, and
record the change (a git commit, or a snapshot under --data).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from faq import config
from faq.cli_options import data_option, editor_options, force_option, knowledge_option


def _encoder_for(folder: Path) -> Any:
    """The embedding model named in the folder's settings, for the collision check of new phrasings."""
    from faq.embedding import load_encoder
    from faq.index import CachedEncoder
    from faq.knowledge import load_knowledge

    encoder = load_encoder(config.model_name(load_knowledge(folder).settings.model))
    return CachedEncoder(encoder, config.index_dir())


def _save(edit: Any, by: str, data_dir: Path | None) -> None:
    """Write a checked edit, then say what was written and where it was recorded."""
    from faq.history import save

    saved = save(edit, author=by, data_dir=config.data_dir(data_dir))
    for warning in edit.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"{edit.summary}: {edit.display} ({saved.recorded_as}).")
    click.echo("Patients see it after `faq build` or the staff page's Rebuild index.")


@click.group()
def alternate() -> None:
    """Add or remove an alternate: another way patients ask an entry's question.

    Each change is checked like `faq validate` before anything is written, is refused when the file
    changed meanwhile, and is recorded (a git commit, or a snapshot under --data); `faq undo` takes it back.
    """


@alternate.command(name="add")
@editor_options
@force_option
@click.argument("entry_id", metavar="ID")
@click.argument("phrasing")
def alternate_add(
    knowledge_dir: Path | None, data_dir: Path | None, by: str, force: bool, entry_id: str, phrasing: str
) -> None:
    """Add PHRASING to the alternates of entry ID (refused when the model places it nearer another entry)."""
    from faq.edits import propose_alternate

    folder = config.knowledge_dir(knowledge_dir)
    _save(propose_alternate(folder, entry_id, phrasing, encoder=_encoder_for(folder), force=force), by, data_dir)


@alternate.command(name="remove")
@editor_options
@click.argument("entry_id", metavar="ID")
@click.argument("phrasing")
def alternate_remove(knowledge_dir: Path | None, data_dir: Path | None, by: str, entry_id: str, phrasing: str) -> None:
    """Remove PHRASING from the alternates of entry ID (written exactly as in the file)."""
    from faq.edits import propose_alternate_removal

    _save(propose_alternate_removal(config.knowledge_dir(knowledge_dir), entry_id, phrasing), by, data_dir)


@click.group()
def entry() -> None:
    """Write a new entry, change an entry's question, answer or category, or delete an entry.

    Each change is checked like `faq validate` before anything is written, is refused when the file
    changed meanwhile, and is recorded (a git commit, or a snapshot under --data); `faq undo` takes it back.
    """


def _answer_text(answer_file: Path | None, *, required: bool) -> str | None:
    if answer_file is None and not required:
        return None
    if answer_file is None or str(answer_file) == "-":
        if sys.stdin.isatty():
            raise click.UsageError("give the answer with --answer-file FILE, or pipe it in on standard input")
        return sys.stdin.read()
    return answer_file.read_text(encoding="utf-8")


answer_file_option = click.option(
    "--answer-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True),
    default=None,
    help="A text file holding the answer (Markdown allowed); `-` or left out: standard input.",
)


@entry.command(name="new")
@editor_options
@force_option
@click.argument("entry_id", metavar="ID")
@click.option("--question", required=True, help="The question as a title, e.g. 'Is parking free?'.")
@click.option("--category", required=True, help="The category it is listed under in 'Browse all topics'.")
@answer_file_option
@click.option("--alternate", "alternates", multiple=True, help="Another way patients ask it (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--source-title", required=True, help="The title of the source the answer's facts come from.")
@click.option("--source-url", default=None, help="The source's web address (https://...).")
@click.option("--source-citation", default=None, help="The source's printed citation.")
@click.option("--related", "related", multiple=True, help="The id of a follow-up entry (repeatable).")
@click.option("--file", "file", default=None, help="The file to write it in. Default: the file of its category.")
def entry_new(
    knowledge_dir: Path | None,
    data_dir: Path | None,
    by: str,
    force: bool,
    entry_id: str,
    answer_file: Path | None,
    source_title: str,
    source_url: str | None,
    source_citation: str | None,
    file: str | None,
    **fields: Any,
) -> None:
    """Write a new entry ID (a draft until `faq review`); the answer comes from --answer-file or standard input."""
    from faq.edits import propose_new_entry

    folder = config.knowledge_dir(knowledge_dir)
    source = {"title": source_title, "url": source_url, "citation": source_citation}
    values = {**fields, "answer": _answer_text(answer_file, required=True), "sources": [source]}
    encoder = _encoder_for(folder) if fields["alternates"] else None
    edit = propose_new_entry(folder, entry_id, values, file=file, encoder=encoder, force=force)
    _save(edit, by, data_dir)


@entry.command(name="edit")
@editor_options
@force_option
@click.argument("entry_id", metavar="ID")
@click.option("--question", default=None, help="The new question.")
@click.option("--category", default=None, help="The new category.")
@answer_file_option
def entry_edit(
    knowledge_dir: Path | None,
    data_dir: Path | None,
    by: str,
    force: bool,
    entry_id: str,
    question: str | None,
    category: str | None,
    answer_file: Path | None,
) -> None:
    """Change the question, category or answer of entry ID; only those lines of the file change."""
    from faq.edits import propose_entry_edit

    folder = config.knowledge_dir(knowledge_dir)
    answer = _answer_text(answer_file, required=False)
    changes = {k: v for k, v in {"question": question, "category": category, "answer": answer}.items() if v is not None}
    if not changes:
        raise click.UsageError("give --question, --category or --answer-file")
    encoder = _encoder_for(folder) if question is not None else None
    _save(propose_entry_edit(folder, entry_id, changes, encoder=encoder, force=force), by, data_dir)


@entry.command(name="delete")
@editor_options
@click.argument("entry_id", metavar="ID")
def entry_delete(knowledge_dir: Path | None, data_dir: Path | None, by: str, entry_id: str) -> None:
    """Delete entry ID (refused while another entry lists it in `related`)."""
    from faq.edits import propose_deletion

    _save(propose_deletion(config.knowledge_dir(knowledge_dir), entry_id), by, data_dir)


@click.command(name="history")
@knowledge_option
@data_option
@click.option("-n", "limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many changes.")
@click.option("--diff/--no-diff", default=True, show_default=True, help="Show each change's diff.")
def show_history(knowledge_dir: Path | None, data_dir: Path | None, limit: int, diff: bool) -> None:
    """The latest changes to the knowledge files, newest first: when, who, what, and the diff.

    From git when the knowledge folder is in a git repository, else from the snapshots under --data.
    """
    from faq.history import recent_changes

    changes = recent_changes(config.knowledge_dir(knowledge_dir), config.data_dir(data_dir), limit)
    if not changes:
        click.echo("No changes recorded yet.")
    for change in changes:
        state = " (undone)" if change.undone else ""
        click.echo(f"{change.id[:12]}  {change.time:%Y-%m-%d %H:%M}  {change.author}: {change.summary}{state}")
        if diff and change.diff:
            click.echo(change.diff.rstrip("\n") + "\n")


@click.command()
@editor_options
def undo(knowledge_dir: Path | None, data_dir: Path | None, by: str) -> None:
    """Take back the latest change made with faq that is not undone yet (a revert commit, or the snapshot
    put back), checked like any edit; refused when its file was changed again since."""
    from faq.history import propose_undo

    folder = config.knowledge_dir(knowledge_dir)
    _save(propose_undo(folder, config.data_dir(data_dir)), by, data_dir)
