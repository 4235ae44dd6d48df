"""Documents and chunks: what there is to label, added idempotently in document order."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, update

from labelwidgets.store import fulltext, ids, input_rows
from labelwidgets.store import tables as t
from labelwidgets.store.chunk_rows import chunk_values
from labelwidgets.store.codec import decode_json, encode_json
from labelwidgets.store.inputs import chunk_refs
from labelwidgets.store.ordering import forget_sets
from labelwidgets.store.routing import route_new_chunks
from labelwidgets.store.rows import as_records, optional_int, require_columns
from labelwidgets.store.upsert import insert_ignore, insert_rows

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

_CHUNK_FIELDS = input_rows.CHUNK_FIELDS
_DOC_FIELDS = input_rows.DOCUMENT_FIELDS


class DocumentsMixin:
    """Documents and chunks (mixed into :class:`LabelStore`)."""

    def add_documents(self: LabelStore, rows: Any) -> int:
        """Add documents (``doc_id`` required; ``name``, ``source``, ``text``, ``page_offsets``,
        ``meta``). Documents already stored are left as they are. Returns how many were new."""
        records = as_records(rows, "add_documents")
        require_columns(records, ["doc_id"], "add_documents")
        now = time.time()
        values = [self._document_values(r, i, now) for i, r in enumerate(records)]

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
        records = as_records(rows, "add_chunks")
        require_columns(records, ["text"], "add_chunks")
        now = time.time()
        if not records:
            return 0
        # A batch of common rows is checked a column at a time; any other goes row by row.
        values, new_docs = chunk_values(records, now) or self._chunk_rows(records, now)
        doc_values = [self._document_values(d, i, now) for i, d in enumerate(new_docs.values())]

        def write(conn: Connection) -> int:
            self._lock(conn, "lw-chunks")
            insert_ignore(conn, t.documents, doc_values, key="doc_id")
            self._add_placeholder_documents(conn, {v["doc_id"] for v in values}, now)
            unique = list({v["chunk_id"]: v for v in values}.values())
            start = conn.execute(select(func.coalesce(func.max(t.chunks.c.ord), 0))).scalar_one()
            for offset, value in enumerate(unique, start=1):
                value["ord"] = start + offset
            # One executemany; chunks stored already are skipped by it (their ord goes unused:
            # ord only orders chunks)
            added = insert_rows(conn, t.chunks, unique, skip_existing="chunk_id")
            if added:
                fulltext.index_new_chunks(conn, start)
                route_new_chunks(self, conn, self._tasks.values())  # Question(keep=...)
            return added

        added = self._write(write)
        if added:
            forget_sets(self)  # labeling orders see the new chunks
        return added

    def _chunk_rows(
        self: LabelStore, records: list[dict[str, Any]], now: float
    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """Row by row: each row checked by the input contract, which words any error."""
        values, new_docs, per_doc = [], {}, {}
        for i, record in enumerate(records):
            value = self._chunk_values(record, i, per_doc, now)
            if record.get("doc_id") is None:
                new_docs[value["doc_id"]] = {
                    "doc_id": value["doc_id"],
                    "text": value["text"],
                    "name": f"text-{value['doc_id'][:8]}",
                }
            values.append(value)
        return values, new_docs

    def _chunk_values(
        self: LabelStore, record: dict[str, Any], index: int, per_doc: dict[str, int], now: float
    ) -> dict[str, Any]:
        record = input_rows.chunk(record, index)
        chunk_text = record["text"]
        if not isinstance(chunk_text, str):
            raise TypeError(
                f"add_chunks: row {index}: 'text' must be a string, got {type(chunk_text).__name__}"
            )
        if not chunk_text.strip():
            raise ValueError(f"add_chunks: row {index}: 'text' is empty")
        numbers = {
            name: optional_int(record, name, index, "add_chunks")
            for name in ("seq", "page_start", "page_end", "char_start", "char_end")
        }
        start, end = numbers["char_start"], numbers["char_end"]
        if start is not None and end is not None and end - start != len(chunk_text):
            raise ValueError(
                f"add_chunks: row {index}: char_end - char_start = {end - start} but the text has "
                f"{len(chunk_text)} characters"
            )
        doc_id = record.get("doc_id")
        if doc_id is None:
            doc_id = ids.doc_id_for_text(chunk_text)
            start, end = 0, len(chunk_text)
        doc_id = str(doc_id)
        seq = numbers["seq"]
        if seq is None:
            seq = per_doc.get(doc_id, 0)
        per_doc[doc_id] = seq + 1
        extra = {k: v for k, v in record.items() if k not in _CHUNK_FIELDS}
        return {
            "chunk_id": str(record.get("chunk_id") or ids.chunk_id(doc_id, start, end, chunk_text)),
            "doc_id": doc_id,
            "seq": seq,
            "page_start": numbers["page_start"],
            "page_end": numbers["page_end"],
            "char_start": start,
            "char_end": end,
            "text": chunk_text,
            "meta": encode_json({**(record.get("meta") or {}), **extra}),
            "created_at": now,
        }

    @staticmethod
    def _add_placeholder_documents(conn: Connection, doc_ids: set[str], now: float) -> None:
        """Chunks may name documents the store has no text for (a DataFrame of snippets)."""
        known = set()
        id_list = sorted(doc_ids)
        for i in range(0, len(id_list), 500):
            batch = id_list[i : i + 500]
            known.update(
                conn.execute(
                    select(t.documents.c.doc_id).where(t.documents.c.doc_id.in_(batch))
                ).scalars()
            )
        missing = [{"doc_id": d, "name": d, "created_at": now} for d in id_list if d not in known]
        if missing:
            conn.execute(insert(t.documents), missing)

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
