"""Drawing a turn: the patient's message as plain text, then the reply, care card always first.

Every element that tests or the page's CSS need to find has a key naming the turn, for example
`reply-3`, `answer-3`, `care-emergency-3`, `choices-3`, `noanswer-3`, `feedback-3`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import streamlit as st

from faq.knowledge import KnowledgeBase
from faq.rendering import care_card, emergency_numbers_text, no_answer_text, sign_off_text
from faq.schema import Clinic, Entry, RedFlag
from faq.web.conversation import Turn, related_entries
from faq.web.feedback import record_feedback, recorded
from faq.web.logbook import APP_LOG_KEY

OpenEntry = Callable[[str], None]
"""Called with an entry id when the patient taps a topic button (related, did-you-mean, closest)."""

ASSISTANT_AVATAR = ":material/medical_services:"
USER_AVATAR = ":material/person:"
TRUNCATED_NOTE = "Your message was very long, so only its first 1,000 characters were read."


def staff_markdown(text: str) -> str:
    """Staff-written Markdown as Streamlit should show it: `$` is a dollar sign, not the start of maths."""
    return text.replace("$", r"\$")


def tel_url(number: str) -> str:
    """A `tel:` link for a phone number as staff wrote it, e.g. "(555) 014-2380" -> "tel:5550142380"."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def reviewed_line(entry: Entry) -> str:
    """ "Last reviewed November 1, 2026 by Dr. A. Example, PT, DPT", or the sample-answer label for a draft."""
    day = entry.reviewed
    return sign_off_text(entry, None if day is None else f"{day:%B} {day.day}, {day.year}")


def draw_turn(turn: Turn, knowledge: KnowledgeBase, open_entry: OpenEntry) -> None:
    """The patient's message and the reply to it."""
    with st.chat_message("user", avatar=USER_AVATAR):
        st.text(turn.asked)  # plain text: nothing a patient types is read as HTML or Markdown
        if turn.truncated:
            st.caption(TRUNCATED_NOTE)
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR), st.container(key=f"reply-{turn.id}"):
        if turn.red_flag is not None:
            draw_care_card(turn.red_flag, knowledge.clinic, turn.id)
            if turn.answer is not None:
                st.caption("This may also help, once you are safe:")
        if turn.kind == "choices":
            draw_choices(turn, open_entry)
        elif turn.kind == "no_answer":
            draw_no_answer(turn, knowledge.clinic, open_entry)
        elif turn.kind == "error":
            draw_error(knowledge.clinic)
        if turn.answer is not None:
            draw_answer(turn.answer, turn.id, knowledge, open_entry)
        if turn.other_language:
            with st.container(key=f"numbers-{turn.id}"):
                st.markdown(f":material/emergency: {staff_markdown(emergency_numbers_text(knowledge.clinic))}")
        if turn.kind != "choices":
            draw_feedback(turn)


def draw_care_card(flag: RedFlag, clinic: Clinic, turn_id: int) -> None:
    """What to do now for a red flag, styled by level, with a button that dials the right number."""
    with st.container(key=f"care-{flag.level}-{turn_id}"):
        with st.container(key=f"care-alert-{turn_id}"):  # read out by screen readers at once, hidden by CSS
            st.html(f'<div role="alert">{CARE_LABELS[flag.level]}: {html.escape(flag.title)}</div>')
        st.markdown(CARE_BADGES[flag.level])
        st.markdown(f"#### {staff_markdown(flag.title)}", anchors=False)
        st.markdown(staff_markdown(care_card(flag, clinic)))
        with st.container(horizontal=True, gap="small"):
            call = ":material/call:"
            emergency = (f"Call {clinic.emergency_number}", tel_url(clinic.emergency_number))
            if flag.level == "emergency":
                st.link_button(*emergency, type="primary", icon=call)
                return
            if flag.level == "crisis":
                st.link_button(
                    f"Call {crisis_number(clinic)}", tel_url(crisis_number(clinic)), type="primary", icon=call
                )
                st.link_button(
                    f"Text {crisis_number(clinic)}", "sms:" + tel_url(crisis_number(clinic))[4:], icon=":material/sms:"
                )
            else:
                st.link_button(f"Call us: {clinic.phone}", tel_url(clinic.phone), type="primary", icon=call)
            st.link_button(*emergency, icon=call)


CARE_LABELS = {"emergency": "Emergency", "crisis": "Support now", "urgent": "Urgent"}
CARE_BADGES = {
    "emergency": ":red-badge[:material/emergency: Emergency]",
    "crisis": ":violet-badge[:material/favorite: Support now]",
    "urgent": ":orange-badge[:material/warning: Urgent]",
}


def crisis_number(clinic: Clinic) -> str:
    """The number in the clinic's crisis line ("988 Suicide & Crisis Lifeline (call or text 988)" -> "988")."""
    found = re.search(r"\+?\d[\d\s().-]*\d|\d+", clinic.crisis_line)
    return found.group(0).strip() if found else clinic.emergency_number


