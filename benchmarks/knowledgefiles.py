"""Writing a converted data set as a knowledge folder, so the real `faq build` and retriever are measured."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import ROOT
from faq.knowledge import load_knowledge
from faq.schema import Settings

REVIEWED = "2026-11-26"
REVIEWER = "benchmark converter"
FILE_SIZE = 200
"""Entries per YAML file. Loading is much faster in small files (faq.knowledge maps field lines per
file in time quadratic in the file's entries; see docs/benchmarks.md)."""
INERT_RED_FLAGS = """\
# External data sets have no urgent cases: one red flag that can never fire (no trigger occurs in
# the data, and red_flag_min_similarity is 1.0 in settings.yaml), because the schema requires one.
- id: benchmark-placeholder
  level: urgent
  title: Placeholder
  triggers: [zzq placeholder trigger qqz]
  examples: [zzq placeholder example qqz]
  care: Call {clinic_name}.
"""

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Item:
    """One FAQ entry of an external data set, before it becomes YAML."""

    id: str
    question: str
    category: str
    url: str | None = None
    citation: str | None = None
    alternates: list[str] = field(default_factory=list)
    answer: str = ""

    def as_yaml(self) -> dict[str, Any]:
        """The entry in the knowledge schema (see README, 'Add or change an entry')."""
        source: dict[str, str] = {"title": self.citation or self.category}
        if self.url:
            source["url"] = self.url
        else:
            source["citation"] = self.citation or "benchmark data set"
        return {
            "id": self.id,
            "question": self.question,
            # The schema needs one alternate; repeating the question adds no information (its
            # embedding is the same row twice, and BM25 sees every entry doubled alike).
            "alternates": self.alternates or [self.question],
            "answer": self.answer or "See the source.",
            "category": self.category,
            "sources": [source],
            "status": "reviewed",  # benchmark data, never shown to patients: no sample-answer label
            "reviewed": REVIEWED,
            "reviewer": REVIEWER,
        }


def slug(text: str) -> str:
    """A valid entry id made of lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def shipped_settings() -> Settings:
    """The retrieval settings the clinic ships (knowledge/settings.yaml, else the defaults)."""
    path = ROOT / "knowledge" / "settings.yaml"
    if not path.exists():
        return Settings()
    return load_knowledge(ROOT / "knowledge").settings


def benchmark_settings(base: Settings | None = None) -> Settings:
    """The shipped settings, with red flags switched off and no no-answer cut-off, for ranking metrics.

    Tuning is off: the external collections measure the model zero-shot (tuning on 16,000 MedQuAD
    entries would take hours here); tuning is measured on the clinic's own eval set instead.
    """
    base = base or shipped_settings()
    off = {"min_score": 0.0, "red_flag_min_similarity": 1.0, "red_flag_margin": 1.0, "tune_epochs": 0}
    return base.model_copy(update=off)


def write_knowledge(
    folder: Path, files: dict[str, Iterable[Item]], settings: Settings, file_size: int = FILE_SIZE
) -> int:
    """Replace `folder` with one YAML file per group of items, the shipped clinic.yaml, an inert red flag
    and `settings`; returns the number of entries written."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    count = 0
    for name, items in files.items():
        entries = [item.as_yaml() for item in items]
        count += len(entries)
        for part, start in enumerate(range(0, len(entries), file_size)):
            chunk = entries[start : start + file_size]
            text = yaml.dump(chunk, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
            file = f"{name}.yaml" if len(entries) <= file_size else f"{name}-{part:03d}.yaml"
            (folder / file).write_text(text, encoding="utf-8")
    shutil.copyfile(ROOT / "knowledge" / "clinic.yaml", folder / "clinic.yaml")
    (folder / "red_flags.yaml").write_text(INERT_RED_FLAGS, encoding="utf-8")
    values = settings.model_dump(mode="json")
    (folder / "settings.yaml").write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")
    return count
