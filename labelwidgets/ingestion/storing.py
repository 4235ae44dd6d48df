"""Storing what was read: a document's chunks go into the store, those of a long PDF while its
later pages are still being read.

A PDF's pages come from its worker in batches (:class:`~labelwidgets.ingestion.serve.PageBatch`).
With a chunker whose chunks do not depend on text after them (the built-in ones,
``Chunker.prefix_stable``), the chunks that end before the last page read so far cannot change
any more: they are stored, with the document's row, as soon as they are known, under the ids
the whole document gives them (a PDF's id is known before its text: see
:func:`~labelwidgets.ingestion.extract.file_doc_id`).

Until the document is read to the end, its row says so in ``meta["ingest"]``
(``{"status": "reading"}``; ``store.documents()`` shows it). Once read, its text is stored and
the key removed. A document that fails midway (a timeout, a crash, the memory cap) keeps the
chunks already stored (labelers may have answered them): its row keeps the text read so far
and says ``{"status": "timeout", "pages_read": 12, "message": ...}``, and the report row says
so too. Ingesting it again with a larger budget completes it (same ids).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labelwidgets.ingestion.chunkers import Chunker
from labelwidgets.ingestion.extract import Extracted, finish_pages, judge_text, normalize_page
from labelwidgets.ingestion.filters import Filter
from labelwidgets.ingestion.serve import PageBatch
from labelwidgets.store import ids

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["Reading", "Storer", "store_documents", "store_read_so_far"]

_MAX_STORE_WAIT_S = 1.0  # the longest a read document waits to be stored with others


class Storer:
    """Stores one ingest run's documents in input order as they are read, and keeps their
    report rows (``rows``) and what each filter dropped (``dropped_by``)."""

    def __init__(
        self,
        store: LabelStore,
        inputs: list[Any],
        chunker: Chunker,
        filters: list[Filter],
        done: Callable[[int], Any],
    ) -> None:
        self.store, self.inputs, self.chunker, self.filters = store, inputs, chunker, filters
        self.dropped_by = {f.name: 0 for f in filters}
        self.rows: list[dict[str, Any] | None] = [None] * len(inputs)
        self._done = done  # told of each document read (a progress bar)
        self._written, self._stored_at, self._wait_s = 0, time.monotonic(), 0.0
        self._readings: dict[int, Reading] = {}  # PDFs whose pages are arriving

    def store_ready(self, now: bool) -> None:
        """Store the documents read so far, in input order, in one transaction. A durable commit
        costs milliseconds, more than a small document: unless ``now`` (the caller has nothing
        else to do, or is done), documents wait for ten times the last commit's cost (at most a
        second), so commits take at most about a tenth of the time."""
        rows, end = self.rows, self._written
        while end < len(rows) and rows[end] is not None:
            end += 1
        if end == self._written or not (now or time.monotonic() - self._stored_at >= self._wait_s):
            return
        batch = [(self.inputs[i], rows[i]) for i in range(self._written, end)]
        with self.store.transaction():
            store_documents(self.store, batch, self.chunker, self.filters, self.dropped_by)
            committing = time.monotonic()
        self._written, self._stored_at = end, time.monotonic()
        self._wait_s = min(_MAX_STORE_WAIT_S, 10 * (self._stored_at - committing))

    def read_on(self, index: int, batch: PageBatch) -> None:
        """More pages of a PDF: what can no longer change is stored now, if every document
        before it is stored (chunks are stored in input order)."""
        reading = self._readings.setdefault(index, Reading())
        reading.add(batch)
        if all(self.rows[i] is not None for i in range(self._written, index)):
            self.store_ready(now=True)
        if self._written == index:
            store_read_so_far(
                self.store, self.inputs[index], reading, self.chunker, self.filters, self.dropped_by
            )

    def finish(self, index: int, result: Extracted, seconds: float) -> None:
        """A document is read: it is stored with the next transaction."""
        reading = self._readings.pop(index, None)
        if reading is not None:
            result = reading.finish(result)
        elif not result.normalized:  # normalized here while the worker reads the next one
            result = finish_pages(result)
        self.rows[index] = {"seconds": round(seconds, 3), "_result": result, "_reading": reading}
        self._done(1)
        self.store_ready(now=False)


@dataclass
class Reading:
    """A document whose pages are arriving (normalized as they come), and what of it is
    stored."""

    doc_id: str = ""
    n_pages: int = 0
    pages: list[str] = field(default_factory=list)
    image_pages: list[bool] = field(default_factory=list)
    streams: bool | None = None  # None: not decided yet (see store_read_so_far)
    written: bool = False  # its row is in the store (this run added it, or it was there)
    new: bool = False  # this run added its row
    spans_done: int = 0  # chunks (kept or dropped) already handled, in order
    kept: int = 0
    added: int = 0
    dropped: int = 0

    def add(self, batch: PageBatch) -> None:
        """The next pages, normalized now (while the worker reads on)."""
        self.doc_id, self.n_pages = batch.doc_id, batch.n_pages
        self.pages += [normalize_page(p) for p in batch.pages]
        self.image_pages += batch.image_pages

    def finish(self, result: Extracted) -> Extracted:
        """The whole document: the pages read before and the result's (not normalized yet)."""
        result.doc_id = result.doc_id or self.doc_id
        if result.status == "ok":
            result.pages = self.pages + [normalize_page(p) for p in result.pages]
            result.image_pages = self.image_pages + result.image_pages
            result.normalized = True
            judge_text(result)
        return result


