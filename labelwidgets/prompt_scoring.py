"""Scoring prompt versions against gold: which prompt makes the model answer like the labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from labelwidgets.compare import answers_equal, exact, token_f1, word_diff
from labelwidgets.schema import UNKNOWN, Task

__all__ = ["PromptReport", "prompt_report"]


@dataclass
class PromptReport:
    """One row per prompt version × model in ``df``; ``items`` has one row per scored answer.

    ``df`` columns: prompt_version (label), version_id, model, n (items with gold and a model
    answer), parse_errors, exact, normalized, token_f1 (text questions) or accuracy (other kinds),
    unknown_precision (of the model's "not in the text", how often gold agreed), unknown_recall
    (of gold's "not in the text", how often the model said so), hallucinated (the model answered
    where gold says the text does not), created_at.
    """

    df: pd.DataFrame
    items: pd.DataFrame
    kind: str

    def compare(self, a: str, b: str, *, model: str | None = None) -> pd.DataFrame:
        """Per item: version ``a`` vs ``b`` (labels): answers, which is right, and a word diff."""
        items = self.items if model is None else self.items[self.items["model"] == model]
        left = items[items["prompt_version"] == a].set_index("chunk_id")
        right = items[items["prompt_version"] == b].set_index("chunk_id")
        both = left.join(right[["answer", "correct"]], how="inner", suffixes=("_a", "_b"))
        outcome = both["correct_b"].astype(int) - both["correct_a"].astype(int)
        both["outcome"] = outcome.map({1: "win", -1: "loss", 0: "tie"})
        both["diff"] = [
            word_diff(x, y) for x, y in zip(both["answer_a"], both["answer_b"], strict=True)
        ]
        return both.reset_index()[["chunk_id", "gold", "answer_a", "answer_b", "correct_a", "correct_b",
                                   "outcome", "diff"]]  # fmt: skip

    def plot(self, ax: Any = None) -> Any:
        """Accuracy by prompt version (one line per model); needs the ``[plot]`` extra."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "plot() needs the 'plot' extra: pip install 'labelwidgets[plot]'"
            ) from None
        metric = "normalized" if self.kind == "text" else "accuracy"
        ax = ax or plt.subplots(figsize=(6, 3))[1]
        for model, rows in self.df.groupby("model", sort=False):
            ax.plot(rows["prompt_version"], rows[metric], marker="o", label=model)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(metric)
        ax.set_xlabel("prompt version")
        ax.legend()
        return ax

    def _repr_html_(self) -> str:
        return self.df.to_html(index=False, float_format="{:.3f}".format)

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def prompt_report(store: Any, task: Task | str, question: str, *, versions: list[str] | None = None,
                  models: list[str] | None = None) -> PromptReport:  # fmt: skip
    """Score every stored prompt version (× model) of ``question`` against the gold answers."""
    task = store._task(task)
    kind = task.question(question).kind
    gold = store.gold(task, question=question)
    gold_by_chunk = dict(zip(gold["chunk_id"], gold["answer"], strict=True))
    suggestions = store.suggestions(task, question=question)
    labels = store.prompt_versions(task, question).set_index("version_id")
    suggestions = suggestions[suggestions["chunk_id"].isin(gold_by_chunk)]
    suggestions["prompt_version_label"] = suggestions["prompt_version"].map(labels["label"])
    if versions is not None:
        suggestions = suggestions[suggestions["prompt_version_label"].isin(versions)
                                  | suggestions["prompt_version"].isin(versions)]  # fmt: skip
    if models is not None:
        suggestions = suggestions[suggestions["model"].isin(models)]
    rows, items = [], []
    for (version_id, model), group in suggestions.groupby(["prompt_version", "model"], sort=False):
        label = labels.loc[version_id, "label"] if version_id in labels.index else version_id
        scored = group[group["parse_error"].isna()]
        answers, golds = list(scored["answer"]), [gold_by_chunk[c] for c in scored["chunk_id"]]
        correct = [answers_equal(a, g, kind) for a, g in zip(answers, golds, strict=True)]
        items += [{"prompt_version": label, "model": model, "chunk_id": c, "gold": g, "answer": a,
                   "correct": ok} for c, g, a, ok in zip(scored["chunk_id"], golds, answers, correct,
                                                          strict=True)]  # fmt: skip
        rows.append({"prompt_version": label, "version_id": version_id, "model": model,
                     "n": len(answers), "parse_errors": int(group["parse_error"].notna().sum()),
                     **_scores(answers, golds, correct, kind),
                     "created_at": labels.loc[version_id, "created_at"] if version_id in labels.index else pd.NaT})  # fmt: skip
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(["created_at", "model"], ignore_index=True)
    return PromptReport(df, pd.DataFrame(items), kind)


def _scores(
    answers: list[Any], golds: list[Any], correct: list[bool], kind: str
) -> dict[str, float]:
    n = len(answers)
    said_unknown = [a is UNKNOWN for a in answers]
    gold_unknown = [g is UNKNOWN for g in golds]
    both = sum(s and g for s, g in zip(said_unknown, gold_unknown, strict=True))
    scores: dict[str, float] = {}
    if kind == "text":
        scores["exact"] = _mean([exact(a, g) for a, g in zip(answers, golds, strict=True)])
        scores["normalized"] = _mean(correct)
        scores["token_f1"] = _mean([token_f1(a, g) for a, g in zip(answers, golds, strict=True)])
    else:
        scores["accuracy"] = _mean(correct)
    scores["unknown_precision"] = both / sum(said_unknown) if any(said_unknown) else float("nan")
    scores["unknown_recall"] = both / sum(gold_unknown) if any(gold_unknown) else float("nan")
    hallucinated = sum(g and not s for s, g in zip(said_unknown, gold_unknown, strict=True))
    scores["hallucinated"] = hallucinated / sum(gold_unknown) if any(gold_unknown) else float("nan")
    return scores if n else {k: float("nan") for k in scores}


def _mean(values: list[bool] | list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")
