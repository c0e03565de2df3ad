"""Building the FAISS index: manifest, incremental cache, atomic install, and refusing a bad index."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np
import pytest
from click.testing import Result
from index_faults import INDEX_FAULTS, current_is_a_folder, unknown_row_id

from faq.embedding import Encoder
from faq.errors import IndexCorruptError, IndexMissingError, IndexStaleError
from faq.index import build_index, check_fresh, current_build, load_index, load_models
from faq.knowledge import load_knowledge

if TYPE_CHECKING:
    from numpy.typing import NDArray


def test_build_writes_manifest_and_index(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    kb = load_knowledge(knowledge)
    report = build_index(kb, tmp_path / "index", encoder)
    manifest = json.loads((report.path / "manifest.json").read_text())
    assert manifest["model"] == "default"
    assert manifest["dimension"] == 384
    assert manifest["entry_count"] == 5
    assert manifest["text_count"] == sum(len(e.phrasings()) for e in kb.entries)
    assert manifest["knowledge_hash"] == kb.content_hash()
    assert manifest["package_version"] == "0.1.0"
    loaded = load_index(tmp_path / "index")
    assert loaded.vectors.ntotal == manifest["text_count"]
    check_fresh(loaded, kb, "default")


def test_rebuild_after_one_edit_embeds_only_the_changed_text(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    first = build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    assert first.reused == 0
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("- how painful is it", "- how painful is a session"))
    second = build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    models = 1 if second.multilingual_problem else 2  # the sentence model, and the multilingual one
    assert (second.encoded, second.reused) == (models, first.encoded - models)


def test_interrupted_build_keeps_previous_index(
    knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    build_index(load_knowledge(knowledge), index, encoder)
    before = current_build(index)
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))

    # Fault injection, not a fake: the real writer is replaced by one that dies half way, as a
    # killed process or a full disk would.
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(faiss, "write_index", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(load_knowledge(knowledge), index, encoder)
    assert current_build(index) == before
    assert load_index(index).vectors.ntotal > 0
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".")]


def test_old_builds_are_pruned(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    kb = load_knowledge(knowledge)
    for _ in range(4):
        build_index(kb, tmp_path / "index", encoder)
    assert len(list((tmp_path / "index" / "builds").iterdir())) <= 2


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match=r"no index in .* — run `faq build` to create it"):
        load_index(tmp_path / "nothing")


def test_corrupt_index_file(built: Path) -> None:
    (current_build(built) / "vectors.faiss").write_bytes(b"not a faiss index")
    with pytest.raises(IndexCorruptError, match=r"cannot be read \(RuntimeError\) — run `faq build` to rebuild it"):
        load_index(built)


def test_truncated_manifest(built: Path) -> None:
    manifest = current_build(built) / "manifest.json"
    manifest.write_text(manifest.read_text()[:40])
    with pytest.raises(IndexCorruptError, match="run `faq build`"):
        load_index(built)


def test_stale_index_after_knowledge_edit(built: Path, knowledge: Path) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))
    with pytest.raises(
        IndexStaleError, match=r"knowledge files changed since the index was built .* — run `faq build`"
    ):
        check_fresh(load_index(built), load_knowledge(knowledge), "default")


def test_model_mismatch_is_refused(built: Path, knowledge: Path) -> None:
    with pytest.raises(IndexStaleError, match="built with model 'default' but 'some/other-model' is configured"):
        check_fresh(load_index(built), load_knowledge(knowledge), "some/other-model")


def test_cli_refuses_stale_index(built: Path, knowledge: Path, faq: Callable[..., Result]) -> None:
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))
    result = faq("ask", "does it hurt")
    assert result.exit_code == 1
    assert "the knowledge files changed since the index was built" in result.output
    assert faq("build").exit_code == 0
    assert faq("ask", "does it hurt").exit_code == 0


def test_cli_refuses_other_model(built: Path, faq: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_MODEL", "sentence-transformers/paraphrase-MiniLM-L3-v2")
    result = faq("ask", "does it hurt")
    assert result.exit_code == 1
    assert "built with model 'default'" in result.output


def test_cli_build_reports_counts(knowledge: Path, tmp_path: Path, faq: Callable[..., Result]) -> None:
    result = faq("build", "--knowledge", str(knowledge), "--index", str(tmp_path / "idx"))
    assert result.exit_code == 0
    assert "Built index of 5 entries (20 phrasings, 3 red flags)" in result.output
    again = faq("build", "--knowledge", str(knowledge), "--index", str(tmp_path / "idx"))
    assert "0 texts embedded, 61 reused from cache" in again.output  # 29 texts, and 32 for the multilingual model


SAMPLE_EVAL = Path(__file__).parent / "data" / "sample_eval.yaml"


@pytest.mark.parametrize("fault", INDEX_FAULTS, ids=list(INDEX_FAULTS))
def test_damaged_index_is_refused_with_the_fix(built: Path, fault: str) -> None:
    damage, problem = INDEX_FAULTS[fault]
    damage(built)
    with pytest.raises(IndexCorruptError) as err:
        load_index(built)
    assert problem in str(err.value)
    assert str(err.value).endswith("— run `faq build` to rebuild it")


@pytest.mark.parametrize("fault", INDEX_FAULTS, ids=list(INDEX_FAULTS))
@pytest.mark.parametrize("command", ["ask", "eval"])
def test_cli_names_the_fix_for_a_damaged_index_and_build_repairs_it(
    built: Path, fault: str, command: str, faq: Callable[..., Result]
) -> None:
    INDEX_FAULTS[fault][0](built)
    args = ["ask", "does it hurt"] if command == "ask" else ["eval", str(SAMPLE_EVAL)]
    result = faq(*args)
    assert result.exit_code in (1, 2), result.output
    assert "unexpected" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "run `faq build`" in result.output
    assert faq("build").exit_code == 0
    assert faq(*args).exit_code == 0


def test_unknown_row_id_then_a_knowledge_edit_names_the_fix(
    built: Path, knowledge: Path, faq: Callable[..., Result]
) -> None:
    unknown_row_id(built)
    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp", "short cramp"))
    result = faq("ask", "does it hurt")
    assert result.exit_code == 1
    assert "unexpected" not in result.output and "run `faq build`" in result.output


def test_build_over_a_current_folder_keeps_it_aside(built: Path, knowledge: Path, encoder: Encoder) -> None:
    current_is_a_folder(built)
    build_index(load_knowledge(knowledge), built, encoder)
    assert load_index(built).vectors.ntotal == 20
    (kept,) = built.glob("CURRENT.damaged-*")
    assert (kept / "notes").is_dir()  # nothing a person put there is lost


class _NarrowEncoder:
    """A deterministic 8-wide stand-in that claims the default model's name, as a different model
    saved under the same name would: only the vectors' width matters here."""

    name = "default"
    dimension = 8

    def encode(self, texts: list[str], *, progress: bool = False) -> NDArray[np.float32]:
        digests = [hashlib.sha256(t.encode()).digest()[:8] for t in texts]
        vectors = np.array([list(d) for d in digests], dtype=np.float32).reshape(-1, 8) + 1.0
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_index_of_another_width_than_the_model_is_refused(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    build_index(load_knowledge(knowledge), tmp_path / "index", _NarrowEncoder())  # type: ignore[arg-type]
    index = load_index(tmp_path / "index")
    with pytest.raises(IndexCorruptError, match=r"8-wide vectors but model 'default' gives 384\) — run `faq build`"):
        load_models(index, lambda name: encoder)
