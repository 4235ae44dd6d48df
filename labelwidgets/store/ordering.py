"""Labeling orders: the task's chunks ranked once, then walked by position on every next_chunk.

An order set is one ranking of the chunks kept by the fixed filters of a ``where=`` (text,
document, metadata), stored in ``chunk_order`` as (position, chunk). It is computed in SQL (and
a vectorized pass for callables) when first asked for, so a submit and the next chunk cost a
walk along an index, never a re-ranking. A set is a snapshot: it is rebuilt when the store has
chunks it has not seen (checked when a store object first uses it, and after this store object
adds chunks) or when asked to (``refresh=True``); labels and suggestions that arrive later
change an ``"uncertain"`` or ``"disagreement"`` ranking only then.

Orders (highest score first, ties in document order):

``"document"``
    labeling order (document, then position).
``"random"``
    shuffled by ``seed``; the same seed gives the same order, and a chunk keeps its place
    among the others when chunks are added.
``"uncertain"``
    per question of each chunk: 2 when model suggestions disagree under the question's
    ``match=`` rule (across prompt versions or models), 1 when a model said "not in the text" where the question's ``keep=`` filter or the
    task's ``highlight`` keywords matched, plus ``1 - score`` of the least confident suggestion
    when the adapter stored a score in [0, 1].
``"disagreement"``
    per question, how many different current answers the labelers gave (under the question's
    ``match=`` rule: "New York" and "the laws of New York" are one under ``"entity"``), minus one.
``"signal"``
    how likely the chunk holds an answer: questions whose ``keep=`` filter keeps it, 1 if the
    task's ``highlight`` keywords occur, and questions with a real (not "not in the text")
    model suggestion.
a callable
    ``fn(chunks) -> scores``: ``chunks`` is the DataFrame of ``store.chunks()`` (the chunks the
    filters keep), the result a sequence aligned with its rows or a Series indexed by chunk_id.

Sets are pruned when one is built: per task the :data:`KEEP_SETS` most recently built stay,
and the newest set of each order (a user re-shuffling with seed after seed keeps a few sets,
not one per seed, and their ``"uncertain"`` ranking survives the shuffles). A session still
walking a pruned set (it remembers the set, so it finds nothing) ranks the same order again
and goes on from where it was (``next_chunk``), the same order for ``"random"``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, case, delete, func, insert, select, update

from labelwidgets.schema import Task
from labelwidgets.store import fulltext
from labelwidgets.store import tables as t
from labelwidgets.store.agreement import distinct_answers
from labelwidgets.store.search import Where, where_clauses
from labelwidgets.store.upsert import insert_rows

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

ORDERS = ("document", "random", "uncertain", "disagreement", "signal")
KEEP_SETS = 8  # order sets kept per task when one is built (besides the newest of each order)
Order = str | Callable[[Any], Any]


def check_order(order: Any) -> None:
    if callable(order):
        return
    if not isinstance(order, str) or order not in ORDERS:
        raise ValueError(
            f"order must be one of {list(ORDERS)} or a callable(chunks) -> scores, got {order!r}"
        )


def needs_set(order: Order, where: Where) -> bool:
    """Whether next_chunk walks an order set (else the chunks table in labeling order)."""
    fixed = where.fixed()
    return order != "document" or any(value is not None for value in fixed.values())


def order_set(
    store: LabelStore, task: Task, order: Order, where: Where, seed: int, refresh: bool
) -> int:
    """The id of the order set for (task, order, fixed filters, seed), built if needed: only
    the first use in a store object reads the database (a callable ranks on its first use)."""
    spec = {"order": _order_name(order), "seed": seed, **where.fixed()}
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:32]
    memo: dict[tuple[str, str], tuple[int, Order]] = store.__dict__.setdefault("_order_sets", {})
    known = memo.get((task.name, key))
    if known is not None and known[1] is order and not refresh:
        return known[0]

    def build(conn: Connection) -> int:
        return _build(store, conn, task, order, where, seed, refresh, spec, key)

    set_id = store._write(build)
    memo[(task.name, key)] = (set_id, order)  # a callable: ranked again when another is given
    return set_id


def _build(
    store: LabelStore,
    conn: Connection,
    task: Task,
    order: Order,
    where: Where,
    seed: int,
    refresh: bool,
    spec: dict[str, Any],
    key: str,
) -> int:
    os_ = t.order_sets
    row = conn.execute(
        select(os_.c.set_id, os_.c.max_ord).where(os_.c.task_id == task.name, os_.c.spec_key == key)
    ).first()
    max_ord = conn.execute(select(func.coalesce(func.max(t.chunks.c.ord), 0))).scalar_one()
    if row is not None and row.max_ord == max_ord and not refresh and not callable(order):
        return int(row.set_id)
    ranked = rank(store, conn, task, order, where, seed)
    set_id = _store_set(conn, task, key, spec, row, ranked, max_ord)
    _prune(conn, task, set_id)
    return set_id


def _prune(conn: Connection, task: Task, built: int) -> None:
    """Drop the task's order sets beyond the :data:`KEEP_SETS` newest, keeping ``built`` and
    the newest set of each order."""
    os_, co = t.order_sets, t.chunk_order
    sets = conn.execute(
        select(os_.c.set_id, os_.c.spec)
        .where(os_.c.task_id == task.name)
        .order_by(os_.c.built_at.desc(), os_.c.set_id.desc())
    ).all()
    orders: set[str] = set()
    drop = []
    for i, (set_id, spec) in enumerate(sets):
        order = json.loads(spec).get("order")
        if i >= KEEP_SETS and set_id != built and order in orders:
            drop.append(set_id)
        orders.add(order)
    if drop:
        conn.execute(delete(co).where(co.c.set_id.in_(drop)))
        conn.execute(delete(os_).where(os_.c.set_id.in_(drop)))


def pruned(store: LabelStore, set_id: int) -> bool:
    """Whether the order set ``set_id`` is gone (pruned since this store object ranked it)."""
    os_ = t.order_sets
    with store._read() as conn:
        return conn.execute(select(os_.c.set_id).where(os_.c.set_id == set_id)).first() is None


def forget_sets(store: LabelStore) -> None:
    """This store object added chunks: its order sets are checked again on next use."""
    store.__dict__.pop("_order_sets", None)


def rank(
    store: LabelStore, conn: Connection, task: Task, order: Order, where: Where, seed: int
) -> list[tuple[str, float | None]]:
    """(chunk_id, score) of the chunks the fixed filters keep, best first."""
    c = t.chunks
    clauses = where_clauses(store.dialect, task, where, dynamic=False)
    rows = conn.execute(select(c.c.chunk_id).where(*clauses).order_by(c.c.ord)).scalars().all()
    if order == "document":
        return [(chunk_id, None) for chunk_id in rows]
    if order == "random":
        salt = f"{seed}:".encode()
        keyed = sorted(rows, key=lambda cid: hashlib.blake2b(salt + cid.encode()).digest())
        return [(chunk_id, None) for chunk_id in keyed]
    if callable(order):
        scores = _callable_scores(store, order, rows)
    else:
        scores = {"uncertain": _uncertain, "disagreement": _disagreement, "signal": _signal}[order](
            conn, task
        )
    position = {cid: i for i, cid in enumerate(rows)}
    best = sorted(rows, key=lambda cid: (-scores.get(cid, 0.0), position[cid]))
    return [(cid, float(scores.get(cid, 0.0))) for cid in best]


def _store_set(
    conn: Connection,
    task: Task,
    key: str,
    spec: dict[str, Any],
    row: Any,
    ranked: list[tuple[str, float | None]],
    max_ord: int,
) -> int:
    os_, co = t.order_sets, t.chunk_order
    values = {"max_ord": max_ord, "n_chunks": len(ranked), "built_at": time.time()}
    if row is None:
        result = conn.execute(
            insert(os_).values(
                task_id=task.name, spec_key=key, spec=json.dumps(spec, sort_keys=True), **values
            )
        )
        set_id = int(result.inserted_primary_key[0])
    else:
        set_id = int(row.set_id)
        conn.execute(delete(co).where(co.c.set_id == set_id))
        conn.execute(update(os_).where(os_.c.set_id == set_id).values(**values))
    rows = [
        {"set_id": set_id, "pos": pos, "chunk_id": cid, "score": score}
        for pos, (cid, score) in enumerate(ranked, start=1)
    ]
    for start in range(0, len(rows), 50_000):
        insert_rows(conn, co, rows[start : start + 50_000])
    if conn.dialect.name == "postgresql":
        # fresh statistics: planned as the small table it was, the walk sorted the whole set
        # on every call (150 ms at 100k chunks instead of an index range scan)
        schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
        quote = conn.dialect.identifier_preparer.quote
        conn.exec_driver_sql(f"ANALYZE {(quote(schema) + '.') if schema else ''}chunk_order")
    return set_id


def _order_name(order: Order) -> str:
    if callable(order):
        return "callable:" + getattr(order, "__qualname__", type(order).__name__)
    return order


def _uncertain(conn: Connection, task: Task) -> dict[str, float]:
    sg = t.suggestions
    grouped = conn.execute(
        select(
            sg.c.chunk_id,
            sg.c.question,
            func.max(case((sg.c.is_unknown, 1), else_=0)).label("unknown"),
            func.min(sg.c.score).label("low"),
        )
        .where(sg.c.task_id == task.name, sg.c.parse_error.is_(None))
        .group_by(sg.c.chunk_id, sg.c.question)
    ).all()
    # models disagree when their answers differ under the question's match= rule
    differ = distinct_answers(conn, task, of="models")
    signal = _signal_hits(conn, task)
    scores: dict[str, float] = {}
    for r in grouped:
        score = 2.0 if differ.get((r.chunk_id, r.question), 1) > 1 else 0.0
        if r.unknown and ((r.question, r.chunk_id) in signal or (None, r.chunk_id) in signal):
            score += 1.0
        if r.low is not None:
            score += 1.0 - min(1.0, max(0.0, float(r.low)))
        if score:
            scores[r.chunk_id] = scores.get(r.chunk_id, 0.0) + score
    return scores


def _disagreement(conn: Connection, task: Task) -> dict[str, float]:
    scores: dict[str, float] = {}
    for (chunk_id, _), answers in distinct_answers(conn, task).items():
        if answers > 1:
            scores[chunk_id] = scores.get(chunk_id, 0.0) + answers - 1
    return scores


def _signal(conn: Connection, task: Task) -> dict[str, float]:
    scores: dict[str, float] = {}
    for _, chunk_id in _signal_hits(conn, task):
        scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0
    sg = t.suggestions
    answered = conn.execute(
        select(sg.c.chunk_id, func.count(func.distinct(sg.c.question)))
        .where(sg.c.task_id == task.name, sg.c.parse_error.is_(None), ~sg.c.is_unknown)
        .group_by(sg.c.chunk_id)
    ).all()
    for chunk_id, n in answered:
        scores[chunk_id] = scores.get(chunk_id, 0.0) + n
    return scores


def _signal_hits(conn: Connection, task: Task) -> set[tuple[str | None, str]]:
    """(question, chunk) where a question's keep= filter keeps the chunk, and (None, chunk)
    where the task's highlight keywords occur (full-text index)."""
    rt = t.routes
    hits: set[tuple[str | None, str]] = set(
        conn.execute(select(rt.c.question, rt.c.chunk_id).where(rt.c.task_id == task.name)).all()
    )
    words = [" ".join(fulltext.terms(k)) for k in task.highlight]
    words = [w for w in words if w]
    if words:
        query = " or ".join(f'"{w}"' for w in words)
        c = t.chunks
        found = conn.execute(
            select(c.c.chunk_id).where(fulltext.matching_ords(conn.dialect.name, query))
        ).scalars()
        hits.update((None, chunk_id) for chunk_id in found)
    return hits


def _callable_scores(
    store: LabelStore, order: Callable[[Any], Any], rows: list[str]
) -> dict[str, float]:
    frame = store.chunks(chunk_ids=rows)
    name = _order_name(order)
    try:
        result = order(frame)
    except Exception as exc:
        raise ValueError(f"order {name!r} failed: {type(exc).__name__}: {exc}") from exc
    index = getattr(result, "index", None)  # a Series has one; a list has a method of that name
    if index is not None and not callable(index) and all(isinstance(i, str) for i in index):
        values = dict(zip(index, list(result), strict=True))  # a Series by chunk_id
    else:
        listed = list(result)
        if len(listed) != len(frame):
            raise ValueError(
                f"order {name!r} returned {len(listed)} scores for {len(frame)} chunks (give one "
                "per row of the chunks DataFrame, or a Series indexed by chunk_id)"
            )
        values = dict(zip(frame["chunk_id"], listed, strict=True))
    scores = {}
    for chunk_id, value in values.items():
        try:
            score = float(value)
        except (TypeError, ValueError):
            score = float("nan")
        if score != score:
            raise ValueError(
                f"order {name!r}: the score of chunk {chunk_id!r} is {value!r}, not a number"
            )
        scores[chunk_id] = score
    return scores
