"""Per-question diagnostics and overlapping questions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, load
from labelwidgets.quality.grouping import Groups
from labelwidgets.quality.scores import _scored_by
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.compare import normalize
from labelwidgets.store.columnar import frame as as_frame

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["question_overlap", "questions"]

MISREAD_ISSUES = ("likely_misread", "constant_answer")


def _pooled(data: QualityData, frame: pd.DataFrame, rows: np.ndarray) -> dict[str, float]:
    """Coverage and accuracy on answered items of ``frame``'s ``rows`` against their references."""
    if not rows.any():
        return {"coverage": np.nan, "accuracy_on_answered": np.nan}
    columns = ["question", "key", "key0", "unknown", "gold_key", "consensus_key"]
    # a frame of plain arrays: .loc would copy the rows into consolidated blocks first
    mine = as_frame({c: frame[c].to_numpy()[rows] for c in columns}, int(rows.sum()))
    found = _scored_by(
        data, mine, "auto", Groups(np.zeros(len(mine), dtype=np.int64), pd.Index([0]))
    )
    row = found.iloc[0]
    return {"coverage": row["coverage"], "accuracy_on_answered": row["accuracy_on_answered"]}


def _distinct(codes: np.ndarray) -> int:
    """How many different values the non-negative integer ``codes`` hold (dense item codes:
    a bitmap, no sort)."""
    if not len(codes):
        return 0
    seen = np.zeros(int(codes.max()) + 1, dtype=bool)
    seen[codes] = True
    return int(seen.sum())


def _failing(frame: pd.DataFrame, rows: np.ndarray) -> int:
    return int((frame["fails"].to_numpy() & ~frame["unknown"].to_numpy() & rows).sum())


