"""Interop export and import speed: Label Studio tasks and an Argilla dataset directory.

    .venv/bin/python tests/benchmarks/bench_interop.py [--chunks 20000] [--rounds 2]

A store of ``--chunks`` chunks, 2 labelers answering 3 questions (a text, a choice, a number;
every fifth answer "not in the text") and one model suggestion per chunk, is built once. Then,
alternating rounds: ``to_label_studio`` to a file (plus its labeling config), ``to_argilla`` to
a directory, and each file imported back into a fresh store. Printed: time, ms per task and
the process's peak RSS. For scale, DESIGN.md measured Label Studio 1.23's own export at about
1.5 ms per task and its import at about 4,500 tasks/s on this machine kind.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from bulk import load_answers  # noqa: E402

import labelwidgets as lw  # noqa: E402

TASK = lw.Task(
    "bench-interop",
    [
        lw.Question("governing_law", prompt="Which law governs?"),
        lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
        lw.Question("months", kind="number"),
    ],
)


def answer(i: int, who: str, question: str) -> object:
    if i % 5 == 0:
        return lw.UNKNOWN
    return {"governing_law": f"the laws of State {i % 50}", "kind": "supply", "months": i % 48}[
        question
    ]


def build(path: Path, chunks: int) -> lw.LabelStore:
    store = lw.LabelStore(path)
    started = time.perf_counter()
    load_answers(store, TASK, chunks, ["ann", "bob"], answer)
    ids = store.chunk_order()
    store.add_suggestions(
        {
            "task": TASK.name,
            "chunk_id": c,
            "question": "governing_law",
            "model": "m",
            "answer": f"State {i % 50}",
            "score": 0.8,
            "prompt_version": None,
        }
        for i, c in enumerate(ids)
    )
    print(f"built {chunks:,} chunks in {time.perf_counter() - started:.1f} s", flush=True)
    return store


def timed(label: str, n: int, fn) -> float:
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    print(f"  {label:<24} {took:6.2f} s  {1000 * took / n:6.3f} ms/task  {n / took:8,.0f} tasks/s")
    sys.stdout.flush()
    return took


def one_round(store: lw.LabelStore, out: Path, r: int, chunks: int) -> Path:
    ls, ar = out / f"ls-{r}.json", out / f"argilla-{r}"
    timed("to_label_studio", chunks, partial(lw.interop.to_label_studio, store, TASK, ls))
    timed("to_argilla (directory)", chunks, partial(lw.interop.to_argilla, store, TASK, ar))
    back = lw.LabelStore(out / f"ls-{r}.db")
    timed("from_label_studio", chunks, partial(lw.interop.from_label_studio, back, TASK, ls))
    back = lw.LabelStore(out / f"argilla-{r}.db")
    timed("from_argilla", chunks, partial(lw.interop.from_argilla, back, TASK, ar))
    return ls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        store = build(out / "bench.db", args.chunks)
        for r in range(args.rounds):
            print(f"round {r + 1}", flush=True)
            ls = one_round(store, out, r, args.chunks)
        size = ls.stat().st_size / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"tasks file {size:.1f} MiB; peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
