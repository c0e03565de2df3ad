"""StackFAQ (Karan & Šnajder 2018) -> a knowledge folder and eval files.

Each of the 125 threads becomes one entry (its StackExchange title as the question), so every
paraphrase query has exactly one right entry and P@1, R@5 and MRR are well defined. Two settings:

* zero-shot (`eval.yaml`): entries hold only the thread title; all 1,249 paraphrases are queries.
* with alternates (`half-a/`, `half-b/`): the data's own `*` split; the paraphrases of one half become
  the entries' alternates, as clinic staff would write them, and the other half are the queries.

Usage: python -m benchmarks.convert_stackfaq [--data DIR] [--out DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import shared_data, work_dir
from benchmarks.knowledgefiles import Item, benchmark_settings, write_knowledge

FOLDER = "stackfaq"
FILE = "stackExchange-FAQ.xml"


def read_threads(path: Path) -> list[dict[str, Any]]:
    """Per thread: title, first answer, and the two halves of paraphrases split at the `*` line."""
    threads = []
    for node in ET.parse(path).getroot().iter("qapair"):
        halves: list[list[str]] = [[]]
        for rephr in node.findall("rephr"):
            text = " ".join(html.unescape(rephr.text or "").split())
            if text == "*":
                halves.append([])
            elif text:
                halves[-1].append(text)
        answers = [" ".join((a.text or "").split()) for a in node.findall("answer")]
        title = " ".join((node.findtext("question") or "").split())
        threads.append({"title": title, "answer": answers[0] if answers else "", "halves": halves})
    return threads


def _item(number: int, thread: dict[str, Any], alternates: list[str]) -> Item:
    answer = thread["answer"][:500] or "See the thread."
    return Item(
        f"thread-{number:03d}",
        thread["title"],
        "StackExchange web applications",
        alternates=alternates,
        answer=answer,
        citation="StackFAQ, Karan & Snajder 2018",
    )


def _write_eval(path: Path, cases: list[tuple[str, str]]) -> None:
    data = [{"question": q, "expect": e} for q, e in cases]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


def convert(data: Path, out: Path, limit: int | None = None) -> dict[str, Any]:
    """Write out/zero-shot, out/half-a and out/half-b (each: knowledge/ and eval.yaml); return counts."""
    threads = read_threads(data / FOLDER / FILE)[:limit]
    settings = benchmark_settings()
    items = [_item(n, t, []) for n, t in enumerate(threads, 1)]
    write_knowledge(out / "zero-shot" / "knowledge", {"threads": items}, settings)
    queries = [(q, item.id) for item, t in zip(items, threads, strict=True) for half in t["halves"] for q in half]
    _write_eval(out / "zero-shot" / "eval.yaml", queries)
    for name, taught in (("half-a", 0), ("half-b", 1)):
        asked = 1 - taught
        taught_items = [_item(n, t, t["halves"][taught]) for n, t in enumerate(threads, 1)]
        write_knowledge(out / name / "knowledge", {"threads": taught_items}, settings)
        cases = [(q, i.id) for i, t in zip(taught_items, threads, strict=True) for q in t["halves"][asked]]
        _write_eval(out / name / "eval.yaml", cases)
    return {"threads": len(threads), "queries": len(queries)}


def main(argv: list[str] | None = None) -> None:
    """Command line: convert and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", help="folder with stackfaq/ (default ../shared/benchmarks)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/.work/stackfaq)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N threads (smoke)")
    args = parser.parse_args(argv)
    print(json.dumps(convert(shared_data(args.data), args.out or work_dir("stackfaq"), args.limit)))


if __name__ == "__main__":
    main()
