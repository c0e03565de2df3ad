"""The page in a real browser: `streamlit run app.py` on a free port, driven by Playwright with Debian's
Chromium at phone (390x844) and desktop (1280x800) size. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from faq.embedding import Encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.web.harness import CHROMIUM, DESKTOP, PHONE, ask, open_app, running_app

ROOT = Path(__file__).parent.parent
SAMPLE_KB = Path(__file__).parent / "data" / "kb"
ARTIFACTS = ROOT / "test-artifacts"
ANSWER_QUESTION = "will the needles be painful"
URGENT_QUESTION = "cant breathe since my session this morning"
STAFF = "staff-test-password"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"),
    pytest.mark.timeout(180),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[tuple[str, Path]]:
    """The app on the sample knowledge, its index built in a temp folder; yields its URL and log file."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(SAMPLE_KB, root / "knowledge")
    build_index(load_knowledge(root / "knowledge"), root / "index", encoder)
    env = {"FAQ_KNOWLEDGE": str(root / "knowledge"), "FAQ_INDEX": str(root / "index"), "FAQ_STAFF_PASSWORD": STAFF}
    log = root / "server.log"
    with running_app(ROOT / "app.py", env, log) as url:
        yield url, log


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Browser, server: tuple[str, Path]) -> Iterator[Page]:
    """A new browser tab (its own Streamlit session) at phone or desktop size, with the page loaded."""
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    open_app(page, server[0])
    yield page
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = "phone" if page.viewport_size == PHONE else "desktop"
    page.screenshot(path=str(ARTIFACTS / f"browser-{size}-{name}.png"))


def test_question_then_red_flag(page: Page, server: tuple[str, Path]) -> None:
    disclaimer = page.locator(".st-key-disclaimer")
    expect(disclaimer).to_contain_text("General information only, not medical advice.")

    ask(page, ANSWER_QUESTION, turn=1)
    answer = page.locator(".st-key-answer-1")
    expect(answer.get_by_role("heading", name="Does dry needling hurt?")).to_be_visible()
    expect(answer).to_contain_text("Most people feel a brief cramp or ache when the needle reaches the muscle.")
    expect(answer).to_contain_text("Last reviewed November 1, 2026 by Test Reviewer, PT")
    expect(disclaimer).to_be_in_viewport()
    _shot(page, "answer")

    ask(page, URGENT_QUESTION, turn=2)
    card = page.locator(".st-key-care-emergency-2")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Call 911 now.")
    expect(card.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    first_block = page.locator(".st-key-reply-2 [class*='st-key-']").first
    expect(first_block).to_have_class(re.compile(r"(^|\s)st-key-care-emergency-2(\s|$)"))
    expect(disclaimer).to_be_in_viewport()
    _shot(page, "care-card")

    log = server[1].read_text(errors="replace")
    assert ANSWER_QUESTION not in log
    assert URGENT_QUESTION not in log


EMBED_PAGE = """<!doctype html><html lang="en"><head><title>Test Spine Clinic</title></head><body>
<h1>Our clinic</h1>
<iframe src="{url}/?embed=true" title="Dry needling questions" style="width:390px; height:800px; border:0"></iframe>
</body></html>"""
"""The README's embed snippet, on a page of the clinic's own website."""


def test_embedded_in_another_website(browser: Browser, server: tuple[str, Path], tmp_path: Path) -> None:
    """The page in an iframe on another origin (README, "Embedding it in the clinic's website") loads,
    answers, and shows a care card, with the app's default CORS and XSRF settings."""
    (tmp_path / "index.html").write_text(EMBED_PAGE.format(url=server[0]), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as website:
        threading.Thread(target=website.serve_forever, daemon=True).start()
        context = browser.new_context(viewport=DESKTOP)
        try:
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{website.server_address[1]}/index.html")  # another port: another origin
            frame = page.frame_locator("iframe[title='Dry needling questions']")
            box = frame.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=120_000)
            box.fill(URGENT_QUESTION)
            box.press("Enter")
            card = frame.locator(".st-key-care-emergency-1")
            expect(card).to_contain_text("Call 911 now.", timeout=30_000)
            expect(frame.locator(".st-key-disclaimer")).to_contain_text("General information only")
            _shot(page, "embedded")
        finally:
            context.close()
            website.shutdown()


def test_staff_page_behind_password(page: Page, server: tuple[str, Path]) -> None:
    expect(page.locator("a[href*='staff']")).to_have_count(0)  # the patient page never links to it
    page.goto(f"{server[0]}/staff")
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Staff password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That password is not right.")).to_be_visible()
    expect(page.get_by_role("tab", name="Knowledge health")).to_have_count(0)
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Staff password").fill(STAFF)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("tab", name="Knowledge health")).to_be_visible(timeout=60_000)
    health = page.get_by_role("tabpanel", name="Knowledge health")
    expect(health.get_by_text("Entries", exact=True)).to_be_visible()
    _shot(page, "staff")
