"""The patient chat page: vetted answers word for word, care card first, disclaimer always visible."""

from __future__ import annotations

import streamlit as st

from faq.rendering import care_card
from faq.retrieval import Match, Result, Retriever, open_retriever


@st.cache_resource(show_spinner="Loading the assistant…")
def _retriever() -> Retriever:
    return open_retriever()


def _show_match(match: Match) -> None:
    entry = match.entry
    st.markdown(f"**{entry.question}**")
    st.markdown(entry.answer)
    st.caption(f"Last reviewed {entry.reviewed} by {entry.reviewer}")
    with st.expander("Sources"):
        for source in entry.sources:
            st.markdown(f"- [{source.title}]({source.url})" if source.url else f"- {source.title}")


def _show_result(result: Result, retriever: Retriever) -> None:
    clinic = retriever.knowledge.clinic
    if result.red_flag is not None:
        card = care_card(result.red_flag.flag, clinic)
        show = st.error if result.red_flag.flag.level == "emergency" else st.warning
        show(f"**{result.red_flag.flag.title}**\n\n{card}")
    if result.matches:
        _show_match(result.matches[0])
    elif result.status == "no_answer":
        st.markdown(clinic.no_answer)


def main() -> None:
    """Render the page."""
    st.set_page_config(page_title="Dry needling questions", page_icon="🩺")
    retriever = _retriever()
    st.title(retriever.knowledge.clinic.name)
    st.info(retriever.knowledge.clinic.disclaimer)
    question = st.chat_input("Ask a question about dry needling")
    if question:
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            if question.strip():
                _show_result(retriever.answer(question), retriever)
