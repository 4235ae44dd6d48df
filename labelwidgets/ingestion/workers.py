"""Worker processes for extraction, with a wall-clock timeout and a memory cap per document.

A worker that overruns its document's timeout is killed and replaced, so a PDF that loops or
blows up the parser costs one timeout, never the batch. Workers are reused between documents
(and, through :func:`warm_pool`, between calls): spawning one per small PDF would cost more than
extracting it.

Portable: Linux, macOS and Windows. Results come back through each worker's pipe, read by one
thread per worker (no POSIX-only waiting on pipes). The memory cap is the worker's address-space
limit (``resource.setrlimit``) where the OS has it (Linux, macOS); where it does not (Windows),
the parent watches each worker's resident memory with ``psutil`` (when installed) and stops a
worker over the cap; without ``psutil`` there the cap is not enforced, and a warning says so
once.
"""

from __future__ import annotations

import atexit
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

from labelwidgets.ingestion.extract import Extracted
from labelwidgets.ingestion.serve import BATCH, READY, PageBatch, serve
from labelwidgets.ingestion.worker_os import (
    EOF,
    has_rlimit,
    read_into,
    rss_reader,
    send,
    warn_unenforced,
)

DEFAULT_MEMORY_MB = 2048
# How long a new worker may take to start (interpreter + parser imports). Generous, because on a
# loaded machine start-up can take seconds, and it must never count against a document's timeout.
STARTUP_TIMEOUT_S = 120.0
# How the memory cap is enforced: "rlimit" (the worker limits its own address space) or "watch"
# (the parent polls the worker's resident memory every WATCH_S seconds).
WATCH_S = 0.1
# Jobs a worker has waiting in its input when it is the only one of its run. Several, because
# storing a long document may take the caller longer than the worker takes for the next few
# short ones; with more workers, one (a job queued behind a slow document could have gone to
# another worker).
QUEUE_AHEAD = 8


@dataclass(frozen=True)
class Budget:
    """How long one document may take: ``timeout`` seconds, plus ``page_timeout`` seconds per page
    once the worker has said how many pages it has. A stuck page or a looping parser is still
    stopped; a long document is not stopped for being long."""

    timeout: float
    page_timeout: float = 0.0

    def seconds(self, n_pages: int | None) -> float:
        return self.timeout + self.page_timeout * (n_pages or 0)

    def explain(self, n_pages: int | None, backend: str) -> str:
        """Why a document was stopped, and what to change."""
        if n_pages and self.page_timeout:
            spent = (
                f"{self.seconds(n_pages):g} s ({self.timeout:g} s + {self.page_timeout:g} s "
                f"per page x {n_pages} pages)"
            )
            raise_what = "raise page_timeout= or timeout="
        else:
            spent, raise_what = f"{self.timeout:g} s", "raise timeout="
        faster = ", or try backend='pypdfium2'" if backend == "pypdf" else ""
        return f"extraction took longer than {spent} and was stopped ({raise_what}{faster})"


@dataclass
class _Job:
    index: int  # position in the run's job list
    backend: str
    began: float  # monotonic time the worker was handed the job
    n_pages: int | None = None  # once the worker has said
    doc_id: str = ""  # once the worker has said

    def deadline(self, budget: Budget) -> float:
        return self.began + budget.seconds(self.n_pages)


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: queue.SimpleQueue[Any] = field(default_factory=queue.SimpleQueue)  # from its reader
    job: _Job | None = None
    # The jobs after this one, already in its input (next first): it starts them without
    # waiting for us.
    queued: list[tuple[int, tuple[str, str, str | None]]] = field(default_factory=list)
    ready: bool = False  # has said it finished starting up


