"""A task's current answers as integer-coded columns, for code that groups a million answers.

:meth:`LabelStore.answers` gives a DataFrame of Python values, one object per cell; the quality
figures (:mod:`labelwidgets.quality`) only group answers by chunk, question, labeler and answer
and then count. This read gives each of those as integer codes into small tables of distinct
values, read with one narrow query: only the columns grouping needs, the question already as
its position in the task (computed by the database), each distinct answer text decoded once.
Rows come in chunk order (on SQLite the order :meth:`LabelStore.answers` gives them), each
chunk's run of rows counted by a grouped query instead of a chunk id read per row, and each
distinct chunk's document looked up once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.store import tables as t
from labelwidgets.store.answer_cells import pair_cell, split_pairs
from labelwidgets.store.codec import decode_json

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["AnswerColumns", "chunk_documents", "read_answer_columns"]


@dataclass
class AnswerColumns:
    """A task's current answers, one entry per row in each per-row array.

    ``chunk`` indexes ``chunk_ids`` / ``doc_ids`` (each distinct chunk's id and its document;
    ``None`` for a chunk no longer stored); ``question`` is the question's position in
    ``task.questions`` (-1: a question the task no longer asks); ``labeler`` indexes
    ``labelers``; ``answer`` indexes ``answers`` (decoded values, :data:`UNKNOWN` for "not in
    the text", ``None`` for a null answer). ``forced``: stored past a failing validator.
    ``time_spent`` (seconds, 0 where none was given) and ``created_at`` (epoch seconds, NaN
    where none), as floats, or both ``None`` when no answer of the task has a time spent.
    """

    chunk: np.ndarray
    chunk_ids: np.ndarray
    doc_ids: np.ndarray
    question: np.ndarray
    labeler: np.ndarray
    labelers: np.ndarray
    answer: np.ndarray
    answers: list[Any]
    forced: np.ndarray
    time_spent: np.ndarray | None
    created_at: np.ndarray | None

    def __len__(self) -> int:
        return len(self.chunk)


def _floats(values: np.ndarray) -> np.ndarray:
    """An ``object`` column of floats (``None`` where NULL) as float64, NaN for NULL."""
    try:
        return values.astype(np.float64)
    except TypeError:  # NULLs: None is not a float
        return np.array(values.tolist(), dtype=np.float64)


def _decoded_answers(texts: list[str | None]) -> tuple[np.ndarray, list[Any]]:
    """Codes and values of distinct stored answer texts (one JSON parse for all of them);
    ``None`` (NULL) gets the slot after them, and :data:`UNKNOWN` the last one."""
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)
    distinct = [text if isinstance(text, str) else "null" for text in distinct]
    values = decode_json("[" + ",".join(distinct) + "]") if distinct else []
    codes = codes.astype(np.int64)
    codes[codes < 0] = len(values)  # NULL
    return codes, [*values, None, UNKNOWN]


def _split_pairs(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
    """Rows of :func:`~labelwidgets.store.answer_cells.pair_cell` -> labeler codes and names,
    answer codes and values (each distinct pair split and decoded once)."""
    pair, names, texts = split_pairs(pairs)
    who, labelers = pd.factorize(np.array(names, dtype=object))
    said, answers = _decoded_answers(texts)
    return who.astype(np.int64)[pair], np.asarray(labelers, dtype=object), said[pair], answers


def _sorted(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (values[1:] > values[:-1]).all())


def chunk_documents(conn: Connection, chunk_ids: np.ndarray) -> np.ndarray:
    """The document id of each of ``chunk_ids`` (distinct; ``None`` for a chunk no longer
    stored). Many chunks: one scan of the chunks, sorted by SQLite as the answers' primary key
    sorts them, so sorted ids are matched by a binary search instead of hashing every id
    (hashing 200k fresh strings costs more than the scan); few: looked up in batches."""
    from labelwidgets.store.columnar import fetch

    c = t.chunks
    chunk_ids = np.asarray(chunk_ids, dtype=object)
    if len(chunk_ids) <= 5_000:  # few chunks: IN (...) lookups beat a scan
        wanted = sorted(set(chunk_ids.tolist()))
        tables = [
            fetch(conn, select(c.c.chunk_id, c.c.doc_id).where(c.c.chunk_id.in_(part)))
            for part in (wanted[i : i + 500] for i in range(0, len(wanted), 500))
        ]
        stored = np.concatenate([x.array for x in tables]) if tables else np.empty((0, 2))
    else:
        query = select(c.c.chunk_id, c.c.doc_id)
        if conn.dialect.name == "sqlite":  # sorted in a temporary b-tree: reading the rows in
            query = query.order_by(c.c.chunk_id + "")  # the index's order looks each one up
        stored = fetch(conn, query).array
    ids, docs = stored[:, 0].astype(object), np.append(stored[:, 1].astype(object), None)
    if len(ids) == len(chunk_ids) and (ids == chunk_ids).all():  # every chunk, same order
        return docs[:-1]
    if _sorted(ids) and _sorted(chunk_ids):
        where = np.searchsorted(ids, chunk_ids) if len(ids) else np.zeros(len(chunk_ids), int)
        where = np.minimum(where, max(len(ids) - 1, 0))
        found = ids[where] == chunk_ids if len(ids) else np.zeros(len(chunk_ids), bool)
        return np.where(found, docs[where], None)
    return docs[pd.Index(ids, dtype=object).get_indexer(chunk_ids)]  # -1: the None slot


def read_answer_columns(conn: Connection, task: Task) -> AnswerColumns:
    """Read ``task``'s current answers as :class:`AnswerColumns` over ``conn``."""
    from labelwidgets.store.columnar import fetch

    ca = t.current_answers
    mine = ca.c.task_id == task.name
    # rows in chunk order: each chunk's run of rows is counted by one grouped query instead of
    # reading a chunk id per row (both statements read one snapshot: one transaction); the
    # same pass tells whether any answer has a time spent (the two float columns are a fifth
    # of the read: only read then)
    timed_rows = func.max(case((ca.c.time_spent != 0, 1), else_=0))
    runs = fetch(
        conn,
        select(ca.c.chunk_id, func.count(), timed_rows)
        .where(mine)
        .group_by(ca.c.chunk_id)
        .order_by(ca.c.chunk_id),
    )
    timed = bool(len(runs) and runs.array[:, 2].max())
    positions = {name: i for i, name in enumerate(task.question_names)}
    # two cells a row: labeler and answer text in one string (their distinct pairs are few),
    # and 4 x question position + unknown + 2 x forced in one integer
    unknown, forced = case((ca.c.is_unknown, 1), else_=0), case((ca.c.forced, 2), else_=0)
    query = select(
        pair_cell(ca).label("pair"),
        (case(positions, value=ca.c.question, else_=-1) * 4 + unknown + forced).label("code"),
        *([func.coalesce(ca.c.time_spent, 0.0).label("spent"), ca.c.created_at] if timed else []),
    ).where(mine)
    table = fetch(conn, query.order_by(ca.c.chunk_id))
    chunk_ids = runs.column("chunk_id").astype(object)
    counts = runs.array[:, 1].astype(np.int64) if len(runs) else np.zeros(0, np.int64)
    if counts.sum() != len(table):
        raise RuntimeError("answer_columns: the answers changed between two reads of one snapshot")
    chunk = np.repeat(np.arange(len(chunk_ids), dtype=np.int64), counts)
    code = table.column("code").astype(np.int64) if len(table) else np.zeros(0, np.int64)
    labeler, labelers, answer, answers = _split_pairs(table.column("pair"))
    answer[(code & 1).astype(bool)] = len(answers) - 1  # UNKNOWN
    return AnswerColumns(
        chunk=chunk,
        chunk_ids=chunk_ids,
        doc_ids=chunk_documents(conn, chunk_ids),
        question=code >> 2,
        labeler=labeler,
        labelers=labelers,
        answer=answer,
        answers=answers,
        forced=(code & 2).astype(bool),
        time_spent=table.column("spent").astype(np.float64) if timed else None,
        created_at=_floats(table.column("created_at")) if timed else None,
    )
