"""Evidence spans and spans answers, checked against the chunk's document before they are stored.

Evidence is a list of ``[start, end]`` pairs in *document* coordinates (those of chunk provenance,
``char_start``/``char_end``); it must lie inside the chunk's document text (inside the chunk when
the store has no text for the document). The answer of a ``spans`` question must lie inside its
chunk. Anything else is a ``ValueError`` raised inside the write, so nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from labelwidgets.schema import Task
from labelwidgets.schema.compare import answers_equal
from labelwidgets.schema.spans import check_within
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer


def prepare_evidence(
    task: Task, answers: Mapping[str, Any], evidence: Any, what: str
) -> dict[str, list[list[int]]]:
    """Evidence per question in canonical form (checked before any SQL).

    ``evidence`` maps question names to spans; each question must be answered in ``answers``
    and take evidence (:meth:`~labelwidgets.schema.Question.coerce_evidence`).
    """
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        raise TypeError(
            f"{what}: evidence= must map each question to its spans, "
            f"e.g. {{'governing_law': [(120, 160)]}}; got {type(evidence).__name__}"
        )
    found = {}
    for name, spans in evidence.items():
        if name not in answers:
            raise ValueError(
                f"{what}: evidence for {name!r}, which this submission does not answer"
            )
        try:
            question = task.question(str(name))
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        value = question.coerce_evidence(spans, answers[name])
        if value:
            found[question.name] = value
    return found


def chunk_bounds(conn: Connection, chunk_id: str) -> tuple[int | None, int | None, int | None]:
    """``(char_start, char_end, document_chars)`` of a chunk (``None`` where unknown)."""
    c, d = t.chunks, t.documents
    row = conn.execute(
        select(c.c.char_start, c.c.char_end, d.c.n_chars, d.c.text.is_(None).label("no_text"))
        .join(d, d.c.doc_id == c.c.doc_id, isouter=True)
        .where(c.c.chunk_id == chunk_id)
    ).first()
    if row is None:
        raise ValueError(f"unknown chunk_id {chunk_id!r}")
    return row.char_start, row.char_end, None if row.no_text else row.n_chars


def check_in_document(
    conn: Connection,
    task: Task,
    chunk_id: str,
    values: Mapping[str, Any],
    evidence: Mapping[str, list[list[int]]],
    what: str,
) -> None:
    """Raise ``ValueError`` when evidence lies outside the chunk's document (or the chunk, when
    the document text is unknown) or a spans answer lies outside the chunk."""
    spans = {n: v for n, v in values.items() if v and task.question(n).kind == "spans"}
    if not evidence and not spans:
        return  # the common case costs no query
    start, end, document = chunk_bounds(conn, chunk_id)
    if start is None or end is None:
        raise ValueError(
            f"{what}: chunk {chunk_id!r} has no document offsets (char_start/char_end), so "
            "spans cannot be placed in its document; add chunks with their offsets"
        )
    for name, value in spans.items():
        check_within(value, start, end, f"{what}: question {name!r}", "the chunk")
    for name, pairs in evidence.items():
        if document is None:
            region, low, high = "the chunk (the store has no text for its document)", start, end
        else:
            region, low, high = "the chunk's document", 0, document
        check_within(pairs, low, high, f"{what}: evidence for {name!r}", region)


def inherited_evidence(
    conn: Connection, task: Task, chunk_id: str, question: str, source: str, value: Any
) -> list[list[int]] | None:
    """The evidence of the answer a reviewer accepted: ``source``'s current answer (a labeler)
    or newest suggestion (a model), when it equals ``value``."""
    kind = task.question(question).kind
    ca, s = t.current_answers, t.suggestions
    found = conn.execute(
        select(ca.c.value, ca.c.is_unknown, ca.c.evidence).where(
            ca.c.task_id == task.name,
            ca.c.chunk_id == chunk_id,
            ca.c.question == question,
            ca.c.labeler == source,
        )
    ).all()
    found += conn.execute(
        select(s.c.value, s.c.is_unknown, s.c.evidence)
        .where(
            s.c.task_id == task.name,
            s.c.chunk_id == chunk_id,
            s.c.question == question,
            s.c.model == source,
            s.c.parse_error.is_(None),
        )
        .order_by(s.c.created_at.desc(), s.c.suggestion_id.desc())
    ).all()
    for row in found:
        if row.evidence and answers_equal(decode_answer(row.value, row.is_unknown), value, kind):
            return json.loads(row.evidence)
    return None


def suggestion_evidence(question: Any, evidence: Any, answer: Any) -> str | None:
    """A model answer's evidence as stored (JSON), checked like a labeler's (``answer`` is the
    coerced answer; a suggestion that failed to parse has no answer and so no evidence)."""
    spans = question.coerce_evidence(evidence, answer) if answer is not None else None
    return json.dumps(spans) if spans else None


def check_suggestions(conn: Connection, task_of: Any, values: list[dict[str, Any]]) -> None:
    """Check the evidence and spans answers of suggestion rows against their chunks."""
    for i, row in enumerate(values):
        evidence = json.loads(row["evidence"]) if row.get("evidence") else None
        task = task_of(row["task_id"])
        answer = decode_answer(row["value"], row["is_unknown"]) if row["value"] else None
        given = {row["question"]: evidence} if evidence else {}
        check_in_document(
            conn,
            task,
            row["chunk_id"],
            {row["question"]: answer},
            given,
            f"add_suggestions: row {i}",
        )
