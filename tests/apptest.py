"""Driving the Streamlit page with AppTest (a real script run, no browser), shared by the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).parent.parent / "app.py"
TIMEOUT = 120  # the first run in a test process loads the model


def start(timeout: float = TIMEOUT) -> AppTest:
    """A fresh browser session on the page, after its first run."""
    app = AppTest.from_file(str(APP), default_timeout=timeout).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def ask(app: AppTest, question: str) -> AppTest:
    """Type a question into the chat box and press Enter."""
    app.chat_input[0].set_value(question).run()
    assert not app.exception, [e.value for e in app.exception]
    return app
