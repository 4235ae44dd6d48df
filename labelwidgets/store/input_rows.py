"""Rows given to the store's write paths, checked against the input contract of :mod:`.inputs`.

Rows come as DataFrames or dicts (documents, chunks, model suggestions) and tasks as dicts; each
checker returns a cleaned copy of the row, or raises naming the row, the field and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from labelwidgets.store.inputs import (
    CHUNK_ID_CHARS,
    CHUNK_TEXT_CHARS,
    DOC_ID_CHARS,
    DOCUMENT_NAME_CHARS,
    DOCUMENT_TEXT_CHARS,
    INT32_MAX,
    MAX_DEPTH,
    PERSON_CHARS,
    PROMPT_VERSION_CHARS,
    QUESTION_CHARS,
    RAW_CHARS,
    InvalidInput,
    InvalidInputType,
    answer,
    extracted,
    fail,
    identifier,
    integer,
    json_object,
    name,
    number,
    replace_bad_characters,
    require_string,
    task_ref,
    task_strings,
)


def task_definition(data: Any, *, where: str = "add_task") -> Mapping[str, Any]:
    """A task given as a dict (``Task.from_dict`` input): its required keys and their types."""
    if not isinstance(data, Mapping):
        raise fail(
            where, "task", "must be a Task or a dict", "give lw.Task(...)", data, wrong_type=True
        )
    for key in ("name", "questions"):
        if key not in data:
            raise fail(
                where,
                f"the task dict has no {key!r}",
                "(a required field)",
                "give {'name': 'my-task', 'questions': [{'name': 'q1', ...}]}",
            )
    questions = data["questions"]
    if isinstance(questions, (str, bytes, Mapping)) or not isinstance(questions, Iterable):
        raise fail(
            where,
            "'questions'",
            "must be a list of question dicts",
            "give [{'name': 'q1', 'kind': 'text'}, ...]",
            questions,
            wrong_type=True,
        )
    for index, question in enumerate(questions):
        if not isinstance(question, Mapping) or "name" not in question:
            raise fail(
                where,
                f"question {index}",
                "must be a dict with a 'name'",
                "give {'name': 'q1', 'kind': 'text'}",
                question,
                wrong_type=True,
            )
    task_strings(data, where=where)
    return data


def document(record: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A row of ``add_documents``, checked; texts and names get U+FFFD for bad characters."""
    where = f"add_documents: row {index}"
    row = dict(record)
    row["doc_id"] = identifier(
        record["doc_id"], "'doc_id'", where=where, limit=DOC_ID_CHARS, numbers=True
    )
    for key in ("name", "source"):
        row[key] = extracted(
            record.get(key), f"'{key}'", where=where, limit=DOCUMENT_NAME_CHARS, required=False
        )
    row["text"] = extracted(
        record.get("text"), "'text'", where=where, limit=DOCUMENT_TEXT_CHARS, required=False
    )
    for key in ("n_pages", "n_chars"):
        row[key] = integer(record.get(key), f"'{key}'", where=where)
    offsets = record.get("page_offsets")
    if offsets is not None:
        if isinstance(offsets, (str, bytes, Mapping)) or not isinstance(offsets, Iterable):
            raise fail(
                where,
                "'page_offsets'",
                "must be a list of character offsets",
                "give e.g. [0, 1800, 3650]",
                offsets,
                wrong_type=True,
            )
        row["page_offsets"] = [
            integer(o, "'page_offsets'", where=where, maximum=DOCUMENT_TEXT_CHARS) for o in offsets
        ]
        if any(b < a for a, b in zip(row["page_offsets"], row["page_offsets"][1:], strict=False)):
            raise fail(
                where,
                "'page_offsets'",
                "must not decrease",
                "give the offset where each page starts, in page order",
                offsets,
            )
    _meta(row, record, where, known=DOCUMENT_FIELDS)
    return row


DOCUMENT_FIELDS = {
    "doc_id",
    "name",
    "source",
    "text",
    "page_offsets",
    "n_pages",
    "n_chars",
    "meta",
}
CHUNK_FIELDS = {
    "chunk_id",
    "doc_id",
    "seq",
    "page_start",
    "page_end",
    "char_start",
    "char_end",
    "text",
    "meta",
}
SUGGESTION_FIELDS = {
    "task",
    "chunk_id",
    "question",
    "model",
    "answer",
    "prompt_version",
    "raw",
    "parse_error",
    "score",
    "chain_step",
    "latency_ms",
    "meta",
    "evidence",
}


def _meta(row: dict[str, Any], record: Mapping[str, Any], where: str, known: set[str]) -> None:
    extra = {k: v for k, v in record.items() if k not in known}
    for key in extra:
        if not isinstance(key, str):
            raise fail(
                where,
                f"column {key!r}",
                "is not a string",
                "name columns with text",
                wrong_type=True,
            )
    json_object(record.get("meta"), "'meta'", where=where, extra=extra)


