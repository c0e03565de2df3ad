"""Building the FAISS index from validated knowledge, and loading it back with its manifest.

Layout of the index folder::

    CURRENT                  name of the build in use (replaced atomically, last step of a build)
    builds/<build>/          vectors.faiss, rows.json, red_flags.npy, out_of_scope.npy, knowledge.json,
                             manifest.json, and the classifiers' weights: flag_classifier.npy,
                             scope_classifier.npy and multilingual_classifier.npy
    cache/<model>.npz        embeddings by text fingerprint, so unchanged texts are never re-encoded
                             (one file per model, the multilingual one included)
    models/tuned-<hash>/     the model tuned on the phrasings, when settings.yaml asks for tuning;
                             its vectors are builds/<build>/ranking.faiss

A build writes a new folder under builds/ and only then points CURRENT at it, so a crash at any
moment leaves the previous index in use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from faq.classifier import FlagClassifier, feature_width
from faq.errors import IndexCorruptError, IndexMissingError, IndexStaleError
from faq.knowledge import KnowledgeBase
from faq.schema import NO_FLAG, Clinic, Entry, OutOfScopeTopic, RedFlag, Settings
from faq.tuning import MODELS_FOLDER, TunedModel, ensure_tuned, prune_models, tuned_name

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from faq.embedding import Encoder, TextEncoder

FORMAT_VERSION = 3
"""3: knowledge.json items carry their sign-off `status`; a version-2 snapshot's reviewer and date could not
be trusted as a sign-off, so such builds are rebuilt rather than read."""
CURRENT_FILE = "CURRENT"
RANKING_FILE = "ranking.faiss"
CLASSIFIER_FILE = "flag_classifier.npy"
SCOPE_CLASSIFIER_FILE = "scope_classifier.npy"
MULTILINGUAL_CLASSIFIER_FILE = "multilingual_classifier.npy"
KEEP_BUILDS = 2
FIX = "run `faq build` to rebuild it"
FLAT_MAX_ROWS = 10_000
"""Above this many rows the index is approximate (HNSW): exact search grows linearly with the rows
(about 1 ms at 10k, 10-40 ms at 100k on 2 cores), HNSW stays under 1.5 ms with recall@10 about 0.98.
Measured in benchmarks/bench_scale.py; see docs/benchmarks.md."""
HNSW_NEIGHBOURS = 32
HNSW_BUILD_DEPTH = 80
HNSW_SEARCH_DEPTH = 256  # the retriever asks for up to 256 rows, and HNSW searches at least k deep
IVF_PROBES = 16


@dataclass(frozen=True)
class Manifest:
    """How an index was built; checked on load so a mismatched index is never used silently."""

    format_version: int
    model: str
    dimension: int
    entry_count: int
    text_count: int
    red_flag_count: int
    knowledge_hash: str
    built_at: str
    package_version: str
    vector_index: str = "flat"
    tuned_model: str | None = None
    """Folder under models/ of the tuned copy of `model` that encoded the vectors, if tuning is on."""


@dataclass(frozen=True)
class BuildReport:
    """What `faq build` did."""

    path: Path
    manifest: Manifest
    encoded: int
    reused: int
    seconds: float
    tuning_seconds: float | None = None
    """Time spent tuning the model in this build; None when tuning is off or a stored model was reused."""
    multilingual_problem: str | None = None
    """Why the build has no classifier for messages in other languages, when it has none."""


@dataclass
class LoadedIndex:
    """An index read from disk: vectors, which entry each row belongs to, and the knowledge it was built from."""

    manifest: Manifest
    vectors: Any  # faiss.Index
    row_entry_ids: list[str]
    red_flag_vectors: NDArray[np.float32]
    red_flag_rows: list[str]
    out_of_scope_vectors: NDArray[np.float32]
    out_of_scope_rows: list[str]
    knowledge: KnowledgeBase
    path: Path

    ranking_vectors: Any | None = None  # faiss.Index of the tuned model's vectors, when tuning is on
    flag_classifier: FlagClassifier | None = None
    scope_classifier: FlagClassifier | None = None
    multilingual_classifier: FlagClassifier | None = None
    """Red flags read from multilingual-e5 vectors (`faq.multilingual`), for messages in other languages."""

    @property
    def ranking_model(self) -> str | None:
        """Where the tuned model that ranks entries is stored; None when tuning is off."""
        if self.manifest.tuned_model is None:
            return None
        return str(self.path.parent.parent / MODELS_FOLDER / self.manifest.tuned_model)


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _cache_path(index_dir: Path, model: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", model).strip("_")[:80] or "model"
    return index_dir / "cache" / f"{slug}-{_fingerprint(model)[:8]}.npz"


def _read_cache(path: Path, dimension: int) -> dict[str, NDArray[np.float32]]:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError):
        return {}  # no cache, or a damaged one: everything is simply re-encoded
    if vectors.ndim != 2 or vectors.shape[1] != dimension:
        return {}
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


def _write_atomically(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _embed(
    texts: list[str], encoder: TextEncoder, cache: dict[str, NDArray[np.float32]], progress: bool
) -> tuple[NDArray[np.float32], int]:
    keys = [_fingerprint(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    if missing:
        fresh = encoder.encode([t for _, t in missing], progress=progress)
        cache.update({k: v for (k, _), v in zip(missing, fresh, strict=True)})
    vectors = np.stack([cache[k] for k in keys]) if keys else np.zeros((0, encoder.dimension), np.float32)
    return vectors.astype(np.float32), len(missing)


def choose_index_kind(rows: int) -> str:
    """`flat` (exact) up to FLAT_MAX_ROWS rows, `hnsw` (approximate, much faster at scale) above."""
    return "flat" if rows <= FLAT_MAX_ROWS else "hnsw"


def make_vector_index(vectors: NDArray[np.float32], kind: str = "auto") -> Any:
    """An inner-product FAISS index holding `vectors`: `flat`, `hnsw`, `ivf`, or `auto` (chosen by size)."""
    import faiss

    rows, dimension = vectors.shape
    kind = choose_index_kind(rows) if kind == "auto" else kind
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_BUILD_DEPTH
        index.hnsw.efSearch = HNSW_SEARCH_DEPTH
    elif kind == "ivf":
        lists = max(1, min(int(4 * rows**0.5), rows // 39))  # FAISS wants about 39 training rows per list
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = min(IVF_PROBES, lists)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    index.add(vectors)
    return index


def _rows(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """(entry id, text) per row; a text repeated within an entry is one row (it can't change the entry's score)."""
    pairs = [(e.id, p) for e in kb.entries for p in dict.fromkeys(e.phrasings())]
    return [i for i, _ in pairs], [p for _, p in pairs]


def _snapshot(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "entries": [e.model_dump(mode="json") for e in kb.entries],
        "red_flags": [r.model_dump(mode="json") for r in kb.red_flags],
        "out_of_scope": [t.model_dump(mode="json") for t in kb.out_of_scope],
        "clinic": kb.clinic.model_dump(mode="json"),
        "settings": kb.settings.model_dump(mode="json"),
    }


def build_index(kb: KnowledgeBase, index_dir: Path, encoder: Encoder, *, progress: bool = False) -> BuildReport:
    """Embed every entry's phrasings and every red-flag and out-of-scope example; install the result atomically.

    When settings.yaml turns tuning on, the phrasings are also embedded with a copy of `encoder`
    tuned on them (stored under models/, reused while the phrasings are unchanged), for ranking.
    """
    import faiss

    started = time.perf_counter()
    row_ids, texts = _rows(kb)
    flag_rows = [f.id for f in kb.red_flags for _ in f.examples]
    flag_texts = [x for f in kb.red_flags for x in f.examples]
    topic_rows = [t.id for t in kb.out_of_scope for _ in t.examples]
    topic_texts = [x for t in kb.out_of_scope for x in t.examples]
    training_labels = [g.flag for g in kb.triage_training for _ in g.messages]
    training_texts = [m for g in kb.triage_training for m in g.messages]
    all_texts = texts + flag_texts + topic_texts + training_texts
    vectors, encoded = _embed_cached(index_dir, encoder, all_texts, progress)
    splits = np.cumsum([len(texts), len(flag_texts), len(topic_texts)])
    entry_vectors, flag_vectors, topic_vectors, _ = np.split(vectors, splits)
    labels = [NO_FLAG] * len(texts) + flag_rows + [NO_FLAG] * len(topic_texts) + training_labels  # as all_texts
    classifier = FlagClassifier.fit(vectors, all_texts, labels)
    scope_texts = texts + topic_texts  # answerable phrasings against the out-of-scope examples
    scope_labels = [NO_FLAG] * len(texts) + topic_rows
    scope_classifier = FlagClassifier.fit(np.vstack([entry_vectors, topic_vectors]), scope_texts, scope_labels)
    multilingual, multilingual_problem, multilingual_encoded, multilingual_reused = _multilingual_classifier(
        kb, index_dir, all_texts, labels, progress
    )
    encoded += multilingual_encoded
    tuned, ranking_vectors = None, None
    if kb.settings.tune_epochs:
        tuned, ranker = _tuned_model(kb, index_dir, encoder, progress)
        ranking_vectors, encoded_for_ranking = _embed_cached(index_dir, ranker, texts, progress)
        encoded += encoded_for_ranking

    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=encoder.name,
        dimension=encoder.dimension,
        entry_count=len(kb.entries),
        text_count=len(texts),
        red_flag_count=len(kb.red_flags),
        knowledge_hash=kb.content_hash(),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        package_version=version("faq"),
        vector_index=choose_index_kind(len(texts)),
        tuned_model=None if tuned is None else tuned.path.name,
    )
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    staging = Path(tempfile.mkdtemp(dir=builds, prefix=f".{stamp}-"))
    try:
        faiss.write_index(make_vector_index(entry_vectors, manifest.vector_index), str(staging / "vectors.faiss"))
        if ranking_vectors is not None:
            ranking_index = make_vector_index(ranking_vectors, manifest.vector_index)
            faiss.write_index(ranking_index, str(staging / RANKING_FILE))
        np.save(staging / "red_flags.npy", flag_vectors)
        np.save(staging / "out_of_scope.npy", topic_vectors)
        rows: dict[str, list[str]] = {"entries": row_ids, "red_flags": flag_rows, "out_of_scope": topic_rows}
        models = zip(CLASSIFIER_FILES, (classifier, scope_classifier, multilingual), strict=True)
        for name, model in models:
            if model is not None:
                np.save(staging / name, model.weights)
                rows[name.removesuffix(".npy")] = list(model.labels)
        (staging / "rows.json").write_text(json.dumps(rows))
        (staging / "knowledge.json").write_text(json.dumps(_snapshot(kb), ensure_ascii=False))
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n")
        final = builds / staging.name.lstrip(".")
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _set_current(index_dir, final.name)
    _prune(index_dir, keep=final.name)
    seconds = time.perf_counter() - started
    total = len(all_texts) + (len(texts) if tuned else 0) + multilingual_encoded + multilingual_reused
    tuning_seconds = None if tuned is None else tuned.seconds
    return BuildReport(final, manifest, encoded, total - encoded, seconds, tuning_seconds, multilingual_problem)


def _multilingual_classifier(
    kb: KnowledgeBase, index_dir: Path, texts: list[str], labels: list[str], progress: bool
) -> tuple[FlagClassifier | None, str | None, int, int]:
    """The red-flag classifier over multilingual vectors, trained on the red-flag classifier's messages
    (`texts`, `labels`) and every trigger phrase; why there is none; how many texts were embedded and
    how many came from the cache."""
    from faq.multilingual import MultilingualUnavailable, load_multilingual

    if not kb.red_flags:
        return None, None, 0, 0
    try:
        encoder = load_multilingual()
    except MultilingualUnavailable as err:
        return None, f"{err}; messages in other languages are read by their trigger phrases only", 0, 0
    triggers = [(f.id, t.replace(" + ", " ")) for f in kb.red_flags for t in f.triggers]
    texts = texts + [t for _, t in triggers]
    vectors, encoded = _embed_cached(index_dir, encoder, texts, progress)
    model = FlagClassifier.fit(vectors, texts, labels + [i for i, _ in triggers], reads_words=False)
    return model, None, encoded, len(texts) - encoded


def _tuned_model(kb: KnowledgeBase, index_dir: Path, encoder: Encoder, progress: bool) -> tuple[TunedModel, Encoder]:
    """The stored tuned model for `kb`, loaded; tuned again when it is missing or cannot be loaded."""
    from faq.embedding import ModelLoadError, load_encoder

    tuned = ensure_tuned(kb, index_dir, encoder.name, progress=progress)
    try:
        ranker = load_encoder(str(tuned.path))
    except ModelLoadError:  # damaged (a partial copy, a deleted weights file): train it again
        shutil.rmtree(tuned.path, ignore_errors=True)
        tuned = ensure_tuned(kb, index_dir, encoder.name, progress=progress)
        ranker = load_encoder(str(tuned.path))
    if tuned.seconds is not None:  # freshly trained: vectors cached from an earlier copy may not match it
        _cache_path(index_dir, ranker.name).unlink(missing_ok=True)
    return tuned, ranker


def _set_current(index_dir: Path, build: str) -> None:
    """Point CURRENT at `build`; a folder in its place is moved aside (to CURRENT.damaged-<time>), not deleted."""
    pointer = index_dir / CURRENT_FILE
    if pointer.is_dir() and not pointer.is_symlink():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        pointer.rename(index_dir / f"{CURRENT_FILE}.damaged-{stamp}")
    _write_atomically(pointer, lambda tmp: Path(tmp).write_text(build + "\n"))


def _embed_cached(
    index_dir: Path, encoder: TextEncoder, texts: list[str], progress: bool
) -> tuple[NDArray[np.float32], int]:
    """Vectors for `texts` from `encoder`, through (and updating) its embedding cache; and how many were new."""
    cache_file = _cache_path(index_dir, encoder.name)
    cache = _read_cache(cache_file, encoder.dimension)
    vectors, encoded = _embed(texts, encoder, cache, progress)
    if encoded:
        keys = sorted(cache)
        _write_atomically(cache_file, lambda tmp: _save_cache(tmp, keys, cache))
    return vectors, encoded


def _save_cache(path: str, keys: list[str], cache: dict[str, NDArray[np.float32]]) -> None:
    with open(path, "wb") as file:
        np.savez(file, keys=np.array(keys), vectors=np.stack([cache[k] for k in keys]))


def _prune(index_dir: Path, keep: str) -> None:
    """Delete all but the newest KEEP_BUILDS builds, and the tuned models and caches none of them uses."""
    builds = index_dir / "builds"
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    old = [p for p in done if p.name != keep][: max(0, len(done) - KEEP_BUILDS)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    in_use = {name for p in done if p not in old if (name := _tuned_model_of(p))}
    for name in prune_models(index_dir, keep=in_use):
        _cache_path(index_dir, str(index_dir / MODELS_FOLDER / name)).unlink(missing_ok=True)


def _tuned_model_of(build: Path) -> str | None:
    try:
        name = json.loads((build / "manifest.json").read_text()).get("tuned_model")
    except (OSError, ValueError):
        return None
    return name if isinstance(name, str) else None


def current_build(index_dir: Path) -> Path:
    """The folder of the build in use; IndexMissingError when nothing was built yet."""
    pointer = index_dir / CURRENT_FILE
    if not pointer.exists():
        raise IndexMissingError(f"no index in {index_dir}/ — run `faq build` to create it")
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):  # binary junk, or a folder where the file should be
        name = ""
    if not name or name.startswith(".") or any(c in name for c in "/\\\0"):
        raise _damaged(index_dir, "the CURRENT file does not name a build")
    path = index_dir / "builds" / name
    if not path.is_dir():
        raise _damaged(index_dir, "build folder missing")
    return path


def builds_newest_first(index_dir: Path) -> list[Path]:
    """Every finished build folder, newest first: where to look for a last good index."""
    try:
        found = [p for p in (index_dir / "builds").iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def _damaged(index_dir: Path, why: str) -> IndexCorruptError:
    return IndexCorruptError(f"the index in {index_dir}/ is damaged ({why}) — {FIX}")


def _unreadable(index_dir: Path, err: Exception) -> IndexCorruptError:
    return IndexCorruptError(f"the index in {index_dir}/ cannot be read ({type(err).__name__}) — {FIX}")


def load_index(index_dir: Path) -> LoadedIndex:
    """Read the current build; IndexMissingError or IndexCorruptError with the fix when it can't be used."""
    return load_build(current_build(index_dir))


