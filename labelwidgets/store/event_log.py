"""The append-only events table: building and inserting event rows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert

from labelwidgets.store import tables as t
from labelwidgets.store.codec import encode_answer


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
