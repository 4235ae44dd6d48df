"""Scores of labelers and models, trials on gold, and agreement between labelers.

Answers agree when the question's ``match=`` rule says so (:mod:`labelwidgets.schema.matching`;
UNKNOWN is an answer like any other and agrees only with UNKNOWN). Scores against a reference
are abstention-aware (:mod:`labelwidgets.schema.abstention`): coverage, accuracy on answered
items, UNKNOWN precision and recall and the documented ``overall``; no figure is pooled over
items whose reference is "not in the text".

The reference of an answer (``reference=``):

- ``"auto"`` (default): the item's gold or adjudicated answer (:meth:`LabelStore.gold`) when it
  has a valid one, else the consensus of the *other* labelers (:mod:`~labelwidgets.quality.consensus`);
- ``"gold"``: gold only; ``"consensus"``: the others' consensus only (what a team has before
  any gold exists).

Gold answers that fail the question's validators are never used as a reference.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.quality.data import QualityData, load
from labelwidgets.quality.grouping import Groups, grouping, same_count
from labelwidgets.quality.reliability import summary
from labelwidgets.schema import Task
from labelwidgets.schema.abstention import COUNTS, FIGURES, figures
from labelwidgets.schema.compare import token_f1

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["agreement", "labeler_agreement_matrix", "labelers", "models", "trial_report"]

ALPHA_LEVEL = {"rating": "ordinal", "number": "interval"}
NO_GOLD = (
    "no gold answers yet for task {task!r}: mark gold items (store.add_gold / store.mark_gold) "
    "or adjudicate in review, then run the trial again"
)


def _data(store: LabelStore, task: Task | str, data: QualityData | None) -> QualityData:
    return load(store, task) if data is None else data


def _matrix(raters: np.ndarray, items: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Labelers × items matrix of ``values`` (NaN where a labeler did not answer; negative
    values, i.e. missing keys, are NaN too)."""
    rater_codes, rater_names = pd.factorize(raters)
    item_codes, item_names = pd.factorize(items)
    matrix = np.full((len(rater_names), len(item_names)), np.nan)
    matrix[rater_codes, item_codes] = np.where(values < 0, np.nan, values)
    return matrix


def agreement(
    store: LabelStore, task: Task | str, *, data: QualityData | None = None
) -> pd.DataFrame:
    """Agreement between labelers, per question (answers compared under its ``match=`` rule).

    Returns
    -------
    DataFrame
        question, kind, match, items (answered by two or more labelers), labelers, answers,
        percent_agreement, cohen_kappa (exactly two labelers), fleiss_kappa (same number of
        answers on every item), krippendorff_alpha at alpha_level (ordinal for ratings,
        interval for numbers — UNKNOWN left out there —, nominal otherwise), mean_token_f1
        (text), and note: why a measure is NaN or set to 1.0 (see
        :func:`labelwidgets.quality.reliability.summary`).
    """
    data = _data(store, task, data)
    a = data.answers
    q, who, item = (a[c].to_numpy() for c in ("q", "who", "item"))
    key, number = a["key"].to_numpy().astype(float), a["number"].to_numpy()
    rows = []
    measures = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")
    for index, question in enumerate(data.task.questions):
        mine = q == index
        level = ALPHA_LEVEL.get(question.kind, "nominal")
        keys = _matrix(who[mine], item[mine], key[mine])
        numbers = _matrix(who[mine], item[mine], number[mine]) if level != "nominal" else None
        found = summary(keys, level, alpha_data=numbers, text=False)
        if question.kind == "text" and found["items"]:
            found["mean_token_f1"] = _mean_f1(keys, data.representative)
        rows.append(
            {
                "question": question.name,
                "kind": question.kind,
                "match": question.match,
                "items": found["items"],
                "labelers": found["raters"],
                "answers": int(mine.sum()),
                **{k: found[k] for k in (*measures, "alpha_level", "mean_token_f1", "note")},
            }
        )
    return pd.DataFrame(rows)