class ExtractionPool:
    """Extract many files in ``workers`` processes; results come back as they finish."""

    def __init__(self, workers: int = 1, *, memory_mb: int | None = DEFAULT_MEMORY_MB) -> None:
        self._memory_mb = memory_mb
        self._cap = "rlimit" if has_rlimit() else "watch"
        self._rss = rss_reader() if memory_mb and self._cap == "watch" else None
        if memory_mb and self._cap == "watch" and self._rss is None:
            warn_unenforced(memory_mb)
        self._bell = threading.Condition()  # rung by reader threads when a message arrives
        self._workers: list[_Worker] = []
        self.resize(workers)

    def resize(self, workers: int) -> None:
        """Start workers until there are at least ``workers``."""
        while len(self._workers) < max(1, workers):
            self._workers.append(self._started(_Worker(self._spawn())))

    def _started(self, worker: _Worker) -> _Worker:
        """Give the worker a fresh inbox and a thread reading its pipe into it."""
        worker.inbox = queue.SimpleQueue()
        reader = threading.Thread(
            target=read_into,
            args=(worker.process.stdout, worker.inbox, self._bell),
            name=f"labelwidgets-extract-reader-{worker.process.pid}",
            daemon=True,
        )
        reader.start()
        return worker

    def _wait(self, workers: list[_Worker], timeout: float) -> set[int]:
        """Ids of the workers with a message waiting, after at most ``timeout`` seconds."""
        until = time.monotonic() + timeout
        with self._bell:
            while True:
                ready = {id(w) for w in workers if not w.inbox.empty()}
                left = until - time.monotonic()
                if ready or left <= 0:
                    return ready
                self._bell.wait(left)

    def _spawn(self) -> subprocess.Popen[bytes]:
        # A plain subprocess rather than multiprocessing: it works from any script, with or
        # without an ``if __name__ == "__main__"`` guard, and shares nothing with the parent.
        command = [
            sys.executable,
            "-m",
            "labelwidgets.ingestion.workers",
            str(self._memory_mb or 0),
            self._cap,
        ]
        # Unbuffered: each message is written whole and flushed at once.
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )

    def run(
        self,
        jobs: Iterable[tuple[str, str, str | None]],
        timeout: float,
        workers: int | None = None,
        *,
        page_timeout: float = 0.0,
    ) -> Iterator[tuple[int, Extracted, float]]:
        """Yield ``(index, Extracted, seconds)`` for each ``(path, backend, password)`` job: whole
        documents (a document that fails midway gives its status, no pages); see
        :meth:`stream` for the arguments."""
        partial: dict[int, list[PageBatch]] = {}
        with closing(self.stream(jobs, timeout, workers, page_timeout=page_timeout)) as events:
            for index, event, seconds in events:
                if isinstance(event, PageBatch):
                    partial.setdefault(index, []).append(event)
                    continue
                batches = partial.pop(index, [])
                if batches and event.status == "ok":
                    event.pages = [p for b in batches for p in b.pages] + event.pages
                    images = [i for b in batches for i in b.image_pages]
                    event.image_pages = images + event.image_pages
                yield index, event, seconds

    def stream(
        self,
        jobs: Iterable[tuple[str, str, str | None]],
        timeout: float,
        workers: int | None = None,
        *,
        page_timeout: float = 0.0,
        idle: Callable[[], object] | None = None,
    ) -> Iterator[tuple[int, Extracted | PageBatch, float]]:
        """Yield ``(index, event, seconds)`` for each ``(path, backend, password)`` job as it is
        read: a :class:`PageBatch` of a PDF's pages as they come (the pages of a long document,
        in order), then one :class:`Extracted` with its status and the pages not sent yet.

        A document may take ``timeout`` seconds plus ``page_timeout`` per page (see
        :class:`Budget`). ``workers`` limits how many of the pool's processes take part
        (default: all). ``idle`` is called whenever the caller has had every event so far and
        the workers are still reading (work saved for then is not left for the end).
        """
        budget = Budget(timeout, page_timeout)
        pending = list(enumerate(jobs))[::-1]
        team = self._workers[: workers or len(self._workers)]

        ahead = QUEUE_AHEAD if len(team) == 1 else 1

        def dispatch(worker: _Worker) -> None:
            worker.job = None
            if worker.queued:
                queued = worker.queued.pop(0)
            elif pending:
                queued = pending.pop()
                self._send_job(worker, queued[1])  # the clock starts once the worker runs
            else:
                return
            worker.job = _Job(queued[0], queued[1][1], time.monotonic())
            # Near the end, nothing waits behind a slow document, unless no other worker could
            # take it: one worker starts the last document without waiting for us to wake up.
            while (
                pending
                and len(worker.queued) < ahead
                and (len(team) == 1 or len(pending) > len(team))
            ):
                try:
                    send(worker.process.stdin, pending[-1][1])  # type: ignore[arg-type]
                except OSError:  # a dead worker: its crash is read next
                    break
                worker.queued.append(pending.pop())

        try:
            for worker in team:
                dispatch(worker)
            while busy := [w for w in team if w.job]:
                if idle is not None and all(w.inbox.empty() for w in busy):
                    idle()
                next_deadline = min(w.job.deadline(budget) for w in busy)  # type: ignore[union-attr]
                wait_s = max(0.0, next_deadline - time.monotonic())
                ready = self._wait(busy, min(wait_s, WATCH_S) if self._rss else wait_s)
                for worker in busy:
                    job, process = worker.job, worker.process
                    assert job is not None
                    result = self._collect(worker, id(worker) in ready, budget)
                    if result is None:
                        continue
                    seconds = time.monotonic() - job.began
                    if isinstance(result, PageBatch):
                        yield job.index, result, seconds
                        continue
                    if worker.process is not process:  # its queued jobs went with the process
                        pending += reversed(worker.queued)
                        worker.queued = []
                    dispatch(worker)  # before the caller chunks and stores: keep it busy
                    yield job.index, result, seconds
        finally:
            # Stopped early (an error, Ctrl-C, the caller broke off): a worker still busy would
            # answer into the next run, so it is replaced.
            for worker in team:
                if worker.job or worker.queued:
                    worker.job, worker.queued = None, []
                    self._replace(worker)

    def _collect(
        self, worker: _Worker, readable: bool, budget: Budget
    ) -> Extracted | PageBatch | None:
        """The busy worker's pages or result, a timeout or a crash; None while it is still
        working."""
        job = worker.job
        assert job is not None
        if readable or not worker.inbox.empty():  # arrived since the wait: it counts first
            message = worker.inbox.get_nowait()
            if message is EOF:
                result = Extracted("broken", message=self._crash_message(worker))
                self._replace(worker)
                return result
            if isinstance(message, Extracted):
                return message
            if message[0] == BATCH:
                return PageBatch(job.doc_id, job.n_pages or 0, message[1], message[2])
            job.n_pages, job.doc_id = message[1:]  # the budget grows with the document
            return None
        if time.monotonic() >= job.deadline(budget):
            self._replace(worker)
            return Extracted("timeout", message=budget.explain(job.n_pages, job.backend))
        used = self._rss(worker.process.pid) if self._rss else 0
        if self._memory_mb and used > self._memory_mb * 1024 * 1024:
            self._replace(worker)
            message = (
                f"the extraction process used {used / 2**20:.0f} MB, over the memory cap "
                f"{self._memory_mb} MB, and was stopped (raise memory_mb=)"
            )
            return Extracted("broken", message=message)
        return None

    def _send_job(self, worker: _Worker, job: tuple[str, str, str | None]) -> None:
        for attempt in (1, 2):
            if worker.process.poll() is not None:  # died while idle (killed from outside)
                self._replace(worker)
            self._await_ready(worker)
            try:
                assert worker.process.stdin is not None
                send(worker.process.stdin, job)
                return
            except OSError:
                if attempt == 2:
                    raise
                self._replace(worker)

    def _await_ready(self, worker: _Worker) -> None:
        """Wait until a new worker has started; a worker that never does is replaced once."""
        for _attempt in (1, 2):
            if worker.ready:
                return
            try:
                if worker.inbox.get(timeout=STARTUP_TIMEOUT_S) == READY:
                    worker.ready = True
                    return
            except queue.Empty:
                pass
            self._replace(worker)
        raise RuntimeError(f"an extraction process did not start within {STARTUP_TIMEOUT_S:g} s")

    def _crash_message(self, worker: _Worker) -> str:
        try:
            code = worker.process.wait(1)
        except subprocess.TimeoutExpired:
            code = None
        cap = f" (memory cap {self._memory_mb} MB)" if self._memory_mb else ""
        return f"the extraction process died (exit code {code}){cap}"

    def _replace(self, worker: _Worker) -> None:
        _stop(worker.process, wait_s=0)
        worker.process = self._spawn()
        worker.ready = False
        self._started(worker)  # the old reader ends at its pipe's end, into the old inbox

    def close(self) -> None:
        for worker in self._workers:
            _stop(worker.process, wait_s=2)
        self._workers = []

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Warm pools kept between ingest() calls, per memory cap: a notebook that ingests folder after
# folder pays the interpreter start and the parser import once, and so does a process that runs
# extraction tasks for an executor (one idle pool per thread that ran at once). Idle workers sleep
# on a read of their stdin and exit when this process does (the pipe closes).
_idle: dict[int | None, list[ExtractionPool]] = {}
_warm_lock = threading.Lock()


