"""The labelers' answers frame of :class:`~labelwidgets.quality.data.QualityData`, built from
the store's integer-coded read (:meth:`LabelStore.answer_columns`): every column is a take from
a small table of distinct values, and nothing is hashed a second time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from labelwidgets.store.answer_columns import AnswerColumns

__all__ = ["answer_frame", "time_per_labeler"]


def _dense(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered 0.. in order of first appearance, and their labels."""
    renumbered, kept = pd.factorize(codes)
    return renumbered.astype(np.int64), labels[kept]


def answer_frame(
    columns: AnswerColumns, encoder: Any
) -> tuple[pd.DataFrame, pd.Index, np.ndarray | None, np.ndarray | None]:
    """The answers frame (chunk_id, doc_id, question, labeler, answer, forced, who, doc, item,
    and the columns ``encoder.encode_codes`` adds), the chunks its ``item`` codes number, and
    the rows' time spent and creation times (``None`` when no answer has a time spent).
    Answers to questions the task no longer asks are left out."""
    keep = columns.question >= 0
    rows = slice(None) if keep.all() else keep
    chunk, chunk_ids = columns.chunk[rows], columns.chunk_ids
    labeler, labelers = columns.labeler[rows], columns.labelers
    if not keep.all():  # numbered densely again, as if the left-out rows were never read
        chunk, chunk_ids = _dense(chunk, chunk_ids)
        labeler, labelers = _dense(labeler, labelers)
    docs = columns.doc_ids if keep.all() else columns.doc_ids[pd.factorize(columns.chunk[rows])[1]]
    position = columns.question[rows]
    answer = columns.answer[rows]
    values = np.empty(len(columns.answers), dtype=object)
    values[:] = columns.answers
    names = np.asarray(encoder.task.question_names, dtype=object)
    frame = pd.DataFrame(
        {
            "chunk_id": pd.Series(chunk_ids[chunk], dtype=object),
            "doc_id": pd.Series(docs[chunk], dtype=object),
            "question": pd.Series(names[position], dtype=object),
            "labeler": pd.Series(labelers[labeler], dtype=object),
            "answer": pd.Series(values[answer], dtype=object),
            "forced": columns.forced[rows],
        },
        copy=False,  # one block per column: consolidating would copy every object column
    )
    frame = encoder.encode_codes(frame, position, answer, columns.answers)
    frame["item"] = chunk
    frame["who"] = labeler
    frame["doc"] = pd.factorize(docs)[0][chunk] if len(chunk) else chunk
    spent = None if columns.time_spent is None else columns.time_spent[rows]
    created = None if columns.created_at is None else columns.created_at[rows]
    return frame, pd.Index(chunk_ids, dtype=object), spent, created


def time_per_labeler(
    answers: pd.DataFrame, spent: np.ndarray | None, created: np.ndarray | None
) -> pd.Series:
    """Seconds spent per labeler (indexed by name): one submission (same labeler, chunk and
    creation time) counted once, with the time of its first row."""
    who = answers["who"].to_numpy()
    # the names in the order the rows first give them: per code (few), not per row's string
    codes = pd.unique(who)
    some = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    some[who] = np.arange(len(who))
    labelers = answers["labeler"].to_numpy()[some[codes]]
    if spent is None or created is None or not len(answers):
        return pd.Series(0.0, index=pd.Index(labelers, dtype=object), dtype=float)
    # float seconds compare as the nanosecond timestamps did; + 0.0 makes -0.0 equal 0.0
    moments = (np.asarray(created, dtype=np.float64) + 0.0).view(np.int64)
    once = (
        ~pd.DataFrame(
            {"who": answers["who"].to_numpy(), "item": answers["item"].to_numpy(), "t": moments}
        )
        .duplicated()
        .to_numpy()
    )
    total = np.bincount(
        answers["who"].to_numpy(), weights=np.where(once, spent, 0.0), minlength=len(labelers)
    )
    return pd.Series(total, index=pd.Index(labelers, dtype=object), dtype=float)
