"""Teaching the embedding model this clinic's own phrasings (`tune_epochs` in settings.yaml).

Each entry's question and alternates are different ways of asking one thing, and each red flag's
examples describe one symptom. Tuning pulls every phrasing towards the others of its group and
away from the other groups in the same batch (the in-batch-negatives loss of sentence-transformers'
MultipleNegativesRankingLoss). The model then places a new patient phrasing nearer the right entry:
on the public eval set it lifts recall@1 and recall@3 with the shipped settings by several points
(docs/benchmarks.md, the "untuned" row). The retriever ranks with the tuned model but leaves red
flags and the no-answer decision to the untuned one (see faq/retrieval.py).

Only the knowledge is used for training, never the eval set. The tuned copy is stored under
index/models/<fingerprint>/ and reused while the phrasings, the base model and these settings are
unchanged, so editing an answer's text or sources does not tune again.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faq.embedding import load_sentence_transformer, resolve_model, tokenizer_of

if TYPE_CHECKING:
    from faq.knowledge import KnowledgeBase

TUNING_VERSION = 1
"""Bump when the training procedure changes, so every stored tuned model is retrained."""
BATCH_SIZE = 32
LEARNING_RATE = 2e-5
SCALE = 20.0
"""Cosine similarities are multiplied by this before the softmax (sentence-transformers' default)."""
SEED = 0
MODELS_FOLDER = "models"


@dataclass(frozen=True)
class TunedModel:
    """Where a tuned model is stored, and how long training took (None when it was reused)."""

    path: Path
    seconds: float | None


def training_groups(kb: KnowledgeBase) -> list[list[str]]:
    """Phrasings that mean the same thing: each entry's question and alternates, each red flag's examples."""
    groups = [list(dict.fromkeys(e.phrasings())) for e in kb.entries]
    groups += [list(dict.fromkeys(f.examples)) for f in kb.red_flags]
    return [g for g in groups if len(g) > 1]


def fingerprint(kb: KnowledgeBase, base_model: str) -> str:
    """Changes whenever the tuned model would: other phrasings, base model, epochs or procedure."""
    recipe = {
        "version": TUNING_VERSION,
        "base": base_model,
        "epochs": kb.settings.tune_epochs,
        "groups": training_groups(kb),
        "hyper": [BATCH_SIZE, LEARNING_RATE, SCALE, SEED],
    }
    return hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def tuned_name(kb: KnowledgeBase, base_model: str) -> str | None:
    """The folder name under models/ of the tuned model `kb` asks for; None when tuning is off."""
    return f"tuned-{fingerprint(kb, base_model)}" if kb.settings.tune_epochs else None


def ensure_tuned(kb: KnowledgeBase, index_dir: Path, base_model: str, *, progress: bool = False) -> TunedModel:
    """The tuned model for `kb` under index_dir/models/, trained now unless an identical one is stored."""
    folder = index_dir / MODELS_FOLDER
    target = folder / f"tuned-{fingerprint(kb, base_model)}"
    if (target / "config_sentence_transformers.json").exists():
        return TunedModel(target, None)
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=f".{target.name}-"))
    try:
        model = load_sentence_transformer(resolve_model(base_model))
        train(model, training_groups(kb), kb.settings.tune_epochs, progress=progress)
        model.save(str(staging))
        if target.exists():  # a half-written folder from a crash; the staging copy is complete
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return TunedModel(target, time.perf_counter() - started)


def train(model: Any, groups: list[list[str]], epochs: int, *, progress: bool = False) -> None:
    """Fine-tune a SentenceTransformer in place: each phrasing must pick out one of its own group
    among every other phrasing in its batch."""
    import torch
    from tqdm.auto import tqdm

    torch.manual_seed(SEED)  # dropout draws from torch's global generator
    rng = random.Random(SEED)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    anchors = [(group, text) for group, texts in enumerate(groups) for text in texts]
    steps = epochs * -(-len(anchors) // BATCH_SIZE)
    model.train()
    with tqdm(total=steps, desc="Tuning the model", unit="batch", disable=not progress) as bar:
        for _ in range(epochs):
            rng.shuffle(anchors)
            for start in range(0, len(anchors), BATCH_SIZE):
                batch = anchors[start : start + BATCH_SIZE]
                positives = [rng.choice([t for t in groups[g] if t != text]) for g, text in batch]
                loss = _batch_loss(model, batch, positives)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                bar.update()
    model.eval()


def _batch_loss(model: Any, batch: list[tuple[int, str]], positives: list[str]) -> Any:
    import torch
    from torch.nn.functional import cross_entropy, normalize

    prepare = tokenizer_of(model)
    anchors = normalize(model(prepare([text for _, text in batch]))["sentence_embedding"], dim=1)
    targets = normalize(model(prepare(positives))["sentence_embedding"], dim=1)
    logits = anchors @ targets.T * SCALE
    group = torch.tensor([g for g, _ in batch])
    # Another phrasing of the same group elsewhere in the batch is not a wrong answer: leave it out.
    same_group = (group[:, None] == group[None, :]) & ~torch.eye(len(batch), dtype=torch.bool)
    logits = logits.masked_fill(same_group, float("-inf"))
    return cross_entropy(logits, torch.arange(len(batch)))


def prune_models(index_dir: Path, keep: set[str]) -> list[str]:
    """Delete stored tuned models whose folder name is not in `keep` (models no build uses); their names."""
    folder = index_dir / MODELS_FOLDER
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.iterdir():
        if path.is_dir() and not path.name.startswith(".") and path.name not in keep:  # dot: being written
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed
