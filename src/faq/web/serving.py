"""Keeping the app answering: load once, reload when files change, and never drop a good index.

A patient should never meet a crash page because a staff member saved a half-edited YAML file,
forgot `faq build`, or a file in the index folder got damaged. So the app answers from the newest
index that can be used, in this order, and tells staff why it is not the current knowledge:

1. the current build (CURRENT), with the knowledge it was built from when the files are invalid or
   changed since; ranked without the tuned model if only that model is lost;
2. the index already in memory, when the current build cannot be used;
3. the newest other build under builds/ that can be used: one that matches valid knowledge first;
4. an index built now, when the knowledge files are valid;
5. any build that can be used, however old;
6. none: `AppUnavailableError`, and the page asks the patient to call the clinic.

Patients only ever see `PATIENT_NOTICE`. What staff need (paths, the validate output) is in
`ServingHolder.staff_notice()` for the staff page, and in the server log, never with question text.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from faq import config
from faq.embedding import Encoder
from faq.errors import FaqError, IndexStaleError, KnowledgeError
from faq.index import (
    LoadedIndex,
    TunedModelError,
    build_index,
    builds_newest_first,
    check_fresh,
    load_build,
    load_index,
    without_tuning,
)
from faq.knowledge import CLINIC_FILE, KnowledgeBase, load_knowledge
from faq.retrieval import Retriever, make_retriever
from faq.schema import Clinic
from faq.yamlfile import read_yaml

log = logging.getLogger(__name__)

LoadModel = Callable[[str], Encoder]
Building = Callable[[], AbstractContextManager[object]]
Signature = tuple[tuple[str, int, int], ...]

PATIENT_NOTICE = "Some answers may be out of date while the clinic updates this assistant."
"""All a patient is told when answers do not come from the current knowledge files."""


@dataclass(frozen=True)
class StaffNotice:
    """Why the app is not answering from the current knowledge files, and what fixes it (for staff only)."""

    summary: str
    details: list[str] = field(default_factory=list)


class AppUnavailableError(FaqError):
    """No index can be used and none can be built (for example invalid knowledge and no index yet)."""

    def __init__(self, notice: StaffNotice, clinic: Clinic | None = None) -> None:
        self.notice = notice
        self.clinic = clinic
        """The clinic's details, when any copy of them can be read, so the page can give the phone number."""
        super().__init__(notice.summary)


@dataclass(frozen=True)
class Serving:
    """The retriever in use, and a notice for staff when it is not built from the current files."""

    retriever: Retriever
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class _Knowledge:
    """The knowledge files as read now: the knowledge, or why it cannot be used."""

    knowledge: KnowledgeBase | None
    problem: StaffNotice | None


def _no_progress() -> AbstractContextManager[object]:
    return contextlib.nullcontext()


def files_signature(knowledge_dir: Path, index_dir: Path) -> Signature:
    """Size and modification time of every knowledge file and of the index pointer: cheap to take per rerun."""
    try:
        found = [*knowledge_dir.rglob("*.yaml"), *knowledge_dir.rglob("*.yml")] if knowledge_dir.is_dir() else []
    except OSError:  # a folder that vanished or cannot be listed mid-scan: reload, and let loading say why
        found = [knowledge_dir]
    paths = sorted(found)
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


def _read_knowledge(knowledge_dir: Path) -> _Knowledge:
    try:
        return _Knowledge(load_knowledge(knowledge_dir), None)
    except KnowledgeError as err:
        count = len(err.problems)
        summary = (
            f"the knowledge files have {count} problem{'s' if count != 1 else ''} — run `faq validate`, "
            "fix them, then `faq build`"
        )
        return _Knowledge(None, StaffNotice(summary, [str(p) for p in err.problems]))
    except Exception as err:  # a file nobody foresaw must not take the page down; its type is enough
        log.error("reading the knowledge files failed: %s", type(err).__name__)
        summary = f"the knowledge files cannot be read ({type(err).__name__}) — run `faq validate` to see where"
        return _Knowledge(None, StaffNotice(summary))


def _retriever(index: LoadedIndex, knowledge: KnowledgeBase, load_model: LoadModel) -> tuple[Retriever, str | None]:
    """A retriever with the index's own models (so question and stored vectors match), and a note for staff
    when it ranks without the tuned model because that model is lost."""
    try:
        return make_retriever(index, knowledge, load_model), None
    except TunedModelError as err:
        return make_retriever(without_tuning(index), knowledge, load_model), f"answers are ranked untuned: {err}"


def _serve(index: LoadedIndex, read: _Knowledge, load_model: LoadModel, because: str | None = None) -> Serving:
    """Answers from `index`: with the current knowledge when it is valid and the index is fresh, else with
    the knowledge the index was built from. `because` says why this index and not the current one."""
    notes = [because] if because else []
    knowledge = read.knowledge
    details = read.problem.details if read.problem else []
    if knowledge is None:
        assert read.problem is not None
        notes.append(read.problem.summary)
        knowledge = index.knowledge
    else:
        try:
            check_fresh(index, knowledge, config.model_name(knowledge.settings.model))
        except IndexStaleError as err:
            notes.append(str(err))
            knowledge = index.knowledge
    retriever, tuning_note = _retriever(index, knowledge, load_model)
    if tuning_note:
        notes.append(tuning_note)
    if not notes:
        return Serving(retriever)
    summary = f"Answers come from the index built {_built_at(index)}, because " + "; and ".join(notes) + "."
    return Serving(retriever, StaffNotice(summary, details))


