"""Reading a task's answers a page of whole chunks at a time, for batch jobs (a streaming export)
that must not hold every answer in memory.

A page is every current answer (or every reference answer) of up to a few thousand chunks, in
labeling order (document, then position), then question, then labeler: a job that works per
chunk or per (chunk, question) sees each group whole. Pages are read by position
(``ord > last``), each in its own short statements, so a long job holds no read snapshot open
between pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answers, decode_json

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

__all__ = ["AnswerPage", "answer_pages", "chunk_texts"]

_REFERENCE_KINDS = ("gold", "review")
_IN_BATCH = 900  # ids per IN (...) list, well under any driver's parameter limit
_COLUMNS = ("chunk_id", "question", "source", "value", "is_unknown", "evidence")


@dataclass
class AnswerPage:
    """One page of answers as plain columns (equal lengths): ``chunk_id``, ``question``,
    ``source`` (the labeler for current answers; ``"gold:<by>"`` / ``"review:<by>"`` for
    reference answers), ``answer`` (UNKNOWN for "not in the text") and ``evidence``
    (``[[start, end], ...]`` or ``None``); ``chunks`` maps each chunk id of the page that the
    store still has to ``(doc_id, text)``."""

    chunk_id: list[str]
    question: list[str]
    source: list[str]
    answer: list[Any]
    evidence: list[Any]
    chunks: dict[str, tuple[str, str]]

    def __len__(self) -> int:
        return len(self.chunk_id)


def answer_pages(
    store: LabelStore,
    task: Task | str,
    *,
    reference: bool = False,
    questions: list[str] | None = None,
    page_rows: int = 20_000,
) -> Iterator[AnswerPage]:
    """The current answers of ``task`` (``reference=True``: its reference answers, as
    :meth:`LabelStore.gold` defines them) in pages of whole chunks of about ``page_rows`` rows.

    Rows are ordered by the chunks' labeling order, question and labeler; rows of chunks the
    store no longer has are left out (as :meth:`LabelStore.gold` does).
    """
    name = store.task(task).name
    after, per_page = -1, max(1, min(1_000, page_rows // 10))
    while True:
        with store._read() as conn:
            found = _page_chunks(conn, name, after, per_page, reference, questions)
            if not found:
                return
            ids = [chunk_id for _, chunk_id in found]
            rows = (_reference_rows if reference else _current_rows)(conn, name, ids, questions)
            if found[-1][0] - after <= 2 * len(found):  # most chunks in the range: read it
                chunks = _range_texts(conn, ids, after, found[-1][0])
            else:
                chunks = _chunk_texts(conn, ids)
        after = found[-1][0]
        # the next page holds about page_rows rows at this page's answers per chunk
        per_chunk = max(len(rows), 1) / len(ids)
        per_page = int(min(max(page_rows / per_chunk, 1), 5_000))
        page = _page(rows, chunks, reference)
        if len(page):
            yield page


def chunk_texts(store: LabelStore, chunk_ids: list[str]) -> dict[str, tuple[str, str]]:
    """``{chunk_id: (doc_id, text)}`` of the chunks the store has among ``chunk_ids``."""
    with store._read() as conn:
        return _chunk_texts(conn, chunk_ids)


def _page_chunks(
    conn: Any, task: str, after: int, limit: int, reference: bool, questions: list[str] | None
) -> list[tuple[int, str]]:
    """``(ord, chunk_id)`` of the next ``limit`` chunks after position ``after`` that have
    answers of ``task``."""
    c = t.chunks
    table = t.events if reference else t.current_answers
    answered = select(table.c.chunk_id).where(
        table.c.task_id == task, table.c.chunk_id == c.c.chunk_id
    )
    if reference:
        answered = answered.where(table.c.kind.in_(_REFERENCE_KINDS))
    if questions is not None:
        answered = answered.where(table.c.question.in_(questions))
    query = (
        select(c.c.ord, c.c.chunk_id)
        .where(c.c.ord > after, answered.exists())
        .order_by(c.c.ord)
        .limit(limit)
    )
    result = conn.execute(query)
    found = result.cursor.fetchall() if result.cursor is not None else []
    return [(int(o), chunk_id) for o, chunk_id in found]


def _current_rows(
    conn: Any, task: str, ids: list[str], questions: list[str] | None
) -> list[tuple[Any, ...]]:
    ca = t.current_answers
    found = []
    for start in range(0, len(ids), _IN_BATCH):  # primary key lookups, in key order
        query = select(
            ca.c.chunk_id,
            ca.c.question,
            ca.c.labeler,
            ca.c.value,
            ca.c.is_unknown,
            ca.c.evidence,
        ).where(ca.c.task_id == task, ca.c.chunk_id.in_(ids[start : start + _IN_BATCH]))
        if questions is not None:
            query = query.where(ca.c.question.in_(questions))
        result = conn.execute(query.order_by(ca.c.chunk_id, ca.c.question, ca.c.labeler))
        found += result.cursor.fetchall() if result.cursor is not None else []
    return _in_order(found, ids)


def _reference_rows(
    conn: Any, task: str, ids: list[str], questions: list[str] | None
) -> list[tuple[Any, ...]]:
    """The newest gold mark or review decision per (chunk, question) of the page."""
    ev = t.events
    found = []
    for start in range(0, len(ids), _IN_BATCH):
        ranked = select(
            ev.c.chunk_id,
            ev.c.question,
            (ev.c.kind + ":" + ev.c.labeler).label("source"),
            ev.c.value,
            ev.c.is_unknown,
            ev.c.evidence,
            func.row_number()
            .over(partition_by=(ev.c.chunk_id, ev.c.question), order_by=ev.c.event_id.desc())
            .label("rank"),
        ).where(
            ev.c.task_id == task,
            ev.c.kind.in_(_REFERENCE_KINDS),
            ev.c.chunk_id.in_(ids[start : start + _IN_BATCH]),
        )
        if questions is not None:
            ranked = ranked.where(ev.c.question.in_(questions))
        latest = ranked.subquery()
        query = (
            select(*(latest.c[name] for name in _COLUMNS))
            .where(latest.c.rank == 1)
            .order_by(latest.c.chunk_id, latest.c.question)
        )
        result = conn.execute(query)
        found += result.cursor.fetchall() if result.cursor is not None else []
    return _in_order(found, ids)


def _in_order(rows: list[tuple[Any, ...]], ids: list[str]) -> list[tuple[Any, ...]]:
    """``rows`` (each chunk's rows together) with their chunks in the order of ``ids``."""
    by_chunk = {chunk_id: list(run) for chunk_id, run in groupby(rows, itemgetter(0))}
    return list(chain.from_iterable([by_chunk.get(chunk_id, ()) for chunk_id in ids]))


def _chunk_texts(conn: Any, chunk_ids: list[str]) -> dict[str, tuple[str, str]]:
    c = t.chunks
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(chunk_ids), _IN_BATCH):
        wanted = list(chunk_ids[start : start + _IN_BATCH])
        query = select(c.c.chunk_id, c.c.doc_id, c.c.text).where(c.c.chunk_id.in_(wanted))
        result = conn.execute(query)
        rows = result.cursor.fetchall() if result.cursor is not None else []
        found.update({chunk_id: (doc_id, text) for chunk_id, doc_id, text in rows})
    return found


