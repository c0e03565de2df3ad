"""The buttons on each inbox group: Add as alternate, Create entry, Dismiss.

Dismissed groups are remembered in `<data>/inbox-dismissed.json` as SHA-256 hashes of their questions
(already redacted in the question log), never the text: a group stays hidden while every question in it
is dismissed, and comes back when a new question joins it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import streamlit as st

from faq import config
from faq.edits import propose_alternate
from faq.knowledge import KnowledgeBase
from faq.report import Group
from faq.roundtrip import replace_file
from faq.web import saving
from faq.web.new_entry import draw_new_entry
from faq.web.saving import MakeEdit

DISMISSED_FILE = "inbox-dismissed.json"
CREATING = "inbox_creating"


def question_hash(question: str) -> str:
    """The hash a dismissed question is remembered by."""
    return hashlib.sha256(" ".join(question.split()).encode("utf-8")).hexdigest()


def group_key(group: Group) -> str:
    """A short key for a group's widgets, from its questions."""
    return question_hash("\n".join(sorted(group.questions)))[:16]


def dismissed_path(data_dir: Path | None = None) -> Path:
    """Where the dismissed questions' hashes are kept."""
    return config.data_dir(data_dir) / DISMISSED_FILE


def dismissed(data_dir: Path | None = None) -> set[str]:
    """The hashes of every dismissed question (none when the file is missing or unreadable)."""
    try:
        data = json.loads(dismissed_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    hashes = data.get("dismissed") if isinstance(data, dict) else None
    return {h for h in hashes if isinstance(h, str)} if isinstance(hashes, list) else set()


def dismiss(group: Group, data_dir: Path | None = None) -> None:
    """Remember the group's questions as dismissed."""
    path = dismissed_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = dismissed(data_dir) | {question_hash(q) for q in group.questions}
    replace_file(path, json.dumps({"dismissed": sorted(hashes)}, indent=1) + "\n")


def is_dismissed(group: Group, hashes: set[str]) -> bool:
    """Whether every question in the group was dismissed."""
    return all(question_hash(q) in hashes for q in group.questions)


def _alternate_edit(group: Group) -> tuple[str, MakeEdit] | None:
    """The key and proposer of the group's Add as alternate, when its suggestion is one."""
    suggestion = group.suggestion
    if suggestion is None or suggestion.action != "add_alternate" or suggestion.entry_id is None:
        return None
    target, phrasing = suggestion.entry_id, group.questions[0]

    def make_edit(force: bool) -> Any:
        encoder = saving.collision_encoder()
        return propose_alternate(saving.knowledge_folder(), target, phrasing, encoder=encoder, force=force)

    return f"inbox-{group_key(group)}-add", make_edit


def draw_outcomes(groups: list[Group]) -> None:
    """What the last Add as alternate did, above the groups, so it shows whether or not its group is open."""
    for group in groups:
        adding = _alternate_edit(group)
        if adding is not None:
            saving.show_outcome(*adding)


def draw_actions(group: Group, knowledge: KnowledgeBase | None) -> None:
    """The group's buttons, and the new-entry form after Create entry."""
    key = group_key(group)
    adding = _alternate_edit(group)
    with st.container(horizontal=True, gap="small"):
        if adding is not None and st.button(
            f"Add as alternate to {group.suggestion.entry_id if group.suggestion else ''}",
            key=adding[0],
            icon=":material/add:",
        ):
            saving.attempt(*adding)
            st.rerun()
        if knowledge is not None and st.button("Create entry", key=f"inbox-{key}-create", icon=":material/note_add:"):
            st.session_state[CREATING] = key
            st.rerun()
        if st.button("Dismiss", key=f"inbox-{key}-dismiss", icon=":material/close:"):
            dismiss(group)
            st.rerun()
    if knowledge is not None and st.session_state.get(CREATING) == key:
        st.markdown("**New entry** (a draft until a clinician signs it off)")
        draw_new_entry(knowledge, f"inbox-{key}-new", question=group.questions[0])
