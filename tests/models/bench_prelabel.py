"""Benchmark: prelabel overhead and OpenAIChat throughput against the loopback server.

Run: .venv/bin/python -m tests.models.bench_prelabel   (prints figures; asserts nothing)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import labelwidgets as lw
from labelwidgets.models.prompts import parse_answer

N_CHUNKS = 2000
TASK = lw.Task(
    "bench",
    [
        lw.Question(
            "has_clause",
            kind="choice",
            choices=["yes", "no"],
            prompt="Is there a governing-law clause?",
        ),
        lw.Question("governing_law", when=("has_clause", "yes"), prompt="Which law governs?"),
    ],
)


def _store(folder: Path, n: int) -> lw.LabelStore:
    store = lw.LabelStore(folder / "bench.db")
    store.add_chunks(
        [
            {
                "text": f"Clause {i}. This Agreement is governed by the laws of State {i}."
                if i % 2
                else f"Clause {i}. Payment is due in {i} days."
            }
            for i in range(n)
        ]
    )
    store.add_task(TASK)
    return store


def _rules(prompt: str) -> str:
    text = prompt.split('"""')[1]
    if "exactly one of: yes, no" in prompt:
        return "yes" if "governed by" in text else "no"
    return text.split("governed by ")[1].rstrip(".\n ") if "governed by" in text else "NOT_IN_TEXT"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = _store(Path(folder), N_CHUNKS)
        model = lw.models.Callable(_rules, name="rules")
        started = time.perf_counter()
        summary = lw.prelabel(store, TASK, model, progress=False)
        first = time.perf_counter() - started
        answers = int(summary["asked"].sum())
        started = time.perf_counter()
        lw.prelabel(store, TASK, model, progress=False)
        cached = time.perf_counter() - started
        print(
            f"prelabel, local callable, {N_CHUNKS} chunks x 2 chained questions: {answers} answers "
            f"in {first:.2f} s ({answers / first:,.0f} answers/s incl. render, parse, durable writes); "
            f"rerun from cache {cached * 1000:.0f} ms"
        )
        store.close()

    question = TASK.question("governing_law")
    replies = [
        "the laws of Texas",
        "NOT_IN_TEXT",
        "The document does not specify it.",
        'Answer: "the laws of England"',
    ] * 5000
    started = time.perf_counter()
    for reply in replies:
        parse_answer(question, reply)
    elapsed = time.perf_counter() - started
    print(f"parse_answer: {len(replies) / elapsed:,.0f} replies/s")

    # the server runs in its own process, so its threads do not share the client's GIL
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from tests.models.openai_server import FakeOpenAI\n"
            "s = FakeOpenAI(); s.hold_s = 0.02; print(s.base_url, flush=True); s.serve_forever()",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        base_url = server.stdout.readline().strip()
        prompts = [f'"""governed by the laws of State {i}."""' for i in range(400)]
        for concurrency in (1, 4, 16):
            chat = lw.models.OpenAIChat("m", base_url=base_url, max_concurrency=concurrency)
            started = time.perf_counter()
            out = chat.answer(prompts)
            elapsed = time.perf_counter() - started
            assert all(a.error is None for a in out)
            print(
                f"OpenAIChat loopback (server in another process), 20 ms per request, "
                f"max_concurrency={concurrency:>2}: {len(prompts) / elapsed:,.0f} requests/s"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
