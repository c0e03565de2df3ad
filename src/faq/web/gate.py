"""The staff password gate: constant-time comparison, and a back-off per device shared by every replica.

Each device gets ALLOWED_FAILURES tries; after that many wrong passwords in a row it waits
FIRST_PAUSE seconds, twice as long after each further wrong one, up to MAX_PAUSE. One device's
wrong passwords never lock out another, so a stranger guessing cannot keep staff out.

The counts live in a small table in the question-log database (SQLite or PostgreSQL), so every
app replica sees the same ones. A device is stored only as a salted hash (HMAC-SHA256 with a random
salt kept in the same database), never its address, and rows untouched for FORGET_AFTER seconds
are deleted. When that database cannot be used the gate counts in memory, per process, instead of
refusing every sign-in.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from faq.errors import FaqError
from faq.questionlog import QuestionLog

log = logging.getLogger(__name__)

PASSWORD_ENV = "FAQ_STAFF_PASSWORD"
ALLOWED_FAILURES = 3
FIRST_PAUSE = 30.0
MAX_PAUSE = 15 * 60.0
FORGET_AFTER = 24 * 3600.0

Outcome = Literal["ok", "wrong", "paused"]

_metadata = sa.MetaData()
attempts = sa.Table(
    "faq_staff_sign_in",
    _metadata,
    sa.Column("device", sa.String(64), primary_key=True),  # HMAC-SHA256 of the device key, hex
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("paused_until", sa.Float, nullable=False),  # Unix time
    sa.Column("last_try", sa.Float, nullable=False, index=True),
)
salts = sa.Table(
    "faq_staff_salt",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("salt", sa.String(64), nullable=False),
)


def staff_password() -> str | None:
    """The staff password, or None when the staff page is switched off (FAQ_STAFF_PASSWORD unset or empty)."""
    return os.environ.get(PASSWORD_ENV) or None


def pause_after(failures: int) -> float:
    """Seconds a device waits after `failures` wrong passwords in a row (0 below ALLOWED_FAILURES)."""
    if failures < ALLOWED_FAILURES:
        return 0.0
    return min(FIRST_PAUSE * 2.0 ** min(failures - ALLOWED_FAILURES, 32), MAX_PAUSE)


def device_key(ip_address: str | None, session_key: str) -> str:
    """What identifies a device: its IP address (an IPv6 address by its /64 network, which one
    household or phone usually holds whole), else the browser session's own random key."""
    if not ip_address:
        return f"session:{session_key}"
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return f"ip:{ip_address}"
    if address.version == 6:
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one try, and how long this device must wait before the next one (0: no wait)."""

    outcome: Outcome
    wait_seconds: int = 0


def _insert_new(table: sa.Table, dialect: str) -> Any:
    """INSERT that does nothing when the row exists (both dialects spell it ON CONFLICT DO NOTHING)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


def _pause_sql(failures: Any) -> Any:
    """pause_after(failures) as a SQL expression, so counting and pausing is one atomic UPDATE."""
    steps = []
    n = ALLOWED_FAILURES
    while pause_after(n) < MAX_PAUSE:
        steps.append((failures == n, pause_after(n)))
        n += 1
    return sa.case((failures < ALLOWED_FAILURES, 0.0), *steps, else_=MAX_PAUSE)


class SignInGate:
    """Checks staff passwords with a per-device back-off kept in a shared database."""

    def __init__(self, engine: sa.Engine | None) -> None:
        self._engine = engine
        if engine is not None:
            try:
                _metadata.create_all(engine)
            except sa.exc.SQLAlchemyError as err:
                log.warning("staff sign-in attempts are counted in memory: %s", type(err).__name__)
                self._engine = None
        self._memory: sa.Engine | None = None
        self._memory_lock = threading.Lock()
        self._salts: dict[int, bytes] = {}  # by id() of the engine

    @classmethod
    def open(cls, url: str) -> SignInGate:
        """A gate on the question-log database at `url` (counting in memory if it cannot be opened)."""
        try:
            return cls(QuestionLog(url).engine)
        except FaqError as err:
            log.warning("staff sign-in attempts are counted in memory: %s", type(err).__name__)
            return cls(None)

    def check(self, entered: str, expected: str, device: str, now: float | None = None) -> Verdict:
        """Count this try for `device`, then compare in constant time unless the device must wait."""
        moment = time.time() if now is None else now
        if self._engine is not None:
            try:
                return self._check(self._engine, entered, expected, device, moment)
            except sa.exc.SQLAlchemyError as err:
                log.warning("staff sign-in attempts are counted in memory: %s", type(err).__name__)
        with self._memory_lock:
            return self._check(self._in_memory(), entered, expected, device, moment)

    def _in_memory(self) -> sa.Engine:
        if self._memory is None:
            self._memory = sa.create_engine(
                "sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}
            )
            _metadata.create_all(self._memory)
        return self._memory

    def _check(self, engine: sa.Engine, entered: str, expected: str, device: str, now: float) -> Verdict:
        digest = self._digest(engine, device)
        with engine.begin() as connection:
            wait = self._admit(connection, engine.dialect.name, digest, now)
        if wait is None:
            return Verdict("paused", self._waiting(engine, digest, now))
        if hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8")):
            with engine.begin() as connection:
                connection.execute(attempts.delete().where(attempts.c.device == digest))
            return Verdict("ok")
        return Verdict("wrong", math.ceil(wait))

    @staticmethod
    def _admit(connection: sa.Connection, dialect: str, digest: str, now: float) -> float | None:
        """Count one try unless the device is paused; the pause this try starts, or None when paused."""
        connection.execute(attempts.delete().where(attempts.c.last_try < now - FORGET_AFTER))
        row = {"device": digest, "failures": 0, "paused_until": 0.0, "last_try": now}
        connection.execute(_insert_new(attempts, dialect).values(**row))
        failures = attempts.c.failures + 1
        admitted = connection.execute(
            attempts.update()
            .where(attempts.c.device == digest, attempts.c.paused_until <= now)
            .values(failures=failures, paused_until=now + _pause_sql(failures), last_try=now)
            .returning(attempts.c.paused_until)
        ).first()
        return None if admitted is None else max(0.0, float(admitted[0]) - now)

    @staticmethod
    def _waiting(engine: sa.Engine, digest: str, now: float) -> int:
        with engine.begin() as connection:
            until = connection.execute(sa.select(attempts.c.paused_until).where(attempts.c.device == digest)).scalar()
        return max(1, math.ceil((until or now) - now))

    def _digest(self, engine: sa.Engine, device: str) -> str:
        salt = self._salts.get(id(engine))
        if salt is None:
            with engine.begin() as connection:
                new = {"id": 1, "salt": secrets.token_hex(32)}
                connection.execute(_insert_new(salts, engine.dialect.name).values(**new))
                stored = connection.execute(sa.select(salts.c.salt).where(salts.c.id == 1)).scalar_one()
            salt = self._salts[id(engine)] = bytes.fromhex(stored)
        return hmac.new(salt, device.encode("utf-8"), "sha256").hexdigest()
