"""The `faq` commands that edit the knowledge files: `alternate`, `entry`, `flag`, `topic`, `history` and
`undo`.

Thin, like the rest of the command line: each parses its options and calls `faq.edits` or
`faq.history`, which check every change like `faq validate`, refuse a file changed meanwhile, and
record the change (a git commit, or a snapshot under --data).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from faq import config
from faq.cli_options import F, data_option, editor_options, force_option, knowledge_option

RECORDED = (
    "Each change is checked like `faq validate` before anything is written, is refused when the file changed "
    "meanwhile, and is recorded (a git commit, or a snapshot under --data); `faq undo` takes it back."
)


def _group_help(what: str, more: str = "") -> str:
    """A command group's help: what it does, then how every change is checked and recorded."""
    return f"{what}\n\n{RECORDED} {more}".rstrip()


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
    if edit.sign_off_removed:
        click.echo(
            f"Its sign-off was removed: a clinician signs the new words off with "
            f'`faq review {edit.entry_id} --by "Name, credentials"`.'
        )
    click.echo("Patients see it after `faq build` or the staff page's Rebuild index.")


@click.group(help=_group_help("Add or remove an alternate: another way patients ask an entry's question."))
def alternate() -> None:
    pass


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


@click.group(help=_group_help("Write a new entry, change an entry's question, answer or category, or delete an entry."))
def entry() -> None:
    pass


def _answer_text(answer_file: Path | None, *, required: bool) -> str | None:
    if answer_file is None and not required:
        return None
    if answer_file is None or str(answer_file) == "-":
        if sys.stdin.isatty():
            raise click.UsageError("give the answer with --answer-file FILE, or pipe it in on standard input")
        return sys.stdin.read()
    return answer_file.read_text(encoding="utf-8")


def _text_file_option(name: str, what: str) -> Callable[[F], F]:
    """--NAME-file FILE: a text file holding `what` (Markdown allowed); `-` for standard input."""
    return click.option(
        f"--{name}-file",
        type=click.Path(path_type=Path, dir_okay=False, exists=True, allow_dash=True),
        default=None,
        help=f"A text file holding {what} (Markdown allowed); `-`: standard input.",
    )


answer_file_option = _text_file_option("answer", "the answer (left out: read from standard input)")


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
    from faq.edits import propose_edit

    folder = config.knowledge_dir(knowledge_dir)
    answer = _answer_text(answer_file, required=False)
    changes = {k: v for k, v in {"question": question, "category": category, "answer": answer}.items() if v is not None}
    if not changes:
        raise click.UsageError("give --question, --category or --answer-file")
    encoder = _encoder_for(folder) if question is not None else None
    _save(propose_edit(folder, entry_id, changes, encoder=encoder, force=force, kind="entry"), by, data_dir)


@entry.command(name="delete")
@editor_options
@click.argument("entry_id", metavar="ID")
def entry_delete(knowledge_dir: Path | None, data_dir: Path | None, by: str, entry_id: str) -> None:
    """Delete entry ID (refused while another entry lists it in `related`)."""
    from faq.edits import propose_deletion

    _save(propose_deletion(config.knowledge_dir(knowledge_dir), entry_id, kind="entry"), by, data_dir)


def _edited_list(current: list[str], add: tuple[str, ...], remove: tuple[str, ...], field: str) -> list[str]:
    """`current` with `remove` taken out (each must be there, written exactly) and `add` appended."""
    kept = list(current)
    for phrase in remove:
        text = " ".join(phrase.split())
        if text not in kept:
            raise click.BadParameter(f"{text!r} is not in `{field}` — give it exactly as written", param_hint=field)
        kept.remove(text)
    return kept + [" ".join(p.split()) for p in add if " ".join(p.split()) not in kept]


def _list_changes(fields: dict[str, Any], **edits: tuple[tuple[str, ...], tuple[str, ...]]) -> dict[str, Any]:
    """The new value of each list field given `(added, removed)` phrases, for the fields with any."""
    return {
        name: _edited_list(list(fields.get(name) or []), add, remove, name)
        for name, (add, remove) in edits.items()
        if add or remove
    }


def _text_file(path: Path | None) -> str | None:
    return None if path is None else _answer_text(path, required=True)


def _phrase_options(name: str, what: str) -> Callable[[F], F]:
    """--add-NAME and --remove-NAME, both repeatable."""
    option = name.replace("_", "-")

    def decorate(command: F) -> F:
        command = click.option(f"--remove-{option}", f"remove_{name}", multiple=True, help=f"Remove {what}.")(command)
        return click.option(f"--add-{option}", f"add_{name}", multiple=True, help=f"Add {what} (repeatable).")(command)

    return decorate


