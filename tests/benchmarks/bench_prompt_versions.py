"""What explicit prompt versions cost: promoting one, and resolving each question's default.

    .venv/bin/python tests/benchmarks/bench_prompt_versions.py [--questions 20] [--versions 10]
        [--promotions 200] [--events 100000] [--repeat 50]

Builds a SQLite file store with one task of ``--questions`` questions, ``--versions`` stored
prompt versions each, ``--events`` label events (so the promote lookup runs beside a real events
table) and ``--promotions`` promote events spread over the questions, then prints the median and
best time of

- ``store.promote_prompt`` (a durable write: WAL, synchronous=FULL);
- ``store.promoted_prompt`` and ``lw.models.default_prompt`` for one question;
- ``exporting.prompt_choice.templates_for(store, task, None)`` (every question's default, what
  an export resolves once);
- ``store.prompt_versions(task)`` (with its ``promoted`` column).

The machine may be shared: the best of ``--repeat`` runs is the least disturbed one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import labelwidgets as lw
from labelwidgets.exporting.prompt_choice import templates_for


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<48} median {statistics.median(times):8.3f} ms   best {min(times):8.3f} ms")


def build(path: Path, args: argparse.Namespace) -> tuple[lw.LabelStore, lw.Task]:
    store = lw.LabelStore(path)
    names = [f"q{i}" for i in range(args.questions)]
    task = store.add_task(
        lw.Task("bench", [lw.Question(n, prompt=f"Question {n}?") for n in names])
    )
    chunks = [{"text": f"Chunk {i}: governed by the laws of Texas."} for i in range(1000)]
    store.add_chunks(chunks)
    ids = store.chunk_order()
    with store.transaction():
        for name in names:
            for v in range(args.versions):
                store.add_prompt_version(task, name, f"[{name} v{v}] {{question}}\n{{chunk}}")
    rng = random.Random(0)
    per_call = 500
    for start in range(0, args.events, per_call):
        rows = [
            {
                "chunk_id": ids[(start + i) % len(ids)],
                "question": names[(start + i) % len(names)],
                "answer": "the laws of Texas",
            }
            for i in range(per_call)
        ]
        store.add_gold(task, rows)
    with store.transaction():
        for _ in range(args.promotions):
            name = rng.choice(names)
            store.promote_prompt(task, name, f"v{rng.randrange(1, args.versions + 1)}", by="bench")
    return store, task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--promotions", type=int, default=200)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store, task = build(Path(tmp) / "bench.db", args)
        print(
            f"store: {args.questions} questions x {args.versions} versions, "
            f"{len(store.events())} events ({args.promotions} promotions), "
            f"built in {time.perf_counter() - start:.1f} s"
        )
        q = task.questions[0].name
        timed(
            "promote_prompt (durable write)",
            lambda: store.promote_prompt(task, q, "v2", by="b"),
            args.repeat,
        )
        timed("promoted_prompt (one question)", lambda: store.promoted_prompt(task, q), args.repeat)
        timed(
            "models.default_prompt (one question)",
            lambda: lw.models.default_prompt(store, task, q),
            args.repeat,
        )
        timed(
            f"templates_for (all {args.questions} questions)",
            lambda: templates_for(store, task, None),
            args.repeat,
        )
        timed(
            "prompt_versions(task) with promoted", lambda: store.prompt_versions(task), args.repeat
        )


if __name__ == "__main__":
    main()