@contextmanager
def warm_pool(workers: int, memory_mb: int | None) -> Iterator[ExtractionPool]:
    """A pool with at least ``workers`` processes, reused by later calls (thread-safe: threads
    extracting at the same time each get a pool of their own)."""
    with _warm_lock:
        idle = _idle.setdefault(memory_mb, [])
        pool = idle.pop() if idle else None
    if pool is None:
        pool = ExtractionPool(workers, memory_mb=memory_mb)
    pool.resize(workers)
    try:
        yield pool
    finally:
        with _warm_lock:
            _idle.setdefault(memory_mb, []).append(pool)


@atexit.register
def shutdown() -> None:
    """Stop the warm extraction processes (they also stop by themselves when Python exits)."""
    with _warm_lock:
        pools = [pool for idle in _idle.values() for pool in idle]
        _idle.clear()
    for pool in pools:
        pool.close()


def _stop(process: subprocess.Popen[bytes], wait_s: float) -> None:
    try:
        if wait_s and process.stdin is not None:
            send(process.stdin, None)
            process.wait(wait_s)
    except (OSError, subprocess.TimeoutExpired):
        pass
    if process.poll() is None:
        process.kill()
        process.wait(5)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


if __name__ == "__main__":
    serve(int(sys.argv[1]) or None, *sys.argv[2:3])
