"""Running the app for real: `streamlit run` on a free local port and Debian's Chromium via Playwright.

Shared by the browser test, the speed benchmark and the screenshot script, so all three drive the
page the same way. Playwright is a dev dependency and is imported only by `launch_chromium`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, ViewportSize

CHROMIUM = os.environ.get("FAQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
STARTUP_SECONDS = 120.0
STOP_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode} before it was ready")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout:.0f}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # Its own process group (start_new_session), so this reaches only the server we started.
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_SECONDS)


@dataclasses.dataclass(frozen=True)
class Server:
    """A running `streamlit run`: where to reach it, and its process (for its memory)."""

    url: str
    pid: int

    def rss_mb(self) -> float:
        """The server process's resident memory in MB (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS line for process {self.pid}")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far, user and system, all threads (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running_server(app: Path, env: Mapping[str, str], log_file: Path) -> Iterator[Server]:
    """Start `streamlit run app` headless on 127.0.0.1; yield it; stop it on exit.

    Everything the server prints goes to `log_file`, so a test can check that no question leaks there.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
    ]
    url = f"http://127.0.0.1:{port}"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=app.parent,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(url, process, STARTUP_SECONDS)
            yield Server(url, process.pid)
        finally:
            _stop(process)


@contextlib.contextmanager
def running_app(app: Path, env: Mapping[str, str], log_file: Path) -> Iterator[str]:
    """`running_server`, yielding only its URL."""
    with running_server(app, env, log_file) as server:
        yield server.url


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (Playwright cannot download browsers here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_app(page: Page, url: str, timeout_ms: float = 120_000) -> None:
    """Load the page and wait until the assistant is ready for a question (model and index loaded)."""
    page.goto(url)
    page.locator(".st-key-welcome").wait_for(timeout=timeout_ms)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=timeout_ms)


REPLY_SHOWN = """turn => {
  const text = document.querySelector(`.st-key-reply-${turn} [data-testid="stMarkdownContainer"]`);
  return text !== null && text.getBoundingClientRect().height > 0;
}"""


def ask(page: Page, question: str, turn: int, timeout_ms: float = 30_000) -> float:
    """Type a question, press Enter, wait until reply `turn` shows text; the seconds that took.

    Checked on every animation frame: Playwright's own waits back off to 500 ms between checks,
    which would measure their polling, not the page.
    """
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(REPLY_SHOWN, arg=turn, polling="raf", timeout=timeout_ms)
    return time.perf_counter() - started