def questions(
    store: LabelStore,
    task: Task | str,
    *,
    flagged: pd.DataFrame | None = None,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Per question diagnostics.

    Returns
    -------
    DataFrame
        question, kind, match, answers, unknown_rate (high: the chunks rarely carry this
        answer), disagreement_rate (share of items answered by two or more labelers where they
        differ), gold_items, invalid_gold (gold answers failing the validators),
        labeler_coverage and labeler_accuracy_on_answered (all labelers' answers against their
        references: gold, else the others' consensus), wrong_type_labeler / wrong_type_model
        (answers failing the question's validators), model_answers, model_coverage and
        model_accuracy_on_answered (each model's newest answer against gold, else the
        labelers' consensus; all models pooled), likely_misread and misread_by (labelers
        flagged ``likely_misread`` or ``constant_answer`` by :func:`flags`).
    """
    from labelwidgets.quality.flagging import flags

    data = load(store, task) if data is None else data
    flagged = flags(store, data.task, data=data) if flagged is None else flagged
    a, m = data.answers, data.model
    per_item, same = data.same_counts()
    rows = []
    for index, question in enumerate(data.task.questions):
        here = a["q"].to_numpy() == index
        shared = here & (per_item >= 2)
        items = a["qi"].to_numpy()[shared]
        # an item where labelers differ has an answer not everyone on it gave
        differ = _distinct(items[same[shared] < per_item[shared]])
        model_here = m["q"].to_numpy() == index
        misread = flagged[
            (flagged["question"] == question.name) & flagged["issue"].isin(MISREAD_ISSUES)
        ]
        gold = data.gold[data.gold["question"] == question.name]
        people = _pooled(data, a, here)
        machine = _pooled(data, m, model_here)
        n_shared = _distinct(items)
        rows.append(
            {
                "question": question.name,
                "kind": question.kind,
                "match": question.match,
                "answers": int(here.sum()),
                "unknown_rate": float(a["unknown"].to_numpy()[here].mean())
                if here.any()
                else np.nan,
                "disagreement_rate": differ / n_shared if n_shared else np.nan,
                "gold_items": int(gold["valid"].sum()),
                "invalid_gold": int((~gold["valid"]).sum()),
                "labeler_coverage": people["coverage"],
                "labeler_accuracy_on_answered": people["accuracy_on_answered"],
                "wrong_type_labeler": _failing(a, here),
                "wrong_type_model": _failing(m, model_here),
                "model_answers": int(model_here.sum()),
                "model_coverage": machine["coverage"],
                "model_accuracy_on_answered": machine["accuracy_on_answered"],
                "likely_misread": bool(len(misread)),
                "misread_by": ", ".join(dict.fromkeys(misread["labeler"])),
            }
        )
    return pd.DataFrame(rows)


def question_overlap(
    store: LabelStore,
    task: Task | str,
    *,
    threshold: float = 0.8,
    min_items: int = 3,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Pairs of questions whose answers coincide on more than ``threshold`` of the chunks where
    the same labeler or model answered both (UNKNOWN left out) — e.g. "address line 1" and
    "address line 2" getting the same answer: the questions overlap, or one is misread.

    Returns
    -------
    DataFrame
        question_a, question_b, items (chunk × labeler-or-model with both answered),
        same_answer_rate (normalized text equal), overlap (rate > threshold); most similar
        first. Pairs with fewer than ``min_items`` items are left out.
    """
    data = load(store, task) if data is None else data
    columns = ["question_a", "question_b", "items", "same_answer_rate", "overlap"]
    q, who, text = _answer_texts(data)
    if not len(q):
        return pd.DataFrame(columns=columns)
    rows = []
    names = [question.name for question in data.task.questions]
    by_question = [_first_per_who(who[q == i], text[q == i]) for i in range(len(names))]
    dense = _dense_size(who)
    if dense:  # each question's text per who code in one array: shared codes by a mask
        at = [_texts_at(w, t, dense) for w, t in by_question]
    for i, first in enumerate(names):
        for j in range(i + 1, len(names)):
            if dense:
                both = (at[i] >= 0) & (at[j] >= 0)
                left, right = at[i][both], at[j][both]
            else:
                (lw, lt), (rw, rt) = by_question[i], by_question[j]
                _, at_left, at_right = np.intersect1d(lw, rw, return_indices=True)
                left, right = lt[at_left], rt[at_right]
            if len(left) >= min_items:
                same = float((left == right).mean())
                rows.append(
                    {
                        "question_a": first,
                        "question_b": names[j],
                        "items": len(left),
                        "same_answer_rate": same,
                        "overlap": same > threshold,
                    }
                )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("same_answer_rate", ascending=False, ignore_index=True, kind="stable")


def _first_per_who(who: np.ndarray, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``who`` and ``text`` with only the first row of each ``who`` code."""
    if len(who) and np.bincount(who).max() > 1:
        _, first = np.unique(who, return_index=True)
        return who[first], text[first]
    return who, text


def _dense_size(who: np.ndarray) -> int:
    """The length of an array indexed by the ``who`` codes when small enough (else 0)."""
    size = int(who.max()) + 1
    return size if size <= 4 * len(who) + 1_000_000 else 0


def _texts_at(who: np.ndarray, text: np.ndarray, size: int) -> np.ndarray:
    at = np.full(size, -1, dtype=np.int64)
    at[who] = text  # each code once (_first_per_who)
    return at


def _answer_texts(data: QualityData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """q, who (chunk × labeler-or-model) and text (normalized answer text, coded) of every
    answer that is not UNKNOWN, labelers' and models'."""
    a, m = data.answers, data.model
    labelers = data.answer_groups(("labeler",)).codes if len(a) else np.zeros(0, dtype=np.int64)
    models = pd.factorize(m["model"])[0] if len(m) else np.zeros(0, dtype=np.int64)
    width = (labelers.max() + 1 if len(labelers) else 0) + (models.max() + 1 if len(models) else 0)
    q = np.concatenate([a["q"].to_numpy(), m["q"].to_numpy()])
    who = np.concatenate(
        [
            a["item"].to_numpy() * width + labelers,
            m["item"].to_numpy() * width + (labelers.max() + 1 if len(labelers) else 0) + models,
        ]
    ).astype(np.int64)
    key = np.concatenate([a["key"].to_numpy(), m["key"].to_numpy()])
    unknown = np.concatenate([a["unknown"].to_numpy(), m["unknown"].to_numpy()])
    keep = ~unknown.astype(bool) & (key >= 0)
    # keys are per question: compare the answers' normalized text across questions
    of_key, distinct = pd.factorize(key[keep])
    texts = [_as_text(data.representative[int(k)]) for k in distinct]
    text = pd.factorize(np.array(texts, dtype=object))[0].astype(np.int64)
    return q[keep], who[keep], text[of_key]


def _as_text(value: Any) -> str:
    if value is UNKNOWN:
        return ""
    if isinstance(value, (list, tuple)):
        return normalize(" ".join(sorted(str(v) for v in value)))
    return normalize(value)
