"""Editing from the staff page (AppTest on a real index, the real model, real files): the name at sign-in,
the entry editor, a conflicting save, the inbox's Add as alternate and Dismiss, undo, and, in a real
browser, an alternate added from the inbox reaching patients after the background rebuild."""

from __future__ import annotations

import difflib
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

from faq.edits import RED_FLAG
from faq.history import recent_changes
from faq.knowledge import load_knowledge
from faq.web import editor, resources
from faq.web.harness import launch_chromium, open_app, running_app
from faq.web.inbox_actions import question_hash

NEW_ANSWER = "Most people feel a **brief** cramp. It fades within a minute."
DRAFTED = "Edit answer of does-it-hurt (back to draft: a clinician signs it off again)"
"""The change's summary: does-it-hurt is signed off in tests/data/kb, and a new answer drops the sign-off."""
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


def changed_lines(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_sign_in_asks_for_the_name_and_shows_it() -> None:
    app = sign_in(start(), PASSWORD, name="  ")
    assert app.error[0].value == "Give your name as well: each change you make is recorded under it."
    assert not app.tabs
    app = sign_in(start(), PASSWORD, name="Sam  Lee")
    assert app.caption[0].value == "Signed in as Sam Lee"
    assert [t.label for t in app.tabs][2:4] == ["Edit knowledge", "Recent changes"]


def test_editing_an_answer_changes_only_its_lines_and_records_the_author(knowledge: Path, staff: Path) -> None:
    file = knowledge / "basics.yaml"
    before = file.read_text()
    app = open_in_editor(signed_in(), "does-it-hurt")
    app.text_area(key=field(app, "answer")).input(NEW_ANSWER).run()
    assert NEW_ANSWER in [m.value for m in app.markdown]  # the preview, drawn as the patient page draws it
    assert said(app.warning, "This entry is signed off. Saving a new answer returns it to draft")
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.success, f"{DRAFTED}: saved in knowledge/basics.yaml")
    old = before.replace(
        "    Most people feel a brief cramp or ache when the needle reaches the muscle.\n",
        "    Most people feel a **brief** cramp. It fades within a minute.\n",
    )
    signed = "  status: reviewed\n  reviewed: 2026-11-01\n  reviewer: Test Reviewer, PT\n  related: [what-is-dry"
    old = old.replace(signed, "  status: draft\n  related: [what-is-dry")  # the sign-off was for the old words
    assert file.read_text() == old  # nothing else in the file moved
    [change] = recent_changes(knowledge, staff)
    assert (change.author, change.summary) == ("Sam Lee", DRAFTED)
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
    assert any(shown(e.label).endswith(f"Sam Lee: {DRAFTED}") for e in app.expander)
    ok(app.button(key="changes-undo-ask").click().run())
    assert (knowledge / "basics.yaml").read_text() != original  # nothing yet: it asks first
    assert said(app.warning, f'Undo "{DRAFTED}"?')
    ok(app.button(key="changes-undo-confirm").click().run())
    assert (knowledge / "basics.yaml").read_text() == original
    assert [c.summary for c in recent_changes(knowledge, staff)] == [f'Undo "{DRAFTED}"', DRAFTED]


def test_delete_needs_a_second_confirmation(knowledge: Path) -> None:
    app = open_in_editor(signed_in(), "serious-risks")
    ok(app.button(key="editor-delete-ask").click().run())
    assert "id: serious-risks" in (knowledge / "basics.yaml").read_text()
    ok(app.button(key="editor-delete-confirm").click().run())
    assert "id: serious-risks" not in (knowledge / "basics.yaml").read_text()
    assert said(app.success, "Delete entry serious-risks: saved")


def open_red_flag(app: AppTest, flag_id: str) -> AppTest:
    ok(app.radio(key=editor.KIND).set_value(RED_FLAG).run())
    return ok(app.selectbox(key="editor-flag-0").set_value(flag_id).run())


