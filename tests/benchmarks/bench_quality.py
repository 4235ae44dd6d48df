"""Agreement and quality-report speed.

    .venv/bin/python tests/benchmarks/bench_quality.py [--events 1000000] [--repeat 5] [--only report]

1. Krippendorff's alpha on 100k items x 5 labelers (20% missing), ours vs the `krippendorff`
   package, all three levels (target: <= 1.0x its time), best of --repeat; and on continuous
   values (every rating distinct), where the package's items x values table grows quadratically.
2. lw.quality.report() on a store with --events answer events (5 labelers x 2 questions, one
   with a validator; gold on 2% of the chunks), split into the store reads (answers, gold,
   suggestions: the store's own cost) and the quality computation. The answer-support check
   (which reads every answer's chunk) is left out, as report() does above 200k answers.
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
from labelwidgets.quality.reliability import krippendorff_alpha


def best_of(repeat: int, fn, *args, **kwargs) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - started)
    return best, result


def bench_alpha(repeat: int) -> None:
    import krippendorff

    rng = np.random.default_rng(0)
    data = rng.integers(0, 5, size=(5, 100_000)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    for level in ("nominal", "ordinal", "interval"):
        mine, ours = best_of(repeat, krippendorff_alpha, data, level)
        reference, theirs = best_of(
            repeat, krippendorff.alpha, reliability_data=data, level_of_measurement=level
        )
        print(
            f"alpha {level:8s} 100k x 5, 5 values: ours {mine * 1000:6.1f} ms, krippendorff "
            f"{reference * 1000:6.1f} ms ({mine / reference:.2f}x), |diff| {abs(ours - theirs):.1e}"
        )
    for items in (500, 2_000):
        continuous = rng.normal(size=(5, items))
        continuous[rng.random(continuous.shape) < 0.2] = np.nan
        mine, ours = best_of(repeat, krippendorff_alpha, continuous, "interval")
        reference, theirs = best_of(
            1, krippendorff.alpha, reliability_data=continuous, level_of_measurement="interval"
        )
        print(
            f"alpha interval {items:,} x 5, all values distinct: ours {mine * 1000:6.1f} ms, krippendorff "
            f"{reference * 1000:8.1f} ms ({mine / reference:.3f}x), |diff| {abs(ours - theirs):.1e}"
        )
    big = rng.normal(size=(5, 100_000))
    mine, _ = best_of(repeat, krippendorff_alpha, big, "interval")
    print(
        f"alpha interval 100k x 5, all values distinct: ours {mine * 1000:6.1f} ms "
        "(the package would need a 100k x 500k table)"
    )


LAW = lw.Question("law", validators=[lw.validators.none_of(["England", "United Kingdom"])])
TASK = lw.Task("bench", [LAW, lw.Question("kind", kind="choice", choices=["a", "b", "c"])])
LABELERS = [f"labeler-{i}" for i in range(5)]


def _answer(i: int, who: str, question: str) -> object:
    if question == "kind":
        return "abc"[(i + (who == "labeler-4")) % 3]
    if who == "labeler-3" and i % 5 == 0:
        return "England"
    return lw.UNKNOWN if i % 7 == 0 else f"the laws of State {i % 40}"


def build_store(path: Path, n_chunks: int) -> tuple[int, int]:
    """The benchmark store at ``path``: (answer events, gold items)."""
    store = lw.LabelStore(path)
    events = load_answers(store, TASK, n_chunks, LABELERS, _answer)
    gold_chunks = store.chunk_order()[: max(1, n_chunks // 50)]
    store.add_gold(
        TASK,
        [
            {"chunk_id": c, "question": q, "answer": _answer(i, "gold", q)}
            for i, c in enumerate(gold_chunks)
            for q in ("kind", "law")
        ],
    )
    store.close()
    return events, len(gold_chunks) * 2


def cached_store(folder: Path, n_events: int) -> Path:
    """The benchmark store for ``n_events`` in ``folder``, built once and reused (the build
    takes longer than the report)."""
    n_chunks = n_events // (len(LABELERS) * len(TASK.questions))
    path = Path(folder) / f"bench_quality_{n_events}.db"
    if not path.exists():
        started = time.perf_counter()
        building = path.with_suffix(".building")
        for leftover in Path(folder).glob(building.name + "*"):
            leftover.unlink()
        events, _ = build_store(building, n_chunks)
        building.rename(path)
        print(
            f"built a store with {events:,} answer events in {time.perf_counter() - started:.1f} s"
        )
    return path


def bench_report(n_events: int, cache: str | None) -> None:
    task, labelers = TASK, LABELERS
    n_chunks = n_events // (len(labelers) * len(task.questions))
    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(cached_store(Path(cache or tmp), n_events))
        events = len(labelers) * len(task.questions) * n_chunks
        gold_chunks = range(max(1, n_chunks // 50))
        reads = {
            name: best_of(1, getattr(store, name), task)[0]
            for name in ("answers", "gold", "suggestions")
        }
        elapsed, report = best_of(1, lw.quality.report, store, task)
        read = sum(reads.values())
        print(
            f"quality.report on {events:,} answer events ({n_chunks:,} chunks x {len(labelers)} labelers x "
            f"{len(task.questions)} questions, {len(gold_chunks) * 2:,} gold): {elapsed:.1f} s; store reads "
            f"{read:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in reads.items())}), quality "
            f"computation {elapsed - read:.1f} s; flags: {len(report.flags)}"
        )
        print(report.flags.drop(columns="examples").to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["alpha", "report"], default=None)
    parser.add_argument(
        "--cache", help="a folder to keep the built store in and reuse it from (e.g. /tmp)"
    )
    args = parser.parse_args()
    if args.only != "report":
        bench_alpha(args.repeat)
    if args.only != "alpha":
        bench_report(args.events, args.cache)


if __name__ == "__main__":
    main()
