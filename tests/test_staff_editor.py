"""Editing from the staff page (AppTest on a real index, the real model, real files): the name at sign-in,
the entry editor, a conflicting save, the inbox's Add as alternate and Dismiss, undo, and, in a real
browser, an alternate added from the inbox reaching patients after the background rebuild."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result as CliResult
from playwright.sync_api import expect, sync_playwright
from streamlit.testing.v1 import AppTest
from test_staff import APP, PASSWORD, needs_chromium, sign_in, start

from faq.history import recent_changes
from faq.web import editor, resources
from faq.web.harness import launch_chromium, open_app, running_app
from faq.web.inbox_actions import question_hash

NEW_ANSWER = "Most people feel a **brief** cramp. It fades within a minute."
SCREENSHOT = Path(__file__).parent.parent / "docs" / "screenshots" / "staff-editor.png"
NEAR_MISS = "will it sting a lot"
"""Asked twice, it goes unanswered and the report suggests it as an alternate to does-it-hurt."""


@pytest.fixture(autouse=True)
def staff(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The staff page on, history snapshots and dismissals under tmp_path; the data folder is returned.
    Each test waits for the rebuild its saves started, so none runs on into the next test."""
    data = tmp_path / "data"
    monkeypatch.setenv("FAQ_STAFF_PASSWORD", PASSWORD)
    monkeypatch.setenv("FAQ_DATA", str(data))
    resources._staff_gate.clear()
    yield data
    resources.rebuilder().wait(timeout=180)
    resources._staff_gate.clear()


def signed_in() -> AppTest:
    return sign_in(start(), PASSWORD)


def field(app: AppTest, name: str) -> str:
    """The key of the editor's widget for `name` in this load of the entry."""
    return f"editor-{app.session_state[editor.LOADS]}-{name}"


