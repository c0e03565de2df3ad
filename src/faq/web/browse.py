"""Browse all topics: every answer patients may read, by category, for people who don't know what to ask."""

from __future__ import annotations

import streamlit as st

from faq.knowledge import KnowledgeBase
from faq.web.conversation import by_category, sign_off_note
from faq.web.replies import draw_entry_body, staff_markdown


def draw_browse(knowledge: KnowledgeBase) -> None:
    """Each category as a heading, each entry as a collapsed section holding its answer."""
    with st.container(key="browse"):
        st.subheader("All topics", anchor=False)
        st.caption(f"{sign_off_note(knowledge)} Tap a question to read it.")
        for category, entries in by_category(knowledge).items():
            st.markdown(f"#### {staff_markdown(category)}", anchors=False)
            for entry in entries:
                with st.expander(staff_markdown(entry.question), key=f"browse-{entry.id}"):
                    # Expanders cannot nest, so sources are listed inline here.
                    draw_entry_body(entry, sources_expander=False)
