"""Handing out chunks: the next chunk for a labeler, overlap of k labelers, and leases."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, literal, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.ordering import Order, check_order, needs_set, order_set, pruned
from labelwidgets.store.prepared import Scope, run
from labelwidgets.store.routing import RoutingMixin, catch_up, routed_clauses
from labelwidgets.store.search import SearchMixin, Where, status_params, where_clauses

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

DEFAULT_LEASE_S = 30 * 60


class AssignmentMixin(SearchMixin, RoutingMixin):
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
        where: Where | Mapping[str, Any] | None = None,
        order: Order = "document",
        seed: int = 0,
        refresh: bool = False,
    ) -> str | None:
        """The next chunk ``labeler`` should label, or ``None`` when there is nothing left.

        A chunk qualifies when this labeler has neither finished nor skipped it, it has fewer
        than ``task.labelers_per_chunk`` finished answers, and it is not leased to that many
        other labelers. Chunks come in ``order``, starting after ``after`` (a chunk id)
        and wrapping around. With ``lease=True`` the chunk is leased to the labeler for
        ``lease_seconds`` (a labeler who walks away blocks it only that long), and the
        labeler's earlier leases in the task are released. Safe under concurrency: SQLite
        serializes writers, PostgreSQL uses ``FOR UPDATE SKIP LOCKED``.

        Parameters
        ----------
        where
            Only chunks these filters keep: a dict or :class:`~labelwidgets.store.Where` with
            ``text``, ``doc_id``, ``meta``, ``status``, ``labeler`` (see
            :meth:`search`). Statuses are checked live; the other filters are applied when
            the order is ranked (see :mod:`labelwidgets.store.ordering`).
        order
            ``"document"`` (labeling order), ``"random"`` (by ``seed``), ``"uncertain"``,
            ``"disagreement"``, ``"signal"`` or a callable ``fn(chunks) -> scores``; see
            :mod:`labelwidgets.store.ordering`. Ranked once, then walked by position.
        seed
            The shuffle of ``order="random"``.
        refresh
            Rank again now (new chunks, labels or suggestions since the ranking).
        """
        task = self.task(task)
        if not isinstance(labeler, str) or not labeler.strip():
            raise ValueError(f"labeler must be a non-empty name, got {labeler!r}")
        filters = Where.of(where)
        check_order(order)
        set_id = None
        if needs_set(order, filters):
            set_id = order_set(self, task, order, filters, seed, refresh)
        statuses = filters.status
        if statuses is not None and not isinstance(statuses, str):
            statuses = tuple(statuses)
        live = Where(status=statuses, labeler=filters.labeler)  # checked on each call
        query = _open_query(self, task, labeler, set_id, chunk_ids is not None, live)

        def pick(conn: Connection) -> str | None:
            if lease:  # Question(keep=): route chunks another process added, in this write
                catch_up(self, task, conn)
            now = time.time()
            bound = status_params(self, conn, task, live)  # statuses compared under match=
            found = _first_open(
                self, conn, task, labeler, after, chunk_ids, now, set_id, (query, bound)
            )
            if lease:
                _lease(conn, task, labeler, found, now + lease_seconds)
            return found

        def walk() -> str | None:
            if lease:  # a lease lost in a crash only expires early
                return self._write(pick, durable=False)
            catch_up(self, task)
            with self._read() as conn:
                return pick(conn)

        found = walk()
        if found is None and set_id is not None and pruned(self, set_id):
            # another session pruned the set this one walked: rank it again, go on
            set_id = order_set(self, task, order, filters, seed, refresh=True)
            query = _open_query(self, task, labeler, set_id, chunk_ids is not None, live)
            found = walk()
        return found

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


def _lease(conn: Connection, task: Task, labeler: str, chunk_id: str | None, until: float) -> None:
    """Release the labeler's leases in the task, then lease ``chunk_id`` until ``until``."""
    values = {"task_id": task.name, "labeler": labeler}
    run(conn, _release_leases, values)
    if chunk_id is not None:
        run(conn, _take_lease, {**values, "chunk_id": chunk_id, "expires_at": until})


def _release_leases(scope: Scope, _n: int) -> Any:
    ls = scope.table(t.leases)
    return ls.delete().where(
        ls.c.task_id == bindparam("task_id"), ls.c.labeler == bindparam("labeler")
    )


