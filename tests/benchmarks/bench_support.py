"""Support-check speed: is each answer written in its chunk?

    .venv/bin/python tests/benchmarks/bench_support.py [--answers 100000] [--repeat 3]

1. ``grounding.ground`` over --answers answers on contract-like chunks of ~1,500 characters
   (5 answers per chunk: lawyer-style, bare place, a wrong state, a paraphrase, a number):
   cold (every chunk cut into words during the run: the worst case, one chunk per 5 answers),
   warm (chunks already cut: the cost per answer alone) and judged by evidence spans.
2. ``lw.quality.support`` on a store with --answers answer events (5 labelers, chunks padded to
   ~1,500 characters) plus a model's suggestions, with the store reads apart. Target: a few
   seconds.

Figures are wall time with the CPU time of this process beside it: on a shared machine the
CPU time is the one to compare (the load average is printed first).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import sqlalchemy as sa
from bulk import load_answers

import labelwidgets as lw
from labelwidgets.schema import grounding, word_index, written_values

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
    for cached in (word_index._index, grounding._terms, written_values.find_numbers):
        cached.cache_clear()
    word_index._WORDS.clear()


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
    few = 5 * 1000  # warm: 1,000 chunks, within the per-text caches
    runs = {
        "locating, cold": (cases, [None] * len(cases), True),
        "locating, warm": (cases[:few], [None] * few, False),
        "by evidence": (cases, spans, True),
    }
    for label, (asked, evidence, cold) in runs.items():
        wall, cpu = float("inf"), float("inf")
        for _ in range(repeat):
            clear_caches()
            if not cold:  # every chunk already cut into words: the cost per answer alone
                for _, text, _ in asked:
                    word_index._index(text)
                    written_values.find_numbers(text)
            started, used = time.perf_counter(), time.process_time()
            found = [
                grounding.ground(a, t, k, e) for (a, t, k), e in zip(asked, evidence, strict=True)
            ]
            wall = min(wall, time.perf_counter() - started)
            cpu = min(cpu, time.process_time() - used)
        supported = sum(bool(f.supported) for f in found)
        print(
            f"ground() {label:14s} {len(asked):,} answers on {len(asked) // 5:,} chunks of "
            f"~{len(texts[0]):,} chars: {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"({cpu / len(asked) * 1e6:.1f} us/answer); supported {supported:,}"
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
        if who == "labeler-2":  # a place the chunks do not name
            return "the laws of Ohio"
        return f"the laws of State {i % 50}"

    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "bench.db")
        started = time.perf_counter()
        events = load_answers(store, task, n_chunks, labelers, answer)
        with store._writer.begin() as conn:  # contract-length chunks (~1,500 chars), as in use
            conn.execute(
                sa.text("UPDATE chunks SET text = :before || text || :after"),
                {"before": FILLER.format(n=1) * 3, "after": FILLER.format(n=2) * 2},
            )
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
        best, cpu, reads = float("inf"), float("inf"), float("inf")
        for _ in range(repeat):
            clear_caches()
            started = time.process_time()
            store.answers(task), store.suggestions(task), store.chunks(chunk_ids=ids)
            reads = min(reads, time.process_time() - started)
            clear_caches()
            started, used = time.perf_counter(), time.process_time()
            report = lw.quality.support(store, task)
            best = min(best, time.perf_counter() - started)
            cpu = min(cpu, time.process_time() - used)
        print(
            f"quality.support on {events:,} answers + {n_chunks // 10:,} suggestions "
            f"({n_chunks:,} chunks): {best:.2f} s wall, {cpu:.2f} s CPU, of which store reads "
            f"~{reads:.2f} s CPU"
        )
        print(report.summary.to_string(index=False))
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bench_ground(args.answers, args.repeat)
    bench_support(args.answers, args.repeat)


if __name__ == "__main__":
    main()
