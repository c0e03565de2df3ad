"""The staff page's form for a new entry (a draft until a clinician signs it off with `faq review`), on the
Edit tab and, filled in with a patient's question, under an inbox group."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from faq.edits import propose_new_entry
from faq.knowledge import KnowledgeBase
from faq.web import saving


def entry_id_for(question: str) -> str:
    """An id made from the question's words: "Is parking free?" -> "is-parking-free"."""
    words = re.findall(r"[a-z0-9]+", question.lower())
    return "-".join(words[:6]) or "new-entry"


def draw_new_entry(knowledge: KnowledgeBase, prefix: str, question: str = "") -> None:
    """The form, its widgets keyed under `prefix`; `question` fills in the question."""
    categories = list(dict.fromkeys(e.category for e in knowledge.entries))
    ids = [e.id for e in knowledge.entries]
    asked = st.text_input("Question", question, key=f"{prefix}-question", help="The question as a title.")
    entry_id = st.text_input(
        "Id", key=f"{prefix}-id", placeholder=entry_id_for(asked), help="Lower-case words joined by hyphens; unique."
    )
    alternates = st.text_area("Alternates (one per line)", key=f"{prefix}-alternates")
    answer = st.text_area("Answer (Markdown)", key=f"{prefix}-answer", height=200)
    category = st.selectbox(
        "Category", categories, key=f"{prefix}-category", accept_new_options=True, help="Pick one or type a new one."
    )
    tags = st.text_input("Tags (comma-separated)", key=f"{prefix}-tags")
    title = st.text_input("Source title", key=f"{prefix}-source-title")
    url = st.text_input("Source URL", key=f"{prefix}-source-url", placeholder="https://…")
    citation = st.text_input("Source citation", key=f"{prefix}-source-citation")
    related = st.multiselect("Related entries", ids, key=f"{prefix}-related")
    fields: dict[str, Any] = {
        "question": asked,
        "alternates": [line for line in alternates.splitlines() if line.strip()],
        "answer": answer,
        "category": category or "",
        "tags": [t for t in tags.split(",") if t.strip()],
        "sources": [{"title": title, "url": url, "citation": citation}],
        "related": related,
    }
    new_id = entry_id.strip() or entry_id_for(asked)
    key = f"{prefix}-create"

    def make_edit(force: bool) -> Any:
        encoder = saving.collision_encoder() if fields["alternates"] else None
        return propose_new_entry(saving.knowledge_folder(), new_id, fields, encoder=encoder, force=force)

    if st.button(f"Create draft entry `{new_id}`", key=key, type="primary", icon=":material/add:"):
        saving.attempt(key, make_edit)
        st.rerun()
    saving.show_outcome(key, make_edit)