def draw_entry_body(entry: Entry, *, sources_expander: bool) -> None:
    """An entry's answer word for word, when it was last reviewed and by whom, and its sources."""
    st.markdown(staff_markdown(entry.answer))
    if entry.is_reviewed:
        st.caption(reviewed_line(entry))
    else:  # a sample nobody signed off: said plainly, where the sign-off would be
        st.markdown(f":orange-badge[:material/edit_note: {reviewed_line(entry)}]")
    lines = "\n".join(
        f"- [{staff_markdown(s.title)}]({s.url})" + (f" — {staff_markdown(s.citation)}" if s.citation else "")
        if s.url
        else f"- {staff_markdown(s.title)} — {staff_markdown(s.citation or '')}"
        for s in entry.sources
    )
    if sources_expander:
        with st.expander(f"Sources ({len(entry.sources)})", icon=":material/menu_book:"):
            st.markdown(lines)
    else:
        st.markdown("**Sources**\n\n" + lines)


def draw_answer(entry: Entry, turn_id: int, knowledge: KnowledgeBase, open_entry: OpenEntry) -> None:
    """A vetted answer under its question, then buttons for its related questions."""
    with st.container(key=f"answer-{turn_id}"):
        st.subheader(staff_markdown(entry.question), anchor=False)
        draw_entry_body(entry, sources_expander=True)
        related = related_entries(entry, knowledge)
        if related:
            st.markdown("**Related questions**")
            topic_buttons(related, f"related-{turn_id}", open_entry)


def draw_choices(turn: Turn, open_entry: OpenEntry) -> None:
    """ "Did you mean ...?" when two or more answers fit the question almost equally well."""
    with st.container(key=f"choices-{turn.id}"):
        st.markdown("A few answers fit your question. **Did you mean…**")
        topic_buttons(turn.choices, f"choice-{turn.id}", open_entry)


def draw_no_answer(turn: Turn, clinic: Clinic, open_entry: OpenEntry) -> None:
    """No vetted answer: say so kindly (with the out-of-scope topic's reply when there is one), offer the
    closest topics and the clinic's phone and booking link."""
    with st.container(key=f"noanswer-{turn.id}"):
        st.markdown(staff_markdown(no_answer_text(turn.declined, clinic)))
        if turn.suggestions:
            st.markdown("**The closest topics I can help with:**")
            topic_buttons(turn.suggestions, f"suggest-{turn.id}", open_entry)
        _contact_buttons(clinic, f"contact-{turn.id}")


def draw_error(clinic: Clinic) -> None:
    """Something failed on our side; the patient still gets a way to reach a person."""
    st.markdown(f"Sorry, something went wrong on our side. Please try again, or call {staff_markdown(clinic.phone)}.")


def draw_feedback(turn: Turn) -> None:
    """Thumbs up/down, kept through `record_feedback` (the only place ratings go)."""
    key = f"feedback-{turn.id}"
    earlier = recorded(st.session_state).get(turn.id)
    default = None if earlier is None or earlier.helpful is None else int(earlier.helpful)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"rate-{turn.id}"):
        st.caption("Was this helpful?")
        st.feedback("thumbs", key=key, default=default, on_change=_rated, args=(turn, key))
    if earlier is not None and earlier.helpful is False and turn.log_id is not None:
        comment_key = f"comment-{turn.id}"
        st.text_input(
            "What were you hoping to find? (optional, please leave out names and contact details)",
            key=comment_key,
            max_chars=500,
            on_change=_commented,
            args=(turn, comment_key),
        )


def _commented(turn: Turn, key: str) -> None:
    app_log = st.session_state.get(APP_LOG_KEY)
    comment = str(st.session_state.get(key) or "")
    if app_log is not None and turn.log_id is not None and comment.strip():
        app_log.feedback(turn.log_id, False, comment)


def _rated(turn: Turn, key: str) -> None:
    value = st.session_state.get(key)
    entry_id = turn.answer.id if turn.answer is not None else None
    app_log = st.session_state.get(APP_LOG_KEY)
    logged = (app_log, turn.log_id) if app_log is not None and turn.log_id is not None else None
    record_feedback(st.session_state, turn.id, turn.kind, entry_id, None if value is None else bool(value), logged)


def _contact_buttons(clinic: Clinic, key: str) -> None:
    with st.container(horizontal=True, gap="small", key=key):
        st.link_button(f"Call {clinic.phone}", tel_url(clinic.phone), icon=":material/call:")
        st.link_button("Book a visit", str(clinic.booking_url), icon=":material/calendar_month:")


def topic_buttons(entries: list[Entry], prefix: str, open_entry: OpenEntry) -> None:
    """One full-width button per entry, labelled with its question; a tap opens that entry."""
    for entry in entries:
        st.button(
            staff_markdown(entry.question),
            key=f"{prefix}-{entry.id}",
            on_click=open_entry,
            args=(entry.id,),
            icon=":material/arrow_forward:",
            width="stretch",
        )