def load_build(path: Path) -> LoadedIndex:
    """Read one build folder, checking its files against each other; IndexCorruptError when they disagree."""
    import faiss

    index_dir = path.parent.parent
    try:
        manifest = Manifest(**json.loads((path / "manifest.json").read_text()))
    except Exception as err:  # any unreadable or inconsistent file means the same thing to the user
        raise _unreadable(index_dir, err) from err
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorruptError(f"the index in {index_dir}/ was built by another version of faq — {FIX}")
    try:
        rows = json.loads((path / "rows.json").read_text())
        snapshot = json.loads((path / "knowledge.json").read_text())
        vectors = faiss.read_index(str(path / "vectors.faiss"))
        flag_vectors = np.load(path / "red_flags.npy", allow_pickle=False)
        topic_vectors = np.load(path / "out_of_scope.npy", allow_pickle=False)
        ranking = None if manifest.tuned_model is None else faiss.read_index(str(path / RANKING_FILE))
        classifier, scope_classifier, multilingual = (_load_classifier(path, name, rows) for name in CLASSIFIER_FILES)
        knowledge = KnowledgeBase(
            entries=[Entry.model_validate(e) for e in snapshot["entries"]],
            red_flags=[RedFlag.model_validate(r) for r in snapshot["red_flags"]],
            clinic=Clinic.model_validate(snapshot["clinic"]),
            settings=Settings.model_validate(snapshot["settings"]),
            out_of_scope=[OutOfScopeTopic.model_validate(t) for t in snapshot["out_of_scope"]],
        )
        row_ids = {name: [str(i) for i in rows[name]] for name in ("entries", "red_flags", "out_of_scope")}
    except Exception as err:  # any unreadable or inconsistent file means the same thing to the user
        raise _unreadable(index_dir, err) from err
    problem = _inconsistency(manifest, row_ids, knowledge, vectors, flag_vectors, topic_vectors, ranking)
    problem = problem or _classifier_inconsistency(classifier, manifest.dimension, {f.id for f in knowledge.red_flags})
    topics = {t.id for t in knowledge.out_of_scope}
    problem = problem or _classifier_inconsistency(scope_classifier, manifest.dimension, topics, SCOPE_CLASSIFIER_FILE)
    flags = {f.id for f in knowledge.red_flags}
    problem = problem or _classifier_inconsistency(multilingual, None, flags, MULTILINGUAL_CLASSIFIER_FILE)
    if problem:
        raise _damaged(index_dir, problem)
    return LoadedIndex(
        manifest,
        vectors,
        row_ids["entries"],
        flag_vectors.astype(np.float32, copy=False),
        row_ids["red_flags"],
        topic_vectors.astype(np.float32, copy=False),
        row_ids["out_of_scope"],
        knowledge,
        path,
        ranking,
        classifier,
        scope_classifier,
        multilingual,
    )


