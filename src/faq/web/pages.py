"""Routing: the patient chat for everyone; the staff page at /staff only when FAQ_STAFF_PASSWORD is set.

The navigation menu is hidden, so the patient page has no link to the staff page.
"""

from __future__ import annotations

import streamlit as st

from faq.web import chat, staff
from faq.web.gate import staff_password


def main() -> None:
    """Pick the page for this URL and run it."""
    pages = [st.Page(chat.main, title="Dry needling questions", url_path="chat", default=True)]
    if staff_password() is not None:
        pages.append(st.Page(staff.main, title="Staff", url_path="staff", icon=":material/build:"))
    st.navigation(pages, position="hidden").run()
