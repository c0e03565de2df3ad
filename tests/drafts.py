"""Turning entries of the sample knowledge (tests/data/kb) back into drafts, the way the shipped
entries are written (no `status`, `reviewed` or `reviewer`). Shared by the CLI and page tests."""

from __future__ import annotations

import re
from pathlib import Path

SIGN_OFF = re.compile(r"  status: reviewed\n  reviewed: .*\n  reviewer: .*\n")


def make_draft(knowledge: Path, entry_id: str, *, serve_drafts: bool | None = None) -> None:
    """Delete the sign-off lines of one entry in basics.yaml; with `serve_drafts`, also set it in clinic.yaml."""
    basics = knowledge / "basics.yaml"
    text = basics.read_text()
    found = SIGN_OFF.search(text, text.index(f"- id: {entry_id}\n"))
    assert found is not None, entry_id
    basics.write_text(text[: found.start()] + text[found.end() :])
    if serve_drafts is not None:
        clinic = knowledge / "clinic.yaml"
        clinic.write_text(clinic.read_text() + f"serve_drafts: {str(serve_drafts).lower()}\n")
