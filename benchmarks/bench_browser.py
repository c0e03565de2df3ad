"""Enter -> answer visible in a real browser: median and p90 over 20 questions after warm-up.

    python benchmarks/bench_browser.py [--knowledge knowledge] [--out docs/benchmarks-browser.md]

Builds an index of the knowledge into a temp folder, starts `streamlit run app.py` on a free local
port, and drives Debian's Chromium at 1280x800. Each time runs from the Enter key press to the first
text of the new reply being laid out on screen (checked every animation frame). The result is printed
and written as Markdown for docs/benchmarks.md to include.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from faq.embedding import load_encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.web.harness import DESKTOP, ask, launch_chromium, open_app, running_app

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = ["hello", "does it hurt", "how much is it"]
QUESTIONS = [
    "will the needles hurt me",
    "how much does a session cost",
    "is dry needling the same as acupuncture",
    "can it help my sciatica",
    "what should i wear",
    "am i going to be sore afterwards",
    "whats the wifi password",
    "do i need a referral from my doctor",
    "how many sessions will i need",
    "are the needles clean",
    "can i work out after",
    "im scared of needles",
    "cant breathe since my session this morning",
    "is it safe when pregnant",
    "how long does an appointment take",
    "i bruise easily, is that a problem",
    "can kids get dry needling",
    "what are the risks",
    "do you take my insurance",
    "why did my muscle jump",
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(knowledge: Path) -> list[float]:
    """Seconds from Enter to visible reply for each of QUESTIONS, after WARM_UP questions."""
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build_index(load_knowledge(knowledge), index, load_encoder("default"))
        env = {"FAQ_KNOWLEDGE": str(knowledge.resolve()), "FAQ_INDEX": str(index)}
        with running_app(ROOT / "app.py", env, Path(tmp) / "server.log") as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport=DESKTOP)
            open_app(page, url)
            for turn, question in enumerate(WARM_UP, start=1):
                ask(page, question, turn)
            times = [ask(page, q, turn) for turn, q in enumerate(QUESTIONS, start=len(WARM_UP) + 1)]
            browser.close()
    return times


def report(times: list[float]) -> str:
    """The result as a Markdown section."""
    ms = [t * 1000 for t in times]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        "## Browser: Enter to answer visible\n\n"
        f"`benchmarks/bench_browser.py`, {dt.date.today():%Y-%m-%d}: Chromium 1280x800, {os.cpu_count()} CPUs, "
        f"load average {load} at the end of the run. {len(WARM_UP)} warm-up questions, then {len(ms)} timed ones "
        "in one chat session (the conversation grows as it would for a patient).\n\n"
        "| median | p90 | min | max |\n| --- | --- | --- | --- |\n"
        f"| {statistics.median(ms):.0f} ms | {_percentile(ms, 0.9):.0f} ms | {min(ms):.0f} ms | {max(ms):.0f} ms |\n\n"
        "Each question in ms: " + ", ".join(f"{m:.0f}" for m in ms) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-browser.md")
    args = parser.parse_args()
    text = report(measure(args.knowledge))
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