CLASSIFIER_FILES = (CLASSIFIER_FILE, SCOPE_CLASSIFIER_FILE, MULTILINGUAL_CLASSIFIER_FILE)
"""The red-flag, out-of-scope and multilingual red-flag classifiers; rows.json lists each one's labels."""


def _load_classifier(path: Path, name: str, rows: dict[str, Any]) -> FlagClassifier | None:
    """The classifier stored as `name` in the build at `path`, or None when the build has none."""
    labels = rows.get(name.removesuffix(".npy"))
    if labels is None:
        return None
    weights = np.load(path / name, allow_pickle=False).astype(np.float32, copy=False)
    return FlagClassifier(tuple(str(label) for label in labels), weights, name != MULTILINGUAL_CLASSIFIER_FILE)


def _inconsistency(
    manifest: Manifest,
    rows: dict[str, list[str]],
    knowledge: KnowledgeBase,
    vectors: Any,
    flag_vectors: NDArray[Any],
    topic_vectors: NDArray[Any],
    ranking: Any | None,
) -> str | None:
    """What disagrees between a build's files (widths, row counts, ids), or None when they fit together."""
    width = manifest.dimension
    faiss_files = [("vectors.faiss", vectors), (RANKING_FILE, ranking)]
    for name, index in faiss_files:
        if index is not None and index.d != width:
            return f"{name} holds {index.d}-wide vectors, not {width} as manifest.json says"
    for name, array in (("red_flags.npy", flag_vectors), ("out_of_scope.npy", topic_vectors)):
        if array.ndim != 2 or not np.issubdtype(array.dtype, np.floating):
            return f"{name} is not a table of vectors"
        if array.shape[1] != width:
            return f"{name} holds {array.shape[1]}-wide vectors, not {width} as manifest.json says"
    counts_differ = (
        vectors.ntotal != len(rows["entries"])
        or len(flag_vectors) != len(rows["red_flags"])
        or len(topic_vectors) != len(rows["out_of_scope"])
        or (ranking is not None and ranking.ntotal != vectors.ntotal)
    )
    if counts_differ:
        return "row counts differ"
    known = {
        "entries": {e.id for e in knowledge.entries},
        "red_flags": {f.id for f in knowledge.red_flags},
        "out_of_scope": {t.id for t in knowledge.out_of_scope},
    }
    for name, ids in rows.items():
        unknown = next((i for i in ids if i not in known[name]), None)
        if unknown is not None:
            return f"rows.json names {_ROW_KINDS[name]} `{unknown}`, which its knowledge.json lacks"
    return None