def _mean_f1(keys: np.ndarray, representative: list[Any]) -> float:
    from labelwidgets.quality.reliability import mean_pairwise_f1

    # keys stand for their answers: F1 of two keys is the F1 of any answers having them
    return mean_pairwise_f1(
        keys, lambda a, b: token_f1(representative[int(a)], representative[int(b)])
    )


def _scored(
    data: QualityData, frame: pd.DataFrame, reference: str, group: list[str]
) -> pd.DataFrame:
    """Abstention-aware figures of ``frame``'s rows against their reference, per ``group``."""
    return _scored_by(data, frame, reference, grouping(frame, group))


def _scored_by(
    data: QualityData, frame: pd.DataFrame, reference: str, groups: Groups
) -> pd.DataFrame:
    ref = data.reference(frame, reference)
    has = ref >= 0
    said = frame["unknown"].to_numpy() & has
    ref_unknown = has & data.is_unknown(ref)
    answerable = has & ~ref_unknown
    answered = answerable & ~said
    columns = {
        "scored": has,
        "answerable": answerable,
        "answered": answered,
        "right": answered & data.correct(frame, ref),
        "unanswerable": ref_unknown,
        "said_unknown": said,
        "unknown_right": said & ref_unknown,
    }
    summed = pd.DataFrame(
        {name: groups.sum(values).astype(np.int64) for name, values in columns.items()},
        index=groups.index,
    )
    return figures(summed[COUNTS])


def _rank(frame: pd.DataFrame, within: list[str] | None = None) -> pd.Series:
    score = frame["overall"]
    if within:
        return score.groupby([frame[c] for c in within]).rank(ascending=False, method="min")
    return score.rank(ascending=False, method="min")


