"""Streaming export: peak memory at two store sizes and time against a bare write of the same rows.

    .venv/bin/python tests/benchmarks/bench_export.py [--sizes 100000 1000000] [--rounds 1]

For each size, a store with that many answers (10 labelers, one question; every fifth chunk
"not in the text") is built in one subprocess; then, each in a fresh subprocess:

- the export: ``lw.export(store, task, "openai-chat", ..., answers="all", keep_conflicting=True,
  split=0.1)``, its wall time and the process's peak RSS (``ru_maxrss``; the process after
  imports is reported too);
- the bare write: the same lines (read back from the export's files into memory first, not
  timed) written again, one line at a time from pre-encoded parts — what the export's writer did
  before it streamed (the issue's 12.2 s at 1M answers).

Targets (issue 17): the 1M run's peak RSS within 1.2x of the 100k run's; export time <= 1.15x
the bare write.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def build(path: Path, answers: int) -> None:
    sys.path.insert(0, str(HERE))
    from bulk import load_answers

    import labelwidgets as lw

    labelers = [f"labeler-{i}" for i in range(10)]
    store = lw.LabelStore(path)
    started = time.perf_counter()
    events = load_answers(
        store,
        _task(),
        answers // len(labelers),
        labelers,
        lambda i, who, q: lw.UNKNOWN if i % 5 == 0 else f"the laws of State {i % 50} ({who})",
    )
    print(f"  built {events:,} answers in {time.perf_counter() - started:.1f} s", flush=True)


def _task():
    import labelwidgets as lw

    return lw.Task("bench", [lw.Question("governing_law", prompt="Which law governs?")])


def export(path: Path, out: Path) -> None:
    import warnings

    import labelwidgets as lw
    from labelwidgets.exporting import pipeline  # noqa: F401 - imports outside the timing

    store = lw.LabelStore(path)
    after_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = lw.export(
            store,
            _task(),
            "openai-chat",
            out,
            answers="all",
            keep_conflicting=True,
            split=0.1,
            progress=False,
        )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"seconds": seconds, "peak_mib": peak, "imports_mib": after_imports}
    result.update(rows=report.rows, files=[str(p) for p in report.paths.values()])
    print(json.dumps(result))


def bare(files: list[str], out: Path) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    rows = []
    for file in files:
        with open(file, encoding="utf-8") as f:
            rows += [
                (m[0]["content"], m[1]["content"])
                for m in (json.loads(line)["messages"] for line in f)
            ]
    started = time.perf_counter()
    with open(out, "w", encoding="utf-8") as f:
        for prompt, completion in rows:
            f.write(
                '{"messages": [{"role": "user", "content": '
                + dumps(prompt)
                + '}, {"role": "assistant", "content": '
                + dumps(completion)
                + "}]}\n"
            )
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(rows)}))


def _child(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=1, help="export/bare pairs per size")
    args = parser.parse_args()
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            db = Path(tmp) / f"{size}.db"
            print(f"{size:,} answers:", flush=True)
            _child("--build", str(db), str(size))
            ratios = []
            for round_ in range(args.rounds):
                out = Path(tmp) / f"out-{size}-{round_}"
                run = _child("--export", str(db), str(out))
                write = _child("--bare", str(out / "bare.jsonl"), *run["files"])
                ratios.append(run["seconds"] / write["seconds"])
                peaks[size] = max(peaks.get(size, 0.0), run["peak_mib"])
                print(
                    f"  export {run['rows']:,} rows in {run['seconds']:.1f} s "
                    f"({run['rows'] / run['seconds']:,.0f} rows/s); bare write of the same "
                    f"{write['rows']:,} lines {write['seconds']:.1f} s -> "
                    f"{ratios[-1]:.2f}x; peak RSS {run['peak_mib']:,.0f} MiB "
                    f"(after imports {run['imports_mib']:,.0f} MiB)",
                    flush=True,
                )
            print(f"  export / bare write: {', '.join(f'{r:.2f}x' for r in ratios)}")
    sizes = sorted(peaks)
    if len(sizes) > 1:
        print(
            f"peak RSS {sizes[-1]:,} vs {sizes[0]:,} answers: "
            f"{peaks[sizes[-1]] / peaks[sizes[0]]:.2f}x (target <= 1.2x)"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--export":
        export(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--bare":
        bare(sys.argv[3:], Path(sys.argv[2]))
    else:
        main()
