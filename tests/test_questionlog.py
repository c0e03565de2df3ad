"""The question log on a real SQLite file and a real PostgreSQL server: storage, feedback, purge,
export, concurrency, redaction before storage, and failures that never stop answering."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result as CliResult

from faq.questionlog import LogError, QuestionLog, database_url, parse_age, questions
from faq.retrieval import Retriever, open_retriever
from faq.web.gate import ALLOWED_FAILURES, SignInGate, attempts

POSTGRES_ENV = "FAQ_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://faq:faq@127.0.0.1:5432/faq_test"


def _postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES)
    try:
        with sa.create_engine(url).connect():
            return url
    except Exception:
        if os.environ.get("CI"):
            raise  # in CI the server is started by .ci/run; unreachable means broken, not skipped
        return None


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[QuestionLog]:
    if request.param == "sqlite":
        yield QuestionLog(f"sqlite:///{tmp_path / 'questions.sqlite3'}")
        return
    url = _postgres_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ENV} or {DEFAULT_POSTGRES} (.ci/postgres.sh starts one)")
    # Each test gets its own schema so runs never see each other's rows.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield QuestionLog(f"{url}?options=-csearch_path%3D{schema}")
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture
def retriever(shared_index: tuple[Path, Path]) -> Retriever:
    knowledge, index = shared_index
    return open_retriever(knowledge, index)


PRIVATE = "my name is sarah jones, email sarah@example.com or call (555) 123-4567 - does it hurt?"


def test_record_stores_redacted_question_and_outcome(store: QuestionLog, retriever: Retriever) -> None:
    row_id = store.record(retriever.answer(PRIVATE), source="app")
    [row] = store.rows()
    assert row.id == row_id
    assert row.question == "my name is [NAME], email [EMAIL] or call [PHONE] - does it hurt?"
    assert row.source == "app"
    assert row.answer_ids[0] == "does-it-hurt"
    assert len(row.scores) == len(row.answer_ids)
    assert row.asked_at.tzinfo is not None


def test_no_identifier_reaches_the_database(store: QuestionLog, retriever: Retriever) -> None:
    row_id = store.record(retriever.answer(PRIVATE), source="app")
    store.record_feedback(row_id, helpful=False, comment="wrong answer, reach me at 555-987-6543 - Bob Smith")
    with store.engine.connect() as connection:
        dump = json.dumps([list(map(str, r)) for r in connection.execute(sa.select(questions))])
    for secret in ("sarah", "jones", "example.com", "123-4567", "987-6543"):
        assert secret not in dump.lower()


def test_red_flag_and_feedback(store: QuestionLog, retriever: Retriever) -> None:
    row_id = store.record(retriever.answer("cant breathe since my session"), source="cli")
    store.record_feedback(row_id, helpful=True)
    [row] = store.rows()
    assert (row.status, row.red_flag, row.helpful, row.comment) == ("urgent", "breathing-chest-pain", True, None)


def test_purge_and_since(store: QuestionLog, retriever: Retriever) -> None:
    now = dt.datetime.now(dt.UTC)
    result = retriever.answer("does it hurt")
    store.record(result, "app", when=now - dt.timedelta(days=120))
    store.record(result, "app", when=now - dt.timedelta(days=10))
    store.record(result, "app", when=now)
    assert len(store.rows(since=now - dt.timedelta(days=30))) == 2
    assert store.purge(dt.timedelta(days=90)) == 1
    assert len(store.rows()) == 2


def test_export_csv(store: QuestionLog, retriever: Retriever) -> None:
    row_id = store.record(retriever.answer("does it hurt"), "app")
    store.record_feedback(row_id, helpful=False, comment="too short")
    out = io.StringIO()
    assert store.export_csv(out) == 1
    header, line = csv.reader(io.StringIO(out.getvalue()))
    assert header == "id asked_at source question status answer_ids scores red_flag helpful comment".split()
    assert line[2:5] == ["app", "does it hurt", "answered"]
    assert line[5].startswith("does-it-hurt ")
    assert line[-2:] == ["down", "too short"]


def test_concurrent_writers_lose_nothing(store: QuestionLog, retriever: Retriever) -> None:
    result = retriever.answer("does it hurt")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(25):
                store.record(result, "app")
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(store.rows()) == 200


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    QuestionLog(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    with sqlite3.connect(tmp_path / "q.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_url_defaults_next_to_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAQ_DATABASE_URL", raising=False)
    assert database_url(tmp_path / "index") == f"sqlite:///{tmp_path / 'index' / 'questions.sqlite3'}"
    monkeypatch.setenv("FAQ_DATABASE_URL", "postgres://u:p@db/faq")
    assert database_url(tmp_path) == "postgresql+psycopg://u:p@db/faq"


def test_unreachable_database_is_a_log_error() -> None:
    with pytest.raises(LogError, match=r"cannot open the question log \(OperationalError\) — check FAQ_DATABASE_URL"):
        QuestionLog("postgresql+psycopg://nobody:x@127.0.0.1:1/none?connect_timeout=2")


def test_parse_age() -> None:
    assert parse_age("90d") == dt.timedelta(days=90)
    assert parse_age("12h") == dt.timedelta(hours=12)
    with pytest.raises(Exception, match=r"cannot read the age 'soon' — write a number and a unit, e.g. 90d"):
        parse_age("soon")


def test_cli_log_purge_and_export(built: Path, faq: Callable[..., CliResult]) -> None:
    result = faq("ask", "--log", "--json", input="does it hurt\nmy email is a@b.com, is it safe\n")
    assert result.exit_code == 0
    export = faq("log", "export", "--format", "csv")
    assert export.exit_code == 0
    assert len(export.output.splitlines()) == 3
    assert "a@b.com" not in export.output and "[EMAIL]" in export.output
    purge = faq("log", "purge", "--older-than", "0m")
    assert purge.output == "Deleted 2 question(s) older than 0m.\n"


def test_cli_keeps_answering_when_log_is_broken(
    built: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database folder should be")
    monkeypatch.setenv("FAQ_DATABASE_URL", f"sqlite:///{blocker / 'questions.sqlite3'}")
    result = faq("ask", "--log", "--json", input="does it hurt\nwhat is dry needling\n")
    assert result.exit_code == 0
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["answered", "answered"]
    assert result.stderr.count("Warning: cannot open the question log") == 1


def test_logging_can_be_switched_off(
    built: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_LOG", "off")
    faq("ask", "--log", "does it hurt")
    assert not (built / "questions.sqlite3").exists()


def test_staff_gate_counts_tries_atomically_in_the_shared_database(store: QuestionLog) -> None:
    # Twenty simultaneous guesses from one device (as from several replicas): only the allowed
    # number is ever compared with the password; the rest wait out the pause.
    gate = SignInGate(store.engine)
    outcomes: list[str] = []

    def guess() -> None:
        outcomes.append(gate.check("guess", "right", "ip:203.0.113.7", now=1000.0).outcome)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["paused"] * (20 - ALLOWED_FAILURES) + ["wrong"] * ALLOWED_FAILURES
    assert gate.check("right", "right", "ip:203.0.113.7", now=1000.0 + 30).outcome == "ok"
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(attempts)).scalar() == 0


FORMULAS = [
    '=HYPERLINK("//evil.example","does it hurt")',
    "+1+1 does it hurt",
    "-2+3 what is dry needling",
    "@(1+1) is it safe",
]


def test_cli_export_defuses_spreadsheet_formulas(built: Path, faq: Callable[..., CliResult], tmp_path: Path) -> None:
    assert faq("ask", "--log", input="\n".join(FORMULAS) + "\n").exit_code == 0
    store = QuestionLog(database_url(built))
    rows = store.rows()
    store.record_feedback(rows[0].id, helpful=False, comment="\t=1+2")
    store.record_feedback(rows[1].id, helpful=False, comment="\r=1+2 again")
    target = tmp_path / "log.csv"
    assert faq("log", "export", "--format", "csv", "-o", str(target)).exit_code == 0
    with target.open(newline="") as file:
        raw = file.read()
    exported = list(csv.reader(io.StringIO(raw)))
    assert [row[3] for row in exported[1:]] == ["'" + q for q in FORMULAS]
    assert [row[9] for row in exported[1:3]] == ["'\t=1+2", "'\r=1+2 again"]
    for cell in ["'" + q for q in FORMULAS]:
        assert '"' + cell.replace('"', '""') + '"' in raw  # and the cell is quoted
    for row in exported:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)


def test_sqlite_files_are_private_to_the_owner(tmp_path: Path, retriever: Retriever) -> None:
    path = tmp_path / "questions.sqlite3"
    old_umask = os.umask(0o022)  # the usual default, which would leave the files world-readable
    try:
        store = QuestionLog(f"sqlite:///{path}")
        store.record(retriever.answer("does it hurt"), "app")
        with store.engine.connect():  # the -wal and -shm files exist while a connection is open
            files = sorted(tmp_path.glob("questions.sqlite3*"))
            assert [f.name for f in files] == ["questions.sqlite3", "questions.sqlite3-shm", "questions.sqlite3-wal"]
            assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {f.name: "0o600" for f in files}
    finally:
        os.umask(old_umask)


def test_an_older_world_readable_log_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "questions.sqlite3"
    QuestionLog(f"sqlite:///{path}").engine.dispose()
    path.chmod(0o644)
    QuestionLog(f"sqlite:///{path}")
    assert path.stat().st_mode & 0o777 == 0o600


def test_cli_export_file_is_private_and_a_bad_path_is_a_usage_error(
    built: Path, faq: Callable[..., CliResult], tmp_path: Path
) -> None:
    faq("ask", "--log", "does it hurt")
    target = tmp_path / "log.csv"
    old_umask = os.umask(0o022)
    try:
        assert faq("log", "export", "-o", str(target)).exit_code == 0
    finally:
        os.umask(old_umask)
    assert target.stat().st_mode & 0o777 == 0o600
    assert len(target.read_text().splitlines()) == 2
    missing = tmp_path / "no-such-folder" / "log.csv"
    result = faq("log", "export", "-o", str(missing))
    assert result.exit_code == 2
    assert f"cannot write {missing} (No such file or directory) — choose a file in a folder" in result.output
