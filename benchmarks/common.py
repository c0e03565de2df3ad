"""What every benchmark shares: paths, the machine description, timing and memory helpers, result files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
"""Scratch space for converted knowledge folders and indexes (git-ignored); never ./knowledge or ./index."""
SHARED_ENV = "FAQ_BENCH_DATA"
RESULTS = "results"


def shared_data(option: str | None = None) -> Path:
    """The external data sets: the option, else $FAQ_BENCH_DATA, else ../shared/benchmarks beside the repo."""
    return Path(option or os.environ.get(SHARED_ENV) or ROOT.parent / "shared" / "benchmarks")


def benchmark_parser(description: str, smoke_help: str) -> argparse.ArgumentParser:
    """The options every benchmark script shares: --smoke, --data, --work, --out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help=smoke_help)
    parser.add_argument("--data", help="external data sets (default ../shared/benchmarks)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default benchmarks/.work)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default <work>/results)")
    return parser


def work_dir(name: str, base: Path | None = None) -> Path:
    """A scratch folder under benchmarks/.work (or `base`), created on demand."""
    path = (base or WORK) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def machine() -> dict[str, Any]:
    """The machine and library versions a result was measured with."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("torch", "sentence-transformers", "transformers", "faiss-cpu", "bm25s", "numpy", "faq"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "-"
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
    }


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed(func: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `func`, after `warmup` untimed calls."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def faq_command() -> list[str]:
    """The `faq` console script of this interpreter's environment (what a user runs)."""
    script = Path(sys.executable).parent / "faq"
    return [str(script)] if script.exists() else [sys.executable, "-m", "faq.cli"]


def run_seconds(command: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of a whole process; raises CalledProcessError when it fails."""
    started = time.perf_counter()
    subprocess.run(command, input=stdin, text=True, capture_output=True, check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def write_result(name: str, data: dict[str, Any], out: Path) -> Path:
    """Save one benchmark's figures (with the machine) as JSON for the report."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2, default=float) + "\n")
    return path


def read_result(name: str, out: Path) -> dict[str, Any] | None:
    """A saved benchmark result, or None when that benchmark has not run."""
    path = out / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None
