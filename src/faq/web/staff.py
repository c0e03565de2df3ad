"""The staff page: knowledge health, the report as an inbox, the entry editor, recent changes, charts,
eval figures, rebuild.

Registered only when FAQ_STAFF_PASSWORD is set, reachable at /staff, linked from nowhere on the
patient page, and shows nothing until the password is entered.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from typing import Any

import pandas as pd
import streamlit as st

from faq import config
from faq.errors import FaqError, KnowledgeError
from faq.evaluation import load_latest
from faq.knowledge import load_knowledge
from faq.questionlog import LoggedQuestion, QuestionLog, database_url
from faq.report import build_report
from faq.retrieval import Retriever
from faq.validation import collision_problems, find_collisions, overdue_reviews
from faq.web import changes, editor, inbox_actions, resources, saving
from faq.web.gate import device_key, staff_password
from faq.web.new_entry import draw_new_entry
from faq.web.saving import literal
from faq.web.serving import AppUnavailableError, StaffNotice

SIGNED_IN = "staff_signed_in"
DEVICE_KEY = "staff_device"
INBOX_LABEL_CHARS = 80
UNSERVED_NOTE = (
    "Patients asking these get the no-answer reply (`serve_drafts: false` in clinic.yaml). Once a clinician has "
    'checked an answer and its sources: `faq review ID --by "Name, credentials"`, then rebuild the index.'
)
DRAFTS_NOTE = (
    "Patients get these marked as sample answers not yet reviewed (`serve_drafts: true` in clinic.yaml). Once a "
    'clinician has checked one: `faq review ID --by "Name, credentials"`, then rebuild the index.'
)
REBUILD_POLL_SECONDS = 2.0
PERIODS = {"Last 24 hours": 1, "Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90}


def _device() -> str:
    # Streamlit sees no address on localhost; then the browser session stands in for the device.
    address = st.context.ip_address
    session_key = st.session_state.setdefault(DEVICE_KEY, secrets.token_hex(16))
    return device_key(address if isinstance(address, str) else None, session_key)


def _sign_in(password: str) -> bool:
    if st.session_state.get(SIGNED_IN):
        return True
    with st.form("staff-login", clear_on_submit=True):
        name = st.text_input("Your name", key="staff-name", placeholder="Recorded with each change you make")
        entered = st.text_input("Staff password", type="password", key="staff-password")
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return False
    if not name.strip():  # checked before the password, so it costs no try
        st.error("Give your name as well: each change you make is recorded under it.")
        return False
    verdict = resources.staff_gate().check(entered, password, _device())
    if verdict.outcome == "ok":
        st.session_state[SIGNED_IN] = True
        st.session_state[saving.STAFF_NAME] = " ".join(name.split())
        st.rerun()
    if verdict.wait_seconds:
        st.error(f"Too many wrong passwords from this device. Try again in {verdict.wait_seconds} seconds.")
    else:
        st.error("That password is not right.")
    return False


@st.cache_data(show_spinner="Checking for collisions…", max_entries=4)
def _collisions(content_hash: str, _knowledge: Any, model: str) -> list[str]:
    # Cached by content hash: the check embeds every phrasing, so it runs once per knowledge version.
    return [str(p) for p in collision_problems(_knowledge, find_collisions(_knowledge, resources.encoder(model)))]


def _health() -> None:
    st.subheader("Knowledge health", anchor=False)
    try:
        knowledge = load_knowledge(config.knowledge_dir())
    except KnowledgeError as err:
        st.error(f"{len(err.problems)} problem(s) in the knowledge files. Patients get the last good index.")
        st.code("\n".join(str(p) for p in err.problems), language=None, wrap_lines=True)
        return
    overdue = overdue_reviews(knowledge, dt.date.today(), strict=False)
    collisions = _collisions(knowledge.content_hash(), knowledge, config.model_name(knowledge.settings.model))
    drafts = [e for e in knowledge.entries if not e.is_reviewed]
    drafts_title = "Drafts shown as samples" if knowledge.clinic.serve_drafts else "Drafts not served"
    columns = st.columns(4)
    columns[0].metric("Entries", len(knowledge.entries))
    columns[1].metric(drafts_title, len(drafts))
    columns[2].metric("Overdue for review", len(overdue))
    columns[3].metric("Collisions", len(collisions))
    if not drafts and not overdue and not collisions and not knowledge.warnings:
        st.success("All entries are valid, signed off, reviewed on time and free of collisions.")
    for title, lines in (
        (drafts_title, [f"{knowledge.origins[e.id]}: {e.id} ({e.question})" for e in drafts]),
        ("Overdue reviews", [str(p) for p in overdue]),
        ("Collisions", collisions),
        ("Warnings", [str(p) for p in knowledge.warnings]),
    ):
        if lines:
            with st.expander(f"{title} ({len(lines)})"):
                if title == drafts_title:
                    st.caption(DRAFTS_NOTE if knowledge.clinic.serve_drafts else UNSERVED_NOTE)
                st.code("\n".join(lines), language=None, wrap_lines=True)


def _inbox(retriever: Retriever, rows: list[LoggedQuestion], since: dt.datetime) -> None:
    report = build_report(retriever, rows, since)
    hidden = inbox_actions.dismissed()
    groups = [g for g in report.groups if not inbox_actions.is_dismissed(g, hidden)]
    knowledge = saving.current_knowledge()
    c = report.counts
    st.subheader("Inbox", anchor=False)
    columns = st.columns(5)
    for column, (label, key) in zip(
        columns,
        [
            ("Questions", "questions"),
            ("Answered", "answered"),
            ("No answer", "no_answer"),
            ("Urgent", "urgent"),
            ("Thumbs down", "thumbs_down"),
        ],
        strict=True,
    ):
        column.metric(label, c[key])
    if not groups:
        st.caption("Nothing to review: every question in this period was answered and none got a thumbs down.")
    if len(groups) < len(report.groups):
        st.caption(f"{len(report.groups) - len(groups)} dismissed group(s) hidden; they return when asked again.")
    inbox_actions.draw_outcomes(groups)
    for group in groups:
        # Patient text only ever as plain text (st.text, st.code) or escaped: a Markdown image in
        # a question would otherwise be fetched from its host when staff open the inbox.
        first = group.questions[0]
        first = first if len(first) <= INBOX_LABEL_CHARS else first[: INBOX_LABEL_CHARS - 1] + "…"
        with st.expander(f"{group.count} x {group.label}: {literal(first)}"):
            st.text("\n".join(group.questions))
            if group.comments:
                st.caption("Comments")
                st.text("\n".join(group.comments))
            st.caption(f"Nearest entry: {group.nearest_id} (score {group.nearest_score:.2f})")
            if group.suggestion is not None:
                st.markdown(f"**Suggestion:** {group.suggestion.label}")
                st.code(group.suggestion.yaml, language="yaml")
            inbox_actions.draw_actions(group, knowledge)
    if report.most_asked:
        st.markdown("**Most asked**")
        st.dataframe(
            pd.DataFrame(report.most_asked, columns=["id", "question", "times"]), hide_index=True, width="stretch"
        )


def _charts(rows: list[LoggedQuestion]) -> None:
    st.subheader("Questions per day", anchor=False)
    if not rows:
        st.caption("No questions logged in this period.")
        return
    per_day: Counter[tuple[dt.date, str]] = Counter((r.asked_at.date(), r.status) for r in rows)
    frame = pd.DataFrame(
        [{"day": day, "status": status, "questions": n} for (day, status), n in per_day.items()]
    ).pivot_table(index="day", columns="status", values="questions", fill_value=0)
    st.bar_chart(frame)
    answered = frame.get("answered", pd.Series(0, index=frame.index))
    st.subheader("Answer rate", anchor=False)
    st.line_chart((answered / frame.sum(axis=1)).rename("answered share"))


def _eval_figures() -> None:
    st.subheader("Latest eval", anchor=False)
    latest = load_latest(config.index_dir())
    if latest is None:
        st.caption("No eval has run yet. Run `faq eval tests/data/eval.yaml` in a terminal.")
        return
    st.caption(f"{latest['file']}, {latest['cases']} cases, run {latest['ran_at']}")
    names = [
        ("Recall@1", "recall_at_1"),
        ("Recall@3", "recall_at_3"),
        ("No-answer accuracy", "no_answer_accuracy"),
        ("Urgent recall", "urgent_recall"),
    ]
    columns = st.columns(len(names) + 1)
    for column, (label, key) in zip(columns, names, strict=False):
        column.metric(label, "n/a" if latest[key] is None else f"{latest[key]:.2f}")
    columns[-1].metric("False alarms", latest["false_alarms"])


def _rebuild_status() -> None:
    """The rebuild's state; while one is scheduled or running it redraws itself every two seconds."""
    busy = resources.rebuilder().status.state in ("scheduled", "running")
    # Always one container, so the tabs below keep their place (and the tab staff are on) as it changes.
    with st.container(key="rebuild-status"):
        st.fragment(_draw_rebuild_status, run_every=REBUILD_POLL_SECONDS if busy else None)(busy)


