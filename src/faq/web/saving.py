"""Saving a staff edit from the staff page: propose it, write it under the signed-in name, say what
happened, and ask for the index to be rebuilt.

Every button that changes a knowledge file goes through `attempt` with a function proposing the edit from
what the form holds in this run; the page then runs again to show the file as saved. The outcome is kept
in the session under the button's key and drawn next to it by `show_outcome`: the diff of what was
written, the `file:line` problems that stopped it, or a collision with a "Save anyway" button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import streamlit as st

from faq import config
from faq.edits import Edit
from faq.embedding import TextEncoder
from faq.errors import CollisionError, EditConflictError, FaqError, InvalidEditError, KnowledgeError
from faq.history import Saved, save
from faq.index import CachedEncoder
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.web import resources

STAFF_NAME = "staff_name"
"""The session key holding the signed-in staff member's name, recorded as the author of each change."""
REBUILD_DELAY_SECONDS = 5.0
"""Quiet time after the last save before the index is rebuilt, so several quick saves make one rebuild."""
OUTCOME = "outcome-"
_MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")

MakeEdit = Callable[[bool], Edit]
"""Proposes the edit from what the form holds now; called with `force` (True after "Save anyway")."""


@dataclass(frozen=True)
class Outcome:
    """What happened when staff pressed a button that changes a knowledge file."""

    kind: Literal["saved", "collision", "conflict", "invalid", "error"]
    message: str
    problems: list[str] = field(default_factory=list)
    diff: str = ""
    warnings: tuple[str, ...] = ()


def literal(text: str) -> str:
    """`text` as Markdown that shows exactly these characters: every ASCII punctuation mark escaped,
    so nothing a patient typed can become an image, a link or formatting on the staff page."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", " ".join(text.split()))


def author() -> str:
    """The signed-in staff member's name."""
    return str(st.session_state.get(STAFF_NAME, ""))


def knowledge_folder() -> Path:
    """The knowledge folder the page edits (the one the index is built from)."""
    return config.knowledge_dir()


def current_knowledge() -> KnowledgeBase | None:
    """The knowledge files as they are on disk now (None when they do not load; Knowledge health says why)."""
    try:
        return load_knowledge(knowledge_folder())
    except KnowledgeError:
        return None


def collision_encoder() -> TextEncoder:
    """The app's cached model, through the index folder's embedding cache, as `faq alternate add` uses it."""
    knowledge = load_knowledge(knowledge_folder())
    return CachedEncoder(resources.encoder(config.model_name(knowledge.settings.model)), config.index_dir())


def attempt(key: str, make_edit: MakeEdit, force: bool = False, after: Callable[[Saved], None] | None = None) -> None:
    """Propose the edit, save it, and keep the outcome under `key`; `after` runs once it is saved."""
    try:
        edit = make_edit(force)
        saved = save(edit, author=author(), data_dir=config.data_dir(None))
    except CollisionError as err:
        outcome = Outcome("collision", _first_line(err), [str(p) for p in err.problems])
    except InvalidEditError as err:
        outcome = Outcome("invalid", _first_line(err), [str(p) for p in err.problems])
    except EditConflictError as err:
        outcome = Outcome("conflict", str(err))
    except KnowledgeError as err:  # the folder had these problems before the edit
        outcome = Outcome("error", "The knowledge files need fixing first:", [str(p) for p in err.problems])
    except FaqError as err:
        outcome = Outcome("error", str(err))
    else:
        message = f"{edit.summary}: saved in {edit.display} ({saved.recorded_as})."
        outcome = Outcome("saved", message, diff=edit.diff(), warnings=edit.warnings)
        resources.rebuilder().request(REBUILD_DELAY_SECONDS)
        if after is not None:
            after(saved)
    st.session_state[OUTCOME + key] = outcome


def _first_line(err: Exception) -> str:
    return str(err).split("\n", 1)[0]


def clear_outcome(key: str) -> None:
    """Forget the outcome shown under `key` (the form was reloaded or cancelled)."""
    st.session_state.pop(OUTCOME + key, None)


def show_outcome(
    key: str,
    make_edit: MakeEdit,
    *,
    after: Callable[[Saved], None] | None = None,
    on_reload: Callable[[], None] | None = None,
) -> None:
    """The outcome of the last press of the button `key`, with "Save anyway" after a collision and
    "Reload" after a conflict."""
    outcome: Outcome | None = st.session_state.get(OUTCOME + key)
    if outcome is None:
        return
    if outcome.kind == "saved":
        st.success(f"{literal(outcome.message)} Patients get it once the index is rebuilt.")
        for warning in outcome.warnings:
            st.warning(f"Saved anyway: {literal(warning)}")
        if outcome.diff:
            with st.expander("What changed in the file", expanded=True):
                st.code(outcome.diff, language="diff")
        return
    st.error(literal(outcome.message))  # messages may quote a phrasing a patient typed
    if outcome.problems:
        st.code("\n".join(outcome.problems), language=None, wrap_lines=True)
    if outcome.kind == "collision" and st.button("Save anyway", key=f"{key}-force"):
        attempt(key, make_edit, True, after)
        st.rerun()
    if outcome.kind == "conflict" and on_reload is not None and st.button("Reload", key=f"{key}-reload"):
        clear_outcome(key)
        on_reload()
        st.rerun()
