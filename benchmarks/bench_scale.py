"""Scale: query latency (p50/p99), build time, memory and recall of a flat (exact) FAISS index vs
HNSW and IVF at 1k-100k rows, plus BM25 at the same sizes, to pick the index type by size.

Vectors: real all-MiniLM-L6-v2 embeddings of MedQuAD questions from the LiveQA benchmark's embedding
cache when it exists (47k); above that, real vectors plus Gaussian noise (renormalised). Without the
cache (smoke), random unit vectors. Queries: the LiveQA test questions' vectors (or random ones).
Each query searches DENSE_CANDIDATE_ROWS neighbours, as the retriever does.

Usage: python -m benchmarks.bench_scale [--smoke] [--work DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from benchmarks.common import percentile, rss_mb, work_dir, write_result
from faq.index import choose_index_kind, make_vector_index
from faq.lexical import LexicalIndex
from faq.retrieval import DENSE_CANDIDATE_ROWS

DIMENSION = 384
RECALL_AT = 10


def real_vectors(work: Path) -> tuple[np.ndarray, str]:
    """MedQuAD question vectors from the LiveQA run's embedding cache, else an empty array."""
    for cache in sorted((work / "liveqa" / "index" / "cache").glob("*.npz")):
        with np.load(cache) as data:
            return np.asarray(data["vectors"], dtype=np.float32), "MedQuAD question embeddings (MiniLM)"
    return np.zeros((0, DIMENSION), np.float32), "random unit vectors"


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1."""
    return np.ascontiguousarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def collection(base: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` vectors: real ones first, then noisy copies of them (or random when there are none)."""
    if len(base) == 0:
        return unit(rng.standard_normal((size, DIMENSION)).astype(np.float32))
    if size <= len(base):
        return base[:size]
    picks = base[rng.integers(0, len(base), size - len(base))]
    noisy = unit(picks + rng.standard_normal(picks.shape).astype(np.float32) * 0.03)
    return np.vstack([base, noisy])


def measure(kind: str, vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray | None) -> dict[str, Any]:
    """Build seconds, serialized MB, RSS growth, p50/p99 ms of one search and recall@10 against flat."""
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = make_vector_index(vectors, kind=kind)
    build_s = time.perf_counter() - started
    grown = rss_mb() - before
    k = min(DENSE_CANDIDATE_ROWS, len(vectors))
    for q in queries[:5]:
        index.search(q.reshape(1, -1), k)
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), k)
        times.append((time.perf_counter() - t) * 1000)
        found.append(ids[0][:RECALL_AT])
    with tempfile.NamedTemporaryFile(suffix=".faiss") as file:
        faiss.write_index(index, file.name)
        size_mb = Path(file.name).stat().st_size / 2**20
    recall = None
    if truth is not None:
        recall = float(np.mean([len(set(f) & set(t)) / RECALL_AT for f, t in zip(found, truth, strict=True)]))
    return {
        "build_s": build_s,
        "file_mb": size_mb,
        "rss_mb": grown,
        "p50_ms": percentile(times, 50),
        "p99_ms": percentile(times, 99),
        "recall@10": recall,
        "samples": len(times),
    }


def lexical(texts: list[str], size: int, queries: list[str]) -> dict[str, Any]:
    """BM25 index build and `scores` latency over `size` documents."""
    docs = [f"{texts[i % len(texts)]} {i // len(texts)}" for i in range(size)] if texts else []
    started = time.perf_counter()
    index = LexicalIndex(docs)
    build_s = time.perf_counter() - started
    times = []
    for q in queries:
        t = time.perf_counter()
        index.scores(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"build_s": build_s, "p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99)}


def medquad_texts(work: Path, limit: int) -> tuple[list[str], list[str]]:
    """MedQuAD question texts and LiveQA summaries from the converted LiveQA set, when present."""
    import yaml

    texts: list[str] = []
    for file in sorted((work / "liveqa" / "knowledge").glob("*.yaml")):
        if file.name in ("clinic.yaml", "red_flags.yaml", "settings.yaml"):
            continue
        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        texts += [e["question"] for e in yaml.load(file.read_text(), Loader=loader)]
        if len(texts) >= limit:
            break
    queries_file = work / "liveqa" / "queries.json"
    queries = (
        [q["summary"] or q["original"] for q in json.loads(queries_file.read_text())] if queries_file.exists() else []
    )
    return texts or [f"question number {i} about topic {i % 97}" for i in range(1000)], queries or ["topic 5 question"]


def query_vectors(work: Path, base: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """LiveQA question vectors (encoded here) when the LiveQA set was converted, else noisy base rows."""
    queries_file = work / "liveqa" / "queries.json"
    if queries_file.exists() and len(base):
        from faq.embedding import load_encoder

        questions = json.loads(queries_file.read_text())
        texts = [q["original"] for q in questions] + [q["summary"] or q["original"] for q in questions]
        return load_encoder("default").encode(texts)[:count]
    return unit(rng.standard_normal((count, DIMENSION)).astype(np.float32))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure every index kind at every size and write results/scale.json."""
    parser = argparse.ArgumentParser(description="Flat vs approximate indexes by size.")
    parser.add_argument("--smoke", action="store_true", help="small sizes (for CI)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default benchmarks/.work)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default <work>/results)")
    args = parser.parse_args(argv)
    work = work_dir("smoke" if args.smoke else "full", args.work)
    rng = np.random.default_rng(7)
    sizes = [1_000, 3_000] if args.smoke else [1_000, 10_000, 30_000, 100_000]
    base, origin = real_vectors(work)
    queries = query_vectors(work, base if not args.smoke else base[:0], rng, 40 if args.smoke else 200)
    texts, text_queries = medquad_texts(work, max(sizes))
    rows: list[dict[str, Any]] = []
    for size in sizes:
        vectors = collection(base, size, rng)
        flat = make_vector_index(vectors, kind="flat")
        _, truth = flat.search(queries, RECALL_AT)
        del flat
        for kind in ("flat", "hnsw", "ivf"):
            rows.append({"size": size, "kind": kind, **measure(kind, vectors, queries, truth)})
        rows.append({"size": size, "kind": "bm25", **lexical(texts, size, text_queries[:100])})
        print(json.dumps(rows[-4:]))
    auto = {size: choose_index_kind(size) for size in sizes}
    result = {"smoke": args.smoke, "vectors": origin, "real_vectors": len(base), "rows": rows, "auto": auto}
    path = write_result("scale", result, args.out or work / "results")
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