_CHUNK_NUMBERS = ("seq", "page_start", "page_end", "char_start", "char_end")


def chunk(record: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A row of ``add_chunks``, checked; its text gets U+FFFD for bad characters.

    The common case (plain ids, small whole numbers, no meta) is checked inline; anything else
    goes through the full checks, which decide and word the error.
    """
    row = dict(record)
    value = record["text"]
    if type(value) is not str or len(value) > CHUNK_TEXT_CHARS or not value.strip():
        where = f"add_chunks: row {index}"
        require_string(value, "'text'", where)
        if not value.strip():
            raise fail(where, "'text'", "is empty", "drop the row or give its text", value)
        extracted(value, "'text'", where=where, limit=CHUNK_TEXT_CHARS)
    row["text"] = replace_bad_characters(value)
    for key, limit in (("doc_id", DOC_ID_CHARS), ("chunk_id", CHUNK_ID_CHARS)):
        given = record.get(key)
        if given in (None, "") or (type(given) is str and len(given) <= limit and _plain(given)):
            row[key] = None if given == "" else given
        else:
            row[key] = identifier(
                given, f"{key!r}", where=f"add_chunks: row {index}", limit=limit, numbers=True
            )
    for key in _CHUNK_NUMBERS:
        given = record.get(key)
        if given is not None and not (type(given) is int and 0 <= given <= INT32_MAX):
            row[key] = integer(given, f"{key!r}", where=f"add_chunks: row {index}")
    for first, last in (("page_start", "page_end"), ("char_start", "char_end")):
        if row.get(first) is not None and row.get(last) is not None and row[last] < row[first]:
            raise fail(
                f"add_chunks: row {index}",
                f"{last!r}",
                f"is before {first!r} ({row[first]})",
                "swap them or fix the offsets",
                row[last],
            )
    if record.get("meta") is not None or not record.keys() <= CHUNK_FIELDS:
        _meta(row, record, f"add_chunks: row {index}", known=CHUNK_FIELDS)
    return row


def _plain(text: str) -> bool:
    """Printable and not blank: no control characters, NUL or lone surrogates."""
    return text.isprintable() and not text.isspace()


def suggestion(record: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A row of ``add_suggestions``, checked. A model's reply (``raw``, ``parse_error`` and the
    answer's texts) is extracted text: bad characters become U+FFFD; an answer no store can keep
    becomes a ``parse_error``, like any other reply that does not fit its question."""
    where = f"add_suggestions: row {index}"
    row = dict(record)
    task_ref(record["task"], where=where)
    row["chunk_id"] = identifier(
        record["chunk_id"], "'chunk_id'", where=where, limit=CHUNK_ID_CHARS, numbers=True
    )
    name(record["question"], "'question'", where=where, limit=QUESTION_CHARS)
    name(record["model"], "'model'", where=where, limit=PERSON_CHARS)
    if record.get("prompt_version") not in (None, ""):
        identifier(
            record["prompt_version"], "'prompt_version'", where=where, limit=PROMPT_VERSION_CHARS
        )
    for key in ("raw", "parse_error"):
        row[key] = extracted(
            record.get(key), f"{key!r}", where=where, limit=RAW_CHARS, required=False
        )
    row["score"] = number(record.get("score"), "'score'", where=where)
    row["latency_ms"] = number(record.get("latency_ms"), "'latency_ms'", where=where, minimum=0)
    row["chain_step"] = integer(record.get("chain_step"), "'chain_step'", where=where)
    row["answer"] = _map_strings(record.get("answer"))
    if row.get("parse_error") is None:
        try:
            answer(row["answer"], "'answer'", where=where)
        except (InvalidInput, InvalidInputType) as exc:
            row["parse_error"] = f"answer does not fit the question: {exc}"
            row["answer"] = None
    _meta(row, record, where, known=SUGGESTION_FIELDS)
    return row


def _map_strings(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return replace_bad_characters(value)
    if depth < MAX_DEPTH and isinstance(value, (list, tuple)):
        return [_map_strings(v, depth + 1) for v in value]
    if depth < MAX_DEPTH and isinstance(value, dict):
        return {k: _map_strings(v, depth + 1) for k, v in value.items()}
    return value


_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def schema_name(value: Any) -> str:
    """A PostgreSQL schema name given to ``LabelStore(..., schema=)``: a plain identifier
    (it is quoted by SQLAlchemy too, but a name that needs quoting is refused outright)."""
    where = "LabelStore"
    if not isinstance(value, str):
        raise fail(
            where,
            "schema",
            "must be a string",
            "give a name such as 'team_a'",
            value,
            wrong_type=True,
        )
    if not _PLAIN_IDENTIFIER.fullmatch(value) or len(value.encode()) > 63:
        raise fail(
            where,
            "schema",
            "must be a plain identifier (letters, digits and '_', not starting with a digit, "
            "at most 63 characters)",
            "give a name such as 'team_a'",
            value,
        )
    return value
