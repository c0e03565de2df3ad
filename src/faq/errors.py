"""The few errors a person using `faq` or the app can see.

Every message names what is wrong and the command or edit that fixes it. None of them ever
contains the text of a patient's question.
"""

from __future__ import annotations

from dataclasses import dataclass


class FaqError(Exception):
    """Base class: a problem we can explain in one line, so no traceback is shown."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a knowledge file: where it is, what is wrong, and how to fix it."""

    file: str
    line: int
    message: str
    fix: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message} — {self.fix}"


class KnowledgeError(FaqError):
    """The knowledge files have one or more errors; each is listed as file:line: problem — fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(str(p) for p in problems)
        plural = "s" if count != 1 else ""
        super().__init__(f"{count} problem{plural} in the knowledge files:\n{lines}")


class GoLiveError(KnowledgeError):
    """`faq validate --go-live` found things to change before patients see the assistant (sample content,
    placeholders, drafts); each is listed as file:line: problem — fix."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        count = len(problems)
        lines = "\n".join(str(p) for p in problems)
        things = "thing" if count == 1 else "things"
        self.args = (f"not ready for go-live: {count} {things} to change before patients see this assistant:\n{lines}",)


class IndexMissingError(FaqError):
    """No index has been built in the index folder yet."""


class IndexCorruptError(FaqError):
    """The index files exist but cannot be read (a partial copy, a disk error, a manual edit)."""


class IndexStaleError(FaqError):
    """The index was built from other knowledge or another model than the current one."""


class EvalFileError(FaqError):
    """The eval file cannot be used; the message names the line and the fix."""


class EmptyQuestionError(FaqError):
    """The question is empty or only whitespace."""


class ReviewError(FaqError):
    """`faq review` cannot record a sign-off: an unknown id, no reviewer, or a file it cannot edit without
    changing more than the sign-off lines. Nothing is written; the message says what to do instead."""


class EditError(FaqError):
    """A staff edit cannot be made as asked (an unknown id, a phrasing the entry does not have, a file
    it cannot edit without disturbing its layout). Nothing is written; the message says what to do."""


class InvalidEditError(EditError):
    """The edit would add problems to the knowledge files; each is listed as file:line: problem — fix,
    exactly as `faq validate` prints it. Nothing is written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = "\n".join(str(p) for p in problems)
        plural = "s" if count != 1 else ""
        super().__init__(f"the edit would add {count} problem{plural}, so nothing was written:\n{lines}")


class CollisionError(EditError):
    """A new phrasing is nearer another entry (or an out-of-scope example) than its own entry, so patients
    asking it would get the other answer. Nothing is written unless the edit is forced."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            f"this phrasing is closer to {_closest(problems)} than to its own entry, so nothing was written:\n{lines}\n"
            "Reword it, or pass --force to save it anyway"
        )


def _closest(problems: list[Problem]) -> str:
    """The other entries named by collision problems, e.g. "`does-it-hurt`"."""
    names = [p.message.split(" is closer to ", 1)[-1].split(" ", 1)[0] for p in problems]
    return " and ".join(dict.fromkeys(names))


class EditConflictError(EditError):
    """The file changed on disk since the editor loaded it (another staff member saved, or it was edited
    by hand). Nothing is written: reload it and make the change again, so no one's work is overwritten."""


class HistoryError(FaqError):
    """The change history cannot be read or written (git missing or failing, nothing to undo, a change
    that was edited again since). The message names the file and what to do."""
