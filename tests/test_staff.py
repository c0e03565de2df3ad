"""The staff page through Streamlit's AppTest, on a real index, a real SQLite log and the real model."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from click.testing import Result as CliResult
from drafts import make_draft
from markdown_it import MarkdownIt
from playwright.sync_api import expect, sync_playwright
from streamlit.testing.v1 import AppTest

from faq.questionlog import QuestionLog, database_url
from faq.web import resources
from faq.web.gate import ALLOWED_FAILURES, FORGET_AFTER, SignInGate, Verdict, device_key
from faq.web.harness import CHROMIUM, launch_chromium, running_app

PASSWORD = "correct horse battery staple"
SCRIPT = "from faq.web.staff import main\nmain()\n"
APP = Path(__file__).parent.parent / "app.py"
SAMPLE_EVAL = Path(__file__).parent / "data" / "sample_eval.yaml"
STRANGER = "203.0.113.7"
STAFF_DESK = "198.51.100.23"


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    """The gate is one per server process; each test starts with a new one (its counts live in tmp_path)."""
    resources._staff_gate.clear()
    yield
    resources._staff_gate.clear()


def start() -> AppTest:
    app = AppTest.from_string(SCRIPT, default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def sign_in(app: AppTest, password: str, name: str = "Sam Lee") -> AppTest:
    app.text_input(key="staff-name").input(name)
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
    for _ in range(ALLOWED_FAILURES - 1):
        assert sign_in(app, "guess").error[0].value == "That password is not right."
    sign_in(app, "guess")
    assert app.error[0].value == "Too many wrong passwords from this device. Try again in 30 seconds."
    sign_in(app, PASSWORD)  # even the right password waits out the pause
    assert app.error[0].value.startswith("Too many wrong passwords from this device. Try again in ")
    assert not app.tabs


@pytest.fixture
def ip_address(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """Set `current["ip"]` to choose the address st.context reports (AppTest cannot seed it)."""
    current: dict[str, str | None] = {"ip": None}
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda _self: current["ip"]))
    return current


def test_a_stranger_guessing_does_not_lock_out_staff(
    built: Path, monkeypatch: pytest.MonkeyPatch, ip_address: dict[str, str | None]
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    ip_address["ip"] = STRANGER
    stranger = start()
    for _ in range(ALLOWED_FAILURES + 1):
        sign_in(stranger, "guess")
    assert not stranger.tabs
    ip_address["ip"] = STAFF_DESK
    assert sign_in(start(), PASSWORD).tabs[0].label == "Knowledge health"


def test_the_pause_holds_on_every_replica(
    built: Path, monkeypatch: pytest.MonkeyPatch, ip_address: dict[str, str | None]
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    ip_address["ip"] = STRANGER
    app = start()
    for _ in range(ALLOWED_FAILURES):
        sign_in(app, "guess")
    resources._staff_gate.clear()
    # A new process (another replica) and a new browser session, from the same address.
    again = sign_in(start(), PASSWORD)
    assert not again.tabs
    assert again.error[0].value.startswith("Too many wrong passwords from this device. Try again in ")
    stored = b"".join(p.read_bytes() for p in built.glob("questions.sqlite3*"))
    assert STRANGER.encode() not in stored  # only a salted hash of the address is kept


def test_serving_problems_name_the_file_and_the_fix(
    built: Path, knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    (knowledge / "basics.yaml").write_text("- id: broken\n  question: [unclosed\n")
    app = sign_in(start(), PASSWORD)
    assert app.subheader[0].value == "Serving problems"
    assert "because the knowledge files have 1 problem — run `faq validate`" in app.warning[0].value
    assert re.search(r"basics\.yaml:\d+: .* — ", app.code[0].value)  # file:line: problem — fix
    assert app.tabs[0].label == "Knowledge health"  # patients still get the last good index


def test_serving_problems_include_a_question_log_that_is_not_written(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be")
    monkeypatch.setenv("FAQ_DATABASE_URL", f"sqlite:///{blocker / 'questions.sqlite3'}")
    patient = AppTest.from_string("from faq.web.chat import main\nmain()\n", default_timeout=120).run()
    patient.chat_input[0].set_value("does it hurt").run()
    app = sign_in(start(), PASSWORD)
    assert "Serving problems" in [h.value for h in app.subheader]
    assert any(w.value.startswith("The question log is not being written") for w in app.warning)


def test_back_off_doubles_up_to_fifteen_minutes_and_resets_on_success(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'questions.sqlite3'}"
    one, two = SignInGate.open(url), SignInGate.open(url)  # two replicas on one database
    waits = [one.check("x", PASSWORD, "ip:a", now=100.0 + i).wait_seconds for i in range(ALLOWED_FAILURES)]
    assert waits == [0, 0, 30]
    assert two.check(PASSWORD, PASSWORD, "ip:a", now=110.0) == Verdict("paused", 22)
    assert two.check(PASSWORD, PASSWORD, "ip:b", now=110.0) == Verdict("ok")  # other devices are unaffected
    moment, seen = 132.0, list[int]()
    for _ in range(6):  # each wrong try after a pause doubles the next one
        verdict = (one if len(seen) % 2 else two).check("x", PASSWORD, "ip:a", now=moment)
        seen.append(verdict.wait_seconds)
        moment += verdict.wait_seconds
    assert seen == [60, 120, 240, 480, 900, 900]
    assert one.check(PASSWORD, PASSWORD, "ip:a", now=moment) == Verdict("ok")
    assert one.check("x", PASSWORD, "ip:a", now=moment + 1) == Verdict("wrong", 0)  # counting starts again


def test_only_salted_hashes_are_kept_and_old_rows_are_purged(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for path in (first, second):
        SignInGate.open(f"sqlite:///{path}").check("x", PASSWORD, f"ip:{STRANGER}", now=1000.0)
    digests = [sqlite3.connect(p).execute("SELECT device FROM faq_staff_sign_in").fetchall() for p in (first, second)]
    assert digests[0] != digests[1]  # a different random salt per database
    assert STRANGER.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("*.sqlite3*"))
    SignInGate.open(f"sqlite:///{first}").check("x", PASSWORD, "ip:other", now=1000.0 + FORGET_AFTER + 1)
    [(remaining,)] = sqlite3.connect(first).execute("SELECT count(*) FROM faq_staff_sign_in").fetchall()
    assert remaining == 1  # the stranger's day-old row is gone


def test_an_unusable_database_still_limits_tries_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database folder should be")
    gate = SignInGate.open(f"sqlite:///{blocker / 'questions.sqlite3'}")
    waits = [gate.check("x", PASSWORD, "ip:a", now=100.0).wait_seconds for _ in range(ALLOWED_FAILURES)]
    assert waits == [0, 0, 30]
    assert gate.check(PASSWORD, PASSWORD, "ip:a", now=101.0).outcome == "paused"


def test_device_key() -> None:
    assert device_key("203.0.113.7", "s1") == "ip:203.0.113.7"
    assert (
        device_key("2001:db8:1:2:aaaa::1", "s1") == device_key("2001:db8:1:2:bbbb::9", "s2") == "ip:2001:db8:1:2::/64"
    )
    assert device_key(None, "s1") == "session:s1"


def test_signed_in_sees_health_inbox_eval_and_can_rebuild(
    built: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    faq("ask", "--log", input="where can i park my car\nis there parking near the clinic\ndoes it hurt\n")
    faq("eval", str(SAMPLE_EVAL))
    app = sign_in(start(), PASSWORD)
    assert [t.label for t in app.tabs] == [
        "Knowledge health",
        "Inbox",
        "Edit knowledge",
        "Recent changes",
        "Trends",
        "Eval and index",
    ]
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


def test_health_lists_the_drafts_patients_do_not_get(
    knowledge: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(knowledge, "does-it-hurt")  # the clinic serves no drafts (`serve_drafts` unset)
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    app = sign_in(start(), PASSWORD)
    assert {m.label: m.value for m in app.metric}["Drafts not served"] == "1"
    drafts = next(e for e in app.expander if e.label == "Drafts not served (1)")
    assert drafts.code[0].value == "knowledge/basics.yaml:18: does-it-hurt (Does dry needling hurt?)"
    assert '`faq review ID --by "Name, credentials"`, then rebuild the index.' in drafts.caption[0].value
    assert not app.success  # not "all signed off"


IMAGE = "![x](//evil.example/t.png) where can i park my car"
LINK = "[log in here](//evil.example/login) is there parking near the clinic"
COMMENT = "![y](//evil.example/c.png) wrong, see [here](//evil.example/x)"


def markdown_sources(app: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown (bodies, labels, alerts), but the
    editor's: its preview draws a knowledge entry, staff-written Markdown, as the patient page does."""

    def strings(node: Any) -> list[str]:
        bodies = [*node.markdown, *node.caption, *node.error, *node.warning, *node.info, *node.success]
        labels = [*node.expander, *node.tabs, *node.metric, *node.button]
        return [str(e.value) for e in bodies] + [str(e.label) for e in labels]

    editor = [s for tab in app.tabs if tab.label == "Edit knowledge" for s in strings(tab)]
    return [s for s in strings(app) if s not in editor]


