"""The question log: what patients asked (redacted) and how the assistant did, for staff review.

One small interface over SQLAlchemy Core: a SQLite file (WAL mode) by default, PostgreSQL when
FAQ_DATABASE_URL is a postgres URL so several app replicas share one log. Only redacted text is
ever written; redaction happens here, inside `record`, so no caller can forget it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import sqlalchemy as sa

from faq.errors import FaqError
from faq.redaction import redact
from faq.retrieval import Result

DATABASE_URL_ENV = "FAQ_DATABASE_URL"
LOG_ENV = "FAQ_LOG"
LOG_FILE = "questions.sqlite3"
MAX_STORED_CHARS = 1000
FORMULA_STARTS = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet run a cell as a formula (full-width forms included, via NFKC)."""

T = TypeVar("T")

metadata = sa.MetaData()
questions = sa.Table(
    "faq_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("answer_ids", sa.Text, nullable=False),
    sa.Column("scores", sa.Text, nullable=False),
    sa.Column("red_flag", sa.String(100)),
    sa.Column("helpful", sa.Boolean),
    sa.Column("comment", sa.Text),
)


class LogError(FaqError):
    """The question log could not be read or written (locked file, database down, bad URL)."""


@dataclass(frozen=True)
class LoggedQuestion:
    """One row of the log."""

    id: int
    asked_at: dt.datetime
    source: str
    question: str
    status: str
    answer_ids: list[str]
    scores: list[float]
    red_flag: str | None
    helpful: bool | None
    comment: str | None


def logging_enabled(clinic_setting: bool = True) -> bool:
    """Logging is on unless clinic.yaml says `log_questions: false` or FAQ_LOG is 0/false/off."""
    env = os.environ.get(LOG_ENV, "").strip().lower()
    if env in {"0", "false", "off", "no"}:
        return False
    return clinic_setting


def database_url(index_dir: Path) -> str:
    """FAQ_DATABASE_URL when set, else a SQLite file next to the index."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        # Accept the common postgres:// form and use the psycopg (v3) driver.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    return f"sqlite:///{index_dir / LOG_FILE}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), or make an older one so.

    SQLite creates the -wal and -shm files with the database file's permissions, so they follow.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # an empty file is an empty database
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        # Someone else's file keeps the permissions its owner chose.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)


class QuestionLog:
    """Reads and writes the log. Every method raises LogError, never a driver exception."""

    def __init__(self, url: str) -> None:
        try:
            if url.startswith("sqlite:///"):
                _private_sqlite_file(Path(url.removeprefix("sqlite:///").split("?", 1)[0]))
            self.engine = sa.create_engine(url, pool_pre_ping=True)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            metadata.create_all(self.engine)
        except (sa.exc.SQLAlchemyError, OSError, ImportError) as err:
            raise LogError(f"cannot open the question log ({type(err).__name__}) — check {DATABASE_URL_ENV}") from None

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return str(self.engine.dialect.name)

    def _run(self, statement: Any, read: Callable[[Any], T]) -> T:
        """Execute in one transaction; `read` consumes the result before the commit (SQLite needs that)."""
        try:
            with self.engine.begin() as connection:
                return read(connection.execute(statement))
        except sa.exc.SQLAlchemyError as err:
            raise LogError(f"the question log is unavailable ({type(err).__name__})") from None

    def record(self, result: Result, source: str, when: dt.datetime | None = None) -> int:
        """Store a redacted copy of the question and how it was answered; returns the row id."""
        top = result.matches or result.suggestions
        row = {
            "asked_at": when or dt.datetime.now(dt.UTC),
            "source": source,
            "question": redact(result.question)[:MAX_STORED_CHARS],
            "status": result.status,
            "answer_ids": json.dumps([m.entry.id for m in top]),
            "scores": json.dumps([round(m.score, 4) for m in top]),
            "red_flag": result.red_flag.flag.id if result.red_flag else None,
        }
        return self._run(questions.insert().values(**row).returning(questions.c.id), lambda r: int(r.scalar_one()))

    def record_feedback(self, row_id: int, helpful: bool | None, comment: str | None = None) -> None:
        """Attach thumbs up/down (None: rating taken back) and an optional (redacted) comment to a question."""
        text = redact(comment)[:MAX_STORED_CHARS] if comment and comment.strip() else None
        statement = questions.update().where(questions.c.id == row_id).values(helpful=helpful, comment=text)
        self._run(statement, lambda r: r.rowcount)

    def rows(self, since: dt.datetime | None = None) -> list[LoggedQuestion]:
        """Logged questions, oldest first, optionally only those asked since `since`."""
        query = sa.select(questions).order_by(questions.c.asked_at, questions.c.id)
        if since is not None:
            query = query.where(questions.c.asked_at >= since)
        return self._run(query, lambda result: [_row(r) for r in result.mappings()])

    def purge(self, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
        """Delete rows older than `older_than`; returns how many were deleted."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
        return self._run(questions.delete().where(questions.c.asked_at < cutoff), lambda r: int(r.rowcount))

    def export_csv(self, stream: IO[str], since: dt.datetime | None = None) -> int:
        """Write the log as CSV (a header, then one row per question); returns the row count.

        Safe to open in a spreadsheet (OWASP's advice on CSV injection): every cell is quoted, and
        a cell that starts like a formula gets a leading `'`, so a question such as
        `=HYPERLINK(...)` shows as text instead of running.
        """
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(
            ["id", "asked_at", "source", "question", "status", "answer_ids", "scores", "red_flag", "helpful", "comment"]
        )
        count = 0
        for row in self.rows(since):
            writer.writerow(spreadsheet_safe(value) for value in _csv_values(row))
            count += 1
        return count


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _row(r: Any) -> LoggedQuestion:
    return LoggedQuestion(
        id=r["id"],
        asked_at=_as_utc(r["asked_at"]),
        source=r["source"],
        question=r["question"],
        status=r["status"],
        answer_ids=json.loads(r["answer_ids"]),
        scores=json.loads(r["scores"]),
        red_flag=r["red_flag"],
        helpful=r["helpful"],
        comment=r["comment"],
    )


def open_private(path: Path) -> IO[str]:
    """Open `path` for writing CSV; a new file is readable by its owner only (0600)."""
    return open(path, "w", newline="", encoding="utf-8", opener=lambda p, flags: os.open(p, flags, 0o600))


def spreadsheet_safe(value: object) -> object:
    """`value` with a `'` in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value and unicodedata.normalize("NFKC", value[0]) in FORMULA_STARTS:
        return "'" + value
    return value


def _csv_values(row: LoggedQuestion) -> Iterator[object]:
    yield from (row.id, row.asked_at.isoformat(), row.source, row.question, row.status)
    yield from (" ".join(row.answer_ids), " ".join(str(s) for s in row.scores), row.red_flag or "")
    yield from ("" if row.helpful is None else ("up" if row.helpful else "down"), row.comment or "")


def parse_age(text: str) -> dt.timedelta:
    """'90d', '12h', '4w' or '30m' (minutes) as a timedelta; FaqError with an example otherwise."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in units or not value.isdigit():
        raise FaqError(f"cannot read the age {text!r} — write a number and a unit, e.g. 90d, 12h or 4w")
    return dt.timedelta(**{units[unit]: int(value)})
