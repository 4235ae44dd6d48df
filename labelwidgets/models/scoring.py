"""Scoring prompt versions against gold: which prompt makes the model answer like the labels."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.abstention import score as abstention_score
from labelwidgets.schema.compare import exact, normalized_match, score, token_f1, word_diff
from labelwidgets.schema.matching import Matcher
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["PromptReport", "prompt_report"]

_FAILED = "request failed: "  # the prefix prelabel gives failed requests (not the prompt's fault)
_ITEM_COLUMNS = [
    "prompt_version",
    "version_id",
    "model",
    "chunk_id",
    "gold",
    "answer",
    "parse_error",
    "correct",
]


@dataclass
class PromptReport:
    """Scores of each prompt version × model against gold.

    Attributes
    ----------
    df
        One row per prompt version × model, oldest version first. Columns: prompt_version
        (label), version_id, model, gold (gold items of the question), n (gold items this
        version answered, parse errors included), parse_errors, failed (requests that failed;
        not scored), then the abstention-aware figures of :mod:`labelwidgets.schema.abstention`:
        coverage (of gold items with an answer, the share the model answered), accuracy_on_answered
        (where both answered, the share matching under the question's ``match=`` rule); for
        text questions exact, normalized and token_f1 on those same items, else accuracy (the
        same as accuracy_on_answered, plus jaccard for multi-choice); unknown_precision (of the
        model's "not in the text", the share gold agrees with), unknown_recall (of gold's "not
        in the text", the share the model said too), hallucinated (of gold's "not in the text",
        the share the model answered anyway), overall (the balanced score to rank versions by),
        created_at. No figure is pooled over items where gold is "not in the text". A parse
        error counts as an answer that is wrong.
    items
        One row per scored answer: prompt_version, version_id, model, chunk_id, gold, answer
        (``None`` for a parse error), parse_error, correct. :meth:`scored_on` gives a version's
        items and :meth:`different_items` warns when versions were scored on different ones.
    kind
        The question's answer kind.
    """

    df: pd.DataFrame
    items: pd.DataFrame
    kind: str

    def compare(self, a: str, b: str, *, model: str | None = None) -> pd.DataFrame:
        """Item by item, version ``a`` against ``b`` (labels or version ids).

        Returns one row per gold item both answered (see :meth:`different_items`): chunk_id,
        gold, answer_a, answer_b, correct_a, correct_b, outcome ("win" when only ``b`` is right,
        "loss" when only ``a`` is, else "tie") and diff (word diff from ``a``'s answer to
        ``b``'s).
        """
        items = self.items if model is None else self.items[self.items["model"] == model]
        sides = []
        for version in (a, b):
            side = items[(items["prompt_version"] == version) | (items["version_id"] == version)]
            if side.empty:
                known = sorted(set(self.items["prompt_version"]))
                raise ValueError(
                    f"compare: no scored answers for prompt version {version!r}"
                    f"{'' if model is None else f' and model {model!r}'}; "
                    f"versions: {known}"
                )
            if side["chunk_id"].duplicated().any():
                raise ValueError(
                    f"compare: version {version!r} was run with several models "
                    f"{sorted(set(side['model']))}; pick one with model="
                )
            sides.append(side.set_index("chunk_id"))
        left, right = sides
        both = left[["gold", "answer", "correct"]].join(
            right[["answer", "correct"]], how="inner", suffixes=("_a", "_b")
        )
        outcome = both["correct_b"].astype(int) - both["correct_a"].astype(int)
        both["outcome"] = outcome.map({1: "win", -1: "loss", 0: "tie"})
        both["diff"] = [
            word_diff(x, y) for x, y in zip(both["answer_a"], both["answer_b"], strict=True)
        ]
        return both.reset_index()[
            [
                "chunk_id",
                "gold",
                "answer_a",
                "answer_b",
                "correct_a",
                "correct_b",
                "outcome",
                "diff",
            ]
        ]

    def scored_on(self, version: str, *, model: str | None = None) -> frozenset[str]:
        """The gold chunk ids ``version`` (label or id) was scored on (failed requests left out)."""
        items = self.items if model is None else self.items[self.items["model"] == model]
        mine = (items["prompt_version"] == version) | (items["version_id"] == version)
        return frozenset(items.loc[mine, "chunk_id"])

    def different_items(
        self, versions: list[str] | None = None, *, model: str | None = None
    ) -> str:
        """A warning when ``versions`` (default: every version in ``df``) were scored on
        different gold items, else ``""``.

        Scores over different items do not compare (v2 scored on 20 items can look better than
        v1 on 129 by the luck of the sample); :meth:`compare` pairs them on the items both
        answered, and :meth:`on_common_items` scores them on the items they share.
        """
        if self.df.empty:
            return ""
        rows = self.df if model is None else self.df[self.df["model"] == model]
        names = list(dict.fromkeys(rows["prompt_version"])) if versions is None else versions
        sets = {name: self.scored_on(name, model=model) for name in names}
        if len(set(sets.values())) <= 1:
            return ""
        common = frozenset.intersection(*sets.values())
        sizes = ", ".join(f"{name} on {len(items)}" for name, items in sets.items())
        return (
            f"versions were scored on different gold items ({sizes}; {len(common)} in common): "
            "their scores do not compare"
        )

    def on_common_items(
        self, versions: list[str] | None = None, *, model: str | None = None
    ) -> PromptReport:
        """The same report scored only on the gold items every one of ``versions`` (default:
        all; labels or ids) was scored on, so their figures compare; ``gold`` is then the
        number of those items (and ``failed`` 0: an item a request failed on is not common)."""
        rows = self.df if model is None else self.df[self.df["model"] == model]
        if versions is not None:
            rows = rows[rows["prompt_version"].isin(versions) | rows["version_id"].isin(versions)]
        if rows.empty:
            return PromptReport(rows.copy(), self.items.iloc[:0].copy(), self.kind)
        keys = set(zip(rows["version_id"], rows["model"], strict=True))
        pairs = list(zip(self.items["version_id"], self.items["model"], strict=True))
        items = self.items[[pair in keys for pair in pairs]]
        sets = [set(group["chunk_id"]) for _, group in items.groupby(["version_id", "model"])]
        common = set.intersection(*sets) if len(sets) == len(keys) else set()
        items = items[items["chunk_id"].isin(common)].reset_index(drop=True)
        scored = []
        for row in rows.to_dict("records"):
            mine = items[
                (items["version_id"] == row["version_id"]) & (items["model"] == row["model"])
            ]
            answers, golds = mine["answer"].tolist(), mine["gold"].tolist()
            figures = _scores(answers, golds, mine["correct"].tolist(), self.kind)
            errors = int(mine["parse_error"].notna().sum())
            scored.append(
                {
                    **row,
                    "gold": len(common),
                    "n": len(mine),
                    "parse_errors": errors,
                    "failed": 0,
                    **figures,
                }
            )
        return PromptReport(pd.DataFrame(scored, columns=rows.columns), items, self.kind)

    @property
    def metric(self) -> str:
        """The headline column: ``overall`` (see :mod:`labelwidgets.schema.abstention`)."""
        return "overall"

    def plot(self, ax: Any = None) -> Any:
        """Accuracy by prompt version, one line per model (needs the ``[plot]`` extra)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "plot() needs the 'plot' extra: pip install 'labelwidgets[plot]'"
            ) from None
        ax = ax or plt.subplots(figsize=(6, 3))[1]
        for model, rows in self.df.groupby("model", sort=False):
            ax.plot(rows["prompt_version"], rows[self.metric], marker="o", label=model)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(self.metric)
        ax.set_xlabel("prompt version")
        if len(self.df):
            ax.legend()
        return ax

    def _repr_html_(self) -> str:
        return self.df.to_html(index=False, float_format="{:.3f}".format)

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def prompt_report(
    store: LabelStore,
    task: Task | str,
    question: str,
    *,
    versions: list[str] | None = None,
    models: list[str] | None = None,
) -> PromptReport:
    """Score every stored prompt version (× model) of ``question`` against the gold answers.

    Gold is ``store.gold(task)``: gold marks and adjudicated review decisions, the latest per
    item. Reads the store only (a :class:`Task` that differs from the stored one raises: store
    it first with ``store.add_task``).

    Parameters
    ----------
    store
        The :class:`~labelwidgets.LabelStore`.
    task
        A Task or a task name.
    question
        The question to score.
    versions
        Only these prompt versions (labels or version ids).
    models
        Only these model names.

    Returns
    -------
    PromptReport
        ``.df`` (one row per version × model), ``.items``, ``.compare(a, b)`` and ``.plot()``.

    Examples
    --------
    >>> report = lw.prompt_report(store, task, "governing_law")  # doctest: +SKIP
    >>> report.compare("v1", "v2").outcome.value_counts()  # doctest: +SKIP
    """
    task = store.task(task)
    if question not in task.question_names:
        raise ValueError(f"task {task.name!r} has no question {question!r}")
    kind = task.question(question).kind
    rule = task.question(question).matcher
    gold = with_unknown(store.gold(task, question=question))
    gold_by_chunk = dict(zip(gold["chunk_id"], gold["answer"], strict=True))
    labels = store.prompt_versions(task, question).set_index("version_id")
    suggestions = _on_gold(store, task, question, labels, gold_by_chunk, versions, models)
    rows, items = [], []
    for (version_id, model), group in suggestions.groupby(
        ["prompt_version", "model"], sort=False, dropna=False
    ):
        label = group["label"].iloc[0]
        scores, scored_items = _score_group(group, gold_by_chunk, kind, rule)
        created = labels.loc[version_id, "created_at"] if version_id in labels.index else pd.NaT
        rows.append(
            {
                "prompt_version": label,
                "version_id": version_id,
                "model": model,
                **scores,
                "created_at": created,
            }
        )
        items += [
            {"prompt_version": label, "version_id": version_id, "model": model, **item}
            for item in scored_items
        ]
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(["created_at", "model"], ignore_index=True, na_position="last")
    return PromptReport(df, pd.DataFrame(items, columns=_ITEM_COLUMNS), kind)


def _on_gold(
    store: LabelStore,
    task: Task,
    question: str,
    labels: pd.DataFrame,
    gold_by_chunk: dict[str, Any],
    versions: list[str] | None,
    models: list[str] | None,
) -> pd.DataFrame:
    """The question's suggestions on gold chunks, with their version ``label``, filtered."""
    suggestions = with_unknown(store.suggestions(task, question=question))
    suggestions = suggestions[suggestions["chunk_id"].isin(gold_by_chunk)]
    label_of = (
        suggestions["prompt_version"]
        .map(labels["label"])
        .fillna(suggestions["prompt_version"])
        .fillna("(no version)")
    )
    keep = pd.Series(True, index=suggestions.index)
    if versions is not None:
        keep &= label_of.isin(versions) | suggestions["prompt_version"].isin(versions)
    if models is not None:
        keep &= suggestions["model"].isin(models)
    return suggestions.assign(label=label_of)[keep]


def _score_group(
    group: pd.DataFrame, gold_by_chunk: dict[str, Any], kind: str, rule: Matcher
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The scores of one (prompt version, model) and its scored items; failed requests are
    counted apart and not scored."""
    errors = group["parse_error"].fillna("")
    failed = errors.str.startswith(_FAILED)
    scored = group[~failed]
    reasons = errors[~failed].tolist()
    golds = [gold_by_chunk[c] for c in scored["chunk_id"]]
    answers = [None if e else a for a, e in zip(scored["answer"], reasons, strict=True)]
    correct = [rule.matches(a, g) for a, g in zip(answers, golds, strict=True)]
    items = [
        {
            "chunk_id": c,
            "gold": g,
            "answer": a,
            "parse_error": e or None,
            "correct": ok,
        }
        for c, g, a, e, ok in zip(scored["chunk_id"], golds, answers, reasons, correct, strict=True)
    ]
    row = {
        "gold": len(gold_by_chunk),
        "n": len(answers),
        "parse_errors": int((errors.ne("") & ~failed).sum()),
        "failed": int(failed.sum()),
        **_scores(answers, golds, correct, kind),
    }
    return row, items


def _scores(
    answers: list[Any], golds: list[Any], correct: list[bool], kind: str
) -> dict[str, float]:
    """Abstention-aware metrics over the scored gold items; ``None`` answers are parse errors
    (answers, wrong). The text and accuracy columns are over items where both answered."""
    said = [a is UNKNOWN for a in answers]
    ref = [g is UNKNOWN for g in golds]
    found = abstention_score(said, ref, correct) if answers else {}
    both = [
        (a, g, ok)
        for a, g, ok in zip(answers, golds, correct, strict=True)
        if a is not UNKNOWN and g is not UNKNOWN
    ]
    scores: dict[str, float] = {
        "coverage": found.get("coverage", math.nan),
        "accuracy_on_answered": found.get("accuracy_on_answered", math.nan),
    }
    if kind == "text":
        scores["exact"] = _mean([a is not None and exact(a, g) for a, g, _ in both])
        scores["normalized"] = _mean([normalized_match(a, g) for a, g, _ in both])
        scores["token_f1"] = _mean([0.0 if a is None else token_f1(a, g) for a, g, _ in both])
    else:
        scores["accuracy"] = _mean([ok for _, _, ok in both])
        if kind == "multi_choice":
            scores["jaccard"] = _mean([score(a, g, kind) for a, g, _ in both])
    recall = found.get("unknown_recall", math.nan)
    scores["unknown_precision"] = found.get("unknown_precision", math.nan)
    scores["unknown_recall"] = recall
    scores["hallucinated"] = 1 - recall if not math.isnan(recall) else math.nan
    scores["overall"] = found.get("overall", math.nan)
    return scores


def _mean(values: list[bool] | list[float]) -> float:
    return sum(values) / len(values) if values else math.nan
