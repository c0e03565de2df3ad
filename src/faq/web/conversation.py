"""What the chat shows for each question, decided from a `Result` before anything is drawn.

Kept free of Streamlit so the rules (what a no-answer offers, which examples to show) read and test
as plain Python. Whether to ask "Did you mean ...?" is decided by `Retriever.answer` (`Result.choices`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from faq.knowledge import KnowledgeBase
from faq.retrieval import Result
from faq.schema import Entry, OutOfScopeTopic, RedFlag

Kind = Literal["answer", "choices", "no_answer", "urgent", "error"]


@dataclass(frozen=True)
class Turn:
    """One question and the reply to it, as drawn in the chat (and redrawn on every rerun)."""

    id: int
    asked: str
    """The patient's message as shown: their cleaned text, or the question of the topic they picked."""
    kind: Kind
    truncated: bool = False
    red_flag: RedFlag | None = None
    answer: Entry | None = None
    choices: list[Entry] = field(default_factory=list)
    suggestions: list[Entry] = field(default_factory=list)
    declined: OutOfScopeTopic | None = None
    """For a no_answer: the out-of-scope topic the question belongs to, whose reply is shown."""
    log_id: int | None = None
    """The question's row in the question log, so a rating can be attached to it."""
    other_language: bool = False
    """The message looks written in another language: the reply adds the emergency and crisis numbers."""


def turn_from_result(turn_id: int, result: Result) -> Turn:
    """The turn for a typed question: care card first if a red flag fired, then an answer, choices or help."""
    return replace(_reply(turn_id, result), other_language=result.other_language)


def _reply(turn_id: int, result: Result) -> Turn:
    top = result.matches[0].entry if result.matches else None
    if result.red_flag is not None:
        return Turn(turn_id, result.question, "urgent", result.truncated, red_flag=result.red_flag.flag, answer=top)
    if result.status == "answered":
        if result.choices:
            choices = [m.entry for m in result.choices]
            return Turn(turn_id, result.question, "choices", result.truncated, choices=choices)
        return Turn(turn_id, result.question, "answer", result.truncated, answer=top)
    suggestions = [m.entry for m in result.suggestions]
    declined = None if result.out_of_scope is None else result.out_of_scope.topic
    return Turn(turn_id, result.question, "no_answer", result.truncated, suggestions=suggestions, declined=declined)


def turn_for_entry(turn_id: int, entry: Entry) -> Turn:
    """The turn for a topic picked from a button: the patient's message is the entry's own question."""
    return Turn(id=turn_id, asked=entry.question, kind="answer", answer=entry)


def turn_for_error(turn_id: int, asked: str) -> Turn:
    """The turn when answering failed unexpectedly: the reply apologises and gives the clinic's phone."""
    return Turn(id=turn_id, asked=asked, kind="error")


def served_entry(entry_id: str, knowledge: KnowledgeBase) -> Entry | None:
    """The entry a topic button names, if patients may read it (not an unserved draft, not since removed)."""
    return next((e for e in knowledge.served_entries() if e.id == entry_id), None)


def related_entries(entry: Entry, knowledge: KnowledgeBase) -> list[Entry]:
    """The entries listed in `related`, skipping any the serving knowledge no longer has or does not serve."""
    known = {e.id: e for e in knowledge.served_entries()}
    return [known[i] for i in entry.related if i in known]


def by_category(knowledge: KnowledgeBase) -> dict[str, list[Entry]]:
    """Every served entry grouped by category, categories in the order they first appear in the files."""
    groups: dict[str, list[Entry]] = {}
    for entry in knowledge.served_entries():
        groups.setdefault(entry.category, []).append(entry)
    return groups


def all_signed_off(knowledge: KnowledgeBase) -> bool:
    """True when every answer patients can get was reviewed by a clinician, so the page may say so."""
    return all(e.is_reviewed for e in knowledge.served_entries())


SIGNED_OFF_NOTE = "Every answer was written and checked by our clinicians."
SAMPLES_NOTE = "Answers marked as samples have not been reviewed by our clinicians yet."


def sign_off_note(knowledge: KnowledgeBase) -> str:
    """What the welcome and the topic list say about who checked the answers: the clinicians, only if they did."""
    return SIGNED_OFF_NOTE if all_signed_off(knowledge) else SAMPLES_NOTE


WELCOME_EXAMPLES = (
    "what-is-dry-needling",
    "does-it-hurt",
    "serious-risks",
    "soreness-after",
    "how-many-sessions",
    "cost-and-insurance",
)
"""The questions new patients ask most, offered as buttons on the welcome message when they exist."""

WELCOME_COUNT = 6


def welcome_examples(knowledge: KnowledgeBase) -> list[Entry]:
    """Four to six example questions: the preferred ones, topped up with the first entry of each category."""
    known = {e.id: e for e in knowledge.served_entries()}
    chosen = [known[i] for i in WELCOME_EXAMPLES if i in known]
    for entries in by_category(knowledge).values():
        if len(chosen) >= WELCOME_COUNT:
            break
        if entries[0] not in chosen:
            chosen.append(entries[0])
    return chosen[:WELCOME_COUNT]
