"""Finding and ordering work at scale: store.search latency, and submit -> next with an order
and a filter.

    .venv/bin/python tests/benchmarks/bench_search.py [--chunks 100000] [--rounds 200]
        [--steps 300] [--pg]

The store: ``--chunks`` contract-like chunks (about 40 words each from a 2,000-word vocabulary
with a few legal phrases), 25 per document, a ``section`` metadata column; model suggestions
from two models on every 10th chunk (disagreeing on every 30th, "not in the text" on every
50th). Printed:

- store.search latency p50/p99 over ``--rounds`` calls for each query shape (a phrase, two
  words, a word with a status filter, a metadata filter, a later page), and the p50 of the
  process's CPU time per call (SQLite runs in the process: on a loaded machine this is
  closer to the latency on an idle one than the wall clock);
- next_chunk(order="uncertain", where={"text": ...}): the first call (which ranks the chunks
  once) and then submit -> next (record_answers + next_chunk after it, as the Labeler does)
  p50/p99 over ``--steps`` steps, with the SQL statements of one next_chunk;
- the same submit -> next in plain document order, for comparison in the same run.

Targets: search p50 <= 50 ms; submit -> next with order="uncertain" + where p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "bench-search",
    [lw.Question("governing_law", allow_unknown=True), lw.Question("term", kind="number")],
    highlight=("governing law",),
)
PG_URL = os.environ.get(
    "LABELWIDGETS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PHRASES = (
    "governed by the laws of the State of New York",
    "the governing law of this Agreement is Delaware",
    "either party may terminate on thirty days notice",
    "the licensee shall indemnify the licensor",
)


def chunk_text(i: int, rng: random.Random, vocabulary: list[str]) -> str:
    words = rng.choices(vocabulary, k=40)
    if i % 13 == 0:
        words.insert(rng.randrange(40), PHRASES[i % len(PHRASES)])
    return f"Section {i}. " + " ".join(words) + "."


def build(store: LabelStore, n: int) -> list[str]:
    rng = random.Random(7)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 10)))
        for _ in range(2000)
    ]
    started = time.perf_counter()
    for start in range(0, n, 20_000):
        store.add_chunks(
            [
                {
                    "doc_id": f"doc-{i // 25}",
                    "text": chunk_text(i, rng, vocabulary),
                    "section": f"s{i % 20}",
                }
                for i in range(start, min(start + 20_000, n))
            ]
        )
    added = time.perf_counter() - started
    store.add_task(TASK)
    ids = store.chunk_order()
    rows = []
    for i in range(0, n, 10):
        for model in ("model-a", "model-b"):
            answer = "New York" if model == "model-a" or i % 30 else "Delaware"
            if i % 50 == 0 and model == "model-b":
                answer = lw.UNKNOWN
            rows.append(
                {
                    "task": TASK.name,
                    "chunk_id": ids[i],
                    "question": "governing_law",
                    "model": model,
                    "answer": answer,
                }
            )
    store.add_suggestions(rows)
    print(
        f"  built {n:,} chunks in {added:.1f} s ({n / added:,.0f} chunks/s incl. the text index), {len(rows):,} suggestions"
    )
    return ids


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return f"p50 {statistics.median(times) * 1000:7.2f} ms  p99 {p99 * 1000:7.2f} ms"


def bench_search(store: LabelStore, rounds: int) -> None:
    store.skip(TASK, store.chunk_order()[13], labeler="ann")
    shapes = {
        'phrase "governing law"': {"text": '"governing law"'},
        "two words (laws york)": {"text": "laws york"},
        "word + status unanswered": {"text": "indemnify", "status": "unanswered", "labeler": "ann"},
        "status skipped (ann)": {"status": "skipped", "labeler": "ann"},
        "meta section=s3": {"meta": {"section": "s3"}},
        "phrase, page 10": {"text": '"thirty days"', "page": 10},
    }
    for name, args in shapes.items():
        found = store.search(TASK, **args)
        times, cpu = [], []
        for _ in range(rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            store.search(TASK, **args)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(
            f"  search {name:28s} total {found.total:7,}  {percentiles(times)}  "
            f"(CPU p50 {statistics.median(cpu) * 1000:6.2f} ms)"
        )


def count_statements(store: LabelStore) -> list[str]:
    seen: list[str] = []
    event.listen(store._engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def bench_next(store: LabelStore, steps: int, labeler: str, **queue: object) -> None:
    started = time.perf_counter()
    chunk_id = store.next_chunk(TASK, labeler, **queue)
    first = time.perf_counter() - started
    seen = count_statements(store)
    store.next_chunk(TASK, labeler, after=chunk_id, **queue)
    statements = len(seen)
    nexts, steps_t, cpu = [], [], []
    for _ in range(steps):
        started, started_cpu = time.perf_counter(), time.process_time()
        store.record_answers(
            TASK, chunk_id, {"governing_law": "New York", "term": 12}, labeler=labeler
        )
        between = time.perf_counter()
        chunk_id = store.next_chunk(TASK, labeler, after=chunk_id, **queue)
        done = time.perf_counter()
        nexts.append(done - between)
        steps_t.append(done - started)
        cpu.append(time.process_time() - started_cpu)
        if chunk_id is None:
            break
    label = ", ".join(f"{k}={v!r}" for k, v in queue.items()) or "document order"
    print(f"  {label}")
    print(
        f"    first call (ranks once) {first * 1000:8.1f} ms; statements per next_chunk: {statements}"
    )
    print(f"    next_chunk      {percentiles(nexts)}")
    print(
        f"    submit -> next  {percentiles(steps_t)}  ({len(steps_t)} steps; "
        f"CPU p50 {statistics.median(cpu) * 1000:.2f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of a SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.pg:
            schema = f"lw_bench_{uuid.uuid4().hex[:8]}"
            store = LabelStore(PG_URL, schema=schema)
        else:
            store = LabelStore(Path(tmp) / "labels.db")
        print(f"{store.dialect}, load average {os.getloadavg()[0]:.1f}")
        try:
            build(store, args.chunks)
            bench_search(store, args.rounds)
            bench_next(store, args.steps, "bob", order="uncertain", where={"text": "laws york"})
            bench_next(store, args.steps, "carol")
        finally:
            store.close()
            if schema is not None:
                from tests.conftest import drop_pg_schema

                drop_pg_schema(PG_URL, schema)
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
