"""The append-only events table: building and inserting event rows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, insert

from labelwidgets.store import tables as t
from labelwidgets.store.codec import encode_answer
from labelwidgets.store.prepared import Scope, run

# the columns of an event row, in the order event_row gives them
EVENT_COLUMNS = (
    "task_id",
    "chunk_id",
    "question",
    "labeler",
    "kind",
    "value",
    "is_unknown",
    "comment",
    "time_spent",
    "forced",
    "problems",
    "subject",
    "meta",
    "created_at",
    "evidence",
)


def check_labeler(labeler: Any) -> None:
    """Refuse an empty or non-string labeler name (every event names who wrote it)."""
    if not isinstance(labeler, str) or not labeler.strip():
        raise ValueError(f"labeler must be a non-empty name, got {labeler!r}")


def event_row(
    task_id: str,
    chunk_id: str | None,
    question: str | None,
    labeler: str,
    kind: str,
    now: float,
    *,
    value: Any = None,
    comment: str | None = None,
    time_spent: float | None = None,
    problems: list[str] | tuple[str, ...] | None = None,
    subject: str | None = None,
    evidence: list[list[int]] | None = None,
) -> dict[str, Any]:
    """One row of ``events``; ``problems`` are the validator complaints ``force`` overrode,
    ``evidence`` the answer's checked evidence spans (document coordinates)."""
    encoded, unknown = encode_answer(value) if value is not None else (None, False)
    return {
        "task_id": task_id,
        "chunk_id": chunk_id,
        "question": question,
        "labeler": labeler,
        "kind": kind,
        "value": encoded,
        "is_unknown": unknown,
        "comment": comment,
        "time_spent": time_spent,
        "forced": bool(problems),
        "problems": json.dumps(list(problems)) if problems else None,
        "subject": subject,
        "meta": None,
        "created_at": now,
        "evidence": json.dumps(evidence) if evidence else None,
    }


def insert_events(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert event rows; returns their ids in the order of ``rows``."""
    ev = t.events
    if len(rows) == 1:
        return [int(conn.execute(insert(ev), rows[0]).inserted_primary_key[0])]
    result = conn.execute(insert(ev).returning(ev.c.event_id, sort_by_parameter_order=True), rows)
    return [int(r[0]) for r in result]


def _insert_events(scope: Scope, n: int) -> Any:
    ev = scope.table(t.events)
    rows = [{name: bindparam(f"{name}_{i}") for name in EVENT_COLUMNS} for i in range(n)]
    return insert(ev).values(rows).returning(ev.c.event_id, ev.c.kind, ev.c.question)


def insert_events_at_once(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert event rows (from :func:`event_row`) in one statement; their ids in the order of
    ``rows``, which must differ in (kind, question) — as the events of one submission do."""
    values = {f"{name}_{i}": row[name] for i, row in enumerate(rows) for name in EVENT_COLUMNS}
    # RETURNING's row order is not promised: each id is matched to its row by (kind, question)
    ids = {
        (kind, question): int(event_id)
        for event_id, kind, question in run(conn, _insert_events, values, len(rows))
    }
    return [ids[(row["kind"], row["question"])] for row in rows]
