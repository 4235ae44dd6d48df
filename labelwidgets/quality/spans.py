"""Agreement on ``spans`` questions: span-level F1, exact and overlap.

Two labelers agree on a chunk as much as their spans match: :func:`span_f1` (from
:mod:`labelwidgets.schema.spans`) scores one pair; :func:`mean_pairwise_span_f1` one chunk's
labelers; :func:`span_agreement` a whole task, per question or per labeler.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.schema import Task
from labelwidgets.schema.spans import span_f1

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["mean_pairwise_span_f1", "span_agreement", "span_f1"]

MODES = ("exact", "overlap")


def mean_pairwise_span_f1(answers: Sequence[Any], mode: str = "exact") -> float:
    """Mean :func:`span_f1` over every pair of ``answers`` (one chunk, one answer per labeler).

    Returns NaN with fewer than two answers (agreement needs two).

    Examples
    --------
    >>> a, b, c = [(0, 5, "X")], [(0, 5, "X")], []
    >>> mean_pairwise_span_f1([a, b, c])  # (1 + 0 + 0) / 3
    0.3333333333333333
    """
    pairs = list(itertools.combinations(answers, 2))
    if not pairs:
        return float("nan")
    return sum(span_f1(a, b, mode) for a, b in pairs) / len(pairs)


def span_agreement(store: LabelStore, task: Task | str, *, by: str = "question") -> pd.DataFrame:
    """Span-level agreement of the labelers of ``task``'s ``spans`` questions.

    Parameters
    ----------
    store
        A :class:`~labelwidgets.store.LabelStore`.
    task
        The task (or its name).
    by
        ``"question"``: one row per spans question with ``items`` (chunks answered by at least
        two labelers), ``pairs``, ``f1_exact`` and ``f1_overlap`` (mean over chunks of the mean
        pairwise F1 on that chunk). ``"labeler"``: one row per (question, labeler) with the mean
        F1 of that labeler against every other labeler on the same chunks.

    Returns
    -------
    pandas.DataFrame
        Empty (with its columns) when no chunk has two answers.
    """
    if by not in ("question", "labeler"):
        raise ValueError(f"by must be 'question' or 'labeler', got {by!r}")
    task = store.task(task)
    names = [q.name for q in task.questions if q.kind == "spans"]
    if not names:
        raise ValueError(f"task {task.name!r} has no spans question")
    frame = store.answers(task)
    frame = frame[frame["question"].isin(names)]
    rows = []
    for (question, _chunk), group in frame.groupby(["question", "chunk_id"], sort=True):
        if len(group) < 2:
            continue
        answers = dict(zip(group["labeler"], group["answer"], strict=True))
        if by == "question":
            pairs = len(answers) * (len(answers) - 1) // 2
            rows.append(
                {
                    "question": question,
                    "pairs": pairs,
                    **{f"f1_{m}": mean_pairwise_span_f1(list(answers.values()), m) for m in MODES},
                }
            )
            continue
        for labeler, mine in answers.items():
            others = [a for who, a in answers.items() if who != labeler]
            rows.append(
                {
                    "question": question,
                    "labeler": labeler,
                    "pairs": len(others),
                    **{
                        f"f1_{m}": sum(span_f1(mine, o, m) for o in others) / len(others)
                        for m in MODES
                    },
                }
            )
    keys = ["question"] if by == "question" else ["question", "labeler"]
    columns = [*keys, "items", "pairs", "f1_exact", "f1_overlap"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    scores = pd.DataFrame(rows).groupby(keys, sort=True)
    result = scores.agg(
        items=("pairs", "size"),
        pairs=("pairs", "sum"),
        f1_exact=("f1_exact", "mean"),
        f1_overlap=("f1_overlap", "mean"),
    )
    return result.reset_index()[columns]
