"""The staff page's editor: pick an entry, a red flag or an out-of-scope topic, change its fields with a
preview drawn exactly as patients see it, save (checked like `faq validate`, refused when the file changed
meanwhile), or delete it (a red flag only after typing its id).

The form is filled from `faq.edits.open_item`, whose file version goes back with the save: if someone
else saved the file since, the save is refused and the form offers to reload. Every widget key carries a
load number, so reloading (or saving) fills the form afresh from the file. The fields of each kind are
drawn by `faq.web.item_forms`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from faq.edits import ENTRY, RED_FLAG, SIGNED_FIELDS, TOPIC, ItemText, open_item, propose_deletion, propose_edit
from faq.errors import FaqError
from faq.knowledge import KnowledgeBase
from faq.web import item_forms, saving

LOADED = "editor_loaded"
LOADS = "editor_loads"
PICKS = "editor_picks"
CONFIRM_DELETE = "editor_confirm_delete"
KIND = "editor-kind"
SAVE = "editor-save"
DELETE = "editor-delete"
KINDS = {ENTRY: "Entries", RED_FLAG: "Red flags", TOPIC: "Out-of-scope topics"}
"""What the editor edits, as the kind picker names them."""
KEY_PARTS = {ENTRY: "entry", RED_FLAG: "flag", TOPIC: "topic"}


def pick_key(kind: str = ENTRY) -> str:
    """The key of the item picker of `kind` (renewed after a deletion, so it starts on an item that exists)."""
    return f"editor-{KEY_PARTS[kind]}-{st.session_state.get(PICKS, 0)}"


def _load(item_id: str, kind: str) -> None:
    st.session_state[LOADED] = open_item(saving.knowledge_folder(), item_id, (kind,))
    st.session_state[LOADS] = st.session_state.get(LOADS, 0) + 1


def _choices(knowledge: KnowledgeBase, kind: str) -> dict[str, str]:
    if kind == RED_FLAG:
        return {f.id: f"{f.title} ({f.level}, {f.id})" for f in knowledge.red_flags}
    if kind == TOPIC:
        return {t.id: f"{t.title} ({t.id})" for t in knowledge.out_of_scope}
    return {e.id: f"{e.question} ({e.id})" for e in knowledge.entries}


def draw_editor(knowledge: KnowledgeBase) -> None:
    """The kind picker, the item picker and the form for the chosen item."""
    kind = st.radio("Edit", list(KINDS), format_func=KINDS.__getitem__, horizontal=True, key=KIND) or ENTRY
    choices = _choices(knowledge, kind)
    if not choices:
        st.caption(
            f"There are no {KINDS[kind].lower()} yet." + (" Write one under New entry." if kind == ENTRY else "")
        )
        return
    label = {ENTRY: "Entry", RED_FLAG: "Red flag", TOPIC: "Topic"}[kind]
    chosen = st.selectbox(label, list(choices), format_func=choices.__getitem__, key=pick_key(kind))
    loaded: ItemText | None = st.session_state.get(LOADED)
    if loaded is None or loaded.id != chosen:
        saving.clear_outcome(SAVE)
        st.session_state.pop(CONFIRM_DELETE, None)
        try:
            _load(chosen, kind)
        except FaqError as err:
            st.error(str(err))
            return
        loaded = st.session_state[LOADED]
    assert loaded is not None
    st.caption(f"{loaded.display}:{loaded.line} · {_sign_off(loaded.fields)}")
    if kind == RED_FLAG:
        st.info(item_forms.RED_FLAG_NOTE)
    form, preview = st.columns(2, gap="large")
    with form:
        changes = item_forms.draw_form(loaded, knowledge, field_key)
    with preview:
        st.markdown("**Preview** (as patients see it)")
        with st.container(border=True):
            item_forms.draw_preview(loaded, changes, knowledge)
    _sign_off_warning(loaded, changes, knowledge)

    def make_edit(force: bool) -> Any:
        phrasings_changed = kind == ENTRY and bool({"question", "alternates"} & set(changes))
        return propose_edit(
            saving.knowledge_folder(),
            loaded.id,
            changes,
            version=loaded.version,
            encoder=saving.collision_encoder() if phrasings_changed else None,
            force=force,
            kind=kind,
        )

    def reload(_saved: object = None) -> None:
        _load(loaded.id, kind)

    if st.button("Save", key=SAVE, type="primary", icon=":material/save:", disabled=not changes):
        saving.attempt(SAVE, make_edit, after=reload)
        st.rerun()
    saving.show_outcome(SAVE, make_edit, after=reload, on_reload=reload)
    _delete(loaded)


def field_key(name: str) -> str:
    """The key of the form's widget for `name` in the current load of the item."""
    return f"editor-{st.session_state.get(LOADS, 0)}-{name}"


