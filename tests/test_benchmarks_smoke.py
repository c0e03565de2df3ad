"""The benchmarks keep working: each one runs in its tiny --smoke mode, and their numbers make sense.

Benchmarks are not tests; this only guards the scripts (`make bench` runs the real sizes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# benchmarks/ is a folder beside src/, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_quality import faq_metrics, liveqa_metrics
from benchmarks.common import ROOT, shared_data
from faq.index import FLAT_MAX_ROWS, choose_index_kind, make_vector_index

DATA = shared_data()


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `python -m benchmarks.run --smoke` into a temp folder; the folder of its results."""
    if not (DATA / "stackfaq").is_dir() or not (DATA / "medquad_liveqa").is_dir():
        pytest.skip(f"external benchmark data not found in {DATA}")
    work = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQ_")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--work", str(work), "--data", str(DATA)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work / "smoke"


def result(smoke: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((smoke / "results" / f"{name}.json").read_text())


def test_quality_smoke_ranks_the_right_entries(smoke: Path) -> None:
    quality = result(smoke, "quality")
    assert quality["machine"]["nproc"] >= 1
    shipped = quality["shipped"]["table"]
    assert {"BM25 only", "dense only"} < set(shipped)
    assert any(name.startswith("shipped (w=") for name in shipped)
    assert all(row["recall@3"] >= 0.6 for row in shipped.values())  # 5 sample entries: the model finds them
    stackfaq = quality["stackfaq"]["table"]["zero-shot"]
    assert quality["stackfaq"]["counts"] == {"threads": 10, "queries": 100}
    assert stackfaq["dense only"]["P@1"] >= 0.8  # 10 threads: paraphrases find their own thread
    liveqa = quality["liveqa"]
    assert liveqa["counts"]["questions"] == 104
    assert set(liveqa["table"]) == {"original", "summary"}
    for table in liveqa["table"].values():
        assert all(0 <= row["avgScore"] <= 3 for row in table.values())


def test_speed_smoke_measures_every_ratio(smoke: Path) -> None:
    speed = result(smoke, "speed")
    core, cold = speed["core"], speed["cold"]
    assert 0 < core["forward_s"] <= core["answer_s"] * 1.5  # answering includes a forward pass
    assert cold["seconds"]["faq --help"] < cold["seconds"]["faq ask"]  # --help does not load the model
    assert cold["model_load_s"] > 0
    assert len(speed["batch"]["points"]) >= 2
    assert speed["batch"]["points"][-1][0] == 5
    assert speed["build"]["entries"] == 20
    assert speed["build"]["one_edit_s"] > 0


def test_scale_smoke_flat_is_exact(smoke: Path) -> None:
    rows = result(smoke, "scale")["rows"]
    flat = [r for r in rows if r["kind"] == "flat"]
    assert flat and all(r["recall@10"] == 1.0 for r in flat)
    assert {r["kind"] for r in rows} == {"flat", "hnsw", "ivf", "bm25"}


def test_report_has_every_section(smoke: Path) -> None:
    text = (smoke / "benchmarks.md").read_text()
    for heading in ("## Machine and versions", "## Targets", "## Quality", "## Speed", "## Scale", "## Browser"):
        assert heading in text


def test_liveqa_metrics_follow_the_trec_definition() -> None:
    qrels = {"TQ1": {"a": 4, "b": 2}, "TQ2": {"c": 1}}
    ranked = [["a", "b"], ["x", "c"]]  # TQ1: excellent first; TQ2: unjudged first
    metrics = liveqa_metrics(ranked, ["TQ1", "TQ2"], qrels)
    assert metrics["avgScore"] == pytest.approx(1.5)  # (3 + 0) / 2
    assert metrics["succ@4+"] == 0.5
    assert metrics["judged@1"] == 0.5
    assert metrics["MRR@10"] == 0.5


def test_faq_metrics() -> None:
    metrics = faq_metrics([["a", "b"], ["b", "a"], ["c", "d", "e", "f", "g", "a"]], ["a", "a", "a"])
    assert metrics == pytest.approx({"P@1": 1 / 3, "R@5": 2 / 3, "MRR": (1 + 0.5 + 1 / 6) / 3})


def test_index_kind_is_chosen_by_size() -> None:
    assert choose_index_kind(FLAT_MAX_ROWS) == "flat"
    assert choose_index_kind(FLAT_MAX_ROWS + 1) == "hnsw"
    vectors = np.random.default_rng(0).standard_normal((500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = make_vector_index(vectors, "flat")
    approximate = make_vector_index(vectors, "hnsw")
    _, truth = exact.search(vectors[:20], 5)
    _, found = approximate.search(vectors[:20], 5)
    assert truth[:, 0].tolist() == list(range(20))  # each vector is its own nearest neighbour
    assert np.mean([len(set(a) & set(b)) / 5 for a, b in zip(truth, found, strict=True)]) >= 0.9
