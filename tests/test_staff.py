"""The staff page through Streamlit's AppTest, on a real index, a real SQLite log and the real model."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result as CliResult
from streamlit.testing.v1 import AppTest

from faq.web import resources
from faq.web.gate import ALLOWED_FAILURES, PasswordGate

PASSWORD = "correct horse battery staple"
SCRIPT = "from faq.web.staff import main\nmain()\n"
SAMPLE_EVAL = Path(__file__).parent / "data" / "sample_eval.yaml"


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    """The gate is one per server process; each test starts with no failed tries."""
    resources.staff_gate.clear()
    yield
    resources.staff_gate.clear()


def start() -> AppTest:
    app = AppTest.from_string(SCRIPT, default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def sign_in(app: AppTest, password: str) -> AppTest:
    app.text_input(key="staff-password").input(password)
    app.button[0].click().run()  # the form's submit button
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_switched_off_without_password(built: Path) -> None:
    app = start()
    assert app.error[0].value == "The staff page is switched off."
    assert not app.text_input


def test_wrong_password_shows_no_data(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    app = sign_in(start(), "guess")
    assert app.error[0].value == "That password is not right."
    assert not app.tabs and not app.metric


def test_pause_after_too_many_wrong_tries(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    app = start()
    for _ in range(ALLOWED_FAILURES):
        sign_in(app, "guess")
    sign_in(app, PASSWORD)  # even the right password waits out the pause
    assert app.error[0].value.startswith("Too many wrong tries. Please wait")
    assert not app.tabs


def test_gate_pauses_then_lets_in() -> None:
    gate = PasswordGate()
    outcomes = [gate.check("x", PASSWORD, now=100.0) for _ in range(ALLOWED_FAILURES)]
    assert outcomes == ["wrong"] * ALLOWED_FAILURES
    assert gate.check(PASSWORD, PASSWORD, now=101.0) == "paused"
    assert gate.check(PASSWORD, PASSWORD, now=131.0) == "ok"


def test_signed_in_sees_health_inbox_eval_and_can_rebuild(
    built: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    faq("ask", "--log", input="where can i park my car\nis there parking near the clinic\ndoes it hurt\n")
    faq("eval", str(SAMPLE_EVAL))
    app = sign_in(start(), PASSWORD)
    assert [t.label for t in app.tabs] == ["Knowledge health", "Inbox", "Trends", "Eval and index"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Entries"] == "5"
    assert metrics["Collisions"] == "0"
    assert metrics["Questions"] == "3"
    assert metrics["No answer"] == "2"
    assert metrics["Recall@1"] == "0.80"
    assert metrics["False alarms"] == "0"
    inbox = [e.label for e in app.expander]
    assert "2 x unanswered: where can i park my car" in inbox
    assert any("Suggestion:" in m.value for m in app.markdown)
    saved = json.loads((built / "last-eval.json").read_text())
    assert saved["cases"] == 7

    before = (built / "CURRENT").read_text()
    app.button(key="rebuild").click().run()
    status = resources.rebuilder().wait(timeout=120)
    assert status.state == "done", status.message
    assert (built / "CURRENT").read_text() != before