def test_a_red_flag_is_edited_with_its_card_previewed(knowledge: Path, staff: Path) -> None:
    flags = knowledge / "red_flags.yaml"
    before = flags.read_text()
    app = open_red_flag(signed_in(), "infection")
    example = "the spot on my calf is hot and oozing"
    app.text_area(key=field(app, "examples")).input(f"{app.text_area(key=field(app, 'examples')).value}\n{example}")
    app.text_area(key=field(app, "care")).input("**See a doctor today.** Or call {clinic_phone}.").run()
    assert any("See a doctor today." in m.value for m in app.markdown)  # the card, drawn as patients see it
    assert any("555" in m.value for m in app.markdown)  # with the clinic's phone filled in
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.success, "Edit examples and care of infection: saved in knowledge/red_flags.yaml")
    added = [line for line in changed_lines(before, flags.read_text()) if line.startswith("+")]
    assert added == [f"+    - {example}", "+    **See a doctor today.** Or call {clinic_phone}."]
    app.text_area(key=field(app, "care")).input("Call {emergncy_number}.").run()
    ok(app.button(key=editor.SAVE).click().run())
    assert said(app.error, "the edit would add 1 problem, so nothing was written:")
    assert "unknown placeholder {emergncy_number}" in " ".join(c.value for c in app.code)


def test_deleting_a_red_flag_needs_its_id_typed(knowledge: Path) -> None:
    flags = knowledge / "red_flags.yaml"
    app = open_red_flag(signed_in(), "saddle-numbness")
    ok(app.button(key="editor-delete-ask").click().run())
    assert said(app.warning, "Delete the red flag `saddle-numbness`")
    assert app.button(key="editor-delete-confirm").disabled
    app.text_input(key="editor-delete-typed").input("saddle").run()
    assert app.button(key="editor-delete-confirm").disabled
    app.text_input(key="editor-delete-typed").input("saddle-numbness").run()
    assert "id: saddle-numbness" in flags.read_text()
    ok(app.button(key="editor-delete-confirm").click().run())
    assert "id: saddle-numbness" not in flags.read_text()
    assert said(app.success, "Delete red flag saddle-numbness: saved")


def test_a_new_entry_is_written_from_the_form(knowledge: Path, staff: Path) -> None:
    app = signed_in()
    app.text_input(key="new-entry-question").input("Is parking free?")
    app.text_area(key="new-entry-answer").input("Yes, the car park behind the clinic is free.")
    app.text_input(key="new-entry-source-title").input("Clinic front desk")
    app.text_input(key="new-entry-source-citation").input("Sample clinic, 2026").run()
    ok(app.button(key="new-entry-create").click().run())
    assert said(app.success, "Add entry is-parking-free: saved")
    entry = load_knowledge(knowledge).entry("is-parking-free")
    assert (entry.answer, entry.is_reviewed) == ("Yes, the car park behind the clinic is free.", False)
    assert recent_changes(knowledge, staff)[0].author == "Sam Lee"


def test_create_entry_from_the_inbox_fills_in_the_question(
    knowledge: Path, faq: Callable[..., CliResult], staff: Path
) -> None:
    faq("ask", "--log", input=f"{NEAR_MISS}\n{NEAR_MISS}\n")
    app = signed_in()
    group = inbox_group([NEAR_MISS, NEAR_MISS])
    ok(app.button(key=f"{group}-create").click().run())
    prefix = f"{group}-new"
    assert app.text_input(key=f"{prefix}-question").value == NEAR_MISS
    app.text_input(key=f"{prefix}-question").input("Will it sting a lot?")
    app.text_area(key=f"{prefix}-answer").input("A brief sting or ache is common; it fades quickly.")
    app.text_input(key=f"{prefix}-source-title").input("Clinic physical therapists").run()
    ok(app.button(key=f"{prefix}-create").click().run())
    assert "a source has no `url` or `citation`" in " ".join(c.value for c in app.code)  # checked like validate
    app.text_input(key=f"{prefix}-source-citation").input("Sample clinic, 2026").run()
    ok(app.button(key=f"{prefix}-create").click().run())
    assert said(app.success, "Add entry will-it-sting-a-lot: saved")
    assert load_knowledge(knowledge).entry("will-it-sting-a-lot").question == "Will it sting a lot?"


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
            page.get_by_role("tab", name="Edit knowledge").click()
            page.get_by_role("textbox", name="Answer (Markdown)").first.fill(NEW_ANSWER)
            page.get_by_role("textbox", name="Category").first.click()  # leave the answer box, so the preview redraws
            expect(page.get_by_text("It fades within a minute.")).to_have_count(1, timeout=30_000)
            page.set_viewport_size({"width": 1400, "height": 1900})  # the whole form: the page scrolls inside
            page.get_by_role("radiogroup").first.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOT))

            patient = browser.new_page()
            open_app(patient, url)
            patient.get_by_test_id("stChatInputTextArea").fill(NEAR_MISS)
            patient.keyboard.press("Enter")
            expect(patient.locator(".st-key-answer-1")).to_contain_text("Does dry needling hurt?", timeout=60_000)
        browser.close()
