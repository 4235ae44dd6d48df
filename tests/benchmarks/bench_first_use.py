"""A newcomer's first minute: time from a fresh interpreter to a store and to a Labeler.

    .venv/bin/python tests/benchmarks/bench_first_use.py [--repeat 7]

Builds the quickstart's store once (12 sample contracts, ingested and filtered as in
``notebooks/01_quickstart.ipynb``, and its task), then starts a fresh interpreter per run and
prints, from the moment the interpreter is launched, the time to

- ``import labelwidgets as lw``;
- ``lw.LabelStore(path)`` on that store;
- the quickstart's ``lw.Task(...)`` and ``store.add_task(task)`` (unchanged: a no-op);
- ``lw.Labeler(store, task, labeler="me")`` constructed (its first chunk loaded).

``--kernel`` also times the same code as the first cell of a fresh Jupyter kernel (started
beforehand, as a notebook's is; IPython is loaded there already). Also the bare interpreter (``python -c pass``) and the heavy libraries on their own, so the share
of each is visible. Figures are the best and the median of ``--repeat`` runs (the machine is
shared; the best run is the least disturbed one). ``--compare DIR`` also runs another copy of
the package (a folder holding ``labelwidgets/``, e.g. ``git archive HEAD~1 labelwidgets | tar -x
-C DIR``) in the same rounds and prints the ratio of the two.
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
from pathlib import Path

import labelwidgets as lw

TASK = """
task = lw.Task(
    "contract-facts",
    guidelines="Answer from this chunk only. If the chunk does not say, press u.",
    questions=[
        lw.Question("has_governing_law_clause", kind="choice", choices=["yes", "no"],
                    prompt="Does this text contain a governing-law clause? Answer yes or no.",
                    instructions="Is there a clause saying which law governs the agreement?"),
        lw.Question("governing_law", kind="text", when=("has_governing_law_clause", "yes"),
                    prompt="What law governs this agreement? Answer as a lawyer writes it.",
                    instructions="Type the governing law as written.",
                    validators=[lw.validators.none_of(["United Kingdom", "England", "USA"])]),
        lw.Question("agreement_type", kind="choice",
                    choices=["supply", "license", "services", "other"],
                    prompt="What kind of agreement is this?",
                    instructions="Pick the kind of agreement, if the chunk tells."),
    ],
    highlight=["governing law", "laws of"],
)
"""

FIRST_USE = (
    """
import json, sys, time
marks = {"start": time.time()}
import labelwidgets as lw
marks["import labelwidgets"] = time.time()
store = lw.LabelStore(sys.argv[1])
marks["LabelStore(path)"] = time.time()
"""
    + TASK
    + """
store.add_task(task)
marks["Task + add_task"] = time.time()
widget = lw.Labeler(store, task, labeler="me")
marks["Labeler(...)"] = time.time()
assert widget.chunk_id  # a chunk to label is loaded
print(json.dumps(marks))
"""
)

ALONE = {
    "python -c pass": "pass",
    "import pandas": "import pandas",
    "import sqlalchemy": "import sqlalchemy",
    "import anywidget": "import anywidget",
}


def build_store(folder: Path) -> Path:
    lw.samples.make_contracts(folder / "sample_contracts", n=12, seed=0)
    path = folder / "quickstart_labels.db"
    store = lw.LabelStore(path)
    lw.ingest(
        folder / "sample_contracts",
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=700, overlap=80),
        keep=lw.filters.keywords(["governing law", "laws of"]),
        progress=False,
    )
    scope: dict[str, object] = {"lw": lw}
    exec(TASK, scope)
    store.add_task(scope["task"])
    store.close()
    return path


def in_kernel(path: Path, package_dir: str | None = None) -> dict[str, float]:
    """Seconds from the first cell's start in a fresh Jupyter kernel (started beforehand, like
    a notebook's) to each mark."""
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, **({"PYTHONPATH": package_dir} if package_dir else {})}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(path.parent), env=env)
    printed: list[str] = []

    def keep(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    try:
        code = f"import sys\nsys.argv[1:] = [{str(path)!r}]\n{FIRST_USE}"
        client.execute_interactive(code, timeout=300, output_hook=keep)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    marks = json.loads("".join(printed))
    start = marks.pop("start")
    return {mark: at - start for mark, at in marks.items()}


def first_use(path: Path, package_dir: str | None = None) -> dict[str, float]:
    """Seconds from launching a fresh interpreter to each mark (``package_dir``: import the
    package from there)."""
    env = {**os.environ, "PYTHONPATH": package_dir} if package_dir else None
    launched = time.time()
    out = subprocess.run(
        [sys.executable, "-c", FIRST_USE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=path.parent,  # not the checkout: "-c" puts the working folder first on sys.path
    ).stdout
    marks = json.loads(out)
    del marks["start"]
    return {mark: at - launched for mark, at in marks.items()}


def alone(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def report(
    title: str, runs: list[dict[str, float]], others: list[dict[str, float]], compare: str | None
) -> None:
    print(f"{title}, best / median of {len(runs)} (seconds)")
    for mark in runs[0]:
        values = [run[mark] for run in runs]
        line = f"  {mark:22s} {min(values):6.3f} / {statistics.median(values):6.3f}"
        if others:
            before = [run[mark] for run in others]
            line += (
                f"   {compare}: {min(before):6.3f} / {statistics.median(before):6.3f}"
                f"   ({min(before) / min(values):.1f}x faster now)"
            )
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--compare", help="a folder holding another labelwidgets/ to compare")
    parser.add_argument("--kernel", action="store_true", help="also from a fresh Jupyter kernel")
    args = parser.parse_args()
    modes = {"fresh interpreter": first_use, **({"fresh kernel": in_kernel} if args.kernel else {})}
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    others: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    reference: dict[str, list[float]] = {name: [] for name in ALONE}
    with tempfile.TemporaryDirectory() as tmp:
        path = build_store(Path(tmp))
        for _ in range(args.repeat):  # interleaved: every figure sees the same load
            for mode, measure in modes.items():
                runs[mode].append(measure(path))
                if args.compare:
                    others[mode].append(measure(path, args.compare))
            for name, code in ALONE.items():
                reference[name].append(alone(code))
    for mode in modes:
        report(f"{mode} -> ...", runs[mode], others[mode], args.compare)
    print("for reference, each in a fresh interpreter:")
    for name, values in reference.items():
        print(f"  {name:22s} {min(values):6.3f} / {statistics.median(values):6.3f}")
    labeler = [run["Labeler(...)"] for run in runs["fresh interpreter"]]
    bare = reference["python -c pass"]
    print(f"Labeler ready in {min(labeler):.2f} s, {min(labeler) / min(bare):.1f}x a bare python")


if __name__ == "__main__":
    main()
