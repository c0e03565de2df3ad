"""Tuning the real bundled model on the knowledge's phrasings: it learns, it is stored, reused and pruned."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from faq.embedding import Encoder, load_encoder, load_sentence_transformer, resolve_model
from faq.errors import IndexStaleError
from faq.index import build_index, check_fresh, load_index
from faq.knowledge import load_knowledge
from faq.retrieval import open_retriever
from faq.tuning import MODELS_FOLDER, train, training_groups


def _turn_tuning_on(knowledge: Path, epochs: int = 1) -> None:
    (knowledge / "settings.yaml").write_text(f"tune_epochs: {epochs}\n")


def _group_margin(vectors: np.ndarray, groups: list[int]) -> float:
    """Mean over phrasings of (closest phrasing of its own group) - (closest phrasing of any other group)."""
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    labels = np.array(groups)
    same = labels[:, None] == labels[None, :]
    own = np.where(same, similarity, -np.inf).max(axis=1)
    other = np.where(~same, similarity, -np.inf).max(axis=1)
    return float(np.mean(own - other))


def test_training_separates_the_groups(knowledge: Path) -> None:
    groups = training_groups(load_knowledge(knowledge))
    texts = [t for g in groups for t in g]
    labels = [i for i, g in enumerate(groups) for _ in g]
    model = load_sentence_transformer(resolve_model("default"))  # a private copy: training changes it
    before = model.encode(texts, normalize_embeddings=True)
    train(model, groups, epochs=2)
    after = model.encode(texts, normalize_embeddings=True)
    assert _group_margin(after, labels) > _group_margin(before, labels) + 0.05


def test_build_tunes_once_and_reuses_while_phrasings_are_unchanged(
    knowledge: Path, tmp_path: Path, encoder: Encoder
) -> None:
    _turn_tuning_on(knowledge)
    index = tmp_path / "index"
    first = build_index(load_knowledge(knowledge), index, encoder)
    assert first.tuning_seconds is not None
    assert first.manifest.model == "default"
    tuned = first.manifest.tuned_model
    assert tuned is not None and (index / MODELS_FOLDER / tuned).is_dir()

    basics = knowledge / "basics.yaml"
    basics.write_text(basics.read_text().replace("brief cramp or ache", "brief cramp or dull ache"))
    second = build_index(load_knowledge(knowledge), index, encoder)
    assert (second.tuning_seconds, second.manifest.tuned_model) == (None, tuned)
    assert second.encoded == 0  # the answer text is not embedded; the tuned vectors come from the cache

    loaded = load_index(index)
    assert loaded.ranking_model == str(index / MODELS_FOLDER / tuned)
    retriever = open_retriever(knowledge, index)
    assert (retriever.encoder.name, retriever.ranker and retriever.ranker.name) == ("default", loaded.ranking_model)
    result = retriever.answer("is it painful having the needles put in")
    assert result.status == "answered" and result.matches[0].entry.id == "does-it-hurt"


def test_new_phrasings_retune_and_unused_models_are_deleted(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    _turn_tuning_on(knowledge)
    index = tmp_path / "index"
    basics = knowledge / "basics.yaml"
    versions = ["- how painful is it", "- how painful is a session", "- how painful is the first visit"]
    names = []
    for old, new in itertools.pairwise(versions):
        names.append(build_index(load_knowledge(knowledge), index, encoder).manifest.tuned_model)
        basics.write_text(basics.read_text().replace(old, new))
    names.append(build_index(load_knowledge(knowledge), index, encoder).manifest.tuned_model)
    assert len(set(names)) == 3
    stored = {p.name for p in (index / MODELS_FOLDER).iterdir()}
    assert stored == set(names[1:])  # the two builds kept; the first build's model went with it
    # One embedding cache for the untuned model and one per kept tuned model: the first one's went too.
    assert len(list((index / "cache").iterdir())) == 4  # the base and multilingual models, two tuned copies


def test_changing_tune_epochs_makes_the_index_stale(built: Path, knowledge: Path) -> None:
    _turn_tuning_on(knowledge)
    with pytest.raises(IndexStaleError, match=r"`tune_epochs` in settings\.yaml changed"):
        check_fresh(load_index(built), load_knowledge(knowledge), "default")


def test_a_tuned_model_loads_offline_from_its_folder(knowledge: Path, tmp_path: Path, encoder: Encoder) -> None:
    _turn_tuning_on(knowledge)
    build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    tuned = load_encoder(str(load_index(tmp_path / "index").ranking_model))
    vectors = tuned.encode(["does it hurt??", "does it hurt??", "what is dry needling"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(vectors[0], encoder.encode(["does it hurt??"])[0], atol=1e-3)
