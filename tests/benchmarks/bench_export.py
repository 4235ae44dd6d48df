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

Each ratio is printed for wall time and for the CPU time of the process (on a loaded machine the
CPU time is the steadier one).

Then, once per size, the time and peak RSS of the other streamed formats: DPO pairs (``"dpo"``,
against one model answer per chunk), the Hugging Face dataset (``"hf"``) and the interop files
(``lw.interop.to_label_studio`` to a JSON file, ``to_argilla`` to a directory).

Targets (issue 17): the 1M run's peak RSS within 1.2x of the 100k run's; export time <= 1.15x
the hand-written export (the issue's "bare" 12.2 s at 1M answers did the per-row work: 12 us a
row). The ratio to the bare write is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
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
    chunks = store.chunks(columns=["chunk_id", "text"])
    states = chunks["text"].str.extract(r"(State \d+)")[0]
    store.add_suggestions(  # a model that names the state, unlike every labeler: DPO pairs
        [
            {"task": "bench", "chunk_id": c, "question": "governing_law", "model": "m", "answer": s}
            for c, s in zip(chunks["chunk_id"], states, strict=True)
        ]
    )
    print(
        f"  built {events:,} answers and {len(chunks):,} model answers in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )


OTHERS = ("dpo", "hf", "label-studio", "argilla")
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
    started, cpu = time.perf_counter(), time.process_time()
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
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"seconds": seconds, "cpu": cpu, "peak_mib": peak, "imports_mib": after_imports}
    result.update(rows=report.rows, files=[str(p) for p in report.paths.values()])
    print(json.dumps(result))


def other_format(path: Path, out: Path, kind: str) -> None:
    import warnings

    import labelwidgets as lw
    from labelwidgets.exporting import hf, interop, pipeline  # noqa: F401 - outside the timing

    store = lw.LabelStore(path)
    started = time.perf_counter()
    if kind == "label-studio":
        lw.interop.to_label_studio(store, _task(), out / "tasks.json", progress=False)
    elif kind == "argilla":
        lw.interop.to_argilla(store, _task(), out / "argilla", progress=False)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lw.export(store, _task(), kind, out / kind, answers="all", keep_conflicting=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def handwritten(path: Path, out: Path, files: list[str]) -> None:
    import sqlite3

    from labelwidgets.models.prompts import render

    question = _task().questions[0]
    mark = "\x00chunk\x00"
    template = render(question, mark, not_in_text=UNKNOWN_TEXT)
    template = template.replace("{", "{{").replace("}", "}}").replace(mark, "{chunk}")
    started, cpu = time.perf_counter(), time.process_time()
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
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with open(out, encoding="utf-8") as f:
        written = {hash(line) for line in f}
    for file in files:
        with open(file, encoding="utf-8") as f:
            if not all(hash(line) in written for line in f):
                raise SystemExit(f"a line of {file} is not among the hand-written lines")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows}))


def bare(files: list[str], out: Path) -> None:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    rows = []
    for file in files:
        with open(file, encoding="utf-8") as f:
            rows += [
                (m[0]["content"], m[1]["content"])
                for m in (json.loads(line)["messages"] for line in f)
            ]
    started, cpu = time.perf_counter(), time.process_time()
    with open(out, "w", encoding="utf-8") as f:
        for prompt, completion in rows:
            f.write(
                '{"messages": [{"role": "user", "content": '
                + dumps(prompt)
                + '}, {"role": "assistant", "content": '
                + dumps(completion)
                + "}]}\n"
            )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(rows)}))


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


def _ratios(values: list[float]) -> str:
    shown = ", ".join(f"{v:.2f}x" for v in values)
    return f"{shown} (median {statistics.median(values):.2f}x)" if len(values) > 2 else shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=1, help="export/bare pairs per size")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    peaks: dict[int, float] = {}
    other_peaks: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            db = Path(tmp) / f"{size}.db"
            print(f"{size:,} answers:", flush=True)
            _child("--build", str(db), str(size))
            ratios: dict[str, list[float]] = {}
            for round_ in range(args.rounds):
                out = Path(tmp) / f"out-{size}-{round_}"
                run = _child("--export", str(db), str(out))
                hand = _child("--hand", str(db), str(out / "hand.jsonl"), *run["files"])
                write = _child("--bare", str(out / "bare.jsonl"), *run["files"])
                for clock in ("seconds", "cpu"):
                    ratios.setdefault(f"hand {clock}", []).append(run[clock] / hand[clock])
                    ratios.setdefault(f"bare {clock}", []).append(run[clock] / write[clock])
                peaks[size] = max(peaks.get(size, 0.0), run["peak_mib"])
                print(
                    f"  load {os.getloadavg()[0]:.1f}: export {run['rows']:,} rows in "
                    f"{run['seconds']:.2f} s (CPU {run['cpu']:.2f} s), peak RSS "
                    f"{run['peak_mib']:,.0f} MiB (after imports {run['imports_mib']:,.0f} MiB); "
                    f"hand-written export of {hand['rows']:,} answers {hand['seconds']:.2f} s "
                    f"(CPU {hand['cpu']:.2f} s); bare write of the export's {write['rows']:,} "
                    f"lines {write['seconds']:.2f} s (CPU {write['cpu']:.2f} s)",
                    flush=True,
                )
            for name, label in (("hand", "hand-written export"), ("bare", "bare write")):
                target = " (target <= 1.15x)" if name == "hand" else ""
                print(
                    f"  export / {label}: wall {_ratios(ratios[f'{name} seconds'])}, "
                    f"CPU {_ratios(ratios[f'{name} cpu'])}{target}"
                )
            for kind in OTHERS:
                run = _child("--format", str(db), str(Path(tmp) / f"out-{size}-0"), kind)
                other_peaks.setdefault(kind, {})[size] = run["peak_mib"]
                print(
                    f"  {kind} file in {run['seconds']:.2f} s, peak RSS {run['peak_mib']:,.0f} MiB",
                    flush=True,
                )
    sizes = sorted(peaks)
    if len(sizes) > 1:
        for name, found in {"export": peaks, **other_peaks}.items():
            print(
                f"{name} peak RSS {sizes[-1]:,} vs {sizes[0]:,} answers: "
                f"{found[sizes[-1]] / found[sizes[0]]:.2f}x (target <= 1.2x)"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--export":
        export(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--format":
        other_format(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--hand":
        handwritten(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--bare":
        bare(sys.argv[3:], Path(sys.argv[2]))
    else:
        main()
