"""The `faq` command: validate, build, ask and eval. Thin: parse, call the library, print.

Heavy libraries (torch, FAISS) are imported inside the commands that need them, so `faq --help`
and `faq validate --no-collisions` start fast.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from faq import config
from faq.errors import EmptyQuestionError, FaqError, GoLiveError, KnowledgeError

if TYPE_CHECKING:
    from faq.questionlog import QuestionLog
    from faq.retrieval import Retriever

from faq.cli_edit import alternate, entry, flag, show_history, topic, undo
from faq.cli_options import folder_options, index_option, knowledge_option


class UnexpectedError(click.ClickException):
    """A bug inside faq: reported by type only, exit code 3."""

    exit_code = 3


class FaqGroup(click.Group):
    """Turns library errors into one-line messages; unexpected errors never show their text."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FaqError as err:
            raise click.ClickException(str(err)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`faq ask ... | head`): nothing left to say
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except Exception as err:  # its message or locals may hold a patient's question: show only the type
            message = f"unexpected {type(err).__name__} inside faq — please report it with the command you ran"
            raise UnexpectedError(message) from None


@click.group(cls=FaqGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="faq")
def cli() -> None:
    """A dry-needling FAQ assistant that answers with vetted answers only.

    Staff workflow: edit knowledge/*.yaml, then `faq validate`, `faq build`, and
    `faq eval tests/data/eval.yaml` to see whether the assistant got better or worse. A clinician's
    sign-off is recorded with `faq review ID --by "Name, credentials"`; before patients see it, run
    `faq validate --go-live`.
    """


@cli.command()
@folder_options
@click.option("--strict", is_flag=True, help="Treat overdue reviews as errors, not warnings.")
@click.option("--no-collisions", is_flag=True, help="Skip the collision check (fast: does not load the model).")
@click.option(
    "--go-live",
    is_flag=True,
    help="Also list everything to change before patients see it (placeholders, sample clinic, drafts, ...).",
)
def validate(
    knowledge_dir: Path | None, index_dir: Path | None, strict: bool, no_collisions: bool, go_live: bool
) -> None:
    """Check the knowledge files and list every problem as file:line: problem — fix.

    Checks the schema, duplicate ids, unknown `related` ids, missing sources, overdue reviews and
    collisions (an alternate the model places nearer another entry, or an out-of-scope example, than
    its own entry; an out-of-scope example very close to an entry's phrasing). Exits 1 on errors.

    With --go-live, also lists what a clinic must change before patients see the assistant:
    placeholder phone numbers and example web addresses, the sample clinic's name, a missing `state`,
    an emergency number or crisis line not written out, `serve_drafts: true`, drafts and overdue
    reviews. Exits 1 while anything remains.
    """
    from faq.knowledge import load_knowledge
    from faq.validation import missing_alternates, overdue_reviews

    folder = config.knowledge_dir(knowledge_dir)
    kb = load_knowledge(folder)
    today = dt.date.today()
    problems = [*kb.warnings, *missing_alternates(kb)]
    if go_live:
        from faq.golive import go_live_problems

        problems += go_live_problems(kb, folder, today)  # overdue reviews included, as errors
    else:
        problems += overdue_reviews(kb, today, strict=strict)
    if not no_collisions:
        from faq.embedding import load_encoder
        from faq.validation import collision_problems, find_collisions

        encoder = load_encoder(config.model_name(kb.settings.model))
        problems += collision_problems(kb, find_collisions(kb, encoder))
    for problem in problems:
        if problem.warning:
            click.echo(str(problem), err=True)
    errors = [p for p in problems if not p.warning]
    if errors:
        raise GoLiveError(errors) if go_live else KnowledgeError(errors)
    checked = "" if no_collisions else ", no collisions"
    topics = f", {len(kb.out_of_scope)} out-of-scope topics" if kb.out_of_scope else ""
    click.echo(f"OK: {len(kb.entries)} entries, {len(kb.red_flags)} red flags{topics}{checked}.")
    if go_live:
        click.echo("Ready for go-live: every item is signed off and nothing is left from the sample clinic.")


