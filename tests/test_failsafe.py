"""Fail-safe: no staff mistake or broken file takes the page down.

Whatever is broken in the knowledge folder (tests/data/broken_knowledge) or the index folder
(tests/index_faults.py), a patient gets an answer from the last good index, or the page with the
clinic's phone and "call 911", never an exception; staff get the reason (paths, the validate
output) on the staff side only, and the CLI names the fix in one line. Real model, real FAISS
index, the real app through Streamlit's AppTest, and one check in Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from apptest import TIMEOUT, start
from apptest import ask as ask_page
from click.testing import Result
from index_faults import INDEX_FAULTS, TUNED_MODEL_FAULTS, unknown_row_id
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from faq.embedding import Encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.web import resources
from faq.web.harness import CHROMIUM, ask, launch_chromium, open_app, running_app
from faq.web.serving import PATIENT_NOTICE

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
SAMPLE_KB = DATA / "kb"
BROKEN_KNOWLEDGE = sorted(p for p in (DATA / "broken_knowledge").iterdir() if p.is_dir())
APP = ROOT / "app.py"
FAQ = Path(sys.executable).parent / "faq"
QUESTION = "does it hurt??"
ANSWER = "Does dry needling hurt?"
RED_FLAG_QUESTION = "cant breathe since my session yesterday"
PHONE = "(555) 000-1111"


def _copy_over(source: Path, target: Path) -> None:
    """Lay `source` over `target`: each file or folder in it replaces the one of that name."""
    for path in source.iterdir():
        destination = target / path.name
        if path.is_dir():
            shutil.copytree(path, destination)
        else:
            shutil.copy(path, destination)


def _built(root: Path, encoder: Encoder, settings: str | None = None) -> Path:
    shutil.copytree(SAMPLE_KB, root / "knowledge")
    if settings is not None:
        (root / "knowledge" / "settings.yaml").write_text(settings)
    build_index(load_knowledge(root / "knowledge"), root / "index", encoder)
    return root


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Path:
    """The sample knowledge and one good index of it, built once for the module; tests copy it."""
    return _built(tmp_path_factory.mktemp("good"), encoder)


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Path:
    """As `good`, with the model tuned on the phrasings (one epoch: the sample's phrasings fit one batch)."""
    return _built(tmp_path_factory.mktemp("tuned"), encoder, "tune_epochs: 1\n")


def _site(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A writable copy of a built site, with FAQ_KNOWLEDGE and FAQ_INDEX pointing at it."""
    knowledge, index = tmp_path / "knowledge", tmp_path / "index"
    shutil.copytree(source / "knowledge", knowledge)
    shutil.copytree(source / "index", index)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(index))
    return knowledge, index


@pytest.fixture
def site(good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The good site, copied for one test to break."""
    return _site(good, tmp_path, monkeypatch)


def _block(app: AppTest, key: str) -> Block | None:
    try:
        found = app.get_by_key(key)
    except KeyError:
        return None
    assert isinstance(found, Block)
    return found


def _page_text(app: AppTest) -> str:
    """Everything a patient can read on the page."""
    kinds = ("title", "markdown", "caption", "info", "error", "warning", "success", "code", "text", "subheader")
    values = [str(element.value) for kind in kinds for element in getattr(app, kind)]
    values += [str(e.label) for e in app.expander] + [str(b.label) for b in app.button]
    return "\n".join(values)


def _assert_patient_sees_no_internals(app: AppTest, tmp_path: Path) -> None:
    text = _page_text(app)
    for internal in (str(tmp_path), "faq validate", "faq build", ".yaml", "CURRENT", "Traceback"):
        assert internal not in text


def _assert_answers_from_the_last_good_index(app: AppTest) -> None:
    reply = _block(ask_page(app, QUESTION), "answer-1")
    assert reply is not None, _page_text(app)
    assert reply.subheader[0].value == ANSWER
    card = _block(ask_page(app, RED_FLAG_QUESTION), "care-emergency-2")  # the red flags still work too
    assert card is not None, _page_text(app)


def _assert_call_page(app: AppTest) -> None:
    page = _block(app, "unavailable")
    assert page is not None, _page_text(app)
    assert PHONE in page.info[0].value
    assert "call 911 now" in page.error[0].value
    assert [b.proto.url for b in page.get("link_button")] == ["tel:5550001111"]


@pytest.mark.parametrize("case", BROKEN_KNOWLEDGE, ids=[p.name for p in BROKEN_KNOWLEDGE])
def test_broken_knowledge_still_answers_from_the_last_good_index(
    case: Path, site: tuple[Path, Path], tmp_path: Path
) -> None:
    knowledge, _ = site
    _copy_over(case, knowledge)
    app = start()
    _assert_answers_from_the_last_good_index(app)
    _assert_patient_sees_no_internals(app, tmp_path)


def test_staff_get_the_details_patients_only_a_neutral_notice(site: tuple[Path, Path], tmp_path: Path) -> None:
    knowledge, _ = site
    _copy_over(DATA / "broken_knowledge" / "yaml_syntax_error", knowledge)
    app = ask_page(start(), QUESTION)
    notice = _block(app, "update-notice")
    assert notice is not None and notice.caption[0].value == f":material/update: {PATIENT_NOTICE}"
    _assert_patient_sees_no_internals(app, tmp_path)
    staff = resources.holder().staff_notice()  # the holder the page used: st.cache_resource is per process
    assert staff is not None
    assert "because the knowledge files have 1 problem — run `faq validate`" in staff.summary
    (detail,) = staff.details
    assert detail.startswith("knowledge/basics.yaml:") and "YAML syntax error" in detail


@pytest.mark.parametrize("knowledge_ok", [True, False], ids=["valid-knowledge", "broken-knowledge"])
@pytest.mark.parametrize("fault", INDEX_FAULTS, ids=list(INDEX_FAULTS))
def test_broken_index_still_answers_or_says_how_to_reach_the_clinic(
    fault: str, knowledge_ok: bool, site: tuple[Path, Path], tmp_path: Path
) -> None:
    knowledge, index = site
    INDEX_FAULTS[fault][0](index)
    if not knowledge_ok:
        _copy_over(DATA / "broken_knowledge" / "yaml_syntax_error", knowledge)
    app = start()
    if knowledge_ok or _block(app, "unavailable") is None:
        _assert_answers_from_the_last_good_index(app)
    else:  # no usable index, and none can be built from broken knowledge
        _assert_call_page(app)
    _assert_patient_sees_no_internals(app, tmp_path)


def test_damaged_rows_then_a_knowledge_edit_keeps_the_index_in_memory(site: tuple[Path, Path]) -> None:
    knowledge, index = site
    first = ask_page(start(), QUESTION)
    unknown_row_id(index)
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))  # triggers a reload
    _assert_answers_from_the_last_good_index(start())
    ask_page(first, "how much is it")  # the earlier session keeps answering too
    assert _block(first, "answer-2") is not None


