"""``add_chunks`` rows checked and turned into the chunks table's columns.

The input contract (:func:`labelwidgets.store.input_rows.chunk`, row by row, in
:func:`row_by_row`) decides and words every error. A batch whose every row has the common shape
(text and ids as plain strings, whole numbers in range, offsets that agree with the text, no
``meta``) is checked by :func:`chunk_values` over whole columns with C-level builtins, and gives
exactly the values the row-by-row path gives. A batch with any other row returns ``None`` and
goes row by row, which converts what it can (a numpy integer, ``3.0``) and raises the contract's
error, naming the first bad row, for the rest.

Both give a :class:`ChunkBatch`: one list per column, so the INSERT's parameters are zipped
from them in C (no dict per row).
"""

from __future__ import annotations

import contextlib
import gc
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from labelwidgets.store import ids, input_rows
from labelwidgets.store.codec import encode_json
from labelwidgets.store.input_rows import CHUNK_FIELDS
from labelwidgets.store.inputs import (
    CHUNK_ID_CHARS,
    CHUNK_TEXT_CHARS,
    DOC_ID_CHARS,
    INT32_MAX,
    replace_bad_characters,
)
from labelwidgets.store.rows import optional_int

_NUMBERS = ("seq", "page_start", "page_end", "char_start", "char_end")
_NONE = type(None)
COLUMNS = ("chunk_id", "doc_id", *_NUMBERS, "text", "meta")
TABLE_COLUMNS = ("chunk_id", "ord", *COLUMNS[1:], "created_at")  # the chunks table's order


@dataclass
class ChunkBatch:
    """Chunks ready for the chunks table: one list per column of :data:`COLUMNS`, in input
    order, and the documents made for chunks given without a ``doc_id``."""

    columns: tuple[list[Any], ...]
    new_docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def doc_ids(self) -> list[str]:
        return self.columns[1]

    def unique(self) -> ChunkBatch:
        """The batch with each ``chunk_id`` once: where it first came, with its last values."""
        chunk_ids = self.columns[0]
        last = dict(zip(chunk_ids, range(len(chunk_ids)), strict=True))
        if len(last) == len(chunk_ids):
            return self
        picks = list(last.values())
        columns = tuple([column[i] for i in picks] for column in self.columns)
        return ChunkBatch(columns, self.new_docs)

    def table_rows(self, first_ord: int, now: float) -> list[tuple[Any, ...]]:
        """Parameter tuples in :data:`TABLE_COLUMNS` order; ``ord`` counts from ``first_ord``."""
        chunk_ids, *rest = self.columns
        ords = range(first_ord, first_ord + len(chunk_ids))
        return list(zip(chunk_ids, ords, *rest, repeat(now)))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic garbage collection held off while a batch is built and written: its rows are
    tuples and dicts that form no cycles (reference counting frees them), yet allocating 100k
    of them starts collections that walk them again and again (about half the time of zipping
    the parameters of 100k chunks, measured). The previous setting is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def chunk_values(records: Sequence[dict[str, Any]]) -> ChunkBatch | None:
    """``records`` as a :class:`ChunkBatch`, or ``None`` if a row needs the row-by-row checks."""
    keys = set().union(*map(dict.keys, records))
    if not keys <= CHUNK_FIELDS or not _all_none(records, "meta", keys):
        return None
    texts = _texts(_column(records, "text", keys))
    doc_ids = _identifiers(records, "doc_id", DOC_ID_CHARS, keys)
    given_ids = _identifiers(records, "chunk_id", CHUNK_ID_CHARS, keys)
    numbers = {name: _whole_numbers(records, name, keys) for name in _NUMBERS}
    if texts is None or doc_ids is None or given_ids is None or None in numbers.values():
        return None
    starts, ends = numbers["char_start"], numbers["char_end"]
    if not (_ordered(numbers["page_start"], numbers["page_end"]) and _ordered(starts, ends)):
        return None
    if _any_given(starts) and _any_given(ends) and not _spans_fit(starts, ends, texts):
        return None
    new_docs: dict[str, dict[str, Any]] = {}
    if None in doc_ids:  # a chunk without a document is a document of its own
        doc_ids, starts, ends = _own_documents(texts, doc_ids, starts, ends, new_docs)
    chunk_ids = ids.chunk_ids(doc_ids, starts, ends, texts)
    if _any_given(given_ids):
        chunk_ids = [g or c for g, c in zip(given_ids, chunk_ids, strict=True)]
    seqs = _sequence(doc_ids, numbers["seq"])
    columns = (chunk_ids, doc_ids, seqs, numbers["page_start"], numbers["page_end"], starts, ends)
    return ChunkBatch((*columns, texts, [None] * len(texts)), new_docs)


def row_by_row(records: Sequence[dict[str, Any]]) -> ChunkBatch:
    """``records`` checked one at a time by the input contract, which words any error."""
    values, new_docs, per_doc = [], {}, {}
    for index, record in enumerate(records):
        value = _row_values(record, index, per_doc)
        if record.get("doc_id") is None:
            new_docs[value[1]] = {
                "doc_id": value[1],
                "text": value[7],
                "name": f"text-{value[1][:8]}",
            }
        values.append(value)
    return ChunkBatch(tuple(map(list, zip(*values, strict=True))), new_docs)


