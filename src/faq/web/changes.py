"""The staff page's Recent changes: who changed what and when, each with its diff, and Undo last change
(behind a confirmation), as `faq history` and `faq undo` do on the command line."""

from __future__ import annotations

from typing import Any

import streamlit as st

from faq import config
from faq.errors import FaqError
from faq.history import propose_undo, recent_changes
from faq.web import saving

UNDO = "changes-undo"
CONFIRM_UNDO = "changes_confirm_undo"
SHOWN = 10


def draw_changes() -> None:
    """The latest changes, newest first, and the undo button."""
    folder, data_dir = saving.knowledge_folder(), config.data_dir(None)
    try:
        changes = recent_changes(folder, data_dir, SHOWN)
    except FaqError as err:
        st.error(saving.literal(str(err)))
        return
    _undo()
    if not changes:
        st.caption("No changes recorded yet.")
    for change in changes:
        state = " (undone)" if change.undone else ""
        label = f"{change.time:%Y-%m-%d %H:%M} · {change.author}: {change.summary}{state}"
        with st.expander(saving.literal(label)):
            st.caption(saving.literal(", ".join(change.files)))
            if change.diff:
                st.code(change.diff, language="diff")


def _undo() -> None:
    def make_edit(_force: bool) -> Any:
        return propose_undo(saving.knowledge_folder(), config.data_dir(None))

    if not st.session_state.get(CONFIRM_UNDO):
        if st.button("Undo last change…", key="changes-undo-ask", icon=":material/undo:"):
            try:
                st.session_state[CONFIRM_UNDO] = make_edit(False).summary
            except FaqError as err:
                st.session_state[CONFIRM_UNDO] = None
                st.error(saving.literal(str(err)))
                return
            saving.clear_outcome(UNDO)
            st.rerun()
        saving.show_outcome(UNDO, make_edit)
        return
    st.warning(f"{saving.literal(st.session_state[CONFIRM_UNDO])}? This puts the file back as it was before it.")
    yes, no = st.columns(2)
    if yes.button("Yes, undo it", key="changes-undo-confirm", type="primary"):
        st.session_state.pop(CONFIRM_UNDO, None)
        saving.attempt(UNDO, make_edit)
        st.rerun()
    if no.button("Cancel", key="changes-undo-cancel"):
        st.session_state.pop(CONFIRM_UNDO, None)
        st.rerun()