@cli.command()
@folder_options
def build(knowledge_dir: Path | None, index_dir: Path | None) -> None:
    """Embed the knowledge and write the index (incremental and atomic)."""
    from faq.embedding import load_encoder
    from faq.index import build_index
    from faq.knowledge import load_knowledge

    started = time.perf_counter()
    kb = load_knowledge(config.knowledge_dir(knowledge_dir))
    encoder = load_encoder(config.model_name(kb.settings.model))
    report = build_index(kb, config.index_dir(index_dir), encoder, progress=sys.stderr.isatty())
    m = report.manifest
    if report.tuning_seconds is not None:
        tuning = f" The model was tuned on the phrasings in {report.tuning_seconds:.0f}s."
    else:
        tuning = " The tuned model was reused (phrasings unchanged)." if m.tuned_model else ""
    click.echo(
        f"Built index of {m.entry_count} entries ({m.text_count} phrasings, {m.red_flag_count} red flags) "
        f"in {time.perf_counter() - started:.1f}s: {report.encoded} texts embedded, {report.reused} reused from cache."
        + tuning
    )
    if report.multilingual_problem:
        click.echo(f"Warning: {report.multilingual_problem}.", err=True)


@cli.command()
@knowledge_option
@click.argument("ids", nargs=-1)
@click.option("--by", "reviewer", required=True, help='The clinician who checked them, e.g. "Dr. A. Example, PT, DPT".')
@click.option("--all", "every_draft", is_flag=True, help="Sign off every item not yet reviewed (asks first).")
@click.option("--yes", is_flag=True, help="With --all: do not ask for confirmation.")
def review(knowledge_dir: Path | None, ids: tuple[str, ...], reviewer: str, every_draft: bool, yes: bool) -> None:
    """Record that a clinician has checked the entries, red flags or out-of-scope topics IDS.

    Sets `status: reviewed`, `reviewed:` (today) and `reviewer:` in the file that holds each item and
    changes no other line. Only run it for what the clinician has read, with its sources. `--all`
    signs off every item not yet reviewed, for a first go-live. Then run `faq build`.
    """
    from faq.signoff import choose, count, record_review, signable_items

    folder = config.knowledge_dir(knowledge_dir)
    if not folder.is_dir():
        raise click.UsageError(f"knowledge folder {folder} not found — pass --knowledge DIR or set FAQ_KNOWLEDGE")
    items = signable_items(folder)
    if every_draft == bool(ids):
        raise click.UsageError("name the ids to sign off, or give --all (not both)")
    if every_draft:
        chosen = [item for item in items.values() if not item.reviewed]
        if not chosen:
            click.echo("Nothing to sign off: every item is reviewed already.")
            return
        question = (
            f"Record that {reviewer} has reviewed all {count(chosen)} not yet signed off? "
            "Say yes only if they have read each one and its sources"
        )
        if not yes:
            click.confirm(question, abort=True)
    else:
        chosen = choose(items, list(ids))
    today = dt.date.today()
    record_review(chosen, reviewer, today)
    click.echo(f"Recorded the sign-off of {len(chosen)} item(s) by {' '.join(reviewer.split())} on {today}:")
    for item in chosen:
        click.echo(f"  {item.display}:{item.line}  {item.id}")
    click.echo(
        "Patients see it after `faq build` (a few seconds: only sign-offs changed) or the staff page's "
        "Rebuild index; until then the app answers from the previous index."
    )


def open_retriever_for(knowledge_dir: Path | None, index_dir: Path | None) -> Retriever:
    """The retriever for the chosen folders (imports the model stack only when called)."""
    from faq.retrieval import open_retriever

    return open_retriever(knowledge_dir, index_dir)


def _open_log(index_dir: Path | None, clinic_setting: bool) -> QuestionLog | None:
    from faq.questionlog import QuestionLog, database_url, logging_enabled

    if not logging_enabled(clinic_setting):
        return None
    try:
        return QuestionLog(database_url(config.index_dir(index_dir)))
    except FaqError as err:
        click.echo(f"Warning: {err}; answering without logging.", err=True)
        return None


def _record(log: QuestionLog, result: Any) -> QuestionLog | None:
    """Log one result; on failure warn once and stop logging, but keep answering."""
    try:
        log.record(result, source="cli")
        return log
    except FaqError as err:
        click.echo(f"Warning: {err}; answering without logging.", err=True)
        return None


