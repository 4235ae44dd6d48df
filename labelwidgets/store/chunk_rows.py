"""``add_chunks`` rows checked and turned into table values a column at a time.

The input contract (:func:`labelwidgets.store.input_rows.chunk`, row by row) decides and words
every error. A batch whose every row has the common shape (text and ids as plain strings, whole
numbers in range, offsets that agree with the text, no ``meta``) is checked here over whole
columns with C-level builtins, and gives exactly the values the row-by-row path gives. A batch
with any other row returns ``None`` and goes row by row, which converts what it can (a numpy
integer, ``3.0``) and raises the contract's error, naming the first bad row, for the rest.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from labelwidgets.store import ids
from labelwidgets.store.input_rows import CHUNK_FIELDS
from labelwidgets.store.inputs import (
    CHUNK_ID_CHARS,
    CHUNK_TEXT_CHARS,
    DOC_ID_CHARS,
    INT32_MAX,
    replace_bad_characters,
)

_NUMBERS = ("seq", "page_start", "page_end", "char_start", "char_end")
_NONE = type(None)


def chunk_values(
    records: Sequence[dict[str, Any]], now: float
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]] | None:
    """``(values, new documents)`` for ``records``, or ``None`` if a row needs the row-by-row
    checks. ``values`` are the chunks table's rows in input order (without ``ord``); new
    documents are the ones made for chunks given without a ``doc_id``."""
    keys = set().union(*map(dict.keys, records))
    if not keys <= CHUNK_FIELDS or not _all_none(records, "meta", keys):
        return None
    texts = _texts(_column(records, "text", keys))
    doc_ids = _identifiers(records, "doc_id", DOC_ID_CHARS, keys)
    given_ids = _identifiers(records, "chunk_id", CHUNK_ID_CHARS, keys)
    numbers = {name: _whole_numbers(records, name, keys) for name in _NUMBERS}
    if texts is None or doc_ids is None or given_ids is None or None in numbers.values():
        return None
    starts, ends = numbers["char_start"] or [], numbers["char_end"] or []
    if not (
        _ordered(numbers["page_start"] or [], numbers["page_end"] or []) and _ordered(starts, ends)
    ):
        return None
    if _any_given(starts) and _any_given(ends) and not _spans_fit(starts, ends, texts):
        return None
    new_docs: dict[str, dict[str, Any]] = {}
    if None in doc_ids:  # a chunk without a document is a document of its own
        doc_ids, starts, ends = _own_documents(texts, doc_ids, starts, ends, new_docs)
    chunk_ids = ids.chunk_ids(doc_ids, starts, ends, texts)
    if _any_given(given_ids):
        chunk_ids = [g or c for g, c in zip(given_ids, chunk_ids, strict=True)]
    return [
        {
            "chunk_id": chunk_id,
            "doc_id": doc_id,
            "seq": seq,
            "page_start": page_start,
            "page_end": page_end,
            "char_start": start,
            "char_end": end,
            "text": text,
            "meta": None,
            "created_at": now,
        }
        for chunk_id, doc_id, seq, page_start, page_end, start, end, text in zip(
            chunk_ids,
            doc_ids,
            _sequence(doc_ids, numbers["seq"] or []),
            numbers["page_start"] or [],
            numbers["page_end"] or [],
            starts,
            ends,
            texts,
            strict=True,
        )
    ], new_docs


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
    joined = "".join(texts)
    if "\x00" in joined or not joined.isascii():
        return list(map(replace_bad_characters, texts))
    return texts


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


def _sequence(doc_ids: list[str], given: list[Any]) -> Iterable[int]:
    """Each chunk's ``seq``: as given, else one after the previous chunk of its document."""
    if None not in given:
        return given
    seqs, next_of = [], {}
    for doc_id, seq in zip(doc_ids, given, strict=True):
        seq = next_of.get(doc_id, 0) if seq is None else seq
        next_of[doc_id] = seq + 1
        seqs.append(seq)
    return seqs