def _draw_rebuild_status(was_busy: bool) -> None:
    status = resources.rebuilder().status
    if was_busy and status.state in ("done", "failed"):
        st.rerun(scope="app")  # the whole page again: the new index, and no more polling
    if status.state in ("scheduled", "running"):
        st.info(f"{status.message} Patients get the current answers until the new index is ready.")
    elif status.state == "done":
        st.success(f"{status.message} Patients get the new answers from their next question.")
    elif status.state == "failed":
        st.error(f"The rebuild failed: {status.message}")


def _edit_tab() -> None:
    knowledge = saving.current_knowledge()
    if knowledge is None:
        st.error("The knowledge files have problems (see Knowledge health); fix them to edit here.")
        return
    editor.draw_editor(knowledge)
    with st.expander("New entry", icon=":material/note_add:"):
        draw_new_entry(knowledge, "new-entry")


def _serving_problems(notice: StaffNotice | None, log_problem: str | None) -> None:
    """Why patients are not answered from the current knowledge (the paths, the validate output),
    and a question log that is not being written. Patients see only a neutral notice."""
    if notice is None and log_problem is None:
        return
    st.subheader("Serving problems", anchor=False)
    if notice is not None:
        st.warning(notice.summary)
        if notice.details:
            st.code("\n".join(notice.details), language=None, wrap_lines=True)
    if log_problem is not None:
        st.warning(log_problem)


