"""The staff page's entry editor: pick an entry, change its fields with a preview drawn exactly as patients
see it, save (checked like `faq validate`, refused when the file changed meanwhile), or delete it.

The form is filled from `faq.edits.open_entry`, whose file version goes back with the save: if someone
else saved the file since, the save is refused and the form offers to reload. Every widget key carries a
load number, so reloading (or saving) fills the form afresh from the file.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from faq.edits import EntryText, open_entry, propose_deletion, propose_entry_edit
from faq.errors import FaqError
from faq.knowledge import KnowledgeBase
from faq.schema import Entry
from faq.web import saving
from faq.web.replies import draw_answer

LOADED = "editor_loaded"
LOADS = "editor_loads"
PICKS = "editor_picks"
CONFIRM_DELETE = "editor_confirm_delete"
SAVE = "editor-save"
DELETE = "editor-delete"
SOURCE_COLUMNS = ["title", "url", "citation"]
PREVIEW_TURN = 0
"""The turn number the preview is drawn under (patients' turns start at 1)."""


def pick_key() -> str:
    """The key of the entry picker (renewed after a deletion, so the picker starts on an entry that exists)."""
    return f"editor-entry-{st.session_state.get(PICKS, 0)}"


def field_key(name: str) -> str:
    """The key of the form's widget for `name` in the current load of the entry."""
    return f"editor-{st.session_state.get(LOADS, 0)}-{name}"


def _load(entry_id: str) -> None:
    st.session_state[LOADED] = open_entry(saving.knowledge_folder(), entry_id)
    st.session_state[LOADS] = st.session_state.get(LOADS, 0) + 1


def draw_editor(knowledge: KnowledgeBase) -> None:
    """The entry picker and the form for the chosen entry."""
    questions = {e.id: e.question for e in knowledge.entries}
    if not questions:
        st.caption("There are no entries yet: write one under New entry.")
        return
    chosen = st.selectbox("Entry", list(questions), format_func=lambda i: f"{questions[i]} ({i})", key=pick_key())
    loaded: EntryText | None = st.session_state.get(LOADED)
    if loaded is None or loaded.id != chosen:
        saving.clear_outcome(SAVE)
        st.session_state.pop(CONFIRM_DELETE, None)
        try:
            _load(chosen)
        except FaqError as err:
            st.error(str(err))
            return
        loaded = st.session_state[LOADED]
    assert loaded is not None
    st.caption(f"{loaded.display}:{loaded.line} · {_sign_off(loaded.fields)}")
    form, preview = st.columns(2, gap="large")
    with form:
        changes = _form(loaded, [i for i in questions if i != loaded.id])
    with preview:
        st.markdown("**Preview** (as patients see it)")
        with st.container(border=True):
            _preview(loaded, changes, knowledge)
    if loaded.fields.get("status") == "reviewed" and "answer" in changes:
        st.warning(
            "This answer is signed off. Saving keeps the sign-off: ask a clinician to read the new answer and "
            f'sign it off again with `faq review {loaded.id} --by "Name, credentials"`.'
        )

    def make_edit(force: bool) -> Any:
        return propose_entry_edit(
            saving.knowledge_folder(),
            loaded.id,
            changes,
            version=loaded.version,
            encoder=saving.collision_encoder() if {"question", "alternates"} & set(changes) else None,
            force=force,
        )

    def reload(_saved: object = None) -> None:
        _load(loaded.id)

    if st.button("Save", key=SAVE, type="primary", icon=":material/save:", disabled=not changes):
        saving.attempt(SAVE, make_edit, after=reload)
        st.rerun()
    saving.show_outcome(SAVE, make_edit, after=reload, on_reload=reload)
    _delete(loaded)


def _sign_off(fields: dict[str, Any]) -> str:
    if fields.get("status") == "reviewed":
        return f"Signed off {fields.get('reviewed')} by {fields.get('reviewer')} (sign-off stays `faq review`)"
    return 'Draft: a clinician signs it off with `faq review ID --by "Name, credentials"`'


def _form(loaded: EntryText, other_ids: list[str]) -> dict[str, Any]:
    """The form's fields; the changes from the loaded entry, as `propose_entry_edit` takes them."""
    f = loaded.fields
    values: dict[str, Any] = {
        "question": st.text_input("Question", f.get("question", ""), key=field_key("question")),
        "alternates": _lines(
            st.text_area(
                "Alternates (one per line)",
                "\n".join(f.get("alternates") or []),
                key=field_key("alternates"),
                help="Other ways patients ask it: short, misspelt, worried.",
            )
        ),
        "answer": st.text_area(
            "Answer (Markdown)", f.get("answer", ""), height=240, key=field_key("answer"), help="Shown word for word."
        ),
        "category": st.text_input("Category", f.get("category", ""), key=field_key("category")),
        "tags": _commas(st.text_input("Tags (comma-separated)", ", ".join(f.get("tags") or []), key=field_key("tags"))),
        "related": st.multiselect(
            "Related entries",
            other_ids,
            default=[i for i in f.get("related") or [] if i in other_ids],
            key=field_key("related"),
        ),
    }
    st.caption("Sources: each a title plus a url and/or a citation; add or remove rows")
    table = st.data_editor(
        sources_frame(f.get("sources") or []), num_rows="dynamic", key=field_key("sources"), hide_index=True
    )
    values["sources"] = sources_from(table)
    return {name: value for name, value in values.items() if _differs(name, value, f.get(name))}


def _differs(name: str, value: Any, before: Any) -> bool:
    if name == "answer":  # as the file will hold it (faq.edits): trailing spaces and blank ends do not count
        return _answer_lines(value) != _answer_lines(before)
    if name in ("question", "category"):
        return " ".join(str(value).split()) != " ".join(str(before or "").split())
    if name == "sources":
        return bool(value != sources_from(sources_frame(before or [])))
    return bool(list(value) != list(before or []))


def _answer_lines(text: Any) -> list[str]:
    return [line.rstrip() for line in str(text or "").replace("\r\n", "\n").strip().split("\n")]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _commas(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split(",") if part.strip()]


def sources_frame(sources: list[dict[str, Any]]) -> pd.DataFrame:
    """An entry's sources as a table with a title, url and citation column."""
    rows = [{c: str(s.get(c) or "") for c in SOURCE_COLUMNS} for s in sources if isinstance(s, dict)]
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS).astype(str)


