"""Keeping the app answering: load once, reload when files change, and never drop a good index.

A patient should never meet a crash page because a staff member saved a half-edited YAML file or
forgot `faq build`. So the app answers from the newest index that can be used, and tells staff in a
discreet notice why it is not the current knowledge:

| knowledge files | index            | the app serves                                   | notice |
| --------------- | ---------------- | ------------------------------------------------ | ------ |
| valid           | fresh            | the current knowledge                            | none   |
| valid           | stale            | the index with the knowledge it was built from   | yes    |
| valid           | missing/damaged  | an index built now (or the one already in memory) | yes    |
| invalid         | readable         | the index with the knowledge it was built from   | yes    |
| invalid         | missing/damaged  | the one already in memory, if any                | yes    |
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from faq import config
from faq.embedding import Encoder
from faq.errors import FaqError, IndexCorruptError, IndexMissingError, IndexStaleError, KnowledgeError
from faq.index import LoadedIndex, build_index, check_fresh, load_index
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.retrieval import Retriever, make_retriever

log = logging.getLogger(__name__)

LoadModel = Callable[[str], Encoder]
Building = Callable[[], AbstractContextManager[object]]
Signature = tuple[tuple[str, int, int], ...]


class AppUnavailableError(FaqError):
    """No index can be used and none can be built (for example invalid knowledge and no index yet)."""

    def __init__(self, notice: StaffNotice) -> None:
        self.notice = notice
        super().__init__(notice.summary)


@dataclass(frozen=True)
class StaffNotice:
    """Why the app is not answering from the current knowledge files, and what fixes it."""

    summary: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Serving:
    """The retriever in use, and a notice for staff when it is not built from the current files."""

    retriever: Retriever
    notice: StaffNotice | None = None


def _no_progress() -> AbstractContextManager[object]:
    return contextlib.nullcontext()


def files_signature(knowledge_dir: Path, index_dir: Path) -> Signature:
    """Size and modification time of every knowledge file and of the index pointer: cheap to take per rerun."""
    paths = sorted([*knowledge_dir.rglob("*.yaml"), *knowledge_dir.rglob("*.yml")]) if knowledge_dir.is_dir() else []
    paths.append(index_dir / "CURRENT")
    signature = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            signature.append((str(path), -1, -1))
        else:
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def _built_at(index: LoadedIndex) -> str:
    return index.manifest.built_at.replace("T", " ").replace("+00:00", " UTC")


def _retriever(index: LoadedIndex, knowledge: KnowledgeBase, load_model: LoadModel) -> Retriever:
    # The index's own model, so query vectors always match the stored ones, even when the
    # configured model changed and the index is waiting for `faq build`.
    return make_retriever(index, knowledge, load_model)


def load_serving(
    knowledge_dir: Path,
    index_dir: Path,
    load_model: LoadModel,
    *,
    previous: Serving | None = None,
    building: Building = _no_progress,
) -> Serving:
    """The best retriever available now, following the table in this module's docstring."""
    knowledge: KnowledgeBase | None = None
    knowledge_problem: StaffNotice | None = None
    try:
        knowledge = load_knowledge(knowledge_dir)
    except KnowledgeError as err:
        count = len(err.problems)
        knowledge_problem = StaffNotice(
            f"the knowledge files have {count} problem{'s' if count != 1 else ''} — run `faq validate`, "
            "fix them, then `faq build`",
            [str(p) for p in err.problems],
        )
    try:
        index = load_index(index_dir)
    except (IndexMissingError, IndexCorruptError) as err:
        return _without_index(err, knowledge, knowledge_problem, index_dir, load_model, previous, building)
    if knowledge is None:
        assert knowledge_problem is not None
        summary = f"Answers come from the index built {_built_at(index)}, because {knowledge_problem.summary}."
        return Serving(_retriever(index, index.knowledge, load_model), StaffNotice(summary, knowledge_problem.details))
    try:
        check_fresh(index, knowledge, config.model_name(knowledge.settings.model))
    except IndexStaleError as err:
        summary = f"Answers come from the index built {_built_at(index)}; {err}."
        return Serving(_retriever(index, index.knowledge, load_model), StaffNotice(summary))
    return Serving(_retriever(index, knowledge, load_model))


def _without_index(
    err: FaqError,
    knowledge: KnowledgeBase | None,
    knowledge_problem: StaffNotice | None,
    index_dir: Path,
    load_model: LoadModel,
    previous: Serving | None,
    building: Building,
) -> Serving:
    if previous is not None:
        because = knowledge_problem.summary if knowledge_problem else str(err)
        details = knowledge_problem.details if knowledge_problem else []
        return Serving(
            previous.retriever, StaffNotice(f"Answers come from the index loaded earlier; {because}.", details)
        )
    if knowledge is None:
        assert knowledge_problem is not None
        raise AppUnavailableError(
            StaffNotice(f"No index can be used ({err}), and {knowledge_problem.summary}.", knowledge_problem.details)
        )
    with building():
        build_index(knowledge, index_dir, load_model(config.model_name(knowledge.settings.model)))
    log.info("built the index in %s because none could be used", index_dir)
    return Serving(_retriever(load_index(index_dir), knowledge, load_model))


class ServingHolder:
    """One per knowledge/index folder pair, shared by every session: reloads only when files change."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, load_model: LoadModel) -> None:
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.load_model = load_model
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._serving: Serving | None = None

    def current(self, building: Building = _no_progress) -> Serving:
        """The serving retriever, reloaded first if a knowledge file or the index changed since last time."""
        signature = files_signature(self.knowledge_dir, self.index_dir)
        with self._lock:
            if self._serving is None or signature != self._signature:
                self._serving = load_serving(
                    self.knowledge_dir, self.index_dir, self.load_model, previous=self._serving, building=building
                )
                # Taken again: a build just now changed the index pointer.
                self._signature = files_signature(self.knowledge_dir, self.index_dir)
            return self._serving
