"""Labeler, Python side: time from a submit message to the next item's state, and bytes per step.

    .venv/bin/python tests/benchmarks/bench_labeler.py [--chunks 100000] [--steps 500]

Each step is what the front end does when the labeler presses Enter: a ``submit`` command
message, the durable write, then the next chunk's state set on the widget. Bytes are what the
widget's comm actually carries to the front end (state updates and the ack). Also: opening the
widget (resume at the first unanswered chunk), on a fresh store and on one where the labeler
already finished half of it. ``--evidence`` also runs every size with an evidence span on each
submit (as the front end sends it, in chunk coordinates; converted and checked against the chunk).

Each step's SQL is counted as SQLite runs it (its trace hook: every statement, BEGIN and
COMMIT included, also those run inside SQLAlchemy or by the driver) and the durable commits
among them; "CPU" is this process's CPU time per step (what a busy machine's waits, fsync
included, do not inflate). ``--compare DIR`` runs another copy of the package (a folder holding
``labelwidgets/``) at each size right after this tree's, so both see the same load.

Target: p50 <= 5 ms on a 100k-chunk store, flat in store size; bytes per step O(1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event, insert

import labelwidgets as lw
from labelwidgets.store import tables as t

ROOT = Path(__file__).resolve().parents[2]

TASK = lw.Task(
    "bench",
    [
        lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
        lw.Question("governing_law", when=("has_clause", "yes")),
    ],
    highlight=("laws of",),
)


LAW = "the laws of the State of New York"


def clause(i: int) -> str:
    return f"Clause {i}. This Agreement is governed by {LAW}."


def make_store(path: Path | str, n_chunks: int, finished: int = 0) -> lw.LabelStore:
    """``n_chunks`` chunks (with their place in their document, so they take evidence); the
    first ``finished`` marked done for alice straight in the progress table (a shortcut for
    loading only; never for real labels)."""
    if isinstance(path, str):  # a PostgreSQL URL: a schema of its own
        store = lw.LabelStore(path, schema=f"lw_bench_{uuid.uuid4().hex[:8]}")
    else:
        store = lw.LabelStore(path)
    for start in range(0, n_chunks, 20_000):
        store.add_chunks(
            [
                {
                    "doc_id": f"doc-{i // 40}",
                    "text": clause(i),
                    "char_start": 100 * (i % 40),
                    "char_end": 100 * (i % 40) + len(clause(i)),
                }
                for i in range(start, min(start + 20_000, n_chunks))
            ]
        )
    store.add_task(TASK)
    if finished:
        now = time.time()
        rows = [
            {
                "task_id": TASK.name,
                "labeler": "alice",
                "chunk_id": cid,
                "status": "done",
                "updated_at": now,
            }
            for cid in store.chunk_order()[:finished]
        ]
        with store._writer.begin() as conn:
            conn.execute(insert(t.progress), rows)
    return store


def wire(widget: lw.Labeler) -> list[int]:
    """Record the size of every message the widget sends to the front end."""
    sent: list[int] = []
    original = widget.comm.send

    def send(data=None, metadata=None, buffers=None):
        sent.append(len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or []))
        return original(data=data, metadata=metadata, buffers=buffers)

    widget.comm.send = send
    return sent


class StatementCounter:
    """Counts the statements SQLite runs on the store's connections (opened after this); on
    PostgreSQL, the round trips: each statement, BEGIN, COMMIT and ROLLBACK."""

    def __init__(self, store: lw.LabelStore) -> None:
        self.statements = 0
        self.commits = 0
        if store.dialect == "postgresql":
            event.listen(store._engine, "before_cursor_execute", self._statement)
            event.listen(store._engine, "begin", self._statement)
            event.listen(store._engine, "commit", self._commit)
            event.listen(store._engine, "rollback", self._statement)
            return
        store._engine.dispose()  # connections opened from now on carry the trace hook
        event.listen(store._engine, "connect", self._connect)

    def _statement(self, *_args) -> None:
        self.statements += 1

    def _commit(self, *_args) -> None:
        self.statements += 1
        self.commits += 1

    def _connect(self, dbapi_connection, _record) -> None:
        dbapi_connection.set_trace_callback(self._trace)

    def _trace(self, statement: str) -> None:
        self.statements += 1
        self.commits += statement.lstrip().upper().startswith("COMMIT")


def run(
    n_chunks: int,
    steps: int,
    finished: int = 0,
    *,
    quiet: bool = False,
    evidence: bool = False,
    tag: str = "",
    postgres: str | None = None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(postgres or Path(tmp) / "bench.db", n_chunks, finished)
        counter = StatementCounter(store)
        started = time.perf_counter()
        widget = lw.Labeler(store, TASK, labeler="alice")
        open_ms = (time.perf_counter() - started) * 1000
        state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
        sent = wire(widget)
        statements, commits = counter.statements, counter.commits
        timings, cpu_ms = [], []
        for seq in range(steps):
            answers = {"has_clause": "yes", "governing_law": f"the laws of New York {seq}"}
            where = widget.item["text"].find(LAW)
            extra = {"evidence": {"governing_law": [[where, where + len(LAW)]]}} if evidence else {}
            started, cpu = time.perf_counter(), time.process_time()
            ack = widget.send_command("submit", seq, answers=answers, **extra)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            assert ack["ok"], ack
        ms = sorted(timings)
        statements = (counter.statements - statements) / steps
        commits = (counter.commits - commits) / steps
        widget.close()
        if store.schema:
            with store._engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{store.schema}" CASCADE')
        store.close()
        if quiet:
            return
        label = f"{n_chunks:,} chunks" + (f", {finished:,} done" if finished else "")
        label += (", evidence" if evidence else "") + (", PostgreSQL" if postgres else "") + tag
        print(
            f"{label:>24}: open {open_ms:6.1f} ms ({len(json.dumps(state, default=str)):,} B state); "
            f"submit -> next item p50 {statistics.median(ms):5.2f} ms, "
            f"p99 {ms[int(len(ms) * 0.99) - 1]:5.2f} ms (CPU p50 {statistics.median(cpu_ms):4.2f} ms); "
            f"{statements:.1f} SQL statements, "
            f"{commits:.1f} commits, {sum(sent) / steps:,.0f} B sent per step"
        )


def fsync_ms(samples: int = 100) -> float:
    """This disk's fsync latency now: each step makes two durable commits (answer, next lease)."""
    with tempfile.NamedTemporaryFile() as f:
        times = []
        for _ in range(samples):
            f.write(b"x" * 4096)
            f.flush()
            started = time.perf_counter()
            os.fsync(f.fileno())
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--evidence", action="store_true", help="also submit with evidence")
    parser.add_argument("--sizes", help="comma-separated chunk counts (default 1000,10000,N)")
    parser.add_argument("--compare", type=Path, help="a folder holding another labelwidgets/")
    parser.add_argument(
        "--postgres", metavar="URL", help="run on PostgreSQL (round trips counted), not SQLite"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted({1_000, 10_000, args.chunks})
    if args.sizes:
        sizes = [int(n) for n in args.sizes.split(",")]
    run(200, 20, quiet=True)  # warm up: imports, the bundle read, SQLAlchemy's statement cache
    if args.one:
        run(sizes[0], args.steps, evidence=args.evidence, tag=" (compare)", postgres=args.postgres)
        return
    print(f"fsync on this disk now: p50 {fsync_ms():.2f} ms (busy neighbours make it jump)")
    for n in sizes:
        run(n, args.steps, postgres=args.postgres)
        if args.compare:
            command = [sys.executable, __file__, "--one", "--sizes", str(n)]
            command += ["--steps", str(args.steps)]
            command += ["--postgres", args.postgres] if args.postgres else []
            env = {**os.environ, "PYTHONPATH": f"{args.compare.resolve()}{os.pathsep}{ROOT}"}
            subprocess.run(command, env=env, check=True, cwd=args.compare)
        if args.evidence:
            run(n, args.steps, evidence=True)
    if not args.postgres:
        run(args.chunks, args.steps, finished=args.chunks // 2)


if __name__ == "__main__":
    main()