def test_no_index_and_broken_knowledge_shows_the_call_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SAMPLE_KB, knowledge)
    _copy_over(DATA / "broken_knowledge" / "yaml_syntax_error", knowledge)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(tmp_path / "index"))
    app = start()
    _assert_call_page(app)
    _assert_patient_sees_no_internals(app, tmp_path)
    staff = resources.holder().staff_notice()
    assert staff is not None and staff.summary.startswith(f"No index can be used, because no index in {tmp_path}")


@pytest.mark.parametrize("fault", TUNED_MODEL_FAULTS, ids=list(TUNED_MODEL_FAULTS))
def test_lost_tuned_model_still_answers(
    fault: str, tuned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = _site(tuned, tmp_path, monkeypatch)
    TUNED_MODEL_FAULTS[fault](index)
    app = start()
    _assert_answers_from_the_last_good_index(app)
    staff = resources.holder().staff_notice()
    assert staff is not None and "run `faq build` to tune it again" in staff.summary


@pytest.mark.parametrize("fault", TUNED_MODEL_FAULTS, ids=list(TUNED_MODEL_FAULTS))
def test_lost_tuned_model_is_named_by_the_cli_and_retuned_by_build(
    fault: str, tuned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faq: Callable[..., Result]
) -> None:
    _, index = _site(tuned, tmp_path, monkeypatch)
    TUNED_MODEL_FAULTS[fault](index)
    for args in (["ask", QUESTION], ["eval", str(DATA / "sample_eval.yaml")]):
        refused = faq(*args)
        assert refused.exit_code == 1
        (line,) = refused.output.strip().splitlines()
        assert line.startswith(f"Error: the tuned model {index}/models/tuned-")
        assert line.endswith(" is missing or damaged — run `faq build` to tune it again")
        assert "settings.yaml" not in refused.output
    rebuilt = faq("build")
    assert rebuilt.exit_code == 0
    assert "The model was tuned on the phrasings" in rebuilt.output
    answered = faq("ask", QUESTION, "--json")
    assert json.loads(answered.output)["answers"][0]["id"] == "does-it-hurt"


def _faq_process(good: Path, *args: bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    folders = [b"--knowledge", bytes(good / "knowledge"), b"--index", bytes(good / "index")]
    return subprocess.run(
        [bytes(FAQ), b"ask", *args, *folders, b"--json"], input=stdin, capture_output=True, timeout=TIMEOUT
    )


def test_invalid_utf8_argument_is_answered(good: Path) -> None:
    done = _faq_process(good, b"does it \xff hurt")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.decode().splitlines()
    assert json.loads(line)["answers"][0]["id"] == "does-it-hurt"


def test_invalid_utf8_on_standard_input_answers_every_line(good: Path) -> None:
    done = _faq_process(good, stdin=b"does it hurt\nhow \xff\xfe much is it\r\nwhat is dry needling\n")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line)["answers"][0]["id"] for line in done.stdout.decode().splitlines()]
    assert answers == ["does-it-hurt", "cost-and-insurance", "what-is-dry-needling"]


@pytest.fixture
def broken_server(good: Path, tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` over the good index with a YAML syntax error in the knowledge."""
    shutil.copytree(good / "knowledge", tmp_path / "knowledge")
    shutil.copytree(good / "index", tmp_path / "index")
    _copy_over(DATA / "broken_knowledge" / "yaml_syntax_error", tmp_path / "knowledge")
    env = {"FAQ_KNOWLEDGE": str(tmp_path / "knowledge"), "FAQ_INDEX": str(tmp_path / "index")}
    with running_app(APP, env, tmp_path / "server.log") as url:
        yield url


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)")
@pytest.mark.timeout(180)
def test_browser_page_answers_with_broken_knowledge(broken_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            open_app(page, broken_server)
            ask(page, QUESTION, turn=1)
            expect(page.locator(".st-key-answer-1").get_by_role("heading", name=ANSWER)).to_be_visible()
            expect(page.locator(".st-key-update-notice")).to_contain_text(PATIENT_NOTICE)
            body = page.locator("body").inner_text()
            assert "basics.yaml" not in body and str(tmp_path) not in body
        finally:
            browser.close()
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "knowledge/basics.yaml:" in log  # the details went to the server log, for staff
    assert QUESTION not in log
