"""Routing: the patient chat for everyone; the staff page at /staff only when FAQ_STAFF_PASSWORD is set.

The navigation menu is hidden, so the patient page has no link to the staff page. Whatever fails
while a page runs, the patient gets the page that says how to reach the clinic, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging

import streamlit as st

from faq.schema import Clinic
from faq.web import chat, resources, staff
from faq.web.gate import staff_password

log = logging.getLogger(__name__)


def main() -> None:
    """Pick the page for this URL and run it."""
    pages = [st.Page(chat.main, title="Dry needling questions", url_path="chat", default=True)]
    if staff_password() is not None:
        pages.append(st.Page(staff.main, title="Staff", url_path="staff", icon=":material/build:"))
    try:
        st.navigation(pages, position="hidden").run()
    except Exception as err:  # st.rerun and st.stop are BaseExceptions and pass through
        # By type only: a message or traceback could quote what the patient typed.
        log.error("the page failed: %s", type(err).__name__)
        chat.unavailable(_clinic())


def _clinic() -> Clinic | None:
    """The clinic's details from the index in use, if there is one, so the page can give the phone number."""
    with contextlib.suppress(Exception):
        return resources.holder().current().retriever.knowledge.clinic
    return None
