"""The patient chat page: vetted answers word for word, care card first, disclaimer always visible.

One run of this script per interaction (Streamlit reruns it top to bottom). The conversation lives
in `st.session_state` as a list of `Turn`s; a new question becomes a new turn, and every turn is
drawn again by `draw_turn` (the newest first, into its place at the end), so a reply looks the same
when first shown and after any later click.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator
from typing import Literal

import streamlit as st

from faq.errors import EmptyQuestionError
from faq.knowledge import KnowledgeBase
from faq.retrieval import Retriever
from faq.schema import Clinic
from faq.text import clean_question
from faq.web import resources
from faq.web.browse import draw_browse
from faq.web.conversation import (
    Turn,
    all_signed_off,
    served_entry,
    sign_off_note,
    turn_for_entry,
    turn_for_error,
    turn_from_result,
    welcome_examples,
)
from faq.web.logbook import APP_LOG_KEY, AppLog
from faq.web.replies import ASSISTANT_AVATAR, draw_turn, staff_markdown, tel_url, topic_buttons
from faq.web.serving import PATIENT_NOTICE, AppUnavailableError
from faq.web.style import apply_style

log = logging.getLogger(__name__)

PAGE_ICON = "🩺"
PAGE_TITLE = "Dry needling questions"
PLACEHOLDER = "Ask about dry needling…"
View = Literal["chat", "browse"]
RECENT_TURNS = 10
"""Turns drawn on every rerun; earlier ones wait behind "Show earlier questions", so what a rerun costs
stops growing with the conversation (server CPU per turn rose from 80 to 240 ms over 30 drawn turns)."""
KEPT_TURNS = 100
"""Turns a session keeps at all: its memory is bounded however long a patient chats."""


@contextlib.contextmanager
def _building() -> Iterator[None]:
    with st.spinner("Preparing the answers for first use. This takes about a minute…"):
        yield


def _state() -> None:
    st.session_state.setdefault("turns", [])
    st.session_state.setdefault("view", "chat")
    st.session_state.setdefault("pending", None)
    st.session_state.setdefault("show_earlier", False)


def _open_entry(entry_id: str) -> None:
    st.session_state["pending"] = entry_id
    st.session_state["view"] = "chat"


def _set_view(view: View) -> None:
    st.session_state["view"] = view


def _next_turn(question: str | None, retriever: Retriever) -> Turn | None:
    """The turn for a typed question or a tapped topic; None when there is nothing to answer."""
    turns: list[Turn] = st.session_state["turns"]
    turn_id = len(turns) + 1
    pending: str | None = st.session_state["pending"]
    st.session_state["pending"] = None
    if question is None and pending is not None:
        entry = served_entry(pending, retriever.knowledge)
        return turn_for_entry(turn_id, entry) if entry is not None else None
    if question is None:
        return None
    try:
        result = retriever.answer(question)
    except EmptyQuestionError:
        return None
    except Exception as err:  # never the message or traceback: either could quote the question
        log.error("answering failed: %s", type(err).__name__)
        return turn_for_error(turn_id, clean_question(question)[0])
    turn = turn_from_result(turn_id, result)
    app_log: AppLog = st.session_state[APP_LOG_KEY]
    if app_log.enabled(retriever.knowledge.clinic.log_questions):
        turn = dataclasses.replace(turn, log_id=app_log.record(result))
    return turn


def _masthead(knowledge: KnowledgeBase, view: View) -> None:
    clinic = knowledge.clinic
    # Claim the clinicians' check only when every answer served had one.
    checked = "checked by our clinicians" if all_signed_off(knowledge) else "from our clinic"
    with st.container(key="masthead"):
        st.title(f"{PAGE_ICON} {staff_markdown(clinic.name)}", anchor=False)
        st.caption(f"Dry needling questions, answered with information {checked} · {clinic.phone}")
    if view == "chat":
        label, key, icon, target = "Browse all topics", "browse-open", ":material/menu_book:", "browse"
    else:
        label, key, icon, target = "Back to the chat", "browse-close", ":material/arrow_back:", "chat"
    st.button(label, key=key, icon=icon, on_click=_set_view, args=(target,))


def _welcome(knowledge: KnowledgeBase) -> None:
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR), st.container(key="welcome"):
        st.markdown(
            f"Hello! I can answer common questions about **dry needling** at {staff_markdown(knowledge.clinic.name)}. "
            f"{sign_off_note(knowledge)} "
            "Type your question below in your own words, or tap one of these:"
        )
        topic_buttons(welcome_examples(knowledge), "example", _open_entry)


def _disclaimer(clinic: Clinic, logged: bool) -> None:
    # In the bottom bar next to the question box, so it stays on screen however long the chat gets.
    notice = f" {clinic.log_notice}" if logged else ""
    with st.bottom, st.container(key="disclaimer"):
        st.caption(f":material/info: {staff_markdown(clinic.disclaimer + notice)}")


def _update_notice() -> None:
    # Patients see only this; the reason, with paths and the validate output, is for staff
    # (the staff page, ServingHolder.staff_notice) and the server log.
    with st.container(key="update-notice"):
        st.caption(f":material/update: {PATIENT_NOTICE}")


def unavailable(clinic: Clinic | None) -> None:
    """The page when no answers can be given: how to reach a person, and the emergency number."""
    emergency = clinic.emergency_number if clinic is not None else "911"
    with st.container(key="unavailable"):
        st.title(f"{PAGE_ICON} {PAGE_TITLE}", anchor=False)
        if clinic is not None:
            call = f"Please call {staff_markdown(clinic.name)} at {staff_markdown(clinic.phone)}."
        else:
            call = "Please call the clinic."
        st.info(f"Sorry, the question assistant is not available right now. {call}", icon=":material/call:")
        if clinic is not None:
            st.link_button(f"Call {clinic.phone}", tel_url(clinic.phone), icon=":material/call:")
        st.error(f"**If you feel unwell or think it may be an emergency, call {emergency} now.**")


def _shown_turns(turns: list[Turn]) -> list[Turn]:
    """The turns to draw: the last RECENT_TURNS, after a button that shows the earlier ones."""
    earlier = len(turns) - RECENT_TURNS
    if earlier <= 0 or st.session_state["show_earlier"]:
        return turns
    label = "Show 1 earlier question" if earlier == 1 else f"Show {earlier} earlier questions"
    if st.button(label, key="show-earlier", icon=":material/history:", type="tertiary"):
        st.session_state["show_earlier"] = True
        st.rerun()
    return turns[-RECENT_TURNS:]


def main() -> None:
    """Render the page."""
    st.set_page_config(page_title=PAGE_TITLE, page_icon=PAGE_ICON, layout="centered")
    apply_style()
    try:
        serving = resources.holder().current(building=_building)
    except AppUnavailableError as err:
        unavailable(err.clinic)
        return
    retriever = serving.retriever
    clinic = retriever.knowledge.clinic
    st.set_page_config(page_title=f"{PAGE_TITLE} · {clinic.name}")
    _state()
    app_log = resources.app_log()
    st.session_state[APP_LOG_KEY] = app_log
    question = st.chat_input(PLACEHOLDER, key="question")
    _disclaimer(clinic, app_log.enabled(clinic.log_questions))
    turn = _next_turn(question, retriever)
    if turn is not None:
        st.session_state["turns"] = [*st.session_state["turns"], turn][-KEPT_TURNS:]
        st.session_state["view"] = "chat"
    view: View = st.session_state["view"]
    _masthead(retriever.knowledge, view)
    if view == "browse":
        draw_browse(retriever.knowledge)
    else:
        _welcome(retriever.knowledge)
        turns: list[Turn] = _shown_turns(st.session_state["turns"])
        slots = [st.container() for _ in turns]
        # Newest first into slots laid out in order: the server sends each element as it is drawn, so
        # the reply the patient waits for leaves before the earlier turns are redrawn.
        for slot, past in reversed(list(zip(slots, turns, strict=True))):
            with slot:
                draw_turn(past, retriever.knowledge, _open_entry)
    if serving.notice is not None:  # a broken question log does not change the answers: staff only
        _update_notice()
