"""Run every benchmark in one go and write docs/benchmarks.md (`make bench`).

Quality first (its MedQuAD embeddings feed the scale benchmark), then speed, scale, the browser
benchmark when benchmarks/bench_browser.py exists, and the report.
With --smoke everything runs tiny and the report goes to benchmarks/.work/smoke/benchmarks.md.

Usage: python -m benchmarks.run [--smoke] [--data DIR] [--work DIR] [--skip quality,speed,scale,browser]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import bench_quality, bench_scale, bench_speed, report
from benchmarks.common import ROOT, WORK

BROWSER = ROOT / "benchmarks" / "bench_browser.py"


def main(argv: list[str] | None = None) -> Path:
    """Run the benchmarks; returns the report's path."""
    parser = argparse.ArgumentParser(description="Run all benchmarks and write the report.")
    parser.add_argument("--smoke", action="store_true", help="tiny versions (what CI runs)")
    parser.add_argument("--data", help="external data sets (default ../shared/benchmarks)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default benchmarks/.work)")
    parser.add_argument("--skip", default="", help="comma-separated: quality, speed, scale, browser")
    args = parser.parse_args(argv)
    work = args.work or WORK
    results = work / ("smoke" if args.smoke else "full") / "results"
    doc = results.parent / "benchmarks.md" if args.smoke else ROOT / "docs" / "benchmarks.md"
    common = [*(["--smoke"] if args.smoke else []), "--work", str(work), "--out", str(results)]
    data = ["--data", args.data] if args.data else []
    skip = set(filter(None, args.skip.split(",")))
    steps = [
        ("quality", lambda: bench_quality.main([*common, *data])),
        ("speed", lambda: bench_speed.main([*common, *data])),
        ("scale", lambda: bench_scale.main(common)),
    ]
    for name, step in steps:
        if name not in skip:
            started = time.perf_counter()
            step()
            print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    if "browser" not in skip and BROWSER.exists() and not args.smoke:
        subprocess.run([sys.executable, str(BROWSER)], check=True, cwd=ROOT)
    report.render(results, doc)
    print(f"wrote {doc}")
    return doc


if __name__ == "__main__":
    main()