def _valid_text(text: str) -> str:
    """`text` with bytes that were not UTF-8 (kept by Python as lone surrogates) replaced by U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _questions(question: str | None) -> Iterator[str]:
    if question is not None:
        yield _valid_text(question)
        return
    # Bytes, decoded line by line: one line of another encoding must not end the batch.
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line.strip():
            yield line


@cli.command()
@folder_options
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question (see README for the fields).")
@click.option("-k", "top_k", type=click.IntRange(1, 20), default=None, help="How many answers to return.")
@click.option("--log", "log_questions", is_flag=True, help="Store each question (redacted) in the question log.")
def ask(
    knowledge_dir: Path | None,
    index_dir: Path | None,
    question: str | None,
    as_json: bool,
    top_k: int | None,
    log_questions: bool,
) -> None:
    """Answer QUESTION, or each line of standard input when QUESTION is left out.

    Status is `answered`, `no_answer` or `urgent` (a red-flag symptom: the care card comes first).
    """
    from faq.rendering import render_result

    if question is not None and not question.strip():
        raise EmptyQuestionError('the question is empty — type a question, e.g. faq ask "does it hurt?"')
    retriever = open_retriever_for(knowledge_dir, index_dir)
    log = _open_log(index_dir, retriever.knowledge.clinic.log_questions) if log_questions else None
    for text in _questions(question):
        result = retriever.answer(text, top_k)
        if log is not None:
            log = _record(log, result)
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            click.echo(render_result(result, retriever.knowledge.clinic) + "\n")
        sys.stdout.flush()


@cli.command(name="eval")
@folder_options
@click.argument("eval_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the figures and failures as JSON.")
@click.option("--min-recall-at-1", type=float, default=None, help="Fail if recall@1 is lower.")
@click.option("--min-recall-at-3", type=float, default=None, help="Fail if recall@3 is lower.")
@click.option("--min-mrr", type=float, default=None, help="Fail if MRR is lower.")
@click.option("--min-no-answer-accuracy", type=float, default=None, help="Fail if no-answer accuracy is lower.")
@click.option("--min-urgent-recall", type=float, default=None, help="Fail if urgent recall is lower.")
@click.option(
    "--max-false-alarms", type=int, default=None, help="Fail if more non-urgent questions are flagged urgent."
)
def evaluate(
    knowledge_dir: Path | None, index_dir: Path | None, eval_file: Path, as_json: bool, **limits: float | None
) -> None:
    """Measure answers on EVAL_FILE, a YAML list of `question:` / `expect:` cases.

    `expect` is an entry id, a list of acceptable ids, `no-answer`, `urgent` (optionally with
    `flag:`, the red flags that fit) or `not-urgent`. Exits 1 when a
    figure is below a --min-* threshold (or false alarms above --max-false-alarms).
    """
    from faq.evaluation import case_signals, load_cases, run_cases, save_latest, score
    from faq.rendering import render_metrics

    retriever = open_retriever_for(knowledge_dir, index_dir)
    cases = load_cases(eval_file, {e.id for e in retriever.entries}, retriever.knowledge.flag_levels())
    metrics = score(cases, run_cases(retriever, case_signals(retriever, cases)))
    save_latest(config.index_dir(index_dir), eval_file, metrics)
    click.echo(json.dumps(metrics.to_json(), indent=2) if as_json else render_metrics(metrics))
    missed = _missed_thresholds(metrics.to_json(), limits)
    if missed:
        raise FaqError("below threshold: " + "; ".join(missed))


@cli.command()
@folder_options
@click.argument("eval_files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="Print the chosen settings without writing settings.yaml.")
@click.option(
    "--min-no-answer-accuracy",
    type=click.FloatRange(0.0, 1.0),
    default=0.9,
    show_default=True,
    help="Refuse at least this share of the no-answer cases, if any setting can.",
)
def calibrate(
    knowledge_dir: Path | None,
    index_dir: Path | None,
    eval_files: tuple[Path, ...],
    dry_run: bool,
    min_no_answer_accuracy: float,
) -> None:
    """Choose the no-answer threshold, hybrid weight and red-flag threshold from EVAL_FILES.

    Give the triage set too (`faq calibrate tests/data/eval.yaml tests/data/triage.yaml`) so the
    red-flag threshold is chosen on many urgent messages and look-alikes. Keeps urgent recall at its
    best with the fewest false alarms, then refuses at least --min-no-answer-accuracy of the
    no-answer cases, then answers the most answerable cases with the right entry first. Writes
    knowledge/settings.yaml.
    """
    from faq.calibration import calibrate as choose_settings
    from faq.calibration import write_settings
    from faq.evaluation import load_cases
    from faq.knowledge import SETTINGS_FILE
    from faq.rendering import render_metrics

    retriever = open_retriever_for(knowledge_dir, index_dir)
    known, levels = {e.id for e in retriever.entries}, retriever.knowledge.flag_levels()
    cases = [case for path in eval_files for case in load_cases(path, known, levels)]
    result = choose_settings(retriever, cases, min_no_answer_accuracy)
    chosen = result.settings
    click.echo(
        f"lexical_weight {chosen.lexical_weight}, min_score {chosen.min_score}, "
        f"red_flag_min_similarity {chosen.red_flag_min_similarity}, red_flag_margin {chosen.red_flag_margin} "
        f"(balanced accuracy {result.balanced_accuracy:.3f} on {len(cases)} cases)\n"
    )
    click.echo(render_metrics(result.metrics))
    if not dry_run:
        path = config.knowledge_dir(knowledge_dir) / SETTINGS_FILE
        note = f"Chosen by `faq calibrate {' '.join(str(p) for p in eval_files)}` on {dt.date.today()}."
        write_settings(path, chosen, note)
        click.echo(f"\nWrote {path}.")


@cli.command()
@folder_options
@click.option("--since", default="7d", show_default=True, help="Only questions newer than this (e.g. 24h, 7d, 4w).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def report(knowledge_dir: Path | None, index_dir: Path | None, since: str, as_json: bool) -> None:
    """What patients asked: counts, unanswered and thumbs-down questions grouped by meaning, each
    with its nearest entry and a suggestion (add an alternate, with the YAML, or write a new entry),
    and the most-asked entries.
    """
    from faq.questionlog import QuestionLog, database_url, parse_age
    from faq.rendering import render_report
    from faq.report import build_report

    start = dt.datetime.now(dt.UTC) - parse_age(since)
    rows = QuestionLog(database_url(config.index_dir(index_dir))).rows(start)
    result = build_report(open_retriever_for(knowledge_dir, index_dir), rows, start)
    click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False) if as_json else render_report(result))


@cli.group()
def log() -> None:
    """Manage the question log (redacted questions, statuses and feedback).

    Stored in a SQLite file next to the index, or in PostgreSQL when FAQ_DATABASE_URL is set.
    """


@log.command()
@index_option
@click.option("--older-than", required=True, help="Delete questions older than this, e.g. 90d, 12w or 24h.")
def purge(index_dir: Path | None, older_than: str) -> None:
    """Delete logged questions older than --older-than."""
    from faq.questionlog import QuestionLog, database_url, parse_age

    age = parse_age(older_than)
    deleted = QuestionLog(database_url(config.index_dir(index_dir))).purge(age)
    click.echo(f"Deleted {deleted} question(s) older than {older_than}.")


@log.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True, help="Output format.")
@click.option("--since", default=None, help="Only questions newer than this (e.g. 30d).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write, readable by you only (default: standard output).",
)
def export(index_dir: Path | None, fmt: str, since: str | None, output: Path | None) -> None:
    """Export the (already redacted) question log as CSV, safe to open in a spreadsheet: every cell
    is quoted and a cell that starts like a formula (= + - @) gets a leading '.
    """
    from faq.questionlog import QuestionLog, database_url, open_private, parse_age

    start = dt.datetime.now(dt.UTC) - parse_age(since) if since else None
    store = QuestionLog(database_url(config.index_dir(index_dir)))
    if output is None:
        store.export_csv(sys.stdout, start)
        return
    try:
        stream = open_private(output)
    except OSError as err:
        message = f"cannot write {output} ({err.strerror}) — choose a file in a folder you can write to"
        raise click.BadParameter(message) from None
    with stream:
        store.export_csv(stream, start)


def _missed_thresholds(figures: dict[str, Any], limits: dict[str, float | None]) -> list[str]:
    missed = []
    for option, limit in limits.items():
        if limit is None:
            continue
        name = option.removeprefix("min_").removeprefix("max_")
        value = figures[name]
        if value is None:
            continue
        too_low = option.startswith("min_") and value < limit
        too_high = option.startswith("max_") and value > limit
        if too_low or too_high:
            missed.append(f"{name} {value:.3f} {'<' if too_low else '>'} {limit}")
    return missed


for _command in (alternate, entry, flag, topic, show_history, undo):
    cli.add_command(_command)
