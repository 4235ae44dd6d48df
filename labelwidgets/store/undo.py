"""Undo a labeler's last submission or skip on a chunk, as new events (the log stays append-only).

Undoing a skip writes an ``unskip`` event (the chunk comes up again); undoing a submission
writes a ``retract`` event (comment ``"undo"``) for each answer of the labeler's latest
submission on the chunk that is still current. The projections (``current_answers`` and
``progress``) change in the same transaction, exactly as a replay of the events would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from labelwidgets.schema import Task, check_submission
from labelwidgets.store import tables as t
from labelwidgets.store.event_log import event_row, insert_events
from labelwidgets.store.projections import current_for, delete_current, set_progress
from labelwidgets.store.routing import asked_on

__all__ = ["last_chunk", "undo_on_chunk"]


def last_chunk(conn: Connection, task: Task, labeler: str) -> str:
    """The chunk of ``labeler``'s latest answer or skip in ``task``."""
    ev = t.events
    found = conn.execute(
        select(ev.c.chunk_id)
        .where(
            ev.c.task_id == task.name, ev.c.labeler == labeler, ev.c.kind.in_(["answer", "skip"])
        )
        .order_by(ev.c.event_id.desc())
        .limit(1)
    ).scalar()
    if found is None:
        raise ValueError(f"undo: {labeler!r} has answered or skipped nothing in {task.name!r}")
    return found


def undo_on_chunk(
    conn: Connection, task: Task, chunk_id: str, labeler: str, now: float
) -> dict[str, Any]:
    """Undo the skip, else the latest still-current submission, of ``labeler`` on the chunk."""
    pr, ca = t.progress, t.current_answers
    status = conn.execute(
        select(pr.c.status).where(
            pr.c.task_id == task.name, pr.c.chunk_id == chunk_id, pr.c.labeler == labeler
        )
    ).scalar()
    answers = current_for(conn, task.name, chunk_id, labeler)
    if status == "skipped":
        row = event_row(task.name, chunk_id, None, labeler, "unskip", now, comment="undo")
        event_ids = insert_events(conn, [row])
        set_progress(conn, task.name, chunk_id, labeler, False, "unskip", now)
        return {"chunk_id": chunk_id, "undone": "skip", "event_ids": event_ids}
    mine = ca.c.task_id == task.name, ca.c.chunk_id == chunk_id, ca.c.labeler == labeler
    stamps = conn.execute(select(ca.c.question, ca.c.created_at).where(*mine)).all()
    if not stamps:
        raise ValueError(f"undo: {labeler!r} has nothing to undo on chunk {chunk_id!r}")
    latest = max(stamp for _, stamp in stamps)
    names = sorted(question for question, stamp in stamps if stamp == latest)
    rows = [
        event_row(task.name, chunk_id, name, labeler, "retract", now, comment="undo")
        for name in names
    ]
    event_ids = insert_events(conn, rows)
    delete_current(conn, task.name, chunk_id, labeler, names)
    for name in names:
        del answers[name]
    done = check_submission(task, {}, answers, asked=asked_on(conn, task, chunk_id)).complete
    set_progress(conn, task.name, chunk_id, labeler, done, "retract", now)
    return {"chunk_id": chunk_id, "undone": "submission", "event_ids": event_ids}