def _range_texts(conn: Any, ids: list[str], after: int, last: int) -> dict[str, tuple[str, str]]:
    """``_chunk_texts`` of ``ids``, all at positions ``after < ord <= last``: one range of the
    order index instead of lookups by id."""
    c = t.chunks
    query = select(c.c.chunk_id, c.c.doc_id, c.c.text).where(c.c.ord > after, c.c.ord <= last)
    result = conn.execute(query)
    rows = result.cursor.fetchall() if result.cursor is not None else []
    wanted = set(ids)
    return {chunk_id: (doc_id, text) for chunk_id, doc_id, text in rows if chunk_id in wanted}


def _page(
    rows: list[tuple[Any, ...]], chunks: dict[str, tuple[str, str]], reference: bool
) -> AnswerPage:
    rows = [r for r in rows if r[0] in chunks] if len(chunks) else []
    if not rows:
        return AnswerPage([], [], [], [], [], chunks)
    chunk_id, question, source, value, unknown, evidence = (
        list(c) for c in zip(*rows, strict=True)
    )
    return AnswerPage(
        chunk_id,
        question,
        source,
        decode_answers(value, unknown),
        _evidence(evidence),
        chunks,
    )


def _evidence(texts: list[str | None]) -> list[Any]:
    if texts.count(None) == len(texts):  # most answers have no evidence
        return texts
    return [None if e is None else decode_json(e) for e in texts]
