"""Idempotent submissions: a submission retried after a lost reply is stored once.

A PostgreSQL commit can succeed while the connection dies before its reply reaches us; the
retry then runs the transaction again. Each submission therefore carries an id (the widget's
submission sequence, or one generated per call before the first attempt), stored with the
events it wrote, in the same transaction: a retry finds it and returns the same event ids.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from labelwidgets.store import tables as t
from labelwidgets.store.inputs import identifier
from labelwidgets.store.prepared import Scope, run

SUBMISSION_ID_CHARS = t.submissions.c.submission_id.type.length


def submission_id(given: str | None, where: str) -> str:
    """The id of one submission: the caller's (checked) or a fresh one for this call."""
    if given is None:
        return uuid.uuid4().hex
    return identifier(given, "submission_id", where=where, limit=SUBMISSION_ID_CHARS)


def stored_events(conn: Connection, key: str) -> list[int] | None:
    """The event ids a submission with this id already stored, or None if it is new."""
    sm = t.submissions
    found = conn.execute(select(sm.c.event_ids).where(sm.c.submission_id == key)).scalar()
    return decode_ids(found)


def decode_ids(stored: str | None) -> list[int] | None:
    """The event ids as stored in ``submissions.event_ids`` (``None`` stays ``None``)."""
    return None if stored is None else [int(i) for i in json.loads(stored)]


_COLUMNS = ("submission_id", "task_id", "labeler", "event_ids", "created_at")


def _remember(scope: Scope, _n: int) -> Any:
    return insert(scope.table(t.submissions)).values({c: bindparam(c) for c in _COLUMNS})


def remember(
    conn: Connection, key: str, task_id: str, labeler: str, event_ids: list[int], now: float
) -> None:
    """Record that the submission ``key`` stored ``event_ids`` (same transaction as they)."""
    values = {
        "submission_id": key,
        "task_id": task_id,
        "labeler": labeler,
        "event_ids": json.dumps(event_ids),
        "created_at": now,
    }
    run(conn, _remember, values)


__all__ = ["decode_ids", "remember", "stored_events", "submission_id"]
