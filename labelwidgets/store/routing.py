"""Per-question routing: a question with ``keep=`` is asked only on chunks its filter keeps.

The filter is Python (``lw.filters.keywords(...)`` or any ``text -> bool``), so the store runs
it where it knows it: over every chunk when the task is added (``store.add_task``), and over
new chunks when they are added while this store object holds the task with its filter. The
chunks a question applies to are saved in ``routes``; ``route_marks`` records, per question,
the filter's name and the last chunk it has seen (``upto_ord``).

A task read back from the store in another process has the filter's name, not the filter: it
keeps the routes already computed, and a chunk added after them counts as applicable to the
question (it is asked rather than silently dropped) until a store object holding the task with
its filter (given to ``store.add_task``) next hands out or shows chunks: ``next_chunk``,
``questions_for`` and ``coverage`` first route the chunks the filters have not seen, whichever
process added them (:func:`catch_up`, one small read when nothing is new). Changing a
question's filter (another name) computes its routes again from scratch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, case, delete, exists, func, or_, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.prepared import Scope, run
from labelwidgets.store.upsert import insert_rows, upsert

if TYPE_CHECKING:
    import pandas as pd

    from labelwidgets.store.store import LabelStore
else:
    from labelwidgets.store.lazy import pandas as pd

_BATCH = 5_000


class RoutingMixin:
    """Routing (mixed into :class:`LabelStore`)."""

    def questions_for(self: LabelStore, task: Task | str, chunk_id: str) -> list[str]:
        """The questions of ``task`` asked on ``chunk_id`` (routing by ``keep=``), in task
        order. ``when=`` conditions are not applied here (they depend on the answers)."""
        task = self.task(task)
        catch_up(self, task)
        with self._read() as conn:
            ord_, routed = _chunk_routes(conn, task, chunk_id)
            if ord_ is None:
                raise KeyError(f"no chunk {chunk_id!r}")
            if not any(q.routed for q in task.questions):
                return task.question_names
            marks = _marks(conn, task)
        return [q.name for q in task.questions if _applies(q, ord_, marks, routed)]

    def coverage(self: LabelStore, task: Task | str) -> pd.DataFrame:
        """Per question: how many chunks it is asked on, and how many got answers.

        Columns: question, keep (the filter's name, or None: asked everywhere), chunks (it is
        asked on), share (of all chunks), answered (chunks with a real answer from some
        labeler), unknown (chunks whose answers are all "not in the text"), open (asked, no
        answer yet). Chunks added after the routes were computed count as asked.
        """
        task = self.task(task)
        catch_up(self, task)
        c, rt, ca = t.chunks, t.routes, t.current_answers
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(c)).scalar_one()
            marks = _marks(conn, task)
            kept = dict(
                conn.execute(
                    select(rt.c.question, func.count())
                    .where(rt.c.task_id == task.name)
                    .group_by(rt.c.question)
                ).all()
            )
            later = {
                name: conn.execute(select(func.count()).where(c.c.ord > upto)).scalar_one()
                for name, (_, upto) in marks.items()
            }
            real = func.max(case((ca.c.is_unknown, 0), else_=1))
            answered = conn.execute(
                select(ca.c.question, ca.c.chunk_id, real.label("real"))
                .where(ca.c.task_id == task.name)
                .group_by(ca.c.question, ca.c.chunk_id)
            ).all()
        counts: dict[str, list[int]] = {q.name: [0, 0] for q in task.questions}
        for question, _, has_real in answered:
            if question in counts:
                counts[question][0 if has_real else 1] += 1
        rows = []
        for q in task.questions:
            routed = q.routed and q.name in marks and marks[q.name][0] == q.keep_name
            asked = kept.get(q.name, 0) + later[q.name] if routed else total
            real_n, unknown_n = counts[q.name]
            rows.append(
                {
                    "question": q.name,
                    "keep": q.keep_name,
                    "chunks": asked,
                    "share": asked / total if total else 0.0,
                    "answered": real_n,
                    "unknown": unknown_n,
                    "open": max(0, asked - real_n - unknown_n),
                }
            )
        return pd.DataFrame(rows)


def route_task(store: LabelStore, conn: Connection, task: Task) -> None:
    """Run the task's ``keep=`` filters over the chunks they have not seen (all of them when
    the filter is new or changed); forget routes of questions that lost their filter."""
    rm = t.route_marks
    if not _marks(conn, task) and all(q.keep is None for q in task.questions):
        return
    store._lock(conn, "lw-routes")  # PostgreSQL: one router at a time (SQLite: the write lock)
    marks = _marks(conn, task)
    for name in set(marks) - {q.name for q in task.questions if q.routed}:
        _forget(conn, task.name, name)
    for q in task.questions:
        if q.keep is None:  # not routed, or only its name (a stored task): nothing to run
            continue
        keep_name, upto = marks.get(q.name, (None, 0))
        if keep_name != q.keep_name:
            _forget(conn, task.name, q.name)
            upto = 0
        last = _route_question(conn, task.name, q.name, q.keep, upto)
        upsert(
            conn,
            rm,
            [
                {
                    "task_id": task.name,
                    "question": q.name,
                    "keep": q.keep_name,
                    "upto_ord": last,
                    "updated_at": time.time(),
                }
            ],
            key=["task_id", "question"],
            update=["keep", "upto_ord", "updated_at"],
        )


def catch_up(store: LabelStore, task: Task, conn: Connection | None = None) -> None:
    """Route the chunks the task's filters have not seen (added by another process, or before
    this store object held the filters), when this store object holds them; otherwise nothing
    (a stored task has only its filters' names). ``conn``: a write transaction to do it in
    (checking costs a query there, instead of a transaction of its own)."""
    held = [q for q in task.questions if q.keep is not None]
    if not held:
        return
    if conn is not None:
        if _behind(conn, task, held):
            route_task(store, conn, task)
        return
    with store._read() as reading:
        behind = _behind(reading, task, held)
    if behind:
        store._write(lambda writing: route_task(store, writing, task))


def _behind(conn: Connection, task: Task, held: list[Any]) -> bool:
    rows = run(conn, _marks_and_last, {"task_id": task.name}).fetchall()
    marks = {question: (keep, upto) for question, keep, upto, _ in rows}
    last = (rows[0][3] or 0) if rows else 0

    def seen_all(q: Any) -> bool:  # upto_ord: the last chunk routed with this filter
        name, upto = marks.get(q.name, (None, -1))
        return name == q.keep_name and upto >= last

    return not all(seen_all(q) for q in held)


def _marks_and_last(scope: Scope, _n: int) -> Any:
    """The task's route marks, each with the last chunk's ord: one statement, compiled once
    (next_chunk runs it on every call for a routed task)."""
    rm, c = scope.table(t.route_marks), scope.table(t.chunks)
    last = select(func.max(c.c.ord)).scalar_subquery()
    return select(rm.c.question, rm.c.keep, rm.c.upto_ord, last).where(
        rm.c.task_id == bindparam("task_id")
    )


def route_new_chunks(store: LabelStore, conn: Connection, tasks: Iterable[Task]) -> None:
    """After chunks were added: route them for the tasks whose filters this process holds."""
    for task in list(tasks):
        if any(q.keep is not None for q in task.questions):
            route_task(store, conn, task)


def routed_clauses(task: Task) -> list[Any]:
    """Clauses on ``chunks``: some question of the task is asked on the chunk. Empty when a
    question is asked everywhere (the common case costs nothing)."""
    routed = [q for q in task.questions if q.routed]
    if len(routed) < len(task.questions):
        return []
    c, rt, rm = t.chunks, t.routes, t.route_marks
    current = or_(*(and_(rm.c.question == q.name, rm.c.keep == q.keep_name) for q in routed))
    # every question routed with its current filter: chunks after the least advanced mark are
    # not routed yet (asked); otherwise (-1) every chunk is asked
    seen_up_to = (
        select(case((func.count() == len(routed), func.min(rm.c.upto_ord)), else_=-1))
        .where(rm.c.task_id == task.name, current)
        .scalar_subquery()
    )
    applies = exists().where(rt.c.task_id == task.name, rt.c.chunk_id == c.c.chunk_id)
    return [or_(c.c.ord > seen_up_to, applies)]


def asked_on(conn: Connection, task: Task, chunk_id: str) -> set[str] | None:
    """The questions asked on ``chunk_id`` (``None``: all, without reading anything when no
    question is routed): what :func:`labelwidgets.schema.check_submission` takes as ``asked``."""
    if not any(q.routed for q in task.questions):
        return None
    ord_, routed = _chunk_routes(conn, task, chunk_id)
    if ord_ is None:
        return None
    marks = _marks(conn, task)
    return {q.name for q in task.questions if _applies(q, ord_, marks, routed)}


def asked_resolver(
    conn: Connection, tasks: dict[str, Task]
) -> Callable[[Task, str], set[str] | None]:
    """:func:`asked_on` for many chunks (an event replay): the routes of the routed tasks
    read once."""
    c, rt = t.chunks, t.routes
    routed = {name: task for name, task in tasks.items() if any(q.routed for q in task.questions)}
    marks = {name: _marks(conn, task) for name, task in routed.items()}
    kept: dict[tuple[str, str], set[str]] = {}
    for task_id, question, chunk_id in conn.execute(
        select(rt.c.task_id, rt.c.question, rt.c.chunk_id).where(rt.c.task_id.in_(list(routed)))
    ):
        kept.setdefault((task_id, chunk_id), set()).add(question)
    ords = dict(conn.execute(select(c.c.chunk_id, c.c.ord)).all()) if routed else {}

    def asked(task: Task, chunk_id: str) -> set[str] | None:
        if task.name not in routed or chunk_id not in ords:
            return None
        given = kept.get((task.name, chunk_id), set())
        return {
            q.name for q in task.questions if _applies(q, ords[chunk_id], marks[task.name], given)
        }

    return asked


def _applies(q: Any, ord_: int, marks: dict[str, tuple[str, int]], routed: set[str]) -> bool:
    if not q.routed:
        return True
    keep_name, upto = marks.get(q.name, (None, 0))
    if keep_name != q.keep_name or ord_ > upto:
        return True  # not routed with this filter yet: asked
    return q.name in routed


def _chunk_routes(conn: Connection, task: Task, chunk_id: str) -> tuple[int | None, set[str]]:
    """The chunk's ord (``None``: no such chunk) and the routed questions it is asked, in one
    statement."""
    c, rt = t.chunks, t.routes
    joined = c.outerjoin(rt, and_(rt.c.task_id == task.name, rt.c.chunk_id == c.c.chunk_id))
    rows = conn.execute(
        select(c.c.ord, rt.c.question).select_from(joined).where(c.c.chunk_id == chunk_id)
    ).all()
    if not rows:
        return None, set()
    return int(rows[0].ord), {r.question for r in rows if r.question is not None}


def _marks(conn: Connection, task: Task) -> dict[str, tuple[str, int]]:
    rm = t.route_marks
    rows = conn.execute(
        select(rm.c.question, rm.c.keep, rm.c.upto_ord).where(rm.c.task_id == task.name)
    ).all()
    return {r.question: (r.keep, int(r.upto_ord)) for r in rows}


def _forget(conn: Connection, task_id: str, question: str) -> None:
    rt, rm = t.routes, t.route_marks
    conn.execute(delete(rt).where(rt.c.task_id == task_id, rt.c.question == question))
    conn.execute(delete(rm).where(rm.c.task_id == task_id, rm.c.question == question))


def _route_question(conn: Connection, task_id: str, question: str, keep: Any, upto: int) -> int:
    """Route the chunks after ``upto`` through ``keep``; returns the last chunk's ord."""
    c = t.chunks
    last = upto
    while True:
        rows = conn.execute(
            select(c.c.chunk_id, c.c.ord, c.c.text)
            .where(c.c.ord > last)
            .order_by(c.c.ord)
            .limit(_BATCH)
        ).all()
        if not rows:
            return last
        try:
            kept = [r.chunk_id for r in rows if keep(r.text)]
        except Exception as exc:
            raise ValueError(
                f"question {question!r}: its keep= filter failed on a chunk: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        insert_rows(
            conn,
            t.routes,
            [{"task_id": task_id, "question": question, "chunk_id": cid} for cid in kept],
            skip_existing=None,
        )
        last = rows[-1].ord


__all__ = [
    "RoutingMixin",
    "asked_on",
    "asked_resolver",
    "catch_up",
    "route_new_chunks",
    "route_task",
    "routed_clauses",
]