def open_in_editor(app: AppTest, entry_id: str) -> AppTest:
    app.selectbox(key="editor-entry-0").set_value(entry_id).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown(markdown: str) -> str:
    """The characters a reader sees in Markdown whose punctuation is escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


def said(elements: Any, start: str) -> bool:
    """Whether one of these alerts begins with `start`, as a reader sees it."""
    return any(shown(str(e.value)).startswith(start) for e in elements)


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_sign_in_asks_for_the_name_and_shows_it() -> None:
    app = sign_in(start(), PASSWORD, name="  ")
    assert app.error[0].value == "Give your name as well: each change you make is recorded under it."
    assert not app.tabs
    app = sign_in(start(), PASSWORD, name="Sam  Lee")
    assert app.caption[0].value == "Signed in as Sam Lee"
    assert [t.label for t in app.tabs][2:4] == ["Edit entries", "Recent changes"]


def test_editing_an_answer_changes_only_its_lines_and_records_the_author(knowledge: Path, staff: Path) -> None:
    file = knowledge / "basics.yaml"
    before = file.read_text()
    app = open_in_editor(signed_in(), "does-it-hurt")
    app.text_area(key=field(app, "answer")).input(NEW_ANSWER).run()
    assert NEW_ANSWER in [m.value for m in app.markdown]  # the preview, drawn as the patient page draws it
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.success, "Edit answer of does-it-hurt: saved in knowledge/basics.yaml")
    old = before.replace(
        "    Most people feel a brief cramp or ache when the needle reaches the muscle.\n",
        "    Most people feel a **brief** cramp. It fades within a minute.\n",
    )
    assert file.read_text() == old  # nothing else in the file moved
    [change] = recent_changes(knowledge, staff)
    assert (change.author, change.summary) == ("Sam Lee", "Edit answer of does-it-hurt")
    assert app.text_area(key=field(app, "answer")).value == NEW_ANSWER + "\n"  # the form shows the saved file


def test_a_file_changed_after_loading_is_not_overwritten(knowledge: Path) -> None:
    file = knowledge / "basics.yaml"
    app = open_in_editor(signed_in(), "does-it-hurt")
    by_hand = file.read_text().replace("how painful is it", "how painful is it really")
    file.write_text(by_hand)  # another staff member saved meanwhile
    app.text_area(key=field(app, "answer")).input(NEW_ANSWER).run()
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.error, "knowledge/basics.yaml changed since you loaded it")
    assert file.read_text() == by_hand
    ok(app.button(key=f"{editor.SAVE}-reload").click().run())
    assert "how painful is it really" in app.text_area(key=field(app, "alternates")).value
    assert not app.error


def test_an_invalid_edit_is_refused_with_file_and_line(knowledge: Path) -> None:
    before = (knowledge / "basics.yaml").read_text()
    app = open_in_editor(signed_in(), "does-it-hurt")
    app.text_input(key=field(app, "question")).input("").run()
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.error, "the edit would add 1 problem, so nothing was written:")
    assert "knowledge/basics.yaml:19: `question` is empty — write the text after `question:`" in [
        c.value for c in app.code
    ]
    assert (knowledge / "basics.yaml").read_text() == before


def inbox_group(questions: list[str]) -> str:
    """The key prefix of the buttons of the inbox group holding `questions`."""
    return f"inbox-{question_hash(chr(10).join(sorted(questions)))[:16]}"


def test_add_as_alternate_from_the_inbox(knowledge: Path, faq: Callable[..., CliResult], staff: Path) -> None:
    faq("ask", "--log", input=f"{NEAR_MISS}\n{NEAR_MISS}\n")
    app = signed_in()
    group = inbox_group([NEAR_MISS, NEAR_MISS])
    ok(app.button(key=f"{group}-add").click().run())
    assert said(app.success, "Add alternate to does-it-hurt: saved")
    assert f"    - {NEAR_MISS}\n" in (knowledge / "basics.yaml").read_text()
    assert recent_changes(knowledge, staff)[0].author == "Sam Lee"
    assert resources.rebuilder().status.state in ("scheduled", "running")  # patients get it after the rebuild
    assert resources.rebuilder().wait(timeout=180).state == "done"


def test_dismiss_is_remembered_without_the_text(faq: Callable[..., CliResult], staff: Path) -> None:
    faq("ask", "--log", input=f"{NEAR_MISS}\n{NEAR_MISS}\nwhere can i park my car\n")
    app = signed_in()
    before = [e.label for e in app.expander]
    group = inbox_group([NEAR_MISS, NEAR_MISS])
    ok(app.button(key=f"{group}-dismiss").click().run())
    after = [e.label for e in app.expander]
    assert len(after) == len(before) - 1 and not any("sting" in label for label in after)
    assert any("park" in label for label in after)
    assert "1 dismissed group(s) hidden" in " ".join(c.value for c in app.caption)
    again = signed_in()  # a new session: still hidden
    assert [e.label for e in again.expander] == after
    stored = (staff / "inbox-dismissed.json").read_text()
    assert "sting" not in stored and len(json.loads(stored)["dismissed"]) == 1


def test_undo_last_change_after_a_confirmation(knowledge: Path, staff: Path) -> None:
    original = (knowledge / "basics.yaml").read_text()
    app = open_in_editor(signed_in(), "does-it-hurt")
    app.text_area(key=field(app, "answer")).input(NEW_ANSWER).run()
    ok(app.button(key=editor.SAVE).click().run())
    assert (knowledge / "basics.yaml").read_text() != original
    assert any(shown(e.label).endswith("Sam Lee: Edit answer of does-it-hurt") for e in app.expander)
    ok(app.button(key="changes-undo-ask").click().run())
    assert (knowledge / "basics.yaml").read_text() != original  # nothing yet: it asks first
    assert said(app.warning, 'Undo "Edit answer of does-it-hurt"?')
    ok(app.button(key="changes-undo-confirm").click().run())
    assert (knowledge / "basics.yaml").read_text() == original
    assert [c.summary for c in recent_changes(knowledge, staff)] == [
        'Undo "Edit answer of does-it-hurt"',
        "Edit answer of does-it-hurt",
    ]


def test_delete_needs_a_second_confirmation(knowledge: Path) -> None:
    app = open_in_editor(signed_in(), "serious-risks")
    ok(app.button(key="editor-delete-ask").click().run())
    assert "id: serious-risks" in (knowledge / "basics.yaml").read_text()
    ok(app.button(key="editor-delete-confirm").click().run())
    assert "id: serious-risks" not in (knowledge / "basics.yaml").read_text()
    assert said(app.success, "Delete entry serious-risks: saved")


@needs_chromium
@pytest.mark.timeout(400)
def test_an_alternate_added_in_the_browser_reaches_patients(
    knowledge: Path, built: Path, faq: Callable[..., CliResult], staff: Path, tmp_path: Path
) -> None:
    """A staff member adds an alternate from the inbox; once the background rebuild is done, a patient
    asking that phrasing gets that entry. Also saves docs/screenshots/staff-editor.png."""
    faq("ask", "--log", input=f"{NEAR_MISS}\n{NEAR_MISS}\n")
    env = {"FAQ_KNOWLEDGE": str(knowledge), "FAQ_INDEX": str(built), "FAQ_STAFF_PASSWORD": PASSWORD}
    env["FAQ_DATA"] = str(staff)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        with running_app(APP, env, tmp_path / "app.log") as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/staff")
            page.get_by_label("Your name").fill("Sam Lee")
            page.get_by_label("Staff password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("tab", name="Inbox").click(timeout=60_000)
            page.locator("[data-testid='stExpander'] summary", has_text=NEAR_MISS).first.click()
            page.get_by_role("button", name="Add as alternate to does-it-hurt").click()
            expect(page.get_by_text("Add alternate to does-it-hurt: saved")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Patients get the new answers from their next question")).to_be_visible(
                timeout=180_000
            )  # the progress note polls until the rebuild is done
            page.get_by_role("tab", name="Edit entries").click()
            page.get_by_role("textbox", name="Answer (Markdown)").first.fill(NEW_ANSWER)
            page.get_by_role("textbox", name="Category").first.click()  # leave the answer box, so the preview redraws
            expect(page.get_by_text("It fades within a minute.")).to_have_count(1, timeout=30_000)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            patient = browser.new_page()
            open_app(patient, url)
            patient.get_by_test_id("stChatInputTextArea").fill(NEAR_MISS)
            patient.keyboard.press("Enter")
            expect(patient.locator(".st-key-answer-1")).to_contain_text("Does dry needling hurt?", timeout=60_000)
        browser.close()
