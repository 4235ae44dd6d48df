"""Export throughput: 1M answers -> openai-chat JSONL, rows/s and peak memory.

    .venv/bin/python tests/benchmarks/bench_export.py [--answers 1000000]

Target: >= 200k rows/s, streaming (the file is never built in memory).
"""

from __future__ import annotations

import argparse
import importlib
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bulk import load_answers

import labelwidgets as lw

export_module = importlib.import_module("labelwidgets.exporting")

TASK = lw.Task("bench", [lw.Question("governing_law", prompt="Which law governs?")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    args = parser.parse_args()
    labelers = [f"labeler-{i}" for i in range(10)]
    n_chunks = args.answers // len(labelers)
    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "bench.db")
        started = time.perf_counter()
        events = load_answers(
            store,
            TASK,
            n_chunks,
            labelers,
            lambda i, who, q: lw.UNKNOWN if i % 5 == 0 else f"the laws of State {i % 50} ({who})",
        )
        print(
            f"loaded {events:,} answers on {n_chunks:,} chunks in {time.perf_counter() - started:.1f} s"
        )
        timings: dict[str, float] = {}
        original_write = export_module._write

        def timed_write(*a, **k):
            begun = time.perf_counter()
            result = original_write(*a, **k)
            timings["write"] = time.perf_counter() - begun
            return result

        export_module._write = timed_write
        started = time.perf_counter()
        report = lw.export(store, TASK, "openai-chat", Path(tmp) / "out", answers="all", split=0.1)
        total = time.perf_counter() - started
        tracemalloc.start()  # a second run, traced: tracing slows Python down several times
        lw.export(store, TASK, "openai-chat", Path(tmp) / "out2", answers="all", split=0.1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = sum(p.stat().st_size for p in report.paths.values())
        print(f"openai-chat export of {report.rows:,} rows ({size / 1e6:,.0f} MB of JSONL):")
        print(
            f"  end to end {report.rows / total:,.0f} rows/s ({total:.1f} s: read answers, render prompts, "
            f"dedup, split, write)"
        )
        print(f"  writing the JSONL {report.rows / timings['write']:,.0f} rows/s")
        print(
            f"  peak traced Python memory {peak / 1e6:,.0f} MB (the file itself: {size / 1e6:,.0f} MB); "
            f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:,.0f} MB"
        )


if __name__ == "__main__":
    main()
