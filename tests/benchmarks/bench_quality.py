"""Agreement and quality-report speed.

    .venv/bin/python tests/benchmarks/bench_quality.py [--events 1000000]

Krippendorff's alpha on 100k items x 5 labelers: ours vs the `krippendorff` package (target
<= 1.0x its time); lw.quality.report() on a store with 1M answer events.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bulk import load_answers

import labelwidgets as lw
from labelwidgets.agreement import krippendorff_alpha


def bench_alpha() -> None:
    import krippendorff

    rng = np.random.default_rng(0)
    data = rng.integers(0, 5, size=(5, 100_000)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    for level in ("nominal", "ordinal", "interval"):
        started = time.perf_counter()
        ours = krippendorff_alpha(data, level)
        mine = time.perf_counter() - started
        started = time.perf_counter()
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        reference = time.perf_counter() - started
        print(f"alpha {level:8s} 100k x 5: ours {mine * 1000:7.1f} ms, krippendorff {reference * 1000:7.1f} ms "
              f"({mine / reference:.2f}x), |diff| {abs(ours - theirs):.1e}")  # fmt: skip


def bench_report(n_events: int) -> None:
    task = lw.Task(
        "bench", [lw.Question("law"), lw.Question("kind", kind="choice", choices=["a", "b", "c"])]
    )
    labelers = [f"labeler-{i}" for i in range(5)]
    n_chunks = n_events // (len(labelers) * len(task.questions))
    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "bench.db")

        def answer(i: int, who: str, question: str) -> object:
            if question == "kind":
                return "abc"[(i + (who == "labeler-4")) % 3]
            return lw.UNKNOWN if i % 7 == 0 else f"the laws of State {i % 40}"

        events = load_answers(store, task, n_chunks, labelers, answer)
        store.add_gold(task, [{"chunk_id": c, "question": "kind", "answer": "abc"[i % 3]}
                              for i, c in enumerate(store.chunk_order()[:2000])])  # fmt: skip
        started = time.perf_counter()
        report = lw.quality.report(store, task)
        elapsed = time.perf_counter() - started
        print(f"quality.report on {events:,} answer events ({n_chunks:,} chunks x {len(labelers)} labelers x 2 "
              f"questions): {elapsed:.1f} s; flags: {len(report.flags)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    bench_alpha()
    bench_report(args.events)


if __name__ == "__main__":
    main()
