"""Regenerate the README screenshots: an answer, a no-answer and a care card, at phone and desktop size.

    python docs/screenshots/make_screenshots.py [INDEX]

Uses the shipped knowledge/ with an index built into a temp folder (./index is not touched), or with
INDEX when given (an index already built from knowledge/, e.g. ./index after `faq build`: no rebuild).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from faq.embedding import load_encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.web.harness import DESKTOP, PHONE, ask, launch_chromium, open_app, running_app

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHOTS = {
    "answer": "does it hurt",
    "no-answer": "whats the wifi password",
    "care-card": "cant breathe since my session this morning",
}
SCROLL_TO_QUESTION = """() => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  messages[messages.length - 2].scrollIntoView({block: "start"});
}"""


def main() -> None:
    """Write docs/screenshots/<size>-<case>.png."""
    with tempfile.TemporaryDirectory() as tmp:
        given = sys.argv[1:]
        index = Path(given[0]) if given else Path(tmp) / "index"
        if not given:
            build_index(load_knowledge(ROOT / "knowledge"), index, load_encoder("default"))
        env = {"FAQ_KNOWLEDGE": str(ROOT / "knowledge"), "FAQ_INDEX": str(index)}
        with running_app(ROOT / "app.py", env, Path(tmp) / "server.log") as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
                for case, question in SHOTS.items():
                    context = browser.new_context(viewport=viewport, device_scale_factor=1)
                    page = context.new_page()
                    open_app(page, url)
                    ask(page, question, turn=1)
                    page.wait_for_timeout(800)  # let the page finish its last rerun and settle
                    page.evaluate(SCROLL_TO_QUESTION)
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(HERE / f"{size}-{case}.png"))
                    context.close()
            browser.close()


if __name__ == "__main__":
    main()
