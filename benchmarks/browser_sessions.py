"""Patients in a real browser, for the browser benchmark: one long conversation, several at once, many short ones.

Playwright's async API drives one Debian Chromium with one browser context (its own cookies, so its own
Streamlit session) per patient, so several patients can wait for their answers at the same time. Each
time runs from the Enter key press to the first text of the new reply being laid out on screen, checked
on every animation frame (the same check as `faq.web.harness.ask`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playwright.async_api import Browser, Page, Playwright

from faq.web.harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP, REPLY_SHOWN

LOAD_MS = 120_000
ANSWER_MS = 60_000


async def open_patient(browser: Browser, url: str) -> Page:
    """A new patient (browser context) at desktop size with the page loaded and ready for a question."""
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(url)
    await page.locator(".st-key-welcome").wait_for(timeout=LOAD_MS)
    await page.get_by_test_id("stChatInputTextArea").wait_for(timeout=LOAD_MS)
    return page


async def ask(page: Page, question: str, turn: int) -> float:
    """Type a question, press Enter, wait until reply `turn` shows text; the seconds that took."""
    box = page.get_by_test_id("stChatInputTextArea")
    await box.fill(question)
    started = time.perf_counter()
    await box.press("Enter")
    await page.wait_for_function(REPLY_SHOWN, arg=turn, polling="raf", timeout=ANSWER_MS)
    return time.perf_counter() - started


async def conversation(browser: Browser, url: str, questions: Sequence[str]) -> list[float]:
    """One patient asking `questions` in turn in one chat; the seconds each answer took."""
    page = await open_patient(browser, url)
    try:
        return [await ask(page, question, turn) for turn, question in enumerate(questions, start=1)]
    finally:
        await page.context.close()


async def side_by_side(browser: Browser, url: str, patients: int, questions: Sequence[str]) -> list[list[float]]:
    """`patients` patients asking `questions` at the same time, each starting at a different question so
    they do not all ask the same thing at once; each patient's seconds per answer."""
    pages = [await open_patient(browser, url) for _ in range(patients)]
    try:

        async def patient(page: Page, shift: int) -> list[float]:
            mine = [questions[(shift + i) % len(questions)] for i in range(len(questions))]
            return [await ask(page, question, turn) for turn, question in enumerate(mine, start=1)]

        return list(await asyncio.gather(*(patient(page, shift) for shift, page in enumerate(pages))))
    finally:
        for page in pages:
            await page.context.close()


@dataclass(frozen=True)
class MemoryPoint:
    """Server memory after this many short sessions (each opened the page, asked one question, left)."""

    sessions: int
    rss_mb: float


async def short_sessions(
    browser: Browser, url: str, count: int, at_once: int, question: str, rss_mb: Callable[[], float]
) -> list[MemoryPoint]:
    """`count` patients, `at_once` at a time, each asking one question; the server's memory after each group."""
    points = [MemoryPoint(0, rss_mb())]
    done = 0
    while done < count:
        group = min(at_once, count - done)
        await asyncio.gather(*(conversation(browser, url, [question]) for _ in range(group)))
        done += group
        points.append(MemoryPoint(done, rss_mb()))
    return points


async def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's headless Chromium with the same flags as the tests (Playwright cannot download browsers here)."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
