"""The patient page in a real browser: Enter -> answer over a long chat, with patients at once, and memory.

    python benchmarks/bench_browser.py [--knowledge knowledge] [--index index] [--out docs/benchmarks-browser.md]
    python benchmarks/bench_browser.py --smoke --knowledge tests/data/kb --out /tmp/browser.md

Copies the index (or builds one) into a temp folder, brings it up to date with `build_index`, starts
`streamlit run app.py` on a free local port and drives Debian's Chromium at 1280x800 (see
benchmarks/browser_sessions.py). It measures, in this order:

1. the cost of one question in this process: `Retriever.answer` against one bare forward of the model;
2. one patient's 30-turn conversation: ms per turn, the median, and turns 26-30 against turns 1-5 (they
   ask the same five questions, so the ratio compares like with like);
3. one patient asking ten questions, then five patients asking ten each at the same time: p95 of each;
4. the server's memory (RSS) while 100 short sessions (one question each) come and go;
5. accessibility: it runs tests/test_accessibility.py (axe-core at WCAG 2.2 AA on every view at 390 and
   1280 px, keyboard-only use, the care card's announcement) and reports each test's outcome.

The load average is read before and after, because the machine may be shared. Writes Markdown (and, with
--json, the figures) and prints the Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ sits beside src/

from benchmarks import browser_sessions as patients
from benchmarks.common import machine, median, percentile
from faq.embedding import load_encoder
from faq.index import build_index, load_index
from faq.knowledge import load_knowledge
from faq.retrieval import make_retriever
from faq.web.harness import Server, running_server

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
    "there is pus where the needle went in",
    "can i drive home afterwards",
    "does it work for headaches",
    "what is electrical dry needling",
    "should i eat before my appointment",
]
"""A patient's questions: answers, a no-answer, care cards. Past 25 turns the first ones come round again."""


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full benchmark, or the tiny smoke run CI does."""

    turns: int = 30
    patients: int = 5
    questions_each: int = 10
    short_sessions: int = 100
    sessions_at_once: int = 5
    forward_repeats: int = 30

    @classmethod
    def smoke(cls) -> Plan:
        return cls(turns=6, patients=2, questions_each=3, short_sessions=4, sessions_at_once=2, forward_repeats=3)


@dataclass
class Figures:
    """Everything one run measured, in seconds and MB."""

    plan: Plan
    machine: dict[str, Any]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    forward_s: float = 0.0
    answer_s: float = 0.0
    forwards_per_question: float = 0.0
    turns_s: list[float] = field(default_factory=list)
    single_s: list[float] = field(default_factory=list)
    server_cpu_s: float = 0.0
    """Server CPU time per question while one patient asked alone."""
    together_s: list[list[float]] = field(default_factory=list)
    memory: list[patients.MemoryPoint] = field(default_factory=list)
    accessibility: dict[str, str] = field(default_factory=dict)
    """Each test of tests/test_accessibility.py and its outcome (passed, failed, skipped)."""
    seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        """The headline numbers (ms and MB), for the report and the smoke test."""
        turns = [t * 1000 for t in self.turns_s]
        first, last = turns[:5], turns[-5:]
        together = [t * 1000 for times in self.together_s for t in times]
        single = [t * 1000 for t in self.single_s]
        rss = [m.rss_mb for m in self.memory]
        return {
            "turn_median_ms": median(turns),
            "turns_last5_over_first5": median(last) / median(first),
            "single_p95_ms": percentile(single, 95),
            "together_p95_ms": percentile(together, 95),
            "together_over_single_p95": percentile(together, 95) / percentile(single, 95),
            "rss_start_mb": rss[0],
            "rss_end_mb": rss[-1],
            "rss_per_session_kb": (rss[-1] - rss[0]) * 1024 / max(1, self.memory[-1].sessions),
            "server_cpu_ms": self.server_cpu_s * 1000,
            "answer_ms": self.answer_s * 1000,
            "forward_ms": self.forward_s * 1000,
            "answer_over_forward": self.answer_s / self.forward_s,
        }


def question_cost(knowledge: Path, index: Path, repeats: int) -> tuple[float, float, float]:
    """Median seconds of `Retriever.answer` and of one bare model forward on the same questions, and how
    many model calls one answer makes (base model, tuned ranking model and any other)."""
    retriever = make_retriever(load_index(index), load_knowledge(knowledge))
    encoder, calls = retriever.encoder, [0]
    models = [m for m in (retriever.encoder, retriever.ranker) if m is not None]
    for model in models:
        encode = model.encode

        def counted(texts: list[str], *, _encode: Any = encode, **options: Any) -> Any:
            calls[0] += 1
            return _encode(texts, **options)

        model.encode = counted  # type: ignore[method-assign]
    for question in WARM_UP:
        retriever.answer(question)
    answers, forwards = [], []
    for _ in range(repeats):
        for question in QUESTIONS:
            started = time.perf_counter()
            encoder.encode([question])
            forwards.append(time.perf_counter() - started)
    calls[0] = 0
    for _ in range(repeats):
        for question in QUESTIONS:
            started = time.perf_counter()
            retriever.answer(question)
            answers.append(time.perf_counter() - started)
    return median(answers), median(forwards), calls[0] / (repeats * len(QUESTIONS))


def prepared_index(knowledge: Path, source: Path | None, target: Path) -> Path:
    """An up-to-date index of `knowledge` in `target`: a copy of `source` brought up to date, else a new one."""
    if source is not None and (source / "CURRENT").exists():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("questions.sqlite3*", "last-eval.json"))
    build_index(load_knowledge(knowledge), target, load_encoder("default"))
    return target


async def in_browser(server: Server, plan: Plan, figures: Figures) -> None:
    """The browser measurements, one after the other so they do not disturb each other."""
    conversation = [QUESTIONS[i % len(QUESTIONS)] for i in range(plan.turns)]
    if plan.turns >= 30:
        conversation[-5:] = conversation[:5]  # like with like, whatever the number of questions
    batch = QUESTIONS[: plan.questions_each]
    async with async_playwright() as playwright:
        browser = await patients.launch_chromium(playwright)
        await patients.conversation(browser, server.url, WARM_UP)
        figures.turns_s = await patients.conversation(browser, server.url, conversation)
        cpu = server.cpu_seconds()
        figures.single_s = await patients.conversation(browser, server.url, batch)
        figures.server_cpu_s = (server.cpu_seconds() - cpu) / len(batch)
        figures.together_s = await patients.side_by_side(browser, server.url, plan.patients, batch)
        figures.memory = await patients.short_sessions(
            browser, server.url, plan.short_sessions, plan.sessions_at_once, "does it hurt", server.rss_mb
        )
        await browser.close()


def accessibility_outcomes(work: Path) -> dict[str, str]:
    """Run tests/test_accessibility.py (the axe-core, keyboard and screen-reader checks CI runs) and read
    each test's outcome from its JUnit report."""
    report_file = work / "accessibility.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report_file}"]
    subprocess.run([*command, str(ROOT / "tests" / "test_accessibility.py")], cwd=ROOT, check=False)
    outcomes = {}
    for case in ET.parse(report_file).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[case.get("name", "?")] = (
            "failed" if failed else "skipped" if case.find("skipped") is not None else "passed"
        )
    return outcomes


