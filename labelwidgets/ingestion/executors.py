"""Where PDFs are read: this machine's warm worker processes, or any
:class:`concurrent.futures.Executor` (a Dask cluster, a Ray pool, a process pool).

On an executor, each task extracts one document in an isolated process of the machine that runs the task (its
warm :class:`~labelwidgets.ingestion.workers.ExtractionPool`), so the per-document time budget
and memory cap hold wherever it runs, and a PDF that hangs or blows up the parser costs one
timeout there, never the worker. The task returns the document's finished pages; chunks and
statuses are stored by the process that called :func:`~labelwidgets.ingestion.ingest`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import closing
from typing import Any

from labelwidgets.ingestion.extract import Extracted, finish_pages
from labelwidgets.ingestion.serve import PageBatch
from labelwidgets.ingestion.workers import default_workers, warm_pool

__all__ = ["DEFAULT_IN_FLIGHT", "check_executor", "extract_isolated", "extractions", "run_on"]

# Documents handed to an executor at once: enough to keep a cluster busy, few enough that the
# results waiting to be stored in input order stay small.
DEFAULT_IN_FLIGHT = 64


def extract_isolated(
    path: str,
    backend: str,
    password: str | None,
    timeout: float,
    page_timeout: float,
    memory_mb: int | None,
) -> tuple[Extracted, float]:
    """Extract and finish one document in a worker process of the process this runs in (a task
    for an executor); returns the result and the seconds extraction took. Never raises for a
    bad file."""
    with warm_pool(1, memory_mb) as pool:
        runs = list(pool.run([(path, backend, password)], timeout, 1, page_timeout=page_timeout))
    _, result, seconds = runs[0]
    return finish_pages(result), seconds


def check_executor(executor: Any) -> None:
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(
            "executor must be a concurrent.futures.Executor, e.g. "
            f"distributed.Client(...).get_executor(); got {type(executor).__name__}"
        )


def run_on(
    executor: Any,
    jobs: Sequence[tuple[str, str, str | None]],
    *,
    timeout: float,
    page_timeout: float,
    memory_mb: int | None,
    in_flight: int = DEFAULT_IN_FLIGHT,
    idle: Callable[[], object] | None = None,
) -> Iterator[tuple[int, Extracted, float]]:
    """Yield ``(index, finished Extracted, seconds)`` for each ``(path, backend, password)`` job
    as the executor's tasks finish, with at most ``in_flight`` tasks submitted at once;
    ``idle`` is called before waiting for tasks when none has finished."""
    pending = list(enumerate(jobs))[::-1]
    running: dict[Future[tuple[Extracted, float]], int] = {}
    try:
        while pending or running:
            while pending and len(running) < in_flight:
                index, job = pending.pop()
                task = executor.submit(extract_isolated, *job, timeout, page_timeout, memory_mb)
                running[task] = index
            if idle is not None and not any(task.done() for task in running):
                idle()
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for task in done:
                yield running.pop(task), *_outcome(task)
    finally:  # stopped early: tasks not started yet are not run
        for task in running:
            task.cancel()


def _outcome(task: Future[tuple[Extracted, float]]) -> tuple[Extracted, float]:
    try:
        return task.result()
    except Exception as exc:  # the executor lost the task (a worker died, a cluster went away)
        message = f"the executor could not run the extraction: {type(exc).__name__}: {exc}"
        return Extracted("broken", message=message), 0.0


def extractions(
    jobs: list[tuple[str, str, str | None]],
    executor: Executor | None,
    workers: int | None,
    limits: tuple[float, float, int | None],
    idle: Callable[[], object] | None = None,
) -> Iterator[tuple[int, Extracted | PageBatch, float]]:
    """``(job index, event, seconds)`` as documents are read. On this machine's warm worker
    processes a PDF's pages come as they are read (:class:`PageBatch` events, then its
    :class:`Extracted` with the rest), not normalized yet; an executor's tasks give each
    document whole and finished. ``idle`` is called whenever every event so far was taken and
    the next is not there yet."""
    timeout, page_timeout, memory_mb = limits
    if executor is not None:
        yield from run_on(
            executor,
            jobs,
            timeout=timeout,
            page_timeout=page_timeout,
            memory_mb=memory_mb,
            in_flight=workers or DEFAULT_IN_FLIGHT,
            idle=idle,
        )
        return
    n_workers = workers or min(default_workers(), len(jobs))
    with (
        warm_pool(n_workers, memory_mb) as pool,
        closing(
            pool.stream(jobs, timeout, n_workers, page_timeout=page_timeout, idle=idle)
        ) as events,
    ):
        yield from events
