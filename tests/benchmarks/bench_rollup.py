"""Document roll-up and document-level export at scale: prints figures, asserts nothing.

A store of ``--chunks`` chunks in documents of 50, two labelers answering two questions on every
chunk (bulk-loaded): the governing law on one chunk per document (two wordings, one answer under
``match="entity"``; every 10th document a conflict), "not in the text" elsewhere.

    .venv/bin/python -m tests.benchmarks.bench_rollup --chunks 100000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import labelwidgets as lw
from labelwidgets.store import LabelStore
from tests.benchmarks.bulk import load_answers

TASK = lw.Task(
    "bench-rollup",
    [
        lw.Question("governing_law", match="entity"),
        lw.Question("kind", kind="choice", choices=["supply", "license"]),
    ],
)


def answer_for(i: int, labeler: str, question: str) -> object:
    if question == "kind":
        return "supply" if i % 50 == 0 else lw.UNKNOWN
    if i % 50 != 7:
        return lw.UNKNOWN
    if (i // 50) % 10 == 3 and labeler == "bob":
        return "the laws of the State of Texas"  # a conflict
    return "the laws of the State of New York" if labeler == "alice" else "New York"


def timed(fn, rounds: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds (CPU time says more on a machine other jobs load)."""
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = LabelStore(Path(folder) / "bench.db")
        events = load_answers(store, TASK, args.chunks, ["alice", "bob"], answer_for)
        seconds, cpu, table = timed(lambda: store.document_answers(TASK), args.rounds)
        counts = table["status"].value_counts().to_dict()
        print(
            f"document_answers: {args.chunks:,} chunks, {events:,} answers, {len(table):,} rows "
            f"{counts}: {seconds:.2f} s wall, {cpu:.2f} s CPU, median of {args.rounds} "
            f"({events / cpu:,.0f} answers per CPU second)"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds, cpu, report = timed(
                lambda: lw.export_documents(
                    store, TASK, "openai-chat", Path(folder) / "out", progress=False
                ),
                args.rounds,
            )
        print(
            f"export_documents openai-chat: {report.rows:,} documents written, dropped "
            f"{report.dropped.to_dict('records')}: {seconds:.2f} s wall, {cpu:.2f} s CPU, median "
            f"of {args.rounds} (the roll-up included)"
        )
        store.close()


if __name__ == "__main__":
    main()