def store_read_so_far(
    store: LabelStore,
    item: Any,
    reading: Reading,
    chunker: Chunker,
    filters: list[Filter],
    dropped_by: dict[str, int],
) -> None:
    """Store the chunks of a document being read that can no longer change (in one durable
    transaction, so other connections see them), with its row marked as being read."""
    if reading.streams is None:  # judged on its first pages: never stream junk or no text
        first = Extracted(pages=reading.pages, image_pages=reading.image_pages)
        first.n_pages = len(reading.pages)
        judge_text(first)
        reading.streams = bool(
            reading.doc_id and getattr(chunker, "prefix_stable", False) and first.status == "ok"
        )
    if not reading.streams or len(reading.pages) < 2:
        return
    text, offsets = join_pages(reading.pages)
    spans = chunker(text, offsets)
    # A chunk is final once the chunk after it ends before the last page read: nothing it
    # depends on can change (the last page's paragraphs may, when the next page comes).
    final = reading.spans_done
    while final + 1 < len(spans) and spans[final + 1][1] < offsets[-1]:
        final += 1
    if final == reading.spans_done:
        return
    rows = chunk_rows(reading.doc_id, text, offsets, spans, reading.spans_done, final)
    rows, dropped = _filtered(rows, filters)
    document = {"doc_id": reading.doc_id, "name": item.name, "source": item.source}
    document |= {"n_pages": reading.n_pages, "meta": {"ingest": {"status": "reading"}}}
    try:
        with store.transaction():
            if not reading.written:
                reading.new = store.add_documents([document]) == 1
            added = store.add_chunks(rows) if rows else 0
    except (ValueError, TypeError):  # refused: the whole document is tried again at its end
        reading.streams = False
        return
    reading.written = True
    for name in dropped:
        dropped_by[name] += 1
    reading.spans_done, reading.kept = final, reading.kept + len(rows)
    reading.added, reading.dropped = reading.added + added, reading.dropped + len(dropped)


def chunk_rows(
    doc_id: str, text: str, offsets: list[int], spans: list[tuple[int, int]], first: int, end: int
) -> list[dict[str, Any]]:
    """The rows of chunks ``spans[first:end]`` (before filtering)."""
    return [
        {
            "doc_id": doc_id,
            "seq": seq,
            "text": text[start:stop],
            "char_start": start,
            "char_end": stop,
            "page_start": _page_of(offsets, start),
            "page_end": _page_of(offsets, stop - 1),
        }
        for seq, (start, stop) in enumerate(spans[first:end], start=first)
    ]


