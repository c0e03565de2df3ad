"""What patients read in the shipped knowledge: sources that are the canonical record, not a copy of
it, and answers plain enough to read (Flesch-Kincaid grade at most 9 each, median at most 7)."""

from __future__ import annotations

import re
import statistics
import warnings
from pathlib import Path

import pytest

from faq.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).parent.parent

MIRROR_HOSTS = {
    # copies, aggregators and repositories of papers that have a canonical DOI/PubMed/publisher record
    "docksci.com",
    "docslib.org",
    "studylib.net",
    "scribd.com",
    "academia.edu",
    "researchgate.net",
    "semanticscholar.org",
    "vukou.com",
    "ouci.dntb.gov.ua",
    "ichgcp.net",
    "cnpereading.com",
    "pedro.org.au",
    "epublications.regis.edu",
    "developer.api.nhs.uk",
    "biologyinsights.com",
    # dry-needling course vendors and their re-posts of other people's papers
    "integrativedn.com",
    "integrativedryneedling.com",
    "iaom-us.com",
    "myopainseminars.com",
    "gemtinfo.com.au",
    # blogs and tabloids
    "edzardernst.com",
    "bmas.blog",
    "dailymail.co.uk",
}
"""Hosts whose pages are not the record of what they show; cite the DOI, PubMed/PMC entry, publisher
or official body from the fact base (shared/dry-needling-facts.md) instead."""

INTERNAL_NOTES = re.compile(r"not captured|fact base|publisher not shown|seen only on|not re-checked", re.I)

MAX_GRADE = 9.0
MAX_MEDIAN_GRADE = 7.0


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


def _on_list(host: str) -> bool:
    return any(host == listed or host.endswith("." + listed) for listed in MIRROR_HOSTS)


def test_on_list_matches_hosts_and_their_subdomains() -> None:
    assert _on_list("docksci.com") and _on_list("dev.integrativedryneedling.com") and _on_list("www.scribd.com")
    assert not _on_list("pubmed.ncbi.nlm.nih.gov") and not _on_list("doi.org") and not _on_list("notdocksci.com")


def test_sources_are_canonical_records(shipped: KnowledgeBase) -> None:
    mirrors = [
        (entry.id, str(source.url))
        for entry in shipped.entries
        for source in entry.sources
        if source.url is not None and _on_list(source.url.host or "")
    ]
    assert not mirrors, mirrors


def test_citations_carry_no_internal_notes(shipped: KnowledgeBase) -> None:
    notes = [
        (entry.id, text)
        for entry in shipped.entries
        for source in entry.sources
        for text in (source.title, source.citation or "")
        if INTERNAL_NOTES.search(text)
    ]
    assert not notes, notes


def plain_text(markdown: str) -> str:
    """The answer as a reader hears it: no Markdown marks, links or addresses, and each list item or
    heading line its own sentence (an unpunctuated list would otherwise count as one long sentence)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = re.sub(r"https?://\S+|\S+@\S+", "", text)
    sentences = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"[*_`#>]", "", line).strip()
        if not line:
            continue
        if line.endswith(":"):
            line = line[:-1] + "."
        elif line[-1] not in ".!?":
            line += "."
        sentences.append(line)
    return " ".join(sentences)


def test_plain_text_strips_markdown() -> None:
    answer = "**Call 911** if:\n\n- you feel faint\n- see [our page](https://x.example/a).\n\nCall (555) 014-2380."
    assert plain_text(answer) == "Call 911 if. you feel faint. see our page. Call (555) 014-2380."


def _grade(text: str) -> float:
    with warnings.catch_warnings():  # textstat 0.7.3 imports pkg_resources, which warns it is deprecated
        warnings.simplefilter("ignore")
        import textstat

    return float(textstat.flesch_kincaid_grade(text))


def test_answers_are_plain_enough_to_read(shipped: KnowledgeBase) -> None:
    grades = {entry.id: _grade(plain_text(entry.answer)) for entry in shipped.entries}
    too_hard = {entry_id: grade for entry_id, grade in grades.items() if grade > MAX_GRADE}
    assert not too_hard, too_hard
    assert statistics.median(grades.values()) <= MAX_MEDIAN_GRADE, sorted(grades.items(), key=lambda kv: -kv[1])


@pytest.mark.parametrize("entry_id", ["referral", "who-performs", "children"])
def test_answers_that_depend_on_state_law_name_the_clinics_state(shipped: KnowledgeBase, entry_id: str) -> None:
    """Scope of practice, referral and consent rules are set by each US state, so these answers say which
    state's rules apply here (written out literally, like the phone number: see clinic.yaml)."""
    assert shipped.clinic.state, "clinic.yaml has no state"
    answer = next(e.answer for e in shipped.entries if e.id == entry_id)
    assert shipped.clinic.state in answer