def main() -> None:
    """Render the staff page."""
    st.set_page_config(page_title="Staff · FAQ assistant", page_icon="🛠️", layout="wide")
    password = staff_password()
    if password is None:  # also checked when the page is registered; here in case the env changed
        st.error("The staff page is switched off.")
        return
    st.title("Staff", anchor=False)
    if not _sign_in(password):
        return
    st.caption(f"Signed in as {literal(saving.author())}")
    try:
        serving = resources.holder().current()
    except FaqError as err:  # no index can be used: say why; patients are asked to call the clinic
        notice = err.notice if isinstance(err, AppUnavailableError) else StaffNotice(str(err))
        _serving_problems(notice, resources.app_log().problem)
        _health()
        return
    with st.container(key="serving-problems"):  # one block whatever it holds: the tabs below keep their place
        _serving_problems(serving.notice, resources.app_log().problem)
    period = st.segmented_control("Period", list(PERIODS), default="Last 7 days", key="period") or "Last 7 days"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=PERIODS[period])
    try:
        rows = QuestionLog(database_url(config.index_dir())).rows(since)
    except FaqError as err:
        st.error(f"The question log cannot be read: {err}")
        rows = []
    _rebuild_status()  # a save anywhere on the page starts a rebuild: its progress shows above the tabs
    health, inbox, edit, history, trends, quality = st.tabs(
        ["Knowledge health", "Inbox", "Edit knowledge", "Recent changes", "Trends", "Eval and index"]
    )
    with health:
        _health()
    with inbox:
        _inbox(serving.retriever, rows, since)
    with edit:
        _edit_tab()
    with history:
        changes.draw_changes()
    with trends:
        _charts(rows)
    with quality:
        _eval_figures()
        st.subheader("Index", anchor=False)
        if st.button("Rebuild index", icon=":material/refresh:", key="rebuild"):
            if resources.rebuilder().start():
                st.rerun()  # so the progress above starts polling
            st.info("A rebuild is already running.")
