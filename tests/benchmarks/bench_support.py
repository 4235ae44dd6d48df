"""Support-check speed: is each answer written in its chunk?

    .venv/bin/python tests/benchmarks/bench_support.py [--answers 100000] [--repeat 3]

1. ``grounding.ground`` over --answers answers on contract-like chunks of ~1,500 characters
   (5 answers per chunk: lawyer-style, bare place, a wrong state, a paraphrase, a number),
   with the per-text caches cleared before each run (cold), by locating and by evidence spans.
2. ``lw.quality.support`` on a store with --answers answer events (5 labelers) plus a model's
   suggestions, split into the store reads and the rest. Target: a few seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bulk import load_answers

import labelwidgets as lw
from labelwidgets.schema import grounding, written_values

PLACES = ["New York", "Delaware", "California", "Texas", "England and Wales", "Ontario"]
FILLER = (
    "The Supplier shall deliver the Products in accordance with the Specifications and the "
    "delivery schedule set out in Schedule {n}. Each Party shall bear its own costs. "
    "Notices shall be sent to the addresses first written above, attention: General Counsel. "
)


def chunk_text(i: int) -> str:
    place = PLACES[i % len(PLACES)]
    law = (
        f"{i}. GOVERNING LAW. This Agreement shall be governed by and construed in accordance "
        f"with the laws of the State of {place}, without regard to its conflict of laws rules. "
        f"The fee is ${1000 + i:,}.00 per month. "
    )
    return FILLER.format(n=i) * 3 + law + FILLER.format(n=i + 1) * 2


def clear_caches() -> None:
    for cached in (grounding._index, grounding._terms, written_values.find_numbers):
        cached.cache_clear()
    grounding._WORDS.clear()


def bench_ground(n_answers: int, repeat: int) -> None:
    texts = [chunk_text(i) for i in range(n_answers // 5)]
    cases = []
    for i, text in enumerate(texts):
        place = PLACES[i % len(PLACES)]
        wrong = PLACES[(i + 1) % len(PLACES)]
        cases += [
            (f"the laws of the State of {place}", text, "text"),
            (place, text, "text"),
            (f"the laws of {wrong}", text, "text"),
            (f"{place} law, exclusive of conflicts rules", text, "text"),
            (1000 + i, text, "number"),
        ]
    spans = [grounding.locate(a, t, k) or [(0, 1)] for a, t, k in cases]
    for label, evidence in (("locating", [None] * len(cases)), ("by evidence", spans)):
        best = float("inf")
        for _ in range(repeat):
            clear_caches()
            started = time.perf_counter()
            found = [
                grounding.ground(a, t, k, e) for (a, t, k), e in zip(cases, evidence, strict=True)
            ]
            best = min(best, time.perf_counter() - started)
        supported = sum(bool(f.supported) for f in found)
        print(
            f"ground() {label:11s} {len(cases):,} answers on {len(texts):,} chunks of "
            f"~{len(texts[0]):,} chars: {best:.2f} s ({best / len(cases) * 1e6:.1f} us/answer, "
            f"cold caches); supported {supported:,}"
        )


def bench_support(n_answers: int, repeat: int) -> None:
    task = lw.Task("bench", [lw.Question("law")])
    labelers = [f"labeler-{i}" for i in range(5)]
    n_chunks = n_answers // len(labelers)

    def answer(i: int, who: str, question: str) -> object:
        if who == "labeler-0" and i % 10 == 0:
            return lw.UNKNOWN
        if who == "labeler-4":  # the same jurisdiction everywhere
            return "the laws of Delaware"
        if who == "labeler-3":
            return f"State {i % 50}"  # the bulk chunks say "the laws of State {i % 50}"
        return f"the laws of State {(i + (who == 'labeler-2')) % 50}"

    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "bench.db")
        started = time.perf_counter()
        events = load_answers(store, task, n_chunks, labelers, answer)
        ids = store.chunk_order()
        store.add_suggestions(
            [
                {"task": "bench", "chunk_id": c, "question": "law", "model": "m", "answer": "Ohio"}
                for c in ids[: n_chunks // 10]
            ]
        )
        print(
            f"built a store with {events:,} answer events in {time.perf_counter() - started:.1f} s"
        )
        best, reads = float("inf"), float("inf")
        for _ in range(repeat):
            clear_caches()
            started = time.perf_counter()
            store.answers(task), store.suggestions(task), store.chunks(chunk_ids=ids)
            reads = min(reads, time.perf_counter() - started)
            clear_caches()
            started = time.perf_counter()
            report = lw.quality.support(store, task)
            best = min(best, time.perf_counter() - started)
        print(
            f"quality.support on {events:,} answers + {n_chunks // 10:,} suggestions "
            f"({n_chunks:,} chunks): {best:.2f} s, of which store reads ~{reads:.2f} s"
        )
        print(report.summary.to_string(index=False))
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_ground(args.answers, args.repeat)
    bench_support(args.answers, args.repeat)


if __name__ == "__main__":
    main()
