"""Quality control over a LabelStore: agreement per question, labeler scores and trials on gold,
detectors for answers of the wrong type, misread questions and overlapping questions, and a
report bundling them. Every function returns DataFrames.

Answers agree when :func:`labelwidgets.schema.compare.answers_equal` says so (text after
normalization, choices as sets, numbers by value; UNKNOWN is an answer like any other and
agrees only with UNKNOWN). Gold is the store's gold or adjudicated answer
(:meth:`LabelStore.gold`); the model's answer is each model's newest parsed suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, load
from labelwidgets.quality.misread import explain
from labelwidgets.quality.reliability import summary
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.compare import normalize, token_f1

__all__ = [
    "QualityReport",
    "agreement",
    "flags",
    "labeler_agreement_matrix",
    "labelers",
    "models",
    "question_overlap",
    "questions",
    "report",
    "trial_report",
]

ALPHA_LEVEL = {"rating": "ordinal", "number": "interval"}
FLAG_COLUMNS = ["labeler", "question", "issue", "rate", "answers", "detail"]


def _data(store: Any, task: Task | str, data: QualityData | None) -> QualityData:
    return load(store, task) if data is None else data


def _matrix(rows: pd.DataFrame, column: str) -> np.ndarray:
    """Labelers × chunks matrix of ``column`` (NaN where a labeler did not answer)."""
    raters, rater_names = pd.factorize(rows["labeler"])
    items, item_names = pd.factorize(rows["item"])
    matrix = np.full((len(rater_names), len(item_names)), np.nan)
    values = rows[column].to_numpy(dtype=float)
    matrix[raters, items] = np.where(values < 0, np.nan, values) if column == "key" else values
    return matrix


def agreement(store: Any, task: Task | str, *, data: QualityData | None = None) -> pd.DataFrame:
    """Agreement between labelers, per question.

    Returns
    -------
    DataFrame
        question, kind, items (answered by two or more labelers), labelers, answers,
        percent_agreement, cohen_kappa (exactly two labelers), fleiss_kappa (same number of
        answers on every item), krippendorff_alpha at alpha_level (ordinal for ratings,
        interval for numbers — UNKNOWN left out there —, nominal otherwise), mean_token_f1
        (text), and note: why a measure is NaN or set to 1.0 (see
        :func:`labelwidgets.quality.reliability.summary`).
    """
    data = _data(store, task, data)
    rows = []
    for question in data.task.questions:
        mine = data.answers[data.answers["question"] == question.name]
        level = ALPHA_LEVEL.get(question.kind, "nominal")
        keys = _matrix(mine, "key")
        numbers = _matrix(mine, "number") if level != "nominal" else None
        found = summary(keys, level, alpha_data=numbers, text=False)
        if question.kind == "text" and found["items"]:
            found["mean_token_f1"] = _mean_f1(keys, data.representative)
        rows.append(
            {
                "question": question.name,
                "kind": question.kind,
                "items": found["items"],
                "labelers": found["raters"],
                "answers": len(mine),
                **{
                    k: found[k]
                    for k in (
                        "percent_agreement",
                        "cohen_kappa",
                        "fleiss_kappa",
                        "krippendorff_alpha",
                        "alpha_level",
                        "mean_token_f1",
                        "note",
                    )
                },
            }
        )
    return pd.DataFrame(rows)


def _mean_f1(keys: np.ndarray, representative: list[Any]) -> float:
    from labelwidgets.quality.reliability import mean_pairwise_f1

    # keys stand for their answers: F1 of two keys is the F1 of any answers having them
    return mean_pairwise_f1(
        keys, lambda a, b: token_f1(representative[int(a)], representative[int(b)])
    )


def labelers(store: Any, task: Task | str, *, data: QualityData | None = None) -> pd.DataFrame:
    """Per labeler: chunks, answers, time spent, agreement with other labelers (share of other
    labelers' answers on the same chunk and question that agree), gold items and accuracy
    against gold/adjudicated answers, UNKNOWN rate, validator-failure rate and overrides
    (answers stored with ``force=True`` past a failing validator)."""
    data = _data(store, task, data)
    a = data.answers
    columns = [
        "labeler",
        "chunks",
        "answers",
        "time_spent_s",
        "agreement_with_others",
        "gold_items",
        "accuracy",
        "unknown_rate",
        "validator_failure_rate",
        "overrides",
    ]
    if a.empty:
        return pd.DataFrame(columns=columns)
    item = a.groupby(["q", "item"], sort=False)["key"].transform("size")
    same = a.groupby(["q", "item", "key"], sort=False)["key"].transform("size")
    known = a["key"] >= 0
    frame = a.assign(
        agree=np.where(known, same - 1, 0),
        compared=np.where(known, item - 1, 0),
        gold=a["gold_key"] >= 0,
        right=a["correct"].fillna(False).astype(bool),
        failed=a["problem"].notna(),
    )
    per = frame.groupby("labeler").agg(
        chunks=("item", "nunique"),
        answers=("key", "size"),
        agree=("agree", "sum"),
        compared=("compared", "sum"),
        gold_items=("gold", "sum"),
        right=("right", "sum"),
        unknown_rate=("is_unknown", "mean"),
        failed=("failed", "sum"),
        overrides=("forced", "sum"),
    )
    # one submission (same labeler, chunk and time) carries its time on every question: count it once
    spent = (
        a.drop_duplicates(["labeler", "chunk_id", "created_at"])
        .groupby("labeler")["time_spent"]
        .sum()
    )
    per["time_spent_s"] = spent.reindex(per.index).fillna(0.0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        per["agreement_with_others"] = per["agree"] / per["compared"].where(per["compared"] > 0)
        per["accuracy"] = per["right"] / per["gold_items"].where(per["gold_items"] > 0)
    per["validator_failure_rate"] = per["failed"] / per["answers"]
    per["unknown_rate"] = per["unknown_rate"].astype(float)
    per["overrides"] = per["overrides"].astype(int)
    return per.reset_index()[columns]


def labeler_agreement_matrix(
    store: Any, task: Task | str, *, data: QualityData | None = None
) -> pd.DataFrame:
    """Labeler × labeler share of agreeing answers on the (chunk, question) items both answered
    (1.0 on the diagonal for anyone who answered; NaN where two labelers share no item)."""
    data = _data(store, task, data)
    a = data.answers[data.answers["key"] >= 0][["q", "item", "labeler", "key"]]
    names = sorted(a["labeler"].unique())
    pairs = a.merge(a, on=["q", "item"], suffixes=("", "_other"))
    share = (
        (pairs["key"] == pairs["key_other"])
        .groupby([pairs["labeler"], pairs["labeler_other"]])
        .mean()
    )
    return (
        share.unstack()
        .reindex(index=names, columns=names)
        .astype(float)
        .rename_axis(None)
        .rename_axis(None, axis=1)
    )


def trial_report(
    store: Any,
    task: Task | str,
    labelers: list[str] | None = None,
    *,
    pass_mark: float = 0.8,
    min_items: int = 5,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Labelers scored on gold items only — trial new labelers before trusting them.

    Returns
    -------
    DataFrame
        labeler, gold_items, accuracy, passed (accuracy >= ``pass_mark`` on at least
        ``min_items`` gold items), and accuracy_<question> per question. Labelers in
        ``labelers`` with no gold answers get a row with 0 gold items and passed False.
    """
    data = _data(store, task, data)
    scored = data.answers[data.answers["gold_key"] >= 0]
    if labelers is not None:
        scored = scored[scored["labeler"].isin(labelers)]
    scored = scored.assign(correct=scored["correct"].astype(bool))
    overall = scored.groupby("labeler")["correct"].agg(gold_items="size", accuracy="mean")
    if labelers is not None:
        overall = overall.reindex(list(dict.fromkeys(labelers)))
        overall["gold_items"] = overall["gold_items"].fillna(0).astype(int)
    overall["passed"] = (overall["accuracy"] >= pass_mark) & (overall["gold_items"] >= min_items)
    per_question = scored.pivot_table(
        index="labeler", columns="question", values="correct", aggfunc="mean"
    )
    return overall.join(per_question.add_prefix("accuracy_")).rename_axis("labeler").reset_index()


def flags(
    store: Any, task: Task | str, *, min_items: int = 3, data: QualityData | None = None
) -> pd.DataFrame:
    """(labeler, question) pairs that look wrong.

    - ``wrong_type``: at least two and 30% of the labeler's answers fail the question's
      validators (e.g. a country where a city is asked; see ``validators.entity``);
    - ``likely_misread``: on at least ``min_items`` gold items, half or more of the answers are
      wrong and most wrong answers are wrong in one consistent way (the answer to another
      question, the same value, a constant ratio or shift, a reversed scale, part of the gold
      text, one choice confused with another — see :mod:`labelwidgets.quality.misread`).

    Returns
    -------
    DataFrame
        labeler, question, issue, rate (share of the labeler's answers affected: failing, or
        wrong on gold), answers (how many of them), detail (what was found).
    """
    data = _data(store, task, data)
    found = []
    for (name, qname), rows in data.answers.groupby(["labeler", "question"], sort=True):
        question = data.task.question(qname)
        problems = rows["problem"].dropna()
        if len(problems) >= 2 and len(problems) / len(rows) >= 0.3:
            found.append(
                {
                    "labeler": name,
                    "question": qname,
                    "issue": "wrong_type",
                    "rate": len(problems) / len(rows),
                    "answers": len(problems),
                    "detail": problems.value_counts().index[0],
                }
            )
            continue
        judged = rows[rows["gold_key"] >= 0]
        wrong = judged[~judged["correct"].astype(bool)]
        if len(judged) < min_items or len(wrong) < max(2, len(judged) / 2):
            continue
        triples = [
            (c, a, data.gold_value(c, qname))
            for c, a in zip(wrong["chunk_id"], wrong["answer"], strict=True)
        ]
        explained = explain(data.task, question, triples, data.gold_value)
        if explained:
            found.append(
                {
                    "labeler": name,
                    "question": qname,
                    "issue": "likely_misread",
                    "rate": len(wrong) / len(judged),
                    "answers": len(wrong),
                    "detail": explained[1],
                }
            )
    return pd.DataFrame(found, columns=FLAG_COLUMNS)


def questions(
    store: Any,
    task: Task | str,
    *,
    flagged: pd.DataFrame | None = None,
    data: QualityData | None = None,
) -> pd.DataFrame:
    """Per question diagnostics.

    Returns
    -------
    DataFrame
        question, kind, answers, unknown_rate (high: the chunks rarely carry this answer),
        disagreement_rate (share of items answered by two or more labelers where they differ),
        gold_items, labeler_accuracy, wrong_type_labeler / wrong_type_model (answers failing the
        question's validators), model_answers, model_accuracy (each model's newest answer vs
        gold, all models pooled; see :func:`models` per model), likely_misread and misread_by
        (labelers flagged by :func:`flags`).
    """
    data = _data(store, task, data)
    flagged = flags(store, data.task, data=data) if flagged is None else flagged
    a, m = data.answers, data.model
    rows = []
    for question in data.task.questions:
        mine, model = a[a["question"] == question.name], m[m["question"] == question.name]
        shared = mine[mine.groupby("item")["key"].transform("size") >= 2]
        differ = shared.groupby("item")["key"].nunique() > 1
        judged, model_judged = mine[mine["gold_key"] >= 0], model[model["gold_key"] >= 0]
        misread = flagged[
            (flagged["question"] == question.name) & (flagged["issue"] == "likely_misread")
        ]
        rows.append(
            {
                "question": question.name,
                "kind": question.kind,
                "answers": len(mine),
                "unknown_rate": float(mine["is_unknown"].mean()) if len(mine) else np.nan,
                "disagreement_rate": float(differ.mean()) if len(differ) else np.nan,
                "gold_items": int((data.gold["question"] == question.name).sum()),
                "labeler_accuracy": float(judged["correct"].astype(bool).mean())
                if len(judged)
                else np.nan,
                "wrong_type_labeler": int(mine["problem"].notna().sum()),
                "wrong_type_model": int(model["problem"].notna().sum()),
                "model_answers": len(model),
                "model_accuracy": float(model_judged["correct"].astype(bool).mean())
                if len(model_judged)
                else np.nan,
                "likely_misread": bool(len(misread)),
                "misread_by": ", ".join(misread["labeler"]),
            }
        )
    return pd.DataFrame(rows)


def models(store: Any, task: Task | str, *, data: QualityData | None = None) -> pd.DataFrame:
    """Per model and question, each model's newest parsed answers: answers, unknown_rate,
    wrong_type (failing the question's validators), gold_items and accuracy against gold."""
    data = _data(store, task, data)
    m = data.model.assign(
        unknown=[x is UNKNOWN for x in data.model["answer"]],
        failed=data.model["problem"].notna(),
        gold=data.model["gold_key"] >= 0,
        right=data.model["correct"].fillna(False).astype(bool),
    )
    per = m.groupby(["model", "question"], sort=True).agg(
        answers=("key", "size"),
        unknown_rate=("unknown", "mean"),
        wrong_type=("failed", "sum"),
        gold_items=("gold", "sum"),
        right=("right", "sum"),
    )
    per["accuracy"] = per["right"] / per["gold_items"].where(per["gold_items"] > 0)
    return per.drop(columns="right").reset_index()


def question_overlap(
    store: Any,
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
    data = _data(store, task, data)
    both = pd.concat(
        [
            data.answers[["chunk_id", "question", "labeler", "answer"]].rename(
                columns={"labeler": "who"}
            ),
            data.model[["chunk_id", "question", "model", "answer"]].rename(
                columns={"model": "who"}
            ),
        ],
        ignore_index=True,
    )
    both = both[[x is not UNKNOWN and x is not None for x in both["answer"]]]
    columns = ["question_a", "question_b", "items", "same_answer_rate", "overlap"]
    if both.empty:
        return pd.DataFrame(columns=columns)
    texts = pd.Series([_as_text(x) for x in both["answer"]], index=both.index, dtype=object)
    wide = both.assign(text=pd.factorize(texts)[0]).pivot_table(
        index=["chunk_id", "who"], columns="question", values="text", aggfunc="first"
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
    frame = pd.DataFrame(
        rows, columns=["question_a", "question_b", "items", "same_answer_rate", "overlap"]
    )
    return frame.sort_values("same_answer_rate", ascending=False, ignore_index=True, kind="stable")


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return normalize(" ".join(sorted(str(v) for v in value)))
    return normalize(value)


@dataclass
class QualityReport:
    """Everything :func:`report` found, as DataFrames, plus :meth:`plot`.

    Attributes
    ----------
    flags : (labeler, question) pairs to look at: wrong_type, likely_misread (:func:`flags`)
    questions : per question diagnostics (:func:`questions`)
    agreement : per question agreement measures (:func:`agreement`)
    labelers : per labeler scores (:func:`labelers`)
    models : per model and question (:func:`models`)
    overlap : question pairs with the same answers (:func:`question_overlap`)
    labeler_agreement : labeler × labeler agreement (:func:`labeler_agreement_matrix`)
    """

    task: str
    flags: pd.DataFrame
    questions: pd.DataFrame
    agreement: pd.DataFrame
    labelers: pd.DataFrame
    models: pd.DataFrame
    overlap: pd.DataFrame
    labeler_agreement: pd.DataFrame

    def _sections(self) -> list[tuple[str, pd.DataFrame]]:
        overlapping = self.overlap[self.overlap["overlap"]] if len(self.overlap) else self.overlap
        return [
            ("Flags", self.flags),
            ("Questions", self.questions),
            ("Agreement", self.agreement),
            ("Labelers", self.labelers),
            ("Models", self.models),
            ("Overlapping questions", overlapping),
        ]

    def __repr__(self) -> str:
        parts = [
            f"QualityReport for task {self.task!r}: {len(self.labelers)} labelers, "
            f"{len(self.flags)} flags"
        ]
        with pd.option_context(
            "display.width", 120, "display.max_columns", 20, "display.precision", 3
        ):
            for title, frame in self._sections():
                body = frame.to_string(index=False) if len(frame) else "(none)"
                parts.append(f"\n{title}\n{body}")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        # pandas escapes cell text (answers are untrusted); the titles are ours
        return "".join(
            f"<h4>{title}</h4>"
            + (
                frame.to_html(index=False, float_format="{:.3f}".format, escape=True)
                if len(frame)
                else "<p>(none)</p>"
            )
            for title, frame in self._sections()
        )

    def plot(self) -> Any:
        """An agreement heatmap (labeler × labeler) and per-labeler accuracy bars against gold.

        Needs matplotlib (the ``[plot]`` extra). Returns the matplotlib Figure.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "QualityReport.plot() needs the 'plot' extra: pip install 'labelwidgets[plot]'"
            ) from None
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        matrix = self.labeler_agreement
        image = left.imshow(matrix.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis")
        left.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45, ha="right")
        left.set_yticks(range(len(matrix.index)), matrix.index)
        for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
            if not np.isnan(value):
                left.text(
                    j,
                    i,
                    f"{value:.2f}",
                    ha="center",
                    va="center",
                    color="white" if value < 0.6 else "black",
                )
        left.set_title("agreement between labelers")
        fig.colorbar(image, ax=left)
        right.bar(self.labelers["labeler"], self.labelers["accuracy"].fillna(0.0))
        right.set_ylim(0, 1)
        right.set_ylabel("share of gold items right")
        right.set_title("accuracy against gold")
        right.tick_params(axis="x", rotation=45)
        fig.tight_layout()
        return fig


def report(store: Any, task: Task | str) -> QualityReport:
    """Flags, question diagnostics, agreement, labeler and model scores, question overlap and
    the labeler × labeler agreement matrix of one task, from one read of the store.

    Examples
    --------
    >>> report = lw.quality.report(store, task)  # doctest: +SKIP
    >>> report.flags                             # doctest: +SKIP
    >>> report.plot()                            # doctest: +SKIP
    """
    data = load(store, task)
    found = flags(store, data.task, data=data)
    return QualityReport(
        data.task.name,
        found,
        questions(store, data.task, flagged=found, data=data),
        agreement(store, data.task, data=data),
        labelers(store, data.task, data=data),
        models(store, data.task, data=data),
        question_overlap(store, data.task, data=data),
        labeler_agreement_matrix(store, data.task, data=data),
    )
