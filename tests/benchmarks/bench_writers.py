"""Concurrent writer processes on one SQLite store: how long does a durable submit wait?

    .venv/bin/python tests/benchmarks/bench_writers.py [--writers 4] [--steps 1000] [--rounds 1]
        [--compare DIR]

Each writer is its own OS process (spawned, the store opened before the clock starts) that
labels like a Labeler does: ``next_chunk`` (a durable lease write), then ``record_answers`` of
two questions (the durable submit), ``--steps`` times. All writers start at the same moment.
Printed per round: p50 / p99 / max of the submit, of ``next_chunk`` and of the whole step; the
share of the submit spent waiting for the write lock (from the start of the transaction until
its first statement after ``BEGIN IMMEDIATE``);
how many writes took over 100 ms and over 1 s; and that nothing acknowledged is lost (every
acknowledged event id is stored, one event per answer, no more).

``--compare DIR`` runs another copy of the package (a folder holding ``labelwidgets/``, e.g.
``git archive <commit> labelwidgets | tar -x -C DIR``) in the same rounds, alternating, so both
see the same load from the machine's neighbours.

Target (issue 17): 4 writers, p99 <= 50 ms and no write over 1 s, WAL + synchronous=FULL, 0 lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def task() -> Any:
    import labelwidgets as lw

    return lw.Task("writers", [lw.Question("party"), lw.Question("renewal", kind="number")])


def writer(url: str, labeler: str, steps: int, start_at: float) -> dict[str, Any]:
    """One writer process: ``steps`` times next_chunk + record_answers, each timed."""
    from sqlalchemy import event

    from labelwidgets.store import LabelStore

    the_task = task()
    store = LabelStore(url)
    store.task(the_task.name)
    waits: list[float] = []
    began: dict[str, float] = {}

    # first of the "begin" listeners: the clock starts before any lock is asked for, and stops
    # when the transaction's first statement starts (BEGIN IMMEDIATE has returned by then)
    @event.listens_for(store._writer, "begin", insert=True)
    def _begin(conn):
        began["t"] = time.perf_counter()

    @event.listens_for(store._engine, "before_cursor_execute")
    def _first(conn, cursor, statement, *args):
        if "t" in began and not statement.startswith("BEGIN"):
            waits.append(time.perf_counter() - began.pop("t"))

    time.sleep(max(0.0, start_at - time.time()))
    submit, fetch, lock_wait, acknowledged = [], [], [], []
    chunk_id = None
    for i in range(steps):
        started = time.perf_counter()
        chunk_id = store.next_chunk(the_task, labeler, after=chunk_id)
        fetched = time.perf_counter()
        before = len(waits)
        acknowledged += store.record_answers(
            the_task, chunk_id, {"party": f"Party {i}", "renewal": i % 24}, labeler=labeler
        )
        submit.append(time.perf_counter() - fetched)
        fetch.append(fetched - started)
        lock_wait.append(sum(waits[before:]))
    store.close()
    return {"submit": submit, "fetch": fetch, "lock_wait": lock_wait, "ids": acknowledged}


def _stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):6.2f}  p99 {p99:7.2f}  max {ms[-1]:8.1f} ms"


def one_round(writers: int, steps: int) -> None:
    """Run the writers on a fresh store with this interpreter's labelwidgets; print figures."""
    import labelwidgets as lw

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "writers.db"
        store = lw.LabelStore(path)
        store.add_chunks([{"text": f"chunk {i}"} for i in range(writers * steps + 10)])
        store.add_task(task())
        url = store._url
        context = multiprocessing.get_context("spawn")
        with context.Pool(writers) as pool:
            start_at = time.time() + 3.0  # every process has opened its store by then
            started = time.perf_counter()
            results = pool.starmap(
                writer, [(url, f"writer-{w}", steps, start_at) for w in range(writers)]
            )
            wall = time.perf_counter() - started - max(0.0, start_at - time.time())
        submit = [s for r in results for s in r["submit"]]
        fetch = [s for r in results for s in r["fetch"]]
        steps_all = [a + b for r in results for a, b in zip(r["submit"], r["fetch"], strict=True)]
        waits = [s for r in results for s in r["lock_wait"]]
        writes = submit + fetch
        acknowledged = [i for r in results for i in r["ids"]]
        events = store.events(task())
        lost = len(set(acknowledged) - set(events["event_id"]))
        extra = len(events) - len(acknowledged)
        wal = Path(f"{path}-wal")
        wal_mb = wal.stat().st_size / 2**20 if wal.exists() else 0.0
        store.close()
    share = sum(waits) / max(sum(submit), 1e-9)
    print(f"  submit (record_answers): {_stats(submit)}")
    print(f"  next_chunk (lease):      {_stats(fetch)}")
    print(f"  whole step:              {_stats(steps_all)}")
    print(
        f"  lock wait share of submit time {share:.0%}; writes over 100 ms: "
        f"{sum(w > 0.1 for w in writes)}, over 1 s: {sum(w > 1 for w in writes)} of "
        f"{len(writes)}; {len(writes) / wall:,.0f} writes/s; WAL at the end {wal_mb:.1f} MiB"
    )
    print(f"  acknowledged {len(acknowledged):,} answers: {lost} lost, {extra} extra stored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--compare", type=Path, help="a folder holding another labelwidgets/")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_round(args.writers, args.steps)
        return
    copies = [("this tree", ROOT)] + ([("compare", args.compare.resolve())] if args.compare else [])
    print(
        f"{args.writers} writer processes x {args.steps} steps on one SQLite file "
        f"(WAL, synchronous=FULL); {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    for number in range(args.rounds):
        for name, where in copies:
            print(f"round {number + 1}, {name} ({where}):", flush=True)
            env = {**os.environ, "PYTHONPATH": f"{where}{os.pathsep}{ROOT}"}
            command = [sys.executable, __file__, "--one", "--writers", str(args.writers)]
            subprocess.run([*command, "--steps", str(args.steps)], env=env, check=True, cwd=where)


if __name__ == "__main__":
    main()
