"""The editor's form and preview for each kind of item: an entry (question, alternates, answer, category,
tags, related, sources), a red flag (title, level, triggers, examples, care card) and an out-of-scope topic
(title, reply, examples). Each form returns only the fields that differ from the loaded item, as
`faq.edits.propose_edit` takes them; each preview draws the item as the patient page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import pandas as pd
import streamlit as st
from pydantic import BaseModel, ValidationError

from faq.edits import DRAFT, RED_FLAG, SIGNED_FIELDS, TOPIC, ItemText
from faq.knowledge import KnowledgeBase
from faq.rendering import no_answer_text
from faq.schema import Entry, OutOfScopeTopic, RedFlag
from faq.web.replies import draw_answer, draw_care_card, staff_markdown

FieldKey = Callable[[str], str]
"""The widget key of a field's input in this load of the item."""
SOURCE_COLUMNS = ["title", "url", "citation"]
PREVIEW_TURN = 0
"""The turn number the preview is drawn under (patients' turns start at 1)."""
LEVELS = list(get_args(RedFlag.model_fields["level"].annotation))
RED_FLAG_NOTE = (
    "Triggers show this card whenever a message holds one, whatever else it says: write each as a short "
    'first-person symptom ("my chest is tight"), never a topic word ("collapsed lung"), or questions about '
    "risks get the card. Examples teach the classifier once the index is rebuilt."
)


def draw_form(loaded: ItemText, knowledge: KnowledgeBase, key: FieldKey) -> dict[str, Any]:
    """The form for the loaded item; the changed fields."""
    if loaded.kind == RED_FLAG:
        values = _red_flag_form(loaded.fields, key)
    elif loaded.kind == TOPIC:
        values = _topic_form(loaded.fields, key)
    else:
        values = _entry_form(loaded, knowledge, key)
    return {name: value for name, value in values.items() if _differs(name, value, loaded.fields.get(name))}


def draw_preview(loaded: ItemText, changes: dict[str, Any], knowledge: KnowledgeBase) -> None:
    """The item as the patient page draws it, from what the form holds."""
    models: dict[str, type[BaseModel]] = {RED_FLAG: RedFlag, TOPIC: OutOfScopeTopic}
    model = models.get(loaded.kind, Entry)
    fields = {**loaded.fields, **changes}
    if loaded.fields.get("status") == "reviewed" and set(SIGNED_FIELDS[loaded.kind]) & set(changes):
        fields = {**fields, **DRAFT}  # as saving will leave it
    try:
        item = model.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        st.caption(f"The preview returns once `{where}` is filled in correctly: {first['msg']}.")
        return
    if isinstance(item, RedFlag):
        draw_care_card(item, knowledge.clinic, PREVIEW_TURN)
    elif isinstance(item, OutOfScopeTopic):
        st.markdown(staff_markdown(no_answer_text(item, knowledge.clinic)))
        if not knowledge.clinic.serves(item):
            st.caption("This reply is a draft: patients get the clinic's no-answer text until it is signed off.")
        st.caption("Then the closest topics and the clinic's call and booking buttons.")
    elif isinstance(item, Entry):
        draw_answer(item, PREVIEW_TURN, knowledge, lambda _entry_id: None)


def _entry_form(loaded: ItemText, knowledge: KnowledgeBase, key: FieldKey) -> dict[str, Any]:
    f = loaded.fields
    other_ids = [e.id for e in knowledge.entries if e.id != loaded.id]
    values: dict[str, Any] = {
        "question": st.text_input("Question", f.get("question", ""), key=key("question")),
        "alternates": _phrasings(
            "Alternates (one per line)", f, "alternates", key, "Other ways patients ask it: short, misspelt, worried."
        ),
        "answer": st.text_area(
            "Answer (Markdown)", f.get("answer", ""), height=240, key=key("answer"), help="Shown word for word."
        ),
        "category": st.text_input("Category", f.get("category", ""), key=key("category")),
        "tags": _commas(st.text_input("Tags (comma-separated)", ", ".join(f.get("tags") or []), key=key("tags"))),
        "related": st.multiselect(
            "Related entries",
            other_ids,
            default=[i for i in f.get("related") or [] if i in other_ids],
            key=key("related"),
        ),
    }
    st.caption("Sources: each a title plus a url and/or a citation; add or remove rows")
    table = st.data_editor(
        sources_frame(f.get("sources") or []), num_rows="dynamic", key=key("sources"), hide_index=True
    )
    values["sources"] = sources_from(table)
    return values


def _red_flag_form(f: dict[str, Any], key: FieldKey) -> dict[str, Any]:
    level = f.get("level", LEVELS[0])
    return {
        "title": st.text_input("Title", f.get("title", ""), key=key("title")),
        "level": st.selectbox(
            "Level",
            LEVELS,
            index=LEVELS.index(level) if level in LEVELS else 0,
            key=key("level"),
            help="emergency: call the emergency number now; crisis: the crisis line; urgent: advice today.",
        ),
        "care": _markdown(f, "care", key, 240, "{emergency_number}, {crisis_line}, {clinic_name} and {clinic_phone}"),
        "triggers": _phrasings("Triggers (one per line)", f, "triggers", key, "Phrases that always show the card."),
        "not_triggers": _phrasings(
            "Not triggers (one per line)", f, "not_triggers", key, "Harmless phrases holding a trigger."
        ),
        "examples": _phrasings("Examples (one per line)", f, "examples", key, "Whole messages patients might send."),
        "counts_when_over": st.checkbox(
            "Needs advice even once it has passed (a faint)",
            bool(f.get("counts_when_over", False)),
            key=key("counts_when_over"),
        ),
    }


def _topic_form(f: dict[str, Any], key: FieldKey) -> dict[str, Any]:
    return {
        "title": st.text_input("Title", f.get("title", ""), key=key("title")),
        "reply": _markdown(f, "reply", key, 160, "{clinic_name}, {clinic_phone} and {emergency_number}"),
        "examples": _phrasings(
            "Examples (one per line)", f, "examples", key, "Questions of this kind; never one an entry answers."
        ),
    }


def _markdown(fields: dict[str, Any], name: str, key: FieldKey, height: int, placeholders: str) -> str:
    label = {"care": "Care card (Markdown)", "reply": "Reply (Markdown)"}[name]
    return str(st.text_area(label, fields.get(name, ""), height=height, key=key(name), help=f"May use {placeholders}."))


def _phrasings(label: str, fields: dict[str, Any], name: str, key: FieldKey, help_text: str) -> list[str]:
    text = st.text_area(label, "\n".join(fields.get(name) or []), key=key(name), help=help_text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _differs(name: str, value: Any, before: Any) -> bool:
    if name in ("answer", "care", "reply"):  # as the file will hold it (faq.edits): trailing spaces do not count
        return _text_lines(value) != _text_lines(before)
    if name in ("question", "category", "title", "level"):
        return " ".join(str(value).split()) != " ".join(str(before or "").split())
    if name == "sources":
        return bool(value != sources_from(sources_frame(before or [])))
    if name == "counts_when_over":
        return bool(value) != bool(before)
    return bool(list(value) != list(before or []))


def _text_lines(text: Any) -> list[str]:
    return [line.rstrip() for line in str(text or "").replace("\r\n", "\n").strip().split("\n")]


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
