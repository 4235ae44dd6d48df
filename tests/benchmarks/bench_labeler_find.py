"""The Labeler's search box and store-ordered queue, Python side, on a large store.

    .venv/bin/python tests/benchmarks/bench_labeler_find.py [--chunks 100000] [--steps 200]

Times what the front end triggers: a ``search`` command (the store's full-text search, one page
of 20 results with their snippets set on the ``found`` trait) for a rare phrase, a common word
(first and a far page) and a status filter; and submit -> next item with the default queue and
with ``order="uncertain"`` plus a ``where=`` text filter. Prints p50/p99 in ms and the bytes of
the ``found`` trait. Targets (issue 16): search p50 <= 50 ms, submit -> next p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import labelwidgets as lw

TASK = lw.Task("bench-find", [lw.Question("governing_law")])
WORDS = [
    "payment",
    "notice",
    "term",
    "party",
    "supply",
    "license",
    "invoice",
    "delivery",
    "warranty",
    "audit",
]


def make_store(path: Path, n: int) -> lw.LabelStore:
    store = lw.LabelStore(path)
    rows = []
    for i in range(n):
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12))
        law = "This Agreement is governed by the laws of Delaware. " if i % 10 == 0 else ""
        rows.append({"doc_id": f"doc-{i // 200:05d}", "text": f"Clause {i}. {law}{words}."})
    rows[n * 3 // 10]["text"] = "Clause X. Governed by the laws of the Province of Ontario."
    store.add_chunks(rows)
    store.add_task(TASK)
    return store


def timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], extra: str = "") -> None:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{name:<48} p50 {statistics.median(times):7.2f} ms  p99 {p99:7.2f} ms  {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--searches", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = make_store(Path(tmp) / "find.db", args.chunks)
        print(f"{args.chunks:,} chunks stored in {time.perf_counter() - start:.1f} s")
        w = lw.Labeler(store, TASK, labeler="ann")
        seq = iter(range(10**9))
        searches = {
            'rare phrase "province of ontario"': {"text": '"province of ontario"'},
            "common word 'delaware', page 0": {"text": "delaware"},
            "common word 'delaware', page 400": {"text": "delaware", "page": 400},
            "status 'unanswered' (no text)": {"status": "unanswered"},
            "document + 'warranty'": {
                "document": f"doc-{args.chunks // 800:05d}",
                "text": "warranty",
            },
        }
        for name, fields in searches.items():
            times = timed(lambda f=fields: w.send_command("search", next(seq), **f), args.searches)
            assert w.ack["ok"], w.ack
            size = len(json.dumps(w.found))
            report(f"search: {name}", times, f"{w.found['total']:,} found, found {size:,} B")
        w.send_command("clear_search", next(seq))
        w.close()
        queues = {
            "submit -> next (document order)": {},
            "submit -> next (order='uncertain', where=text)": {
                "order": "uncertain",
                "where": {"text": "delaware"},
            },
        }
        for i, (name, kwargs) in enumerate(queues.items()):
            w = lw.Labeler(store, TASK, labeler=f"l{i}", **kwargs)
            times = timed(
                lambda w=w: w.send_command(
                    "submit", next(seq), answers={"governing_law": "x"}, chunk_id=w.chunk_id
                ),
                args.steps,
            )
            assert w.ack["ok"], w.ack
            report(name, times[5:], f"{len(times)} submits")
            w.close()
        store.close()


if __name__ == "__main__":
    main()