def _classifier_inconsistency(
    classifier: FlagClassifier | None, width: int | None, known: set[str], name: str = CLASSIFIER_FILE
) -> str | None:
    """What disagrees between a classifier (stored as `name`) and the rest of the build, or None.
    `width` is the build's vectors' width; None for the multilingual classifier, whose width is its model's."""
    if classifier is None:
        return None
    weights = classifier.weights
    fits = weights.ndim == 2 and weights.shape[0] == len(classifier.labels)
    if not fits or (width is not None and weights.shape[1] != feature_width(width, classifier.reads_words) + 1):
        vectors = "its model's vectors" if width is None else f"{width}-wide vectors"
        return f"{name} does not fit its {len(classifier.labels)} labels and {vectors}"
    unknown = next((label for label in classifier.labels if label != NO_FLAG and label not in known), None)
    if unknown is not None:
        kind = "out-of-scope topic" if name == SCOPE_CLASSIFIER_FILE else "red flag"
        return f"rows.json names {kind} `{unknown}` for {name}, which its knowledge.json lacks"
    return None


_ROW_KINDS = {"entries": "entry", "red_flags": "red flag", "out_of_scope": "out-of-scope topic"}


class TunedModelError(IndexCorruptError):
    """The tuned model an index ranks with is missing or cannot be loaded; `faq build` tunes it again."""


