"""MedQuAD + TREC 2017 LiveQA-Med -> a knowledge folder, the test questions and the graded judgments.

Every MedQuAD QA pair becomes one entry (47,457 of them, answers or not: only questions are
matched). Judgments are mapped to entries by question text within the judged document, as the
data set's README advises (the `Sec<n>` of an AnswerID is not reliably the XML pid); a judgment
whose text matches 2-3 identical pairs grades each of them. A pair judged twice keeps its higher
grade. Usage: python -m benchmarks.convert_liveqa [--data DIR] [--out DIR] [--limit-docs N]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import tarfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import shared_data, work_dir
from benchmarks.knowledgefiles import Item, benchmark_settings, slug, write_knowledge

FOLDER = "medquad_liveqa"
QRELS = "liveqa_medquad_qrels/All-qrels_LiveQAMed2017-TestQuestions_2479_Judged-Answers.txt"
ANSWERS_CSV = "liveqa_medquad_qrels/All-2479-Answers-retrieved-from-MedQuAD.csv"
QUESTIONS = "liveqa_test_questions/TREC-2017-LiveQA-Medical-Test-Questions-w-summaries.xml"
SOURCE_ALIASES = {"MPlusHerbsSupplements": "MPlusHerbsSuppls"}


@dataclass(frozen=True)
class Pair:
    """One MedQuAD question-answer pair."""

    source: str  # as in the judgments' AnswerIDs
    doc: str  # the XML file name without .xml
    pid: str
    question: str
    answer: str
    url: str
    folder: str

    @property
    def entry_id(self) -> str:
        """The entry id in the converted knowledge."""
        return slug(f"{self.source}-{self.doc}-{self.pid}")


def _text(node: ET.Element | None) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def _pairs_of(folder: str, doc: str, root: ET.Element) -> list[Pair]:
    source = root.get("source") or root.get("corpus") or folder.split("_")[1]
    source = SOURCE_ALIASES.get(source, source)
    url = root.get("url") or ""
    pairs = []
    # Two schemas occur: <QAPairs><QAPair><Question/><Answer/> and (4 NINDS files) <qaPairs><pair><question/><answer/>.
    for node in [*root.iter("QAPair"), *root.iter("pair")]:
        question = _text(node.find("Question") if node.find("Question") is not None else node.find("question"))
        answer = _text(node.find("Answer") if node.find("Answer") is not None else node.find("answer"))
        if question:
            pairs.append(Pair(source, doc, node.get("pid") or "0", question, answer, url, folder))
    return pairs


def read_medquad(archive: Path, limit_docs: int | None = None) -> list[Pair]:
    """Every QA pair in the MedQuAD archive, in folder, document and pair order."""
    pairs: list[Pair] = []
    docs = 0
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.name.endswith(".xml")), key=lambda m: m.name)
        for member in members:
            if limit_docs is not None and docs >= limit_docs:
                break
            file = tar.extractfile(member)
            if file is None:
                continue
            _, folder, name = member.name.split("/")
            pairs.extend(_pairs_of(folder, name.removesuffix(".xml"), ET.fromstring(file.read())))
            docs += 1
    return pairs


def read_questions(path: Path) -> list[dict[str, str]]:
    """The 104 test questions: original (SUBJECT + MESSAGE), NIST paraphrase and NLM summary."""
    questions = []
    for node in ET.parse(path).getroot().iter("NLM-QUESTION"):
        original = node.find("Original-Question")
        subject = _text(original.find("SUBJECT")) if original is not None else ""
        message = _text(original.find("MESSAGE")) if original is not None else ""
        questions.append(
            {
                "qid": node.get("qid") or "",
                "original": f"{subject}. {message}".strip(". ") if subject else message,
                "paraphrase": _text(node.find("NIST-PARAPHRASE")),
                "summary": _text(node.find("NLM-Summary")),
            }
        )
    return questions


def _normal(text: str) -> str:
    # Spacing and punctuation differ between the CSV and the XML ("test?" vs "test? ?").
    words = re.sub(r"[^a-z0-9]+", " ", re.sub(r"\(Also called:.*?\)\s*$", "", text).lower())
    return " ".join(words.split())


def _csv_questions(path: Path) -> dict[str, tuple[str, str]]:
    found = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            body = row["Answer"]
            question = re.search(r"Question:(.*?)(?:\nURL:|$)", body, re.S)
            answer = re.search(r"Answer:(.*)", body, re.S)
            found[row["AnswerID"]] = (
                _normal(question.group(1) if question else ""),
                " ".join((answer.group(1) if answer else "").split())[:200].lower(),
            )
    return found


def map_judgments(pairs: list[Pair], qrels: Path, answers_csv: Path) -> tuple[dict[str, dict[str, int]], int]:
    """Graded judgments per question id (`TQn` -> entry id -> grade 1-4) and how many could not be mapped."""
    by_doc: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_doc[(pair.source, pair.doc)].append(pair)
    texts = _csv_questions(answers_csv)
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    unmapped = 0
    for line in qrels.read_text().splitlines():
        if not line.strip():
            continue
        number, grade_text, answer_id = line.split()
        match = re.fullmatch(r"(.+?)_(\d+(?:_\d+)?)_Sec(\d+)\.txt", answer_id)
        if match is None:
            unmapped += 1
            continue
        source, doc, section = match.groups()
        candidates = by_doc.get((source, doc), [])
        question, answer = texts.get(answer_id, ("", ""))
        same = [p for p in candidates if _normal(p.question) == question] if question else []
        if len(same) > 1 and answer:
            with_answer = [p for p in same if p.answer[:200].lower() == answer]
            same = with_answer or same
        if not same:
            same = [p for p in candidates if p.pid == section]
        if not same:
            unmapped += 1
            continue
        grade = int(grade_text.split("-")[0])
        qid = f"TQ{number}"
        for pair in same:
            judged[qid][pair.entry_id] = max(grade, judged[qid].get(pair.entry_id, 0))
    return dict(judged), unmapped


def convert(data: Path, out: Path, limit_docs: int | None = None) -> dict[str, Any]:
    """Write out/knowledge, out/queries.json and out/qrels.json; return counts."""
    root = data / FOLDER
    pairs = read_medquad(root / "MedQuAD_xml.tar.gz", limit_docs)
    qrels, unmapped = map_judgments(pairs, root / QRELS, root / ANSWERS_CSV)
    questions = read_questions(root / QUESTIONS)
    groups: dict[str, list[Item]] = defaultdict(list)
    seen: set[str] = set()
    for pair in pairs:
        if pair.entry_id in seen:  # never happens in the release; kept so a changed archive fails loudly later
            continue
        seen.add(pair.entry_id)
        item = Item(pair.entry_id, pair.question, pair.source, url=pair.url or None, citation="MedQuAD")
        number, _, name = pair.folder.partition("_")
        groups[f"{int(number):02d}-{slug(name)}"].append(item)
    count = write_knowledge(out / "knowledge", dict(sorted(groups.items())), benchmark_settings())
    (out / "queries.json").write_text(json.dumps(questions, indent=1))
    (out / "qrels.json").write_text(json.dumps(qrels, indent=1, sort_keys=True))
    return {
        "entries": count,
        "with_answer": sum(bool(p.answer) for p in pairs),
        "questions": len(questions),
        "judged_questions": len(qrels),
        "judgments": sum(len(j) for j in qrels.values()),
        "unmapped_judgments": unmapped,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line: convert and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", help="folder with medquad_liveqa/ (default ../shared/benchmarks)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/.work/liveqa)")
    parser.add_argument("--limit-docs", type=int, default=None, help="only the first N MedQuAD documents (smoke)")
    args = parser.parse_args(argv)
    print(json.dumps(convert(shared_data(args.data), args.out or work_dir("liveqa"), args.limit_docs)))


if __name__ == "__main__":
    main()
