"""Writer processes for the concurrency and crash tests (run as real OS processes)."""

from __future__ import annotations

import sys

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task("load", [lw.Question("q")], labelers_per_chunk=2)


def label_loop(url: str, schema: str | None, labeler: str, n: int) -> tuple[list[int], list[str]]:
    """``n`` times: take the next chunk and answer it. Returns (acknowledged ids, errors)."""
    store = LabelStore(url, schema=schema)
    acknowledged, errors = [], []
    after = None
    for i in range(n):
        try:
            chunk_id = store.next_chunk(TASK, labeler, after=after)
            if chunk_id is None:
                errors.append("no chunk left")
                break
            acknowledged.append(
                store.record_answer(TASK, chunk_id, "q", f"{labeler}-{i}", labeler=labeler)
            )
            after = chunk_id
        except Exception as exc:  # the test asserts that this list stays empty
            errors.append(f"{type(exc).__name__}: {exc}")
    store.close()
    return acknowledged, errors


def write_until_killed(url: str, schema: str | None) -> None:
    """Answer chunk after chunk, printing each acknowledged event id, until SIGKILL."""
    store = LabelStore(url, schema=schema)
    chunk_ids = store.chunk_order()
    i = 0
    while True:
        event_id = store.record_answer(
            TASK, chunk_ids[i % len(chunk_ids)], "q", f"answer {i}", labeler="crash"
        )
        print(event_id, flush=True)
        i += 1


if __name__ == "__main__":
    write_until_killed(sys.argv[1], None if sys.argv[2] == "-" else sys.argv[2])
