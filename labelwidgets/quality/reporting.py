"""The quality report: every quality table of one task from one read of the store, and a plot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import load
from labelwidgets.quality.diagnostics import question_overlap, questions
from labelwidgets.quality.flagging import Thresholds, flags
from labelwidgets.quality.scores import agreement, labeler_agreement_matrix, labelers, models

if TYPE_CHECKING:
    from labelwidgets.schema import Task
    from labelwidgets.store import LabelStore

__all__ = ["SUPPORT_LIMIT", "QualityReport", "report"]

SUPPORT_LIMIT = 200_000  # answers: above this, report() checks support only when asked to


@dataclass
class QualityReport:
    """Everything :func:`report` found, as DataFrames, plus :meth:`plot`.

    Attributes
    ----------
    flags : (labeler, question) pairs to look at, each with why and example items (:func:`flags`)
    questions : per question diagnostics (:func:`questions`)
    agreement : per question agreement measures (:func:`agreement`)
    labelers : per labeler abstention-aware scores, ranked by ``overall`` (:func:`labelers`);
        ties in ``overall`` are broken by ``form`` flags (see :func:`report`)
    labeler_questions : the same per labeler and question (ties broken per question)
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
    labeler_questions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def _sections(self) -> list[tuple[str, pd.DataFrame]]:
        overlapping = self.overlap[self.overlap["overlap"]] if len(self.overlap) else self.overlap
        return [
            ("Flags", self.flags),
            ("Labelers", self.labelers),
            ("Labelers per question", self.labeler_questions),
            ("Questions", self.questions),
            ("Agreement", self.agreement),
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
        """Agreement between labelers (heatmap) and each labeler's coverage against accuracy on
        answered items (one point per labeler; the best sit top right).

        Needs matplotlib (the ``[plot]`` extra). Returns the matplotlib Figure.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "QualityReport.plot() needs the 'plot' extra: pip install 'labelwidgets[plot]'"
            ) from None
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
        image = _heatmap(left, self.labeler_agreement)
        fig.colorbar(image, ax=left)
        _coverage_accuracy(right, self.labelers)
        right.set_xlim(-0.05, 1.05)
        right.set_ylim(-0.05, 1.05)
        right.set_xlabel("coverage (answered where the reference has an answer)")
        right.set_ylabel("accuracy on answered items")
        right.set_title("labelers: coverage vs accuracy")
        right.grid(alpha=0.3)
        fig.tight_layout()
        return fig


def _coverage_accuracy(ax: Any, scores: pd.DataFrame) -> None:
    """One point per labeler; labelers at the same point share one label."""
    ax.scatter(scores["coverage"], scores["accuracy_on_answered"], s=60, zorder=3)
    points: dict[tuple[float, float], list[str]] = {}
    for row in scores.itertuples():
        if pd.notna(row.coverage) and pd.notna(row.accuracy_on_answered):
            where = (round(row.coverage, 3), round(row.accuracy_on_answered, 3))
            points.setdefault(where, []).append(str(row.labeler))
    for (x, y), names in points.items():
        left = x > 0.8  # keep labels near the right edge inside the axes
        ax.annotate(
            ", ".join(names),
            (x, y),
            textcoords="offset points",
            xytext=(-7 if left else 7, 4),
            ha="right" if left else "left",
        )


def _heatmap(ax: Any, matrix: pd.DataFrame) -> Any:
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    for (i, j), value in np.ndenumerate(values):
        if not np.isnan(value):
            color = "white" if value < 0.6 else "black"
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", color=color)
    ax.set_title("agreement between labelers")
    return image


def report(
    store: LabelStore,
    task: Task | str,
    *,
    reference: str = "auto",
    thresholds: Thresholds | None = None,
    support: bool | None = None,
) -> QualityReport:
    """Flags, labeler and model scores, question diagnostics, agreement, question overlap and
    the labeler × labeler agreement matrix of one task, from one read of the store.

    Parameters
    ----------
    reference : {"auto", "gold", "consensus"}
        What labelers' answers are scored against (see :func:`labelers`).
    thresholds : Thresholds, optional
        The flag rules' parameters (:class:`labelwidgets.quality.Thresholds`).
    support : bool, optional
        Check whether answers are found in the chunk text (:func:`labelwidgets.quality.support`)
        for the ``unsupported`` flag. Default: when the task has at most
        :data:`SUPPORT_LIMIT` answers (the check reads every answer's chunk).

    Notes
    -----
    ``rank`` in ``labelers`` and ``labeler_questions``: 1 = best ``overall``; labelers with the
    same ``overall`` are ordered by their number of ``form`` flags (right answers written in
    another form than the question asks; :mod:`labelwidgets.quality.form`), fewer first, and
    share a rank only when both are equal. ``overall`` itself is unchanged: the answers are
    right, only their written form is not what the question asks for.

    Examples
    --------
    >>> report = lw.quality.report(store, task)  # doctest: +SKIP
    >>> report.flags                             # doctest: +SKIP
    >>> report.plot()                            # doctest: +SKIP
    """
    data = load(store, task)
    check = support if support is not None else len(data.answers) <= SUPPORT_LIMIT
    grounded = _support(store, data.task) if check else None
    found = flags(store, data.task, thresholds=thresholds, support=grounded, data=data)
    scores = labelers(store, data.task, reference=reference, data=data)
    per_question = labelers(store, data.task, reference=reference, by_question=True, data=data)
    return QualityReport(
        data.task.name,
        found,
        questions(store, data.task, flagged=found, data=data),
        agreement(store, data.task, data=data),
        _form_ranked(scores, found, ["labeler"]),
        models(store, data.task, reference=reference, data=data),
        question_overlap(store, data.task, data=data),
        labeler_agreement_matrix(store, data.task, data=data),
        _form_ranked(per_question, found, ["labeler", "question"]),
    )


def _form_ranked(scores: pd.DataFrame, found: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``scores`` with ties in ``overall`` broken by the number of ``form`` flags (fewer first;
    within each question when ``by`` has one)."""
    if scores.empty:
        return scores
    form = found[found["issue"] == "form"].groupby(by).size()
    keys = pd.MultiIndex.from_frame(scores[by]) if len(by) > 1 else pd.Index(scores[by[0]])
    forms = form.reindex(keys).fillna(0).to_numpy()
    overall = scores["overall"].to_numpy(dtype=float)
    groups = scores["question"].to_numpy() if "question" in by else np.zeros(len(scores))
    same = groups[:, None] == groups[None, :]
    ahead = (overall[None, :] > overall[:, None]) | (
        (overall[None, :] == overall[:, None]) & (forms[None, :] < forms[:, None])
    )
    rank = pd.Series((same & ahead).sum(axis=1) + 1, index=scores.index, dtype="Int64")
    return scores.assign(rank=rank.mask(np.isnan(overall)))


def _support(store: LabelStore, task: Task) -> Any:
    try:
        from labelwidgets.quality.support import support
    except ImportError:  # the support check is not part of this install
        return None
    return support(store, task)
