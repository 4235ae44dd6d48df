"""The extraction worker's side: its loop, reading jobs from stdin and writing each document's
page count, its pages in batches as they are read, and its result to stdout (see
:mod:`labelwidgets.ingestion.workers` for the parent's side)."""

from __future__ import annotations

import importlib
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from labelwidgets.ingestion.extract import Extracted, PageSink, extract
from labelwidgets.ingestion.worker_os import limit_memory, receive, send

READY = "ready"
PAGES = "pages"
BATCH = "batch"
# Pages go to the parent in batches: the first after BATCH_S seconds, then each after half as
# long as the document has taken so far (at most MAX_BATCH_S): a long document's first chunks
# arrive early, and the parent re-chunks the text read so far only a few times per document
# (the texts it chunks add up to about three times the document's).
BATCH_S = 0.5
MAX_BATCH_S = 5.0


def serve(memory_mb: int | None, cap: str = "rlimit") -> None:
    """The worker's loop: read a job from stdin, write its result to stdout."""
    if memory_mb and cap == "rlimit":
        limit_memory(memory_mb)
    jobs, results = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a chatty parser must not corrupt the result stream
    for parser in ("pypdf", "pypdfium2"):  # before "ready": never on a document's clock
        with suppress(ImportError):
            importlib.import_module(parser)
    send(results, READY)
    while True:
        try:
            job = receive(jobs)
        except EOFError:
            return
        if job is None:
            return
        sink = _Sender(results)
        send(results, sink.rest(extract(*job, finish=False, sink=sink)))


class _Sender(PageSink):
    """In the worker: sends the page count, then a long PDF's pages in batches as they are
    read (a short one's come with its result)."""

    def __init__(self, results: Any) -> None:
        self._results = results
        self._started = self._sent_at = time.monotonic()
        self._pages: list[str] = []
        self._images: list[bool] = []
        self._sent = 0
        self._doc_id = ""

    def opened(self, n_pages: int, doc_id: str) -> None:
        send(self._results, (PAGES, n_pages, doc_id))
        self._doc_id = doc_id

    def page(self, text: str, draws_image: bool) -> None:
        if not self._doc_id:  # stored once read: no use sending it early
            return
        self._pages.append(text)
        self._images.append(draws_image)
        now = time.monotonic()
        wait_s = min(MAX_BATCH_S, max(BATCH_S, (self._sent_at - self._started) / 2))
        if now - self._sent_at >= wait_s:
            send(self._results, (BATCH, self._pages, self._images))
            self._sent += len(self._pages)
            self._pages, self._images, self._sent_at = [], [], now

    def rest(self, result: Extracted) -> Extracted:
        """The result, carrying only the pages not sent yet."""
        if self._sent and result.status == "ok":
            result.pages = result.pages[self._sent :]
            result.image_pages = result.image_pages[self._sent :]
        return result


@dataclass
class PageBatch:
    """Pages of a document still being read (in order, after those sent before)."""

    doc_id: str
    n_pages: int
    pages: list[str]
    image_pages: list[bool]
