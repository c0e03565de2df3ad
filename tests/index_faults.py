"""Ways an index folder gets damaged (a bad copy, a sync tool, a manual edit, a disk error), each with
the words `load_index` must name it by. Shared by test_index.py and test_failsafe.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from faq.index import current_build


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def binary_current(index: Path) -> None:
    """CURRENT overwritten with binary bytes."""
    (index / "CURRENT").write_bytes(b"\xff\xfe\x00\x89PNG\r\n")


def current_is_a_folder(index: Path) -> None:
    """CURRENT replaced by a folder (with something in it, which must not be lost)."""
    (index / "CURRENT").unlink()
    (index / "CURRENT" / "notes").mkdir(parents=True)


def unknown_row_id(index: Path) -> None:
    """rows.json names an entry the build's knowledge does not have."""
    _edit_json(current_build(index) / "rows.json", lambda rows: rows["entries"].__setitem__(0, "no-such-entry"))


def narrow_red_flag_vectors(index: Path) -> None:
    """red_flags.npy holds vectors of the wrong width."""
    path = current_build(index) / "red_flags.npy"
    np.save(path, np.load(path)[:, :100])


def wrong_manifest_dimension(index: Path) -> None:
    """manifest.json states another dimension than its vectors have."""
    _edit_json(current_build(index) / "manifest.json", lambda manifest: manifest.__setitem__("dimension", 512))


def tuned_model_deleted(index: Path) -> None:
    """index/models/ deleted: the tuned model is gone."""
    shutil.rmtree(index / "models")


def tuned_model_damaged(index: Path) -> None:
    """The tuned model's weights cut short, as an interrupted copy leaves them."""
    (weights,) = (index / "models").glob("tuned-*/model.safetensors")
    weights.write_bytes(weights.read_bytes()[:1000])


INDEX_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "binary-current": (binary_current, "the CURRENT file does not name a build"),
    "current-is-a-folder": (current_is_a_folder, "the CURRENT file does not name a build"),
    "unknown-row-id": (unknown_row_id, "rows.json names entry `no-such-entry`"),
    "narrow-npy": (narrow_red_flag_vectors, "red_flags.npy holds 100-wide vectors, not 384"),
    "manifest-dimension": (wrong_manifest_dimension, "vectors.faiss holds 384-wide vectors, not 512"),
}
"""Faults of an untuned index: how to cause each, and what `load_index` must say."""

TUNED_MODEL_FAULTS: dict[str, Callable[[Path], None]] = {
    "tuned-model-deleted": tuned_model_deleted,
    "tuned-model-damaged": tuned_model_damaged,
}
