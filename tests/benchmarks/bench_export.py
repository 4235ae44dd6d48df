"""Streaming export: peak memory at two store sizes, and time against two baselines.

    .venv/bin/python tests/benchmarks/bench_export.py [--sizes 100000 1000000] [--rounds 1]

For each size, a store with that many answers (10 labelers, one question; every fifth chunk
"not in the text") is built in one subprocess; then, each in a fresh subprocess and in the same
round (so the ratios share the machine's load):

- the export: ``lw.export(store, task, "openai-chat", ..., answers="all", keep_conflicting=True,
  split=0.1)``, its wall time and the process's peak RSS (``ru_maxrss``; the process after
  imports is reported too);
- the hand-written export (the fair baseline): the script a user would write without
  labelwidgets — one plain ``sqlite3`` query for the question's answers joined with their chunk
  text, the prompt rendered with ``str.format`` from the same template text (its fixed fields
  filled in before the clock starts), a ``{"messages": [...]}`` dict per answer,
  ``json.dumps``-ed a line at a time into one file. It neither de-duplicates nor splits. After
  the clock stops it checks that every line the export wrote is one of its lines;
- the bare write: the export's own lines (read back into memory first, not timed) written
  again from pre-encoded parts. It reads no store, renders no prompt and builds no record: a
  floor no export reaches, not a baseline a user has.

Targets (issue 17): the 1M run's peak RSS within 1.2x of the 100k run's; export time <= 1.15x
the hand-written export (the issue's "bare" 12.2 s at 1M answers did the per-row work: 12 us a
row). The ratio to the bare write is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
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


UNKNOWN_TEXT = "The document does not say."  # the export's default target for "not in the text"


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


def handwritten(path: Path, out: Path, files: list[str]) -> None:
    import sqlite3

    from labelwidgets.models.prompts import render

    question = _task().questions[0]
    mark = "\x00chunk\x00"
    template = render(question, mark, not_in_text=UNKNOWN_TEXT)
    template = template.replace("{", "{{").replace("}", "}}").replace(mark, "{chunk}")
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    found = connection.execute(
        "SELECT c.text, a.value, a.is_unknown FROM current_answers a "
        "JOIN chunks c ON c.chunk_id = a.chunk_id WHERE a.task_id = ? AND a.question = ?",
        ("bench", question.name),
    )
    rows = 0
    with open(out, "w", encoding="utf-8") as f:
        for text, value, unknown in found:
            record = {
                "messages": [
                    {"role": "user", "content": template.format(chunk=text)},
                    {
                        "role": "assistant",
                        "content": UNKNOWN_TEXT if unknown else json.loads(value),
                    },
                ]
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
    seconds = time.perf_counter() - started
    with open(out, encoding="utf-8") as f:
        written = {hash(line) for line in f}
    for file in files:
        with open(file, encoding="utf-8") as f:
            if not all(hash(line) in written for line in f):
                raise SystemExit(f"a line of {file} is not among the hand-written lines")
    print(json.dumps({"seconds": seconds, "rows": rows}))


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
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            db = Path(tmp) / f"{size}.db"
            print(f"{size:,} answers:", flush=True)
            _child("--build", str(db), str(size))
            to_hand, to_bare = [], []
            for round_ in range(args.rounds):
                out = Path(tmp) / f"out-{size}-{round_}"
                run = _child("--export", str(db), str(out))
                hand = _child("--hand", str(db), str(out / "hand.jsonl"), *run["files"])
                write = _child("--bare", str(out / "bare.jsonl"), *run["files"])
                to_hand.append(run["seconds"] / hand["seconds"])
                to_bare.append(run["seconds"] / write["seconds"])
                peaks[size] = max(peaks.get(size, 0.0), run["peak_mib"])
                print(
                    f"  export {run['rows']:,} rows in {run['seconds']:.2f} s "
                    f"({run['rows'] / run['seconds']:,.0f} rows/s), peak RSS "
                    f"{run['peak_mib']:,.0f} MiB (after imports {run['imports_mib']:,.0f} MiB); "
                    f"hand-written export of {hand['rows']:,} answers {hand['seconds']:.2f} s; "
                    f"bare write of the export's {write['rows']:,} lines {write['seconds']:.2f} s",
                    flush=True,
                )
            print(
                f"  export / hand-written export: {', '.join(f'{r:.2f}x' for r in to_hand)} "
                "(target <= 1.15x)"
            )
            print(f"  export / bare write: {', '.join(f'{r:.2f}x' for r in to_bare)}")
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
    elif len(sys.argv) > 1 and sys.argv[1] == "--hand":
        handwritten(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--bare":
        bare(sys.argv[3:], Path(sys.argv[2]))
    else:
        main()