def load_models(index: LoadedIndex, load_model: Callable[[str], Encoder]) -> tuple[Encoder, Encoder | None]:
    """The model that encoded `index` and its tuned copy (None without tuning), checked against its vectors.

    ModelLoadError when the configured model itself cannot be loaded; TunedModelError when only the
    tuned copy is gone; IndexCorruptError when a model's vectors are not as wide as the index's.
    """
    from faq.embedding import ModelLoadError

    encoder = load_model(index.manifest.model)
    ranker = None
    if index.ranking_model is not None:
        try:
            ranker = load_model(index.ranking_model)
        except ModelLoadError as err:
            raise TunedModelError(
                f"the tuned model {index.ranking_model} is missing or damaged — run `faq build` to tune it again"
            ) from err
    for model in (encoder, ranker):
        if model is not None and model.dimension != index.manifest.dimension:
            raise IndexCorruptError(
                f"the index in {index.path.parent.parent}/ does not fit its model ({index.manifest.dimension}-wide "
                f"vectors but model {model.name!r} gives {model.dimension}) — {FIX}"
            )
    return encoder, ranker


def without_tuning(index: LoadedIndex) -> LoadedIndex:
    """The same index ranking with the untuned model: what can still answer when the tuned model is lost."""
    return dataclasses.replace(
        index, manifest=dataclasses.replace(index.manifest, tuned_model=None), ranking_vectors=None
    )


