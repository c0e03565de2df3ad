"""What patients read in the shipped knowledge: sources that are the canonical record, not a copy of it."""

from __future__ import annotations

import re
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