def _row_values(record: dict[str, Any], index: int, per_doc: dict[str, int]) -> tuple[Any, ...]:
    """One row's values in :data:`COLUMNS` order."""
    record = input_rows.chunk(record, index)
    chunk_text = record["text"]
    if not isinstance(chunk_text, str):
        raise TypeError(
            f"add_chunks: row {index}: 'text' must be a string, got {type(chunk_text).__name__}"
        )
    if not chunk_text.strip():
        raise ValueError(f"add_chunks: row {index}: 'text' is empty")
    numbers = {name: optional_int(record, name, index, "add_chunks") for name in _NUMBERS}
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
    extra = {k: v for k, v in record.items() if k not in CHUNK_FIELDS}
    return (
        str(record.get("chunk_id") or ids.chunk_id(doc_id, start, end, chunk_text)),
        doc_id,
        seq,
        numbers["page_start"],
        numbers["page_end"],
        start,
        end,
        chunk_text,
        encode_json({**(record.get("meta") or {}), **extra}),
    )


def _column(records: Sequence[dict[str, Any]], name: str, keys: set[str]) -> list[Any]:
    return list(map(dict.get, records, repeat(name))) if name in keys else [None] * len(records)


def _all_none(records: Sequence[dict[str, Any]], name: str, keys: set[str]) -> bool:
    return name not in keys or all(v is None for v in _column(records, name, keys))


def _any_given(column: list[Any]) -> bool:
    return any(v is not None for v in column)


def _texts(texts: list[Any]) -> list[str] | None:
    """Texts that are strings, not blank and not too long; NUL and lone surrogates replaced."""
    if set(map(type, texts)) != {str}:
        return None
    if min(map(len, texts)) == 0 or max(map(len, texts)) > CHUNK_TEXT_CHARS:
        return None
    if any(map(str.isspace, texts)):
        return None
    # str.isascii reads a flag; the NUL scan is a memchr per text (no joined copy of them all)
    if all(map(str.isascii, texts)) and not any(map(operator.contains, texts, repeat("\x00"))):
        return texts
    return list(map(replace_bad_characters, texts))


def _identifiers(
    records: Sequence[dict[str, Any]], name: str, limit: int, keys: set[str]
) -> list[str | None] | None:
    """Ids given as short printable strings, or missing; else ``None``."""
    column = _column(records, name, keys)
    if not set(map(type, column)) <= {str, _NONE}:
        return None
    given = set(column) - {None}
    if any(not v or len(v) > limit or not v.isprintable() or v.isspace() for v in given):
        return None
    return column


def _whole_numbers(
    records: Sequence[dict[str, Any]], name: str, keys: set[str]
) -> list[Any] | None:
    """A column of ints from 0 to INT32_MAX (or missing), or ``None``."""
    column = _column(records, name, keys)
    kinds = set(map(type, column))
    if not kinds <= {int, _NONE}:
        return None
    present = column if _NONE not in kinds else [v for v in column if v is not None]
    if present and (min(present) < 0 or max(present) > INT32_MAX):
        return None
    return column


def _ordered(first: list[Any], last: list[Any]) -> bool:
    """``last >= first`` wherever both are given."""
    if None in first or None in last:
        return all(a is None or b is None or b >= a for a, b in zip(first, last, strict=True))
    return not any(map(operator.lt, last, first))


def _spans_fit(starts: list[Any], ends: list[Any], texts: list[str]) -> bool:
    """``end - start`` is the text's length wherever both offsets are given."""
    if None in starts or None in ends:
        return all(
            a is None or b is None or b - a == len(text)
            for a, b, text in zip(starts, ends, texts, strict=True)
        )
    return list(map(operator.sub, ends, starts)) == list(map(len, texts))


def _own_documents(
    texts: list[str],
    doc_ids: list[str | None],
    starts: list[Any],
    ends: list[Any],
    new_docs: dict[str, dict[str, Any]],
) -> tuple[list[str], list[Any], list[Any]]:
    out_ids, out_starts, out_ends = [], [], []
    for text, doc_id, start, end in zip(texts, doc_ids, starts, ends, strict=True):
        if doc_id is None:
            doc_id, start, end = ids.doc_id_for_text(text), 0, len(text)
            new_docs[doc_id] = {"doc_id": doc_id, "text": text, "name": f"text-{doc_id[:8]}"}
        out_ids.append(doc_id)
        out_starts.append(start)
        out_ends.append(end)
    return out_ids, out_starts, out_ends


def _sequence(doc_ids: list[str], given: list[Any]) -> list[Any]:
    """Each chunk's ``seq``: as given, else one after the previous chunk of its document."""
    if None not in given:
        return given
    seqs, next_of = [], {}
    for doc_id, seq in zip(doc_ids, given, strict=True):
        seq = next_of.get(doc_id, 0) if seq is None else seq
        next_of[doc_id] = seq + 1
        seqs.append(seq)
    return seqs
