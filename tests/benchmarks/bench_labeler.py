"""Labeler, Python side: time from a submit message to the next item's state, and bytes per step.

    .venv/bin/python tests/benchmarks/bench_labeler.py [--chunks 100000] [--steps 500]

Target: p50 <= 5 ms on a 100k-chunk store, flat in store size; bytes per step O(1).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import labelwidgets as lw

TASK = lw.Task("bench", [lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
                         lw.Question("governing_law", when=("has_clause", "yes"))],
               highlight=("laws of",))  # fmt: skip


def run(n_chunks: int, steps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "bench.db")
        for start in range(0, n_chunks, 20_000):
            store.add_chunks([{"doc_id": f"doc-{i // 40}", "text": f"Clause {i}. This Agreement is "
                               "governed by the laws of the State of New York."}
                              for i in range(start, min(start + 20_000, n_chunks))])  # fmt: skip
        store.add_task(TASK)
        widget = lw.Labeler(store, TASK, labeler="alice")
        sent: list[int] = []
        widget.observe(lambda change: sent.append(len(json.dumps(change["new"], default=str))),
                       names=["item", "progress", "review", "ack"])  # fmt: skip
        timings = []
        for seq in range(steps):
            answers = {"has_clause": "yes", "governing_law": f"the laws of New York {seq}"}
            started = time.perf_counter()
            widget.send_command("submit", seq, answers=answers)
            timings.append((time.perf_counter() - started) * 1000)
        per_step = sum(sent) / steps
        ms = sorted(timings)
        print(f"{n_chunks:>7,} chunks: submit -> next item p50 {statistics.median(ms):5.2f} ms, "
              f"p99 {ms[int(len(ms) * 0.99) - 1]:5.2f} ms; {per_step:,.0f} bytes of state per step")  # fmt: skip
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args()
    for n in sorted({1_000, 10_000, args.chunks}):
        run(n, args.steps)


if __name__ == "__main__":
    main()