def measure(knowledge: Path, index: Path | None, plan: Plan, with_accessibility: bool = True) -> Figures:
    """Run every measurement on `knowledge` (index copied from `index` when given)."""
    started = time.perf_counter()
    figures = Figures(plan, machine(), os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        built = prepared_index(knowledge, index, Path(tmp) / "index")
        figures.answer_s, figures.forward_s, figures.forwards_per_question = question_cost(
            knowledge, built, plan.forward_repeats
        )
        env = {"FAQ_KNOWLEDGE": str(knowledge.resolve()), "FAQ_INDEX": str(built)}
        with running_server(ROOT / "app.py", env, Path(tmp) / "server.log") as server:
            asyncio.run(in_browser(server, plan, figures))
        if with_accessibility:
            figures.accessibility = accessibility_outcomes(Path(tmp))
    figures.load_after = os.getloadavg()
    figures.seconds = time.perf_counter() - started
    return figures


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def report(figures: Figures) -> str:
    """The result as a Markdown section (docs/benchmarks.md includes it)."""
    s, plan, m = figures.summary(), figures.plan, figures.machine
    turns = ", ".join(f"{t * 1000:.0f}" for t in figures.turns_s)
    single = [t * 1000 for t in figures.single_s]
    together = [t * 1000 for times in figures.together_s for t in times]
    memory = ", ".join(f"{p.sessions}: {p.rss_mb:.0f}" for p in figures.memory)
    busy = figures.load_before[0] > 0.5 * (m["nproc"] or 1)  # the end load is mostly the benchmark's own browsers
    loaded = (
        f"**The machine was loaded** (1-minute load average above half its {m['nproc']} cores at the start): "
        "other jobs shared the CPU, so times are longer than on a quiet machine."
        if busy
        else "The machine was quiet at the start (1-minute load average at most half its cores; the load at the "
        "end is mostly the benchmark's own browser sessions)."
    )
    return f"""## Browser: Enter to answer visible

`benchmarks/bench_browser.py`, {m["date"]}: {m["cpu"]}, {m["nproc"]} CPUs, {m["memory_gb"]} GB, \
Python {m["python"]}, torch {m["torch"]}; Chromium 1280x800, server and browser on the same machine. \
Load average (1, 5, 15 min)
{_load(figures.load_before)} at the start, {_load(figures.load_after)} at the end; \
{figures.seconds:.0f} s in all. {loaded}

Each time runs from the Enter key press to the first text of the new reply laid out on screen (checked on
every animation frame). After {len(WARM_UP)} warm-up questions in a session of their own:

### One long conversation ({plan.turns} turns, one patient)

| median | turns 1-5 (median) | turns {plan.turns - 4}-{plan.turns} (median) | ratio | target |
| --- | --- | --- | --- | --- |
| {s["turn_median_ms"]:.0f} ms | {median([t * 1000 for t in figures.turns_s[:5]]):.0f} ms | \
{median([t * 1000 for t in figures.turns_s[-5:]]):.0f} ms | {s["turns_last5_over_first5"]:.2f} | \
median < 300 ms, ratio ≤ 1.2 |

Per turn in ms: {turns}

### Patients at once ({plan.patients} x {plan.questions_each} questions against 1 x {plan.questions_each})

| | median | p95 | max |
| --- | --- | --- | --- |
| one patient alone | {median(single):.0f} ms | {s["single_p95_ms"]:.0f} ms | {max(single):.0f} ms |
| {plan.patients} patients at once | {median(together):.0f} ms | {s["together_p95_ms"]:.0f} ms | \
{max(together):.0f} ms |

p95 with {plan.patients} at once is {s["together_over_single_p95"]:.2f}x the p95 alone (target ≤ 2x). The patients
ask without pausing to read, each starting at a different question, so this is the server's worst case.

Each question alone cost the server {s["server_cpu_ms"]:.0f} ms of CPU (all threads: the script rerun,
drawing, the model). With {plan.patients} questions arriving together, the last one waits for the CPU
time of the others whatever the locking: about {plan.patients} x {s["server_cpu_ms"]:.0f} ms \
= {plan.patients * s["server_cpu_ms"]:.0f} ms on one core, or half that if the work spread over \
{m["nproc"]} cores (Python runs one thread at a time, so it mostly does not).

### Server memory ({plan.short_sessions} short sessions, {plan.sessions_at_once} at a time, one question each)

RSS {s["rss_start_mb"]:.0f} MB before, {s["rss_end_mb"]:.0f} MB after: {s["rss_per_session_kb"]:.0f} kB per session
(sessions still held; Streamlit forgets a closed one after `server.disconnectedSessionTTL`, 120 s).
Sessions: MB = {memory}

### One question against one bare model forward (in-process, no browser)

`Retriever.answer` takes {s["answer_ms"]:.1f} ms (median over {len(QUESTIONS)} questions x {plan.forward_repeats});
one bare forward of the base model on the same question takes {s["forward_ms"]:.1f} ms: an answer costs
{s["answer_over_forward"]:.1f} forwards' time and makes {figures.forwards_per_question:.1f} model calls
(the base model on the question and its sentences in one batch, and the tuned ranking model).
{_accessibility_section(figures.accessibility)}"""


def _accessibility_section(outcomes: dict[str, str]) -> str:
    if not outcomes:
        return ""
    rows = "\n".join(f"| `{name}` | {outcome} |" for name, outcome in outcomes.items())
    passed = sum(outcome == "passed" for outcome in outcomes.values())
    return f"""
### Accessibility (tests/test_accessibility.py, run by this benchmark and by CI)

axe-core (WCAG 2.2 AA: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) on the welcome screen, an answer, a care
card, a no-answer reply, browse and the staff page (sign-in, inbox, eval tabs), each at 390 and 1280 px,
must find 0 violations; keyboard-only use (Tab to an example, Enter to ask, every focus stop ringed and
not hidden behind the question bar) at both widths; the care card announced as an alert.
{passed} of {len(outcomes)} passed:

| test | outcome |
| --- | --- |
{rows}
"""


def main(argv: list[str] | None = None) -> Figures:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="copied, never written (default index/)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-browser.md")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only checks the benchmark works")
    parser.add_argument("--no-accessibility", action="store_true", help="skip running tests/test_accessibility.py")
    args = parser.parse_args(argv)
    plan = Plan.smoke() if args.smoke else Plan()
    figures = measure(args.knowledge, args.index, plan, with_accessibility=not args.no_accessibility)
    text = report(figures)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    if args.json is not None:
        args.json.write_text(json.dumps({**asdict(figures), "summary": figures.summary()}, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
