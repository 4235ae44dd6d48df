"""Per-question diagnostics and overlapping questions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, load
from labelwidgets.quality.scores import _scored
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.compare import normalize

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["question_overlap", "questions"]

MISREAD_ISSUES = ("likely_misread", "constant_answer")


def _pooled(data: QualityData, frame: pd.DataFrame, question: str) -> dict[str, float]:
    mine = frame[frame["question"] == question]
    if mine.empty:
        return {"coverage": np.nan, "accuracy_on_answered": np.nan}
    found = _scored(data, mine.assign(_all=0), "auto", ["_all"])
    if found.empty:
        return {"coverage": np.nan, "accuracy_on_answered": np.nan}
    row = found.iloc[0]
    return {"coverage": row["coverage"], "accuracy_on_answered": row["accuracy_on_answered"]}


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
    rows = []
    for question in data.task.questions:
        mine, model = a[a["question"] == question.name], m[m["question"] == question.name]
        shared = mine[mine.groupby("item")["key"].transform("size") >= 2]
        differ = shared.groupby("item")["key"].nunique() > 1
        misread = flagged[
            (flagged["question"] == question.name) & flagged["issue"].isin(MISREAD_ISSUES)
        ]
        gold = data.gold[data.gold["question"] == question.name]
        people, machine = _pooled(data, a, question.name), _pooled(data, m, question.name)
        rows.append(
            {
                "question": question.name,
                "kind": question.kind,
                "match": question.match,
                "answers": len(mine),
                "unknown_rate": float(mine["unknown"].mean()) if len(mine) else np.nan,
                "disagreement_rate": float(differ.mean()) if len(differ) else np.nan,
                "gold_items": int(gold["valid"].sum()),
                "invalid_gold": int((~gold["valid"]).sum()),
                "labeler_coverage": people["coverage"],
                "labeler_accuracy_on_answered": people["accuracy_on_answered"],
                "wrong_type_labeler": int((mine["problem"].notna() & ~mine["unknown"]).sum()),
                "wrong_type_model": int((model["problem"].notna() & ~model["unknown"]).sum()),
                "model_answers": len(model),
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
    both = pd.concat(
        [
            data.answers[["chunk_id", "question", "labeler", "key", "unknown"]].rename(
                columns={"labeler": "who"}
            ),
            data.model[["chunk_id", "question", "model", "key", "unknown"]].rename(
                columns={"model": "who"}
            ),
        ],
        ignore_index=True,
    )
    both = both[~both["unknown"] & (both["key"] >= 0)]
    if both.empty:
        return pd.DataFrame(columns=columns)
    # keys are per question: compare the answers' normalized text across questions
    distinct = pd.unique(both["key"])
    text_of = {int(k): _as_text(data.representative[int(k)]) for k in distinct}
    text = pd.factorize(both["key"].map(text_of))[0]
    who = pd.factorize(pd.MultiIndex.from_arrays([both["chunk_id"], both["who"]]))[0]
    wide = pd.DataFrame({"who": who, "question": both["question"].to_numpy(), "text": text})
    wide = wide.drop_duplicates(["who", "question"]).pivot(
        index="who", columns="question", values="text"
    )
    rows = []
    names = [q.name for q in data.task.questions if q.name in wide.columns]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            answered = wide[first].notna() & wide[second].notna()
            if answered.sum() >= min_items:
                same = float((wide.loc[answered, first] == wide.loc[answered, second]).mean())
                rows.append(
                    {
                        "question_a": first,
                        "question_b": second,
                        "items": int(answered.sum()),
                        "same_answer_rate": same,
                        "overlap": same > threshold,
                    }
                )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("same_answer_rate", ascending=False, ignore_index=True, kind="stable")


def _as_text(value: Any) -> str:
    if value is UNKNOWN:
        return ""
    if isinstance(value, (list, tuple)):
        return normalize(" ".join(sorted(str(v) for v in value)))
    return normalize(value)