def _filtered(
    rows: list[dict[str, Any]], filters: list[Filter]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows every filter keeps, and the name of the first filter each other row failed."""
    if not filters:
        return rows, []
    kept, dropped = [], []
    for row in rows:
        failed = next((f for f in filters if not f(row["text"])), None)
        if failed is None:
            kept.append(row)
        else:
            dropped.append(failed.name)
    return kept, dropped


def store_documents(
    store: LabelStore,
    batch: list[tuple[Any, dict[str, Any]]],
    chunker: Chunker,
    filters: list[Filter],
    dropped_by: dict[str, int],
) -> None:
    """Store documents read to their end (``(item, report row)`` in input order), each with
    its chunks or not at all, and fill in their rows. Consecutive documents of which nothing
    was stored while they were read are written together (their chunks in one call: a write
    costs more than a short document's chunks); if the store refuses that, or had one of them
    already, each is written on its own, and one it refuses is a ``not_stored`` row."""
    run: list[_Cut] = []
    for item, row in batch:
        result: Extracted = row.pop("_result")
        reading: Reading | None = row.pop("_reading", None)
        stored_while_read = reading is not None and reading.written
        row.update(
            source=item.source,
            name=item.name,
            status=result.status,
            pages=result.n_pages,
            chars=sum(len(p) for p in result.pages),
            chunks_total=0,
            chunks_kept=0,
            chunks_dropped=0,
            chunks_added=0,
            message=result.message,
            doc_id=None,
        )
        if result.status != "ok":
            if stored_while_read:
                _store_incomplete(store, row, reading, result)  # type: ignore[arg-type]
            continue
        cut = _Cut.of(item, row, result, reading if stored_while_read else None, chunker, filters)
        if cut.before is None:
            run.append(cut)
            continue
        _write_together(store, run, dropped_by)  # chunks stay in input order
        run = []
        _write(store, cut, dropped_by)
    _write_together(store, run, dropped_by)


@dataclass
class _Cut:
    """A document read to its end, cut into chunks and filtered, not written yet."""

    row: dict[str, Any]  # its report row
    document: dict[str, Any]
    chunks: list[dict[str, Any]]  # those the filters kept and not stored while it was read
    dropped: list[str]  # per chunk dropped, the filter that dropped it
    n_spans: int
    before: Reading | None  # what was stored while it was read

    @classmethod
    def of(
        cls,
        item: Any,
        row: dict[str, Any],
        result: Extracted,
        before: Reading | None,
        chunker: Chunker,
        filters: list[Filter],
    ) -> _Cut:
        text, offsets = join_pages(result.pages)
        # A PDF's id comes from its file (see file_doc_id); text without a file is identified
        # by its text. Either way the same input read the same way is the same document, and
        # the chunk offsets always point into the text stored with that id.
        doc_id = result.doc_id or ids.doc_id_for_text(text)
        row["name"] = row["name"] or f"text-{doc_id[:8]}"
        spans = chunker(text, offsets)
        done = before.spans_done if before is not None else 0
        chunks, dropped = _filtered(
            chunk_rows(doc_id, text, offsets, spans, done, len(spans)), filters
        )
        document = {
            "doc_id": doc_id,
            "name": row["name"],
            "source": item.source,
            "text": text,
            "page_offsets": offsets,
            "n_pages": result.n_pages,
        }
        return cls(row, document, chunks, dropped, len(spans), before)

    def stored(self, added: int, dropped_by: dict[str, int]) -> None:
        """Written, with ``added`` of its chunks new: its counts go into the report."""
        for name in self.dropped:
            dropped_by[name] += 1
        before = self.before or Reading()
        self.row.update(
            doc_id=self.document["doc_id"],
            chunks_total=self.n_spans,
            chunks_kept=before.kept + len(self.chunks),
            chunks_dropped=before.dropped + len(self.dropped),
            chunks_added=before.added + added,
        )


class _OneByOne(Exception):
    """Raised to undo a joint write that cannot tell each document's outcome."""


def _write_together(store: LabelStore, cuts: list[_Cut], dropped_by: dict[str, int]) -> None:
    if len(cuts) > 1:
        chunks = [chunk for cut in cuts for chunk in cut.chunks]
        try:
            with store.transaction():
                if store.add_documents([cut.document for cut in cuts]) != len(cuts):
                    raise _OneByOne
                # all documents new, so all their chunks are: each added all of its own
                if chunks and store.add_chunks(chunks) != len(chunks):
                    raise _OneByOne
        except (_OneByOne, ValueError, TypeError):  # undone: each on its own, below
            pass
        else:
            for cut in cuts:
                cut.stored(len(cut.chunks), dropped_by)
            return
    for cut in cuts:
        _write(store, cut, dropped_by)


def _write(store: LabelStore, cut: _Cut, dropped_by: dict[str, int]) -> None:
    document = cut.document
    try:
        with store.transaction():  # the document and its chunks, or nothing of it
            if store.add_documents([document]) == 0:  # stored while read, or by an earlier run
                store._finish_document(
                    document["doc_id"],
                    document["text"],
                    document["page_offsets"],
                    document["n_pages"],
                    None,
                )
            added = store.add_chunks(cut.chunks) if cut.chunks else 0
    except (ValueError, TypeError) as error:  # the store's InvalidInput / InvalidInputType
        # one refused file is its status row, never an error that stops the batch
        cut.row.update(status="not_stored", message=str(error))
        return
    cut.stored(added, dropped_by)


def _store_incomplete(
    store: LabelStore, row: dict[str, Any], reading: Reading, result: Extracted
) -> dict[str, Any]:
    """A document that failed after some of its chunks were stored: they stay, and its row
    (when this run added it) says how far it was read."""
    pages = result.pages or reading.pages  # all of them when judged at the end, else those read
    text, offsets = join_pages(pages)
    if reading.new:
        ingest = {"status": result.status, "pages_read": len(pages), "message": result.message}
        store._finish_document(reading.doc_id, text, offsets, reading.n_pages, ingest)
    kept = f"{reading.kept} chunk(s) of its first {len(pages)} page(s) were stored and stay"
    where = (
        "its document is marked incomplete (meta 'ingest' in store.documents())"
        if reading.new
        else "the document as stored before is unchanged"
    )
    row.update(
        doc_id=reading.doc_id,
        pages=reading.n_pages,
        chars=len(text),
        chunks_total=reading.spans_done,
        chunks_kept=reading.kept,
        chunks_dropped=reading.dropped,
        chunks_added=reading.added,
        message=f"{result.message}; {kept}, {where}",
    )
    return row


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """The document text (pages joined by a blank line) and the offset where each page starts."""
    offsets, position = [], 0
    for page in pages:
        offsets.append(position)
        position += len(page) + 2
    return "\n\n".join(pages), offsets


def _page_of(offsets: list[int], position: int) -> int:
    """1-based page number of a character offset."""
    return bisect.bisect_right(offsets, position)
