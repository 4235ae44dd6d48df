"""Handing out chunks: the next chunk for a labeler, overlap of k labelers, and leases."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, literal, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.search import SearchMixin
from labelwidgets.store.upsert import upsert

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

DEFAULT_LEASE_S = 30 * 60


class AssignmentMixin(SearchMixin):
    """Chunk assignment and search (mixed into :class:`LabelStore`)."""

    def next_chunk(
        self: LabelStore,
        task: Task | str,
        labeler: str,
        *,
        after: str | None = None,
        chunk_ids: list[str] | None = None,
        lease: bool = True,
        lease_seconds: float = DEFAULT_LEASE_S,
    ) -> str | None:
        """The next chunk ``labeler`` should label, or ``None`` when there is nothing left.

        A chunk qualifies when this labeler has neither finished nor skipped it, it has fewer
        than ``task.labelers_per_chunk`` finished answers, and it is not leased to that many
        other labelers. Chunks come in document order, starting after ``after`` (a chunk id)
        and wrapping around. With ``lease=True`` the chunk is leased to the labeler for
        ``lease_seconds`` (a labeler who walks away blocks it only that long), and the
        labeler's earlier leases in the task are released. Safe under concurrency: SQLite
        serializes writers, PostgreSQL uses ``FOR UPDATE SKIP LOCKED``.
        """
        task = self.task(task)
        if not isinstance(labeler, str) or not labeler.strip():
            raise ValueError(f"labeler must be a non-empty name, got {labeler!r}")

        def pick(conn: Connection) -> str | None:
            now = time.time()
            after_ord = _ord_of(conn, after) if after else 0
            found = _first_open(self, conn, task, labeler, after_ord, chunk_ids, now)
            if found is None and after_ord:
                found = _first_open(self, conn, task, labeler, 0, chunk_ids, now)
            if lease:
                ls = t.leases
                conn.execute(ls.delete().where(ls.c.task_id == task.name, ls.c.labeler == labeler))
                if found is not None:
                    upsert(
                        conn,
                        ls,
                        [
                            {
                                "task_id": task.name,
                                "chunk_id": found,
                                "labeler": labeler,
                                "expires_at": now + lease_seconds,
                            }
                        ],
                        key=["task_id", "chunk_id", "labeler"],
                        update=["expires_at"],
                    )
            return found

        if lease:
            return self._write(pick)
        with self._read() as conn:
            return pick(conn)

    def release(self: LabelStore, task: Task | str, labeler: str) -> None:
        """Give back the chunk leased to ``labeler`` (e.g. when the widget closes)."""
        name = self.task(task).name
        ls = t.leases
        self._write(
            lambda conn: conn.execute(
                ls.delete().where(ls.c.task_id == name, ls.c.labeler == labeler)
            )
        )

    def finished(self: LabelStore, task: Task | str, labeler: str) -> set[str]:
        """Ids of the chunks ``labeler`` finished or skipped in ``task``."""
        return _finished_set(self, task, labeler)

    def skipped(self: LabelStore, task: Task | str, labeler: str) -> set[str]:
        """Ids of the chunks ``labeler`` skipped (and has not answered or unskipped since)."""
        return _finished_set(self, task, labeler, status="skipped")

    def progress(self: LabelStore, task: Task | str, labeler: str) -> dict[str, int]:
        """``{"done": …, "skipped": …, "total": …}`` chunks for ``labeler`` in ``task``."""
        name = self.task(task).name
        pr = t.progress
        with self._read() as conn:
            counts = dict(
                conn.execute(
                    select(pr.c.status, func.count())
                    .where(pr.c.task_id == name, pr.c.labeler == labeler)
                    .group_by(pr.c.status)
                ).all()
            )
            total = conn.execute(select(func.count()).select_from(t.chunks)).scalar_one()
        return {"done": counts.get("done", 0), "skipped": counts.get("skipped", 0), "total": total}


def _finished_set(
    store: LabelStore, task: Task | str, labeler: str, status: str | None = None
) -> set[str]:
    name = store.task(task).name
    pr = t.progress
    where = [pr.c.task_id == name, pr.c.labeler == labeler]
    if status is not None:
        where.append(pr.c.status == status)
    with store._read() as conn:
        return set(conn.execute(select(pr.c.chunk_id).where(*where)).scalars())


def _ord_of(conn: Connection, chunk_id: str) -> int:
    found = conn.execute(select(t.chunks.c.ord).where(t.chunks.c.chunk_id == chunk_id)).scalar()
    if found is None:
        raise ValueError(f"next_chunk: unknown chunk_id {chunk_id!r} given as after=")
    return int(found)


def _first_open(
    store: LabelStore,
    conn: Connection,
    task: Task,
    labeler: str,
    after_ord: int,
    chunk_ids: list[str] | None,
    now: float,
) -> str | None:
    """The first chunk after ``after_ord`` with room for ``labeler`` (row-locked on PostgreSQL)."""
    c = t.chunks
    query = (
        select(c.c.chunk_id, c.c.ord)
        .where(
            c.c.ord > bindparam("after_ord"),
            ~_finished_by(task, labeler),
            _holders(task, labeler, now) < literal(task.labelers_per_chunk),
        )
        .order_by(c.c.ord)
        .limit(1)
    )
    if chunk_ids is not None:
        query = query.where(c.c.chunk_id.in_(list(chunk_ids)))
    if store.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=c)
    while True:
        row = conn.execute(query, {"after_ord": after_ord}).first()
        if row is None:
            return None
        # Under READ COMMITTED, PostgreSQL re-checks a row it had to wait for against the row
        # itself but evaluates the subqueries on the statement's older snapshot. Now that the
        # chunk is locked, count its holders again with a fresh snapshot.
        if store.dialect != "postgresql" or _room_left(conn, task, labeler, row.chunk_id, now):
            return row.chunk_id
        after_ord = row.ord


def _finished_by(task: Task, labeler: str) -> Any:
    # A per-row count rather than NOT EXISTS: PostgreSQL turns NOT EXISTS into an anti-join that
    # reads every chunk the labeler finished, while the scan from ``after`` needs only a few rows.
    c, pr = t.chunks, t.progress
    mine = (
        select(func.count())
        .select_from(pr)
        .where(pr.c.task_id == task.name, pr.c.labeler == labeler, pr.c.chunk_id == c.c.chunk_id)
        .scalar_subquery()
    )
    return mine > 0


def _holders(task: Task, labeler: str, now: float, chunk: Any = None) -> Any:
    """How many others finished or hold a live lease on the chunk (``chunk``: a column or id)."""
    pr, ls = t.progress, t.leases
    chunk = t.chunks.c.chunk_id if chunk is None else chunk
    done = (
        select(func.count())
        .select_from(pr)
        .where(pr.c.task_id == task.name, pr.c.chunk_id == chunk, pr.c.status == "done")
        .scalar_subquery()
    )
    leased = (
        select(func.count())
        .select_from(ls)
        .where(
            ls.c.task_id == task.name,
            ls.c.chunk_id == chunk,
            ls.c.labeler != labeler,
            ls.c.expires_at > now,
        )
        .scalar_subquery()
    )
    return done + leased


def _room_left(conn: Connection, task: Task, labeler: str, chunk_id: str, now: float) -> bool:
    holders = conn.execute(select(_holders(task, labeler, now, literal(chunk_id)))).scalar_one()
    return holders < task.labelers_per_chunk