def _take_lease(scope: Scope, _n: int) -> Any:
    stmt = scope.insert(t.leases).values(
        task_id=bindparam("task_id"),
        chunk_id=bindparam("chunk_id"),
        labeler=bindparam("labeler"),
        expires_at=bindparam("expires_at"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["task_id", "chunk_id", "labeler"],
        set_={"expires_at": stmt.excluded.expires_at},
    )


_ORD_OF = select(t.chunks.c.ord).where(t.chunks.c.chunk_id == bindparam("after"))
_POS_OF = select(t.chunk_order.c.pos).where(
    t.chunk_order.c.set_id == bindparam("set_id"), t.chunk_order.c.chunk_id == bindparam("after")
)


def _ord_of(conn: Connection, chunk_id: str) -> int:
    found = conn.execute(_ORD_OF, {"after": chunk_id}).scalar()
    if found is None:
        raise ValueError(f"next_chunk: unknown chunk_id {chunk_id!r} given as after=")
    return int(found)


def _open_query(
    store: LabelStore, task: Task, labeler: str, set_id: int | None, with_ids: bool, live: Where
) -> Any:
    """The query for the first open chunk after a position, built once per task, labeler, order
    set and filters and kept by the store object (building it costs more than running it)."""
    key = (task.name, task.content_hash, labeler, set_id, with_ids, live.status, live.labeler)
    cache: dict[tuple[Any, ...], Any] = store.__dict__.setdefault("_next_queries", {})
    if key in cache:
        return cache[key]
    c, co = t.chunks, t.chunk_order
    filters = [*where_clauses(store.dialect, task, live), *routed_clauses(task)]
    if set_id is None:
        position, source = c.c.ord, c
    else:
        position = co.c.pos
        source = co.join(c, c.c.chunk_id == co.c.chunk_id)
        filters.append(co.c.set_id == set_id)
    query = (
        select(c.c.chunk_id, position.label("pos"))
        .select_from(source)
        .where(
            position > bindparam("after_pos"),
            ~_finished_by(task, labeler),
            _holders(task, labeler, bindparam("now")) < literal(task.labelers_per_chunk),
            *filters,
        )
        .order_by(position)
        .limit(1)
    )
    if with_ids:
        query = query.where(c.c.chunk_id.in_(bindparam("chunk_ids", expanding=True)))
    if store.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=c)
    if len(cache) > 256:
        cache.clear()
    cache[key] = query
    return query


def _first_open(
    store: LabelStore,
    conn: Connection,
    task: Task,
    labeler: str,
    after: str | None,
    chunk_ids: list[str] | None,
    now: float,
    set_id: int | None,
    prepared: tuple[Any, dict[str, Any]],
) -> str | None:
    """The first chunk after ``after`` (in the order set ``set_id``, else in labeling order) with
    room for ``labeler``, wrapping around; row-locked on PostgreSQL."""
    if set_id is None:
        after_pos = _ord_of(conn, after) if after else 0
    else:
        found = conn.execute(_POS_OF, {"set_id": set_id, "after": after}).scalar() if after else 0
        after_pos = found or 0  # not in the set: from its start
    query, bound = prepared  # the query, and the values its status filters read now
    params: dict[str, Any] = {"now": now, **bound}
    if chunk_ids is not None:
        params["chunk_ids"] = list(chunk_ids)
    found = _walk(store, conn, task, labeler, query, after_pos, params)
    if found is None and after_pos:
        found = _walk(store, conn, task, labeler, query, 0, params)
    return found


def _walk(
    store: LabelStore,
    conn: Connection,
    task: Task,
    labeler: str,
    query: Any,
    after_pos: int,
    params: dict[str, Any],
) -> str | None:
    while True:
        row = conn.execute(query, {"after_pos": after_pos, **params}).first()
        if row is None:
            return None
        # Under READ COMMITTED, PostgreSQL re-checks a row it had to wait for against the row
        # itself but evaluates the subqueries on the statement's older snapshot. Now that the
        # chunk is locked, count its holders again with a fresh snapshot.
        now = params["now"]
        if store.dialect != "postgresql" or _room_left(conn, task, labeler, row.chunk_id, now):
            return row.chunk_id
        after_pos = row.pos


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
