"""Documents and chunks: what there is to label, added idempotently in document order."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from labelwidgets.store import fulltext, input_rows
from labelwidgets.store import tables as t
from labelwidgets.store.chunk_rows import TABLE_COLUMNS, chunk_values, gc_paused, row_by_row
from labelwidgets.store.codec import decode_json, encode_json
from labelwidgets.store.inputs import chunk_refs
from labelwidgets.store.ordering import forget_sets
from labelwidgets.store.routing import route_new_chunks
from labelwidgets.store.rows import as_records, require_columns
from labelwidgets.store.upsert import insert_ignore, insert_tuples

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

_DOC_FIELDS = input_rows.DOCUMENT_FIELDS


def _plain_dicts(rows: Any) -> bool:
    return type(rows) is list and set(map(type, rows)) <= {dict}


def _times(n: int) -> list[float]:
    """``n`` increasing creation times from now, each the next float after the one before."""
    times = [time.time()]
    for _ in range(n - 1):
        times.append(math.nextafter(times[-1], math.inf))
    return times


class DocumentsMixin:
    """Documents and chunks (mixed into :class:`LabelStore`)."""

    def add_documents(self: LabelStore, rows: Any) -> int:
        """Add documents (``doc_id`` required; ``name``, ``source``, ``text``, ``page_offsets``,
        ``meta``). Documents already stored are left as they are. Returns how many were new.

        :meth:`documents` lists documents by creation time: the documents of one call get
        increasing times (the smallest steps a float takes, well under a millisecond for a
        million), so they are listed in the order given."""
        records = as_records(rows, "add_documents")
        require_columns(records, ["doc_id"], "add_documents")
        times = _times(len(records))
        values = [self._document_values(r, i, times[i]) for i, r in enumerate(records)]

        def write(conn: Connection) -> int:
            return insert_ignore(conn, t.documents, values, key="doc_id")

        return self._write(write) if values else 0

    @staticmethod
    def _document_values(record: dict[str, Any], index: int, now: float) -> dict[str, Any]:
        record = input_rows.document(record, index)
        extra = {k: v for k, v in record.items() if k not in _DOC_FIELDS}
        text_value = record.get("text")
        if text_value is not None and not isinstance(text_value, str):
            raise TypeError(f"add_documents: row {index}: 'text' must be a string")
        offsets = record.get("page_offsets")
        if offsets is not None:
            offsets = [int(o) for o in offsets]
        meta = {**(record.get("meta") or {}), **extra}
        return {
            "doc_id": str(record["doc_id"]),
            "name": str(record.get("name") or record["doc_id"]),
            "source": record.get("source"),
            "text": text_value,
            "page_offsets": None if offsets is None else json.dumps(offsets),
            "n_pages": record.get("n_pages") or (len(offsets) if offsets else None),
            "n_chars": record.get("n_chars") or (len(text_value) if text_value else None),
            "meta": encode_json(meta),
            "created_at": now,
        }

    def add_chunks(self: LabelStore, rows: Any) -> int:
        """Add chunks to label; idempotent (ids are hashes of document, offsets and text).

        Each row needs ``text``; optional ``doc_id``, ``chunk_id``, ``seq``, ``page_start``,
        ``page_end``, ``char_start``, ``char_end``, ``meta``; any other column goes into
        ``meta``. A chunk without ``doc_id`` becomes its own document. Chunks are labeled in
        the order they were added. Returns how many chunks were new.
        """
        with gc_paused():
            # A list of dicts is read as it is (nothing below changes a row); else copied
            records = rows if _plain_dicts(rows) else as_records(rows, "add_chunks")
            require_columns(records, ["text"], "add_chunks")
            if not records:
                return 0
            added = self._add_chunk_batch(records, time.time())
        if added:
            forget_sets(self)  # labeling orders see the new chunks
        return added

    def _add_chunk_batch(self: LabelStore, records: list[dict[str, Any]], now: float) -> int:
        # A batch of common rows is checked a column at a time; any other goes row by row.
        batch = (chunk_values(records) or row_by_row(records)).unique()
        doc_values = [
            self._document_values(d, i, now) for i, d in enumerate(batch.new_docs.values())
        ]

        def write(conn: Connection) -> int:
            self._lock(conn, "lw-chunks")
            insert_ignore(conn, t.documents, doc_values, key="doc_id")
            self._add_placeholder_documents(conn, set(batch.doc_ids), now)
            start = conn.execute(select(func.coalesce(func.max(t.chunks.c.ord), 0))).scalar_one()
            # One executemany; chunks stored already are skipped by it (their ord goes unused:
            # ord only orders chunks)
            added = insert_tuples(
                conn,
                t.chunks,
                TABLE_COLUMNS,
                batch.table_rows(start + 1, now),
                skip_existing="chunk_id",
            )
            if added:
                fulltext.index_new_chunks(conn, start)
                route_new_chunks(self, conn, self._tasks.values())  # Question(keep=...)
            return added

        return self._write(write)

    @staticmethod
    def _add_placeholder_documents(conn: Connection, doc_ids: set[str], now: float) -> None:
        """Chunks may name documents the store has no text for (a DataFrame of snippets)."""
        rows = [(doc_id, doc_id, now) for doc_id in sorted(doc_ids)]
        columns = ("doc_id", "name", "created_at")
        insert_tuples(conn, t.documents, columns, rows, skip_existing="doc_id")

    @staticmethod
    def _require_chunks(conn: Connection, chunk_ids: Iterable[str], what: str) -> None:
        chunk_ids = list(chunk_ids)
        chunk_refs(chunk_ids, what)
        wanted = sorted(set(chunk_ids))
        for i in range(0, len(wanted), 500):
            batch = wanted[i : i + 500]
            found = set(
                conn.execute(
                    select(t.chunks.c.chunk_id).where(t.chunks.c.chunk_id.in_(batch))
                ).scalars()
            )
            missing = [c for c in batch if c not in found]
            if missing:
                raise ValueError(
                    f"{what}: unknown chunk_id {missing[0]!r}"
                    + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                )

    def _finish_document(
        self: LabelStore,
        doc_id: str,
        text: str,
        page_offsets: list[int],
        n_pages: int,
        ingest: dict[str, Any] | None,
    ) -> None:
        """For ingest, which stores a long document's chunks while its pages are still read:
        the document's text read and, in ``meta["ingest"]``, why it is incomplete (``None``:
        it is complete, the key goes). Name, source and other meta keys are left as they are."""
        d = t.documents

        def write(conn: Connection) -> None:
            stored = conn.execute(select(d.c.meta).where(d.c.doc_id == doc_id)).scalar()
            meta = {k: v for k, v in (decode_json(stored) or {}).items() if k != "ingest"}
            values = {
                "text": text,
                "page_offsets": json.dumps(page_offsets),
                "n_pages": n_pages,
                "n_chars": len(text),
                "meta": encode_json(meta | ({"ingest": ingest} if ingest else {})),
            }
            conn.execute(update(d).where(d.c.doc_id == doc_id).values(**values))

        self._write(write)