def _activity(
    a: pd.DataFrame, groups: Groups, counts: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """Per group: chunks, answers, agreement with others, gold items, UNKNOWN and validator
    failure rates (failures over the answers that are not UNKNOWN) and overrides. ``counts``:
    ``same_count`` of ``a``'s items and keys when already computed."""
    per_item, same = counts or same_count(a["qi"].to_numpy(), a["key"].to_numpy())
    known = a["key"].to_numpy() >= 0
    unknown = a["unknown"].to_numpy()
    answers = groups.count()
    non_unknown = groups.sum(~unknown)
    compared = groups.sum(np.where(known, per_item - 1, 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        per = pd.DataFrame(
            {
                "chunks": groups.distinct(a["item"].to_numpy()),
                "answers": answers,
                "gold_items": groups.sum(a["gold_key"].to_numpy() >= 0).astype(np.int64),
                "unknown_rate": groups.sum(unknown) / answers,
                "agreement_with_others": np.where(
                    compared > 0, groups.sum(np.where(known, same - 1, 0)) / compared, np.nan
                ),
                "validator_failure_rate": np.where(
                    non_unknown > 0,
                    groups.sum(a["fails"].to_numpy() & ~unknown) / non_unknown,
                    np.nan,
                ),
                "overrides": groups.sum(a["forced"].to_numpy()).astype(int),
            },
            index=groups.index,
        )
    return per


def labelers(
    store: LabelStore,
    task: Task | str,
    *,
    reference: str = "auto",
    by_question: bool = False,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Per labeler (or labeler × question): abstention-aware scores and activity.

    Parameters
    ----------
    reference : {"auto", "gold", "consensus"}
        What each answer is compared with (see the module docs).
    by_question : bool
        One row per labeler and question instead of per labeler.

    Returns
    -------
    DataFrame
        labeler [, question], answers, chunks, scored (answers with a reference), coverage,
        accuracy_on_answered, unknown_precision, unknown_recall, overall (see
        :mod:`labelwidgets.schema.abstention`), rank (1 = best overall; ties share a rank),
        agreement_with_others (share of other labelers' answers on the same items that
        agree), gold_items, unknown_rate, validator_failure_rate (answers failing the
        question's validators, over the answers that are not UNKNOWN), overrides (answers
        stored with ``force=True`` past a failing validator), time_spent_s.
    """
    data = _data(store, task, data)
    a = data.answers
    group = ["labeler", "question"] if by_question else ["labeler"]
    columns = [
        *group,
        "answers",
        "chunks",
        "scored",
        *FIGURES,
        "rank",
        "agreement_with_others",
        "gold_items",
        "unknown_rate",
        "validator_failure_rate",
        "overrides",
        "time_spent_s",
    ]
    if a.empty:
        return pd.DataFrame(columns=columns)
    groups = data.answer_groups(tuple(group))
    per = _activity(a, groups, data.same_counts()).join(
        _scored_by(data, a, reference, groups), how="left"
    )
    per["scored"] = per["scored"].fillna(0).astype(int)
    spent = data.time_spent
    per["time_spent_s"] = per.index.get_level_values("labeler").map(spent).fillna(0.0)
    per = per.reset_index()
    per["rank"] = _rank(per, ["question"] if by_question else None).astype("Int64")
    return per[columns]


def models(
    store: LabelStore,
    task: Task | str,
    *,
    reference: str = "auto",
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Per model and question, over each model's newest parsed answers.

    The reference is gold (``"gold"``), the labelers' consensus (``"consensus"``: the answer
    most labelers gave, by at least two and more than any other), or gold else the consensus
    (``"auto"``).

    Returns
    -------
    DataFrame
        model, question, answers, scored, coverage, accuracy_on_answered, unknown_precision,
        unknown_recall, overall, gold_items, unknown_rate, wrong_type (answers failing the
        question's validators) and wrong_type_rate (over the answers that are not UNKNOWN).
    """
    data = _data(store, task, data)
    m = data.model
    columns = ["model", "question", "answers", "scored", *FIGURES, "gold_items", "unknown_rate"]
    columns += ["wrong_type", "wrong_type_rate"]
    if m.empty:
        return pd.DataFrame(columns=columns)
    m = m.assign(
        failed=m["problem"].notna() & ~m["unknown"],
        non_unknown=~m["unknown"],
        gold=m["gold_key"] >= 0,
    )
    per = m.groupby(["model", "question"], sort=True).agg(
        answers=("key", "size"),
        unknown_rate=("unknown", "mean"),
        wrong_type=("failed", "sum"),
        non_unknown=("non_unknown", "sum"),
        gold_items=("gold", "sum"),
    )
    per["wrong_type_rate"] = per["wrong_type"] / per["non_unknown"].where(per["non_unknown"] > 0)
    per = per.join(_scored(data, m, reference, ["model", "question"]), how="left")
    per["scored"] = per["scored"].fillna(0).astype(int)
    per["unknown_rate"] = per["unknown_rate"].astype(float)
    return per.reset_index()[columns]


def labeler_agreement_matrix(
    store: LabelStore, task: Task | str, *, data: QualityData | None = None
) -> pd.DataFrame:
    """Labeler × labeler share of agreeing answers on the (chunk, question) items both answered
    (1.0 on the diagonal for anyone who answered; NaN where two labelers share no item)."""
    data = _data(store, task, data)
    a = data.answers
    groups = data.answer_groups(("labeler",))
    size = groups.size
    key, q, item = a["key"].to_numpy(), a["q"].to_numpy(), a["item"].to_numpy()
    equal, both = np.zeros((size, size)), np.zeros((size, size))
    for index in range(len(data.task.questions)):
        mine = (q == index) & (key >= 0)
        items = pd.factorize(item[mine])[0]
        keys = np.full((size, items.max() + 1 if len(items) else 0), -1, dtype=np.int64)
        keys[groups.codes[mine], items] = key[mine]
        present = keys >= 0
        for i in range(size):
            shared = present[i] & present
            both[i] += shared.sum(axis=1)
            equal[i] += (shared & (keys == keys[i])).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(both > 0, equal / both, np.nan)
    answered = np.diag(both) > 0  # a labeler with no usable answer has no row
    names = list(groups.index[answered])
    return pd.DataFrame(share[np.ix_(answered, answered)], index=names, columns=names)


def _bar(mark: float | Mapping[str, float], question: str) -> float:
    return float(mark.get(question, 0.8)) if isinstance(mark, Mapping) else float(mark)


def trial_report(
    store: LabelStore,
    task: Task | str,
    labelers: list[str] | None = None,
    *,
    pass_mark: float | Mapping[str, float] = 0.8,
    min_items: int = 5,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Labelers scored on gold items only, per question — trial new labelers before trusting
    them.

    A question meets its bar when the labeler answered at least ``min_items`` of its gold items
    and each of its defined figures — coverage, accuracy on answered items and UNKNOWN recall —
    is at least the question's ``pass_mark`` (one number, or ``{question: mark}`` with 0.8 for
    the others). A labeler passes only when every question with gold meets its bar.

    Returns
    -------
    DataFrame
        labeler, gold_items, passed, failed_on (the questions that missed their bar, and why),
        then per question ``items_<q>``, ``coverage_<q>``, ``accuracy_<q>`` (on answered items),
        ``unknown_recall_<q>`` and ``passed_<q>``. Labelers in ``labelers`` without gold answers
        get a row with 0 gold items and passed False. Without any gold the frame is empty (or
        holds only those rows); ``.attrs["note"]`` says why and a warning is issued.
    """
    data = _data(store, task, data)
    scored = data.answers[data.answers["gold_key"] >= 0]
    if labelers is not None:
        scored = scored[scored["labeler"].isin(labelers)]
    names = (
        list(dict.fromkeys(labelers))
        if labelers is not None
        else sorted(scored["labeler"].unique())
    )
    per = _scored(data, scored, "gold", ["labeler", "question"]).reset_index()
    rows = []
    for name in names:
        mine = per[per["labeler"] == name].set_index("question")
        row: dict[str, Any] = {"labeler": name, "gold_items": int(mine["scored"].sum())}
        reasons = []
        for qname in mine.index:
            found = mine.loc[qname]
            verdict = _verdict(found, _bar(pass_mark, qname), min_items)
            row |= {
                f"items_{qname}": int(found["scored"]),
                f"coverage_{qname}": found["coverage"],
                f"accuracy_{qname}": found["accuracy_on_answered"],
                f"unknown_recall_{qname}": found["unknown_recall"],
                f"passed_{qname}": verdict is None,
            }
            reasons += [f"{qname}: {verdict}"] if verdict else []
        if not len(mine):
            reasons.append("no gold items answered")
        row["passed"] = not reasons
        row["failed_on"] = "; ".join(reasons)
        rows.append(row)
    head = ["labeler", "gold_items", "passed", "failed_on"]
    frame = pd.DataFrame(
        rows, columns=head + sorted({k for r in rows for k in r} - set(head), key=_order(data))
    )
    if data.gold["valid"].sum() == 0:
        frame.attrs["note"] = NO_GOLD.format(task=data.task.name)
        warnings.warn(frame.attrs["note"], LabelwidgetsWarning, stacklevel=2)
    return frame


def _order(data: QualityData) -> Any:
    names = data.task.question_names
    prefixes = ["items_", "coverage_", "accuracy_", "unknown_recall_", "passed_"]

    def position(column: str) -> tuple[int, int]:
        for i, prefix in enumerate(prefixes):
            if column.startswith(prefix) and column[len(prefix) :] in names:
                return names.index(column[len(prefix) :]), i
        return len(names), 0

    return position


def _verdict(found: pd.Series, mark: float, min_items: int) -> str | None:
    """Why a question misses its bar, or None when it meets it."""
    if found["scored"] < min_items:
        return f"only {int(found['scored'])} gold items (needs {min_items})"
    low = [
        f"{name} {found[column]:.2f} < {mark:.2f}"
        for name, column in (
            ("coverage", "coverage"),
            ("accuracy", "accuracy_on_answered"),
            ("unknown recall", "unknown_recall"),
        )
        if pd.notna(found[column]) and found[column] < mark
    ]
    return ", ".join(low) or None