def check_fresh(index: LoadedIndex, kb: KnowledgeBase, model: str) -> None:
    """Raise IndexStaleError when the index was built from other knowledge or another model."""
    if index.manifest.model != model:
        raise IndexStaleError(
            f"the index was built with model {index.manifest.model!r} but {model!r} is configured — {FIX}"
        )
    if index.manifest.knowledge_hash != kb.content_hash():
        raise IndexStaleError(
            f"the knowledge files changed since the index was built ({index.manifest.built_at}) — {FIX}"
        )
    if index.manifest.tuned_model != tuned_name(kb, model):
        raise IndexStaleError(f"`tune_epochs` in settings.yaml changed since the index was built — {FIX}")


class CachedEncoder:
    """An encoder whose vectors go through the index folder's embedding cache (`cache/<model>.npz`), so a
    check that needs every phrasing's vector (an edit's collision check) encodes only the new ones."""

    def __init__(self, encoder: TextEncoder, index_dir: Path) -> None:
        self.name = encoder.name
        self._encoder = encoder
        self._index_dir = index_dir

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return self._encoder.dimension

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 64) -> NDArray[np.float32]:
        """Vectors for `texts`, from the cache where it has them."""
        return _embed_cached(self._index_dir, self._encoder, texts, progress)[0]
