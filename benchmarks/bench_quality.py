"""Retrieval quality: BM25-only, dense-only and the shipped ranker, on the shipped eval set, TREC
LiveQA-Med 2017 over MedQuAD, and StackFAQ, in one run, with each data set's own metrics.

Every set is converted to a knowledge folder, built with `build_index` (what `faq build` runs) and
answered through `open_retriever` (what `faq ask` and the app run). The three rankers are the same
retriever with `lexical_weight` 1 (BM25 only), 0 (dense only) and the shipped value.

Usage: python -m benchmarks.bench_quality [--smoke] [--data DIR] [--out DIR]
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import convert_liveqa, convert_stackfaq
from benchmarks.common import ROOT, benchmark_parser, median, shared_data, work_dir, write_result
from benchmarks.knowledgefiles import shipped_settings
from faq.calibration import MIN_NO_ANSWER_ACCURACY, MIN_SCORES, calibrate, write_settings
from faq.embedding import load_encoder
from faq.evaluation import Case, Metrics, case_signals, load_cases, run_cases, score
from faq.index import build_index, check_fresh, load_index
from faq.knowledge import SETTINGS_FILE, load_knowledge
from faq.retrieval import Retriever, Signals, make_retriever
from faq.schema import Settings

SHIPPED_EVAL = ROOT / "tests" / "data" / "eval.yaml"
SMOKE_KNOWLEDGE = ROOT / "tests" / "data" / "kb"
SMOKE_EVAL = ROOT / "tests" / "data" / "sample_eval.yaml"
DEPTH = 10


def rankers(settings: Settings) -> dict[str, float]:
    """Ranker name -> lexical weight."""
    return {"BM25 only": 1.0, "dense only": 0.0, f"shipped (w={settings.lexical_weight:g})": settings.lexical_weight}


def open_built(knowledge: Path, index: Path) -> tuple[Retriever, float]:
    """Build (incrementally) and open the index for `knowledge`, as `faq build` then `open_retriever` do,
    reading the (large) knowledge folder once; returns the retriever and seconds to load and build."""
    started = time.perf_counter()
    kb = load_knowledge(knowledge)
    encoder = load_encoder(kb.settings.model)
    build_index(kb, index, encoder)
    seconds = time.perf_counter() - started
    loaded = load_index(index)
    check_fresh(loaded, kb, kb.settings.model)
    return make_retriever(loaded, kb), seconds


def ranked_ids(retriever: Retriever, signals: list[Signals], weight: float, depth: int) -> list[list[str]]:
    """Top `depth` entry ids per question under `weight` (ties: the entry listed first wins)."""
    settings = retriever.settings.model_copy(update={"lexical_weight": weight, "min_score": 0.0})
    return [[m.entry.id for m in retriever.decide(s, depth, settings).matches] for s in signals]


def query_latency(retriever: Retriever, questions: list[str]) -> float:
    """Median seconds of `Retriever.answer` (encode + rank + triage) at this collection size."""
    times = []
    for question in questions:
        started = time.perf_counter()
        retriever.answer(question)
        times.append(time.perf_counter() - started)
    return median(times[2:] or times)


def liveqa_metrics(ranked: list[list[str]], qids: list[str], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """TREC LiveQA-Med measures of the top answer (grade 1-4 mapped to 0-3, unjudged = 0) plus MRR@10 (grade >= 2)."""
    grades = [qrels.get(q, {}).get(r[0], 0) if r else 0 for q, r in zip(qids, ranked, strict=True)]
    points = [max(g - 1, 0) for g in grades]
    reciprocal = []
    for qid, ids in zip(qids, ranked, strict=True):
        rank = next((i + 1 for i, x in enumerate(ids[:DEPTH]) if qrels.get(qid, {}).get(x, 0) >= 2), None)
        reciprocal.append(1 / rank if rank else 0.0)
    n = len(qids)
    return {
        "avgScore": sum(points) / n,
        "succ@2+": sum(g >= 2 for g in grades) / n,
        "succ@3+": sum(g >= 3 for g in grades) / n,
        "succ@4+": sum(g >= 4 for g in grades) / n,
        "judged@1": sum(g > 0 for g in grades) / n,
        "MRR@10": sum(reciprocal) / n,
    }


def faq_metrics(ranked: list[list[str]], expected: list[str]) -> dict[str, float]:
    """P@1, R@5 and MRR with one right entry per query (StackFAQ at thread level)."""
    ranks = [next((i + 1 for i, x in enumerate(r) if x == e), None) for r, e in zip(ranked, expected, strict=True)]
    n = len(ranks)
    return {
        "P@1": sum(r == 1 for r in ranks) / n,
        "R@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "MRR": sum(1 / r for r in ranks if r) / n,
    }


def bench_liveqa(out: Path, smoke: bool, data: Path) -> dict[str, Any]:
    """LiveQA-Med 2017 test questions (original and NLM summary) against all of MedQuAD."""
    counts = convert_liveqa.convert(data, out, limit_docs=60 if smoke else None)
    retriever, build_seconds = open_built(out / "knowledge", out / "index")
    queries = json.loads((out / "queries.json").read_text())
    qrels = json.loads((out / "qrels.json").read_text())
    qids = [q["qid"] for q in queries]
    table: dict[str, dict[str, dict[str, float]]] = {}
    for variant in ("original", "summary"):
        signals = retriever.signals_for([q[variant] or q["original"] for q in queries])
        table[variant] = {
            name: liveqa_metrics(ranked_ids(retriever, signals, w, DEPTH), qids, qrels)
            for name, w in rankers(retriever.settings).items()
        }
    latency = query_latency(retriever, [q["summary"] for q in queries[:12]])
    return {"counts": counts, "build_seconds": build_seconds, "query_seconds": latency, "table": table}


def _cases(path: Path) -> tuple[list[str], list[str]]:
    cases = json.loads(json.dumps(__import__("yaml").safe_load(path.read_text())))
    return [c["question"] for c in cases], [c["expect"] for c in cases]


def bench_stackfaq(out: Path, smoke: bool, data: Path) -> dict[str, Any]:
    """StackFAQ paraphrases -> thread titles (zero-shot), and with half the paraphrases as alternates."""
    counts = convert_stackfaq.convert(data, out, limit=10 if smoke else None)
    table: dict[str, dict[str, dict[str, float]]] = {}
    pooled: dict[str, list[tuple[list[str], str]]] = {}
    for setting in ("zero-shot", "half-a", "half-b"):
        retriever, _ = open_built(out / setting / "knowledge", out / setting / "index")
        questions, expected = _cases(out / setting / "eval.yaml")
        signals = retriever.signals_for(questions)
        depth = len(retriever.entries)
        for name, w in rankers(retriever.settings).items():
            ranked = ranked_ids(retriever, signals, w, depth)
            if setting == "zero-shot":
                table.setdefault("zero-shot", {})[name] = faq_metrics(ranked, expected)
            else:
                pooled.setdefault(name, []).extend(zip(ranked, expected, strict=True))
    table["alternates (2-fold)"] = {
        name: faq_metrics([r for r, _ in rows], [e for _, e in rows]) for name, rows in pooled.items()
    }
    return {"counts": counts, "table": table}


def _best_threshold(retriever: Retriever, cases: list[Case], signals: list[Signals], weight: float) -> Settings:
    """The min_score with the best balanced accuracy at a fixed weight, among those that refuse enough
    no-answer cases when any does (faq calibrate's objective)."""
    best: tuple[bool, float, float] | None = None
    chosen = retriever.settings
    for threshold in MIN_SCORES:
        candidate = retriever.settings.model_copy(update={"lexical_weight": weight, "min_score": threshold})
        m = score(cases, run_cases(retriever, signals, candidate))
        answered = 1 - sum(f.expected[0] not in ("no-answer", "urgent") for f in m.failures) / max(
            1, sum(c.kind == "answer" for c in cases)
        )
        refuses_enough = (m.no_answer_accuracy or 0.0) >= MIN_NO_ANSWER_ACCURACY - 1e-9
        key = (refuses_enough, float(np.mean([answered, m.no_answer_accuracy or 0.0])), m.mrr or 0.0)
        if best is None or key > best:
            best, chosen = key, candidate
    return chosen


def bench_shipped(out: Path, smoke: bool) -> dict[str, Any]:
    """The shipped knowledge and eval set, measured exactly as `faq eval` measures it."""
    knowledge = out / "knowledge"
    if knowledge.exists():
        shutil.rmtree(knowledge)
    shutil.copytree(SMOKE_KNOWLEDGE if smoke else ROOT / "knowledge", knowledge)  # a snapshot: never written to
    retriever, _ = open_built(knowledge, out / "index")
    cases = load_cases(SMOKE_EVAL if smoke else SHIPPED_EVAL, {e.id for e in retriever.entries})
    signals = case_signals(retriever, cases)
    table = {}
    for name, weight in rankers(retriever.settings).items():
        if weight == retriever.settings.lexical_weight and name.startswith("shipped"):
            settings = retriever.settings  # as shipped, thresholds included
        else:
            settings = _best_threshold(retriever, cases, signals, weight)  # its own best min_score
        table[name] = _row(score(cases, run_cases(retriever, signals, settings)), settings)
    if retriever.settings.tune_epochs:
        # The same knowledge without tuning, calibrated as `faq calibrate` would: what tuning adds.
        untuned = out / "knowledge-untuned"
        if untuned.exists():
            shutil.rmtree(untuned)
        shutil.copytree(knowledge, untuned)
        write_settings(untuned / SETTINGS_FILE, retriever.settings.model_copy(update={"tune_epochs": 0}), "Untuned.")
        plain, _ = open_built(untuned, out / "index-untuned")
        chosen = calibrate(plain, cases)
        name = f"untuned (w={chosen.settings.lexical_weight:g}, own calibration)"
        table[name] = _row(chosen.metrics, chosen.settings)
    return {"cases": len(cases), "entries": len(retriever.entries), "table": table}


def _row(m: Metrics, settings: Settings) -> dict[str, Any]:
    return {
        "recall@1": m.recall_at_1,
        "recall@3": m.recall_at_3,
        "MRR": m.mrr,
        "urgent recall": m.urgent_recall,
        "no-answer accuracy": m.no_answer_accuracy,
        "false alarms": m.false_alarms,
        "min_score": settings.min_score,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run all three quality benchmarks and write results/quality.json."""
    args = benchmark_parser(
        "Retrieval quality against published baselines.", "tiny versions of each set (for CI)"
    ).parse_args(argv)
    work = work_dir("smoke" if args.smoke else "full", args.work)
    data = shared_data(args.data)
    result = {
        "smoke": args.smoke,
        "settings": shipped_settings().model_dump(mode="json"),
        "shipped": bench_shipped(work_dir("shipped", work), args.smoke),
        "stackfaq": bench_stackfaq(work_dir("stackfaq", work), args.smoke, data),
        "liveqa": bench_liveqa(work_dir("liveqa", work), args.smoke, data),
    }
    path = write_result("quality", result, args.out or work / "results")
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