def _sign_off(fields: dict[str, Any]) -> str:
    if fields.get("status") == "reviewed":
        return f"Signed off {fields.get('reviewed')} by {fields.get('reviewer')}"
    return 'Draft: a clinician signs it off with `faq review ID --by "Name, credentials"`'


def _sign_off_warning(loaded: ItemText, changes: dict[str, Any], knowledge: KnowledgeBase) -> None:
    """Before saving: changing signed-off words returns the item to draft, and what patients then get."""
    signed = [name for name in SIGNED_FIELDS[loaded.kind] if name in changes]
    if loaded.fields.get("status") != "reviewed" or not signed:
        return
    if loaded.kind == RED_FLAG:
        effect = "Its card keeps showing to patients (cards show whatever their status)."
    elif knowledge.clinic.serve_drafts:
        effect = "Patients get it marked as a sample answer not yet reviewed."
    else:
        effect = "Patients get the no-answer reply for it until then."
    st.warning(
        f"This {loaded.kind} is signed off. Saving a new {' or '.join(signed)} returns it to draft, until a "
        f'clinician reads it and signs it off again (`faq review {loaded.id} --by "Name, credentials"`). {effect}'
    )


def _delete(loaded: ItemText) -> None:
    """Deleting takes a second, explicit confirmation; a red flag also its id typed out."""
    if st.session_state.get(CONFIRM_DELETE) != loaded.id:
        if st.button(f"Delete this {loaded.kind}…", key="editor-delete-ask", icon=":material/delete:"):
            st.session_state[CONFIRM_DELETE] = loaded.id
            saving.clear_outcome(DELETE)
            st.rerun()
        saving.show_outcome(DELETE, lambda _force: propose_deletion(saving.knowledge_folder(), loaded.id))
        return
    name = loaded.fields.get("question") or loaded.fields.get("title")
    confirmed = True
    if loaded.kind == RED_FLAG:
        st.warning(
            f"Delete the red flag `{loaded.id}` ({name})? Patients who describe this symptom will no longer be "
            "shown its urgent-care card. Its training messages in triage_training.yaml must go first."
        )
        typed = st.text_input(f"Type `{loaded.id}` to confirm", key="editor-delete-typed")
        confirmed = typed.strip() == loaded.id
    else:
        st.warning(f"Delete `{loaded.id}` ({name}) for good? Patients stop getting it.")
    yes, no = st.columns(2)

    def make_edit(_force: bool) -> Any:
        folder = saving.knowledge_folder()
        return propose_deletion(folder, loaded.id, version=loaded.version, confirm_red_flag=confirmed)

    def forget(_saved: object) -> None:
        st.session_state.pop(LOADED, None)
        st.session_state[PICKS] = st.session_state.get(PICKS, 0) + 1

    if yes.button(f"Yes, delete {loaded.id}", key="editor-delete-confirm", type="primary", disabled=not confirmed):
        st.session_state.pop(CONFIRM_DELETE, None)
        saving.attempt(DELETE, make_edit, after=forget)
        st.rerun()
    if no.button("Cancel", key="editor-delete-cancel"):
        st.session_state.pop(CONFIRM_DELETE, None)
        st.rerun()
