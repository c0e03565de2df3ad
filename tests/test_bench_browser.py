"""The browser benchmark keeps working: its --smoke run drives real Chromium patients against the real app
and writes a sane report. Timings are not asserted (speed targets live in docs/benchmarks-browser.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from faq.web.harness import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)")


def test_smoke_run_measures_every_section(shipped_index: Path, tmp_path: Path) -> None:
    out, figures = tmp_path / "browser.md", tmp_path / "browser.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQ_")}
    # The accessibility section runs tests/test_accessibility.py, which CI runs anyway.
    args = ["--smoke", "--no-accessibility", "--index", str(shipped_index), "--out", str(out), "--json", str(figures)]
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_browser.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(figures.read_text())
    plan, summary = result["plan"], result["summary"]
    assert len(result["turns_s"]) == plan["turns"]
    assert len(result["together_s"]) == plan["patients"]
    assert all(len(times) == plan["questions_each"] for times in result["together_s"])
    assert all(0 < t < 60 for t in result["turns_s"])  # each reply really appeared
    assert result["memory"][-1]["sessions"] == plan["short_sessions"]
    assert summary["rss_end_mb"] > 100  # the server holds a loaded model
    assert 0 < summary["forward_ms"] <= summary["answer_ms"]  # an answer includes a forward
    assert summary["server_cpu_ms"] > 0  # the server's CPU time was read
    text = out.read_text()
    for heading in ("## Browser", "### One long conversation", "### Patients at once", "### Server memory"):
        assert heading in text