def sources_from(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The table's rows as sources, leaving out empty cells and empty rows."""
    sources = []
    for row in frame.to_dict("records"):
        source = {c: " ".join(str(row.get(c)).split()) for c in SOURCE_COLUMNS if _filled(row.get(c))}
        if source:
            sources.append(source)
    return sources


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and bool(str(value).strip())


def _preview(loaded: EntryText, changes: dict[str, Any], knowledge: KnowledgeBase) -> None:
    """The answer as the patient page draws it (faq.web.replies.draw_answer), from what the form holds."""
    try:
        entry = Entry.model_validate({**loaded.fields, **changes})
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        st.caption(f"The preview returns once `{where}` is filled in correctly: {first['msg']}.")
        return
    draw_answer(entry, PREVIEW_TURN, knowledge, lambda _entry_id: None)


def _delete(loaded: EntryText) -> None:
    """Deleting takes a second, explicit confirmation."""
    if st.session_state.get(CONFIRM_DELETE) != loaded.id:
        if st.button("Delete this entry…", key="editor-delete-ask", icon=":material/delete:"):
            st.session_state[CONFIRM_DELETE] = loaded.id
            saving.clear_outcome(DELETE)
            st.rerun()
        saving.show_outcome(DELETE, lambda _force: propose_deletion(saving.knowledge_folder(), loaded.id))
        return
    st.warning(f"Delete `{loaded.id}` ({loaded.fields.get('question')}) for good? Patients stop getting it.")
    yes, no = st.columns(2)

    def make_edit(_force: bool) -> Any:
        return propose_deletion(saving.knowledge_folder(), loaded.id, version=loaded.version)

    def forget(_saved: object) -> None:
        st.session_state.pop(LOADED, None)
        st.session_state[PICKS] = st.session_state.get(PICKS, 0) + 1

    if yes.button(f"Yes, delete {loaded.id}", key="editor-delete-confirm", type="primary"):
        st.session_state.pop(CONFIRM_DELETE, None)
        saving.attempt(DELETE, make_edit, after=forget)
        st.rerun()
    if no.button("Cancel", key="editor-delete-cancel"):
        st.session_state.pop(CONFIRM_DELETE, None)
        st.rerun()