@click.group(
    help=_group_help(
        "Change a red flag (its title, level, care card, triggers or examples), or delete one.",
        "The classifier learns changed examples at the next `faq build`.",
    )
)
def flag() -> None:
    pass


@flag.command(name="edit")
@editor_options
@click.argument("flag_id", metavar="ID")
@click.option("--title", default=None, help="The new title, shown at the top of the card.")
@click.option("--level", type=click.Choice(["emergency", "crisis", "urgent"]), default=None, help="The new level.")
@_text_file_option("care", "the new care card")
@_phrase_options("trigger", "a trigger phrase, written exactly")
@_phrase_options("not_trigger", "a harmless phrase that holds a trigger")
@_phrase_options("example", "an example message")
def flag_edit(
    knowledge_dir: Path | None,
    data_dir: Path | None,
    by: str,
    flag_id: str,
    title: str | None,
    level: str | None,
    care_file: Path | None,
    **phrases: tuple[str, ...],
) -> None:
    """Change red flag ID; only the lines that change are written."""
    from faq.edits import RED_FLAG, open_item, propose_edit

    folder = config.knowledge_dir(knowledge_dir)
    fields = open_item(folder, flag_id, (RED_FLAG,)).fields
    pairs = {name: (phrases[f"add_{name[:-1]}"], phrases[f"remove_{name[:-1]}"]) for name in ("triggers", "examples")}
    pairs["not_triggers"] = (phrases["add_not_trigger"], phrases["remove_not_trigger"])
    changes = {
        k: v for k, v in {"title": title, "level": level, "care": _text_file(care_file)}.items() if v is not None
    }
    changes.update(_list_changes(fields, **pairs))
    if not changes:
        raise click.UsageError("give --title, --level, --care-file, or --add-/--remove- a trigger or example")
    _save(propose_edit(folder, flag_id, changes, kind=RED_FLAG), by, data_dir)


@flag.command(name="delete")
@editor_options
@click.argument("flag_id", metavar="ID")
@click.option("--confirm", "confirmation", metavar="ID", default=None, help="The flag's id again, to confirm.")
def flag_delete(
    knowledge_dir: Path | None, data_dir: Path | None, by: str, flag_id: str, confirmation: str | None
) -> None:
    """Delete red flag ID: its card stops showing. Needs --confirm ID as well (the id typed a second time)."""
    from faq.edits import RED_FLAG, propose_deletion

    folder = config.knowledge_dir(knowledge_dir)
    if confirmation is not None and confirmation != flag_id:
        raise click.BadParameter(
            f"{confirmation!r} is not {flag_id!r} — type the same id twice", param_hint="--confirm"
        )
    edit = propose_deletion(folder, flag_id, kind=RED_FLAG, confirm_red_flag=confirmation == flag_id)
    _save(edit, by, data_dir)


@click.group(help=_group_help("Change an out-of-scope topic (its title, reply or examples), or delete one."))
def topic() -> None:
    pass


@topic.command(name="edit")
@editor_options
@click.argument("topic_id", metavar="ID")
@click.option("--title", default=None, help="The new title.")
@_text_file_option("reply", "the new reply")
@_phrase_options("example", "an example question")
def topic_edit(
    knowledge_dir: Path | None,
    data_dir: Path | None,
    by: str,
    topic_id: str,
    title: str | None,
    reply_file: Path | None,
    add_example: tuple[str, ...],
    remove_example: tuple[str, ...],
) -> None:
    """Change out-of-scope topic ID; only the lines that change are written."""
    from faq.edits import TOPIC, open_item, propose_edit

    folder = config.knowledge_dir(knowledge_dir)
    fields = open_item(folder, topic_id, (TOPIC,)).fields
    changes = {k: v for k, v in {"title": title, "reply": _text_file(reply_file)}.items() if v is not None}
    changes.update(_list_changes(fields, examples=(add_example, remove_example)))
    if not changes:
        raise click.UsageError("give --title, --reply-file, --add-example or --remove-example")
    _save(propose_edit(folder, topic_id, changes, kind=TOPIC), by, data_dir)


@topic.command(name="delete")
@editor_options
@click.argument("topic_id", metavar="ID")
def topic_delete(knowledge_dir: Path | None, data_dir: Path | None, by: str, topic_id: str) -> None:
    """Delete out-of-scope topic ID: its questions are then answered from the FAQ, or get the no-answer reply."""
    from faq.edits import TOPIC, propose_deletion

    _save(propose_deletion(config.knowledge_dir(knowledge_dir), topic_id, kind=TOPIC), by, data_dir)


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