def load_serving(
    knowledge_dir: Path,
    index_dir: Path,
    load_model: LoadModel,
    *,
    previous: Serving | None = None,
    building: Building = _no_progress,
) -> Serving:
    """The best retriever available now, in the order of this module's docstring."""
    read = _read_knowledge(knowledge_dir)
    try:
        return _serve(load_index(index_dir), read, load_model)
    except FaqError as err:  # missing or damaged index, lost model
        reason = str(err)
    except Exception as err:  # a damage nobody foresaw: the same to a patient, and reported by type
        log.error("the index in %s cannot be used: %s", index_dir, type(err).__name__)
        reason = f"the index in {index_dir}/ cannot be used ({type(err).__name__}) — run `faq build` to rebuild it"
    if previous is not None:
        notes = [reason] + ([read.problem.summary] if read.problem else [])
        details = read.problem.details if read.problem else []
        return Serving(
            previous.retriever,
            StaffNotice("Answers come from the index loaded earlier, because " + "; and ".join(notes) + ".", details),
        )
    return _without_current(reason, read, knowledge_dir, index_dir, load_model, building)


def _is_fresh(index: LoadedIndex, knowledge: KnowledgeBase) -> bool:
    try:
        check_fresh(index, knowledge, config.model_name(knowledge.settings.model))
    except IndexStaleError:
        return False
    return True


def _other_builds(
    index_dir: Path, read: _Knowledge, load_model: LoadModel, reason: str
) -> Iterator[tuple[Serving, bool]]:
    """A serving for each build under builds/ that can be used, newest first, and whether it matches
    the current knowledge."""
    for path in builds_newest_first(index_dir):
        try:
            index = load_build(path)
            fresh = read.knowledge is not None and _is_fresh(index, read.knowledge)
            yield _serve(index, read, load_model, because=reason), fresh
        except Exception as err:  # this build is damaged too: try the next one
            log.warning("build %s cannot be used: %s", path.name, type(err).__name__)


def _without_current(
    reason: str, read: _Knowledge, knowledge_dir: Path, index_dir: Path, load_model: LoadModel, building: Building
) -> Serving:
    usable = list(_other_builds(index_dir, read, load_model, reason))
    if read.knowledge is not None:
        fresh = [serving for serving, matches in usable if matches]
        if fresh:  # it holds the current knowledge: only the index pointer needs `faq build`
            return fresh[0]
        built = _build_now(read.knowledge, index_dir, load_model, building)
        if built is not None:
            return built
    if usable:
        return usable[0][0]
    detail = read.problem.details if read.problem else []
    because = reason + (f"; and {read.problem.summary}" if read.problem else "")
    raise AppUnavailableError(
        StaffNotice(f"No index can be used, because {because}.", detail), _clinic(read, knowledge_dir, index_dir)
    )


def _build_now(knowledge: KnowledgeBase, index_dir: Path, load_model: LoadModel, building: Building) -> Serving | None:
    """Build an index from valid knowledge and serve it; None (logged) when that fails too."""
    try:
        with building():
            build_index(knowledge, index_dir, load_model(config.model_name(knowledge.settings.model)))
        log.info("built the index in %s because none could be used", index_dir)
        return _serve(load_index(index_dir), _Knowledge(knowledge, None), load_model)
    except Exception as err:  # a full disk, a model that cannot load: fall back to an older build
        log.error("building the index in %s failed: %s", index_dir, type(err).__name__)
        return None


def _clinic(read: _Knowledge, knowledge_dir: Path, index_dir: Path) -> Clinic | None:
    """The clinic's details for the page that asks patients to call: from clinic.yaml, else from any build."""
    if read.knowledge is not None:
        return read.knowledge.clinic
    with contextlib.suppress(Exception):
        path = knowledge_dir / CLINIC_FILE
        if path.is_file():
            document = read_yaml(path, CLINIC_FILE)
            if not document.problems:
                return Clinic.model_validate(document.data)
    for build in builds_newest_first(index_dir):
        with contextlib.suppress(Exception):
            return Clinic.model_validate(json.loads((build / "knowledge.json").read_text())["clinic"])
    return None


class ServingHolder:
    """One per knowledge/index folder pair, shared by every session: reloads only when files change."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, load_model: LoadModel) -> None:
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.load_model = load_model
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._serving: Serving | None = None
        self._unavailable: AppUnavailableError | None = None

    def current(self, building: Building = _no_progress) -> Serving:
        """The serving retriever, reloaded first if a knowledge file or the index changed since last time.

        AppUnavailableError when nothing can answer; it is raised again, without another attempt,
        until a file changes.
        """
        signature = files_signature(self.knowledge_dir, self.index_dir)
        with self._lock:
            if signature != self._signature or (self._serving is None and self._unavailable is None):
                self._reload(building)
            if self._unavailable is not None:
                raise self._unavailable
            assert self._serving is not None
            return self._serving

    def _reload(self, building: Building) -> None:
        try:
            self._serving = load_serving(
                self.knowledge_dir, self.index_dir, self.load_model, previous=self._serving, building=building
            )
            self._unavailable = None
            notice = self._serving.notice
        except AppUnavailableError as err:
            self._unavailable, notice = err, err.notice
        # Taken again: a build just now changed the index pointer.
        self._signature = files_signature(self.knowledge_dir, self.index_dir)
        if notice is not None:
            log.warning("%s%s", notice.summary, "".join(f"\n  {line}" for line in notice.details))

    def staff_notice(self) -> StaffNotice | None:
        """What staff should know about the index in use (paths, the validate output); None when the app
        answers from the current knowledge. Also when no index can be used at all."""
        try:
            return self.current().notice
        except AppUnavailableError as err:
            return err.notice
