"""Nothing acknowledged is lost: concurrent writer processes and a SIGKILLed writer."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest

from labelwidgets.store import LabelStore
from tests.conftest import ROOT
from tests.store.workers import TASK, label_loop

pytestmark = pytest.mark.slow


def _target(store: LabelStore) -> tuple[str, str | None]:
    return store._url, store.schema


@pytest.mark.parametrize(
    ("backend", "processes", "calls"), [("sqlite", 4, 500), ("postgresql", 16, 250)]
)
def test_concurrent_writers_lose_nothing_and_respect_overlap(
    request: pytest.FixtureRequest, backend: str, processes: int, calls: int
) -> None:
    store = request.getfixturevalue("sqlite_store" if backend == "sqlite" else "pg_store")
    k = TASK.labelers_per_chunk
    store.add_chunks([{"text": f"chunk number {i}"} for i in range(processes * calls)])
    store.add_task(TASK)
    url, schema = _target(store)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        results = pool.starmap(
            label_loop, [(url, schema, f"labeler-{p}", calls) for p in range(processes)]
        )
    errors = [e for _, errs in results for e in errs]
    acknowledged = [event_id for ids, _ in results for event_id in ids]
    assert errors == []
    assert len(acknowledged) == processes * calls
    events = store.events(TASK)
    assert set(acknowledged) <= set(events["event_id"])
    assert len(events) == processes * calls
    answers = store.answers(TASK)
    per_chunk = Counter(answers["chunk_id"])
    assert max(per_chunk.values()) <= k
    assert not answers.duplicated(["chunk_id", "labeler"]).any()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_acknowledged_write_survives_sigkill(
    request: pytest.FixtureRequest, backend: str
) -> None:
    store = request.getfixturevalue("sqlite_store" if backend == "sqlite" else "pg_store")
    store.add_chunks([{"text": f"chunk {i}"} for i in range(20)])
    store.add_task(TASK)
    url, schema = _target(store)
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store.workers", url, schema or "-"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged = []
    assert writer.stdout is not None
    for line in writer.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) == 200:
            writer.send_signal(signal.SIGKILL)
            break
    writer.wait(timeout=30)
    acknowledged += [int(line) for line in writer.stdout.read().split()]
    assert writer.returncode == -signal.SIGKILL
    store.close()
    reopened = LabelStore(url, schema=schema)
    stored = set(reopened.events(TASK)["event_id"])
    assert set(acknowledged) <= stored
    assert len(stored) >= 200
    reopened.close()