def test_patient_text_is_never_rendered_as_markdown(
    built: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    faq("ask", "--log", input=f"{IMAGE}\n{LINK}\ndoes it hurt\n")
    store = QuestionLog(database_url(built))
    store.record_feedback(store.rows()[-1].id, helpful=False, comment=COMMENT)
    app = sign_in(start(), PASSWORD)
    renderer = MarkdownIt("commonmark").enable(["strikethrough", "table"])
    for source in markdown_sources(app):
        html = renderer.render(source)
        assert "<img" not in html and "<a " not in html, source
    # Staff still read every word the patient typed, as plain text.
    plain = "\n".join([t.value for t in app.text] + [c.value for c in app.code])
    for typed in (IMAGE, LINK, COMMENT):
        assert typed in plain


needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
)


@needs_chromium
@pytest.mark.timeout(240)
def test_in_a_real_browser(
    built: Path, knowledge: Path, faq: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without FAQ_STAFF_PASSWORD /staff is Streamlit's "Page not found"; with it, a Markdown image in
    a logged question is shown as text and nothing is fetched from its host."""
    monkeypatch.delenv("FAQ_STAFF_PASSWORD", raising=False)
    faq("ask", "--log", input=f"{IMAGE}\n{LINK}\n")
    env = {"FAQ_KNOWLEDGE": str(knowledge), "FAQ_INDEX": str(built)}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        with running_app(APP, env, tmp_path / "off.log") as url:
            page = browser.new_page()
            page.goto(f"{url}/staff")
            expect(page.get_by_text("Page not found")).to_be_visible(timeout=60_000)
            expect(page.get_by_label("Staff password")).to_have_count(0)
        with running_app(APP, {**env, "FAQ_STAFF_PASSWORD": PASSWORD}, tmp_path / "on.log") as url:
            page = browser.new_page()
            fetched: list[str] = []
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(f"{url}/staff")
            page.get_by_label("Your name").fill("Sam Lee")
            page.get_by_label("Staff password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("tab", name="Inbox").click(timeout=60_000)
            label = page.locator("[data-testid='stExpander'] summary").first
            expect(label).to_contain_text(IMAGE)  # the patient's characters, literally
            expect(label.locator("img, a")).to_have_count(0)
        browser.close()
    assert not [u for u in fetched if "evil.example" in u]
