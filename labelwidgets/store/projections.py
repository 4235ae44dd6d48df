"""Projections derived from the events: ``current_answers`` and ``progress``.

Every write maintains them in its own transaction; :func:`replay_events` rebuilds them from the
events alone (migrations, ``LabelStore.rebuild_projections``). Both decide whether a chunk is
complete with :func:`labelwidgets.schema.check_submission`, on the same inputs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select

from labelwidgets.schema import Task, check_submission
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer
from labelwidgets.store.upsert import upsert

_Key = tuple[str, str, str]  # (task_id, chunk_id, labeler)


def next_status(previous: str | None, done: bool, kind: str) -> str | None:
    """The progress status of a chunk for a labeler after an event of ``kind``."""
    if done:
        return "done"
    if kind == "unskip":  # an undone skip: the chunk comes up again
        return None
    if kind == "skip" or previous == "skipped":
        return "skipped"
    return None


def current_row(event: Mapping[str, Any], event_id: int) -> dict[str, Any]:
    """The ``current_answers`` row for an answer event."""
    keys = ("task_id", "chunk_id", "question", "labeler", *t.CURRENT_COPIED)
    return {"event_id": event_id, **{k: event[k] for k in keys}}


def current_for(conn: Connection, task_id: str, chunk_id: str, labeler: str) -> dict[str, Any]:
    """The labeler's current answers for one chunk, by question."""
    ca = t.current_answers
    rows = conn.execute(
        select(ca.c.question, ca.c.value, ca.c.is_unknown).where(
            ca.c.task_id == task_id, ca.c.chunk_id == chunk_id, ca.c.labeler == labeler
        )
    )
    return {r.question: decode_answer(r.value, r.is_unknown) for r in rows}


def upsert_current(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Make these answer rows (from :func:`current_row`) the current ones."""
    if rows:
        upsert(
            conn,
            t.current_answers,
            rows,
            key=["task_id", "chunk_id", "question", "labeler"],
            update=["event_id", *t.CURRENT_COPIED],
        )


def delete_current(
    conn: Connection, task_id: str, chunk_id: str, labeler: str, names: Iterable[str]
) -> None:
    """Drop the labeler's current answers to ``names`` (after a retract)."""
    names = list(names)
    if names:
        ca = t.current_answers
        conn.execute(
            ca.delete().where(
                ca.c.task_id == task_id,
                ca.c.chunk_id == chunk_id,
                ca.c.labeler == labeler,
                ca.c.question.in_(names),
            )
        )


def set_progress(
    conn: Connection, task_id: str, chunk_id: str, labeler: str, done: bool, kind: str, now: float
) -> None:
    """Update the chunk's progress row after an event of ``kind``; a finished chunk's lease ends."""
    pr = t.progress
    where = (pr.c.task_id == task_id) & (pr.c.labeler == labeler) & (pr.c.chunk_id == chunk_id)
    previous = conn.execute(select(pr.c.status).where(where)).scalar()
    status = next_status(previous, done, kind)
    if status == previous:
        return
    if status is None:
        conn.execute(pr.delete().where(where))
        return
    row = {
        "task_id": task_id,
        "labeler": labeler,
        "chunk_id": chunk_id,
        "status": status,
        "updated_at": now,
    }
    upsert(conn, pr, [row], key=["task_id", "labeler", "chunk_id"], update=["status", "updated_at"])
    if status == "done":
        ls = t.leases
        conn.execute(
            ls.delete().where(
                ls.c.task_id == task_id, ls.c.chunk_id == chunk_id, ls.c.labeler == labeler
            )
        )


class _Replay:
    """Replays events in order, one write (events of one transaction) at a time.

    A write's events share ``created_at``; progress is settled once per write, as the live
    write did, from the labeler's answers before it and the answers it stored.
    """

    def __init__(self, tasks: dict[str, Task]) -> None:
        self.tasks = tasks
        self.current: dict[tuple[str, ...], dict[str, Any]] = {}
        self.answers: dict[_Key, dict[str, Any]] = {}
        self.status: dict[_Key, str | None] = {}
        # per key: (created_at, is_skip), kind, answers before, answers given in the open write
        self.open: dict[_Key, tuple[tuple[float, bool], str, dict[str, Any], dict[str, Any]]] = {}

    def apply(self, r: Any) -> None:
        key = (r.task_id, r.chunk_id, r.labeler)
        stamp = (r.created_at, r.kind == "skip")
        if key in self.open and self.open[key][0] != stamp:
            self.settle(key)
        given = self.answers.setdefault(key, {})
        if key not in self.open:
            self.open[key] = (stamp, r.kind, dict(given), {})
        if r.kind == "answer":
            self.current[(*key, r.question)] = current_row(r._asdict(), r.event_id)
            given[r.question] = self.open[key][3][r.question] = decode_answer(r.value, r.is_unknown)
        elif r.kind == "retract":
            self.current.pop((*key, r.question), None)
            given.pop(r.question, None)

    def settle(self, key: _Key) -> None:
        _, kind, before, submitted = self.open.pop(key)
        task = self.tasks.get(key[0])
        if task is None:
            return
        if kind == "answer":
            done = check_submission(task, submitted, before).complete
        else:
            done = check_submission(task, {}, self.answers[key]).complete
        self.status[key] = next_status(self.status.get(key), done, kind)


def replay_events(conn: Connection) -> None:
    """Rebuild ``current_answers`` and ``progress`` by replaying every event in order."""
    tasks = {r.task_id: Task.from_json(r.definition) for r in conn.execute(select(t.tasks))}
    ev = t.events
    rows = conn.execute(
        select(
            ev.c.event_id,
            ev.c.task_id,
            ev.c.chunk_id,
            ev.c.question,
            ev.c.labeler,
            ev.c.kind,
            *(ev.c[name] for name in t.CURRENT_COPIED),
        )
        .where(ev.c.kind.in_(["answer", "retract", "skip", "unskip"]))
        .order_by(ev.c.event_id)
    )
    replay = _Replay(tasks)
    for r in rows:
        replay.apply(r)
    for key in list(replay.open):
        replay.settle(key)
    if replay.current:
        conn.execute(insert(t.current_answers), list(replay.current.values()))
    now = time.time()
    done_rows = [
        {"task_id": k[0], "chunk_id": k[1], "labeler": k[2], "status": s, "updated_at": now}
        for k, s in replay.status.items()
        if s
    ]
    if done_rows:
        conn.execute(insert(t.progress), done_rows)
