"""Projections derived from the events: ``current_answers`` and ``progress``.

Every write maintains them in its own transaction; :func:`replay_events` rebuilds them from the
events alone (migrations, ``LabelStore.rebuild_projections``). Both decide whether a chunk is
complete with :func:`labelwidgets.schema.check_submission`, on the same inputs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, insert, select

from labelwidgets.schema import Task, check_submission
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer
from labelwidgets.store.prepared import Scope, run
from labelwidgets.store.routing import asked_resolver

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


_CURRENT_KEY = ("task_id", "chunk_id", "question", "labeler")
_CURRENT_COLUMNS = (*_CURRENT_KEY, "event_id", *t.CURRENT_COPIED)
_PROGRESS_KEY = ("task_id", "labeler", "chunk_id")


def _mine(table: Any) -> Any:
    """The rows of ``table`` of one (task, chunk, labeler)."""
    return and_(
        table.c.task_id == bindparam("task_id"),
        table.c.chunk_id == bindparam("chunk_id"),
        table.c.labeler == bindparam("labeler"),
    )


def _current_for(scope: Scope, _n: int) -> Any:
    ca = scope.table(t.current_answers)
    return select(ca.c.question, ca.c.value, ca.c.is_unknown).where(_mine(ca))


def current_for(conn: Connection, task_id: str, chunk_id: str, labeler: str) -> dict[str, Any]:
    """The labeler's current answers for one chunk, by question."""
    rows = run(conn, _current_for, {"task_id": task_id, "chunk_id": chunk_id, "labeler": labeler})
    return {question: decode_answer(value, unknown) for question, value, unknown in rows}


@dataclass(frozen=True)
class SubmitState:
    """What a submission needs to know, read in one statement inside its write: the labeler's
    current answers on the chunk, the event ids a submission with the same id stored (``None``:
    new), the chunk's progress status for the labeler and whether the labeler holds its lease."""

    prior: dict[str, Any]
    stored: str | None
    status: str | None
    leased: bool


def _submit_state(scope: Scope, _n: int) -> Any:
    c, ca, pr, ls, sm = map(
        scope.table, (t.chunks, t.current_answers, t.progress, t.leases, t.submissions)
    )
    stored = select(sm.c.event_ids).where(sm.c.submission_id == bindparam("key"))
    status = select(pr.c.status).where(_mine(pr))
    joined = and_(
        ca.c.task_id == bindparam("task_id"),
        ca.c.chunk_id == c.c.chunk_id,
        ca.c.labeler == bindparam("labeler"),
    )
    return (
        select(
            stored.scalar_subquery().label("stored"),
            status.scalar_subquery().label("status"),
            exists().where(_mine(ls)).label("leased"),
            ca.c.question,
            ca.c.value,
            ca.c.is_unknown,
        )
        .select_from(c.outerjoin(ca, joined))
        .where(c.c.chunk_id == bindparam("chunk_id"))
    )


def submit_state(
    conn: Connection, task_id: str, chunk_id: str, labeler: str, key: str, what: str
) -> SubmitState:
    """The :class:`SubmitState` of a submission ``key`` (``ValueError`` for an unknown chunk)."""
    values = {"task_id": task_id, "chunk_id": chunk_id, "labeler": labeler, "key": key}
    rows = run(conn, _submit_state, values).all()
    if not rows:
        raise ValueError(f"{what}: unknown chunk_id {chunk_id!r}")
    prior = {r[3]: decode_answer(r[4], r[5]) for r in rows if r[3] is not None}
    first = rows[0]
    return SubmitState(prior, first[0], first[1], bool(first[2]))


def _upsert_current(scope: Scope, n: int) -> Any:
    stmt = scope.insert(t.current_answers).values(
        [{name: bindparam(f"{name}_{i}") for name in _CURRENT_COLUMNS} for i in range(n)]
    )
    return stmt.on_conflict_do_update(
        index_elements=list(_CURRENT_KEY),
        set_={name: stmt.excluded[name] for name in ("event_id", *t.CURRENT_COPIED)},
    )


def upsert_current(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Make these answer rows (from :func:`current_row`) the current ones (one statement)."""
    if rows:
        values = {f"{k}_{i}": row[k] for i, row in enumerate(rows) for k in _CURRENT_COLUMNS}
        run(conn, _upsert_current, values, len(rows))


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
    if status is None and previous is not None:
        conn.execute(pr.delete().where(where))
        return
    settle_progress(conn, task_id, chunk_id, labeler, status, now, True, previous)


def _upsert_progress(scope: Scope, _n: int) -> Any:
    stmt = scope.insert(t.progress).values(
        {name: bindparam(name) for name in (*_PROGRESS_KEY, "status", "updated_at")}
    )
    return stmt.on_conflict_do_update(
        index_elements=list(_PROGRESS_KEY),
        set_={"status": stmt.excluded.status, "updated_at": stmt.excluded.updated_at},
    )


def _end_lease(scope: Scope, _n: int) -> Any:
    ls = scope.table(t.leases)
    return ls.delete().where(_mine(ls))


def settle_progress(
    conn: Connection,
    task_id: str,
    chunk_id: str,
    labeler: str,
    status: str | None,
    now: float,
    leased: bool,
    previous: str | None = None,
) -> None:
    """Store the chunk's new progress ``status`` (a status of ``None`` is left to the caller)
    when it differs from ``previous``; when it is ``"done"`` and the labeler holds the chunk's
    lease (``leased``), the lease ends."""
    if status is None or status == previous:
        return
    values = {
        "task_id": task_id,
        "labeler": labeler,
        "chunk_id": chunk_id,
        "status": status,
        "updated_at": now,
    }
    run(conn, _upsert_progress, values)
    if status == "done" and leased:
        run(conn, _end_lease, values)


class _Replay:
    """Replays events in order, one write (events of one transaction) at a time.

    A write's events share ``created_at``; progress is settled once per write, as the live
    write did, from the labeler's answers before it and the answers it stored.
    """

    def __init__(
        self, tasks: dict[str, Task], asked: Callable[[Task, str], Any] | None = None
    ) -> None:
        self.tasks = tasks
        self.asked = asked or (lambda task, chunk_id: None)  # routing: questions asked
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
        asked = self.asked(task, key[1])
        if kind == "answer":
            done = check_submission(task, submitted, before, asked=asked).complete
        else:
            done = check_submission(task, {}, self.answers[key], asked=asked).complete
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
    replay = _Replay(tasks, asked_resolver(conn, tasks))
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
