"""Building the FAISS index: manifest, incremental cache, atomic install, and refusing a bad index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import faiss
import pytest
from click.testing import Result

from faq.embedding import Encoder
from faq.errors import IndexCorruptError, IndexMissingError, IndexStaleError
from faq.index import build_index, check_fresh, current_build, load_index
from faq.knowledge import load_knowledge


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
    assert (second.encoded, second.reused) == (1, first.encoded - 1)


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
    assert "0 texts embedded, 29 reused from cache" in again.output
