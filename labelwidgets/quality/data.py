"""What the quality functions read from a store, read once and encoded for grouping.

Every answer (labelers', gold, the model's) gets an integer ``key`` per question such that two
answers agree exactly when their keys are equal (:func:`labelwidgets.schema.compare.answer_key`), and
its first validator problem. Both are computed once per distinct (question, answer), not per
row: answers repeat a lot, and validators (gazetteers) are the slow part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.compare import answer_key

__all__ = ["QualityData", "load"]


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _number(value: Any) -> float:
    if value is UNKNOWN or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


@dataclass
class _Encoder:
    """(question, answer) -> key id, numeric value, representative answer and first problem."""

    task: Task
    ids: dict[tuple[str, Any], int] = field(default_factory=dict)
    representative: list[Any] = field(default_factory=list)
    problems: dict[tuple[str, Any], str | None] = field(default_factory=dict)

    def key_id(self, question: Question, value: Any) -> int:
        key = answer_key(value, question.kind)
        if key is None:
            return -1
        found = self.ids.setdefault((question.name, key), len(self.ids))
        if found == len(self.representative):
            self.representative.append(value)
        return found

    def problem(self, question: Question, value: Any) -> str | None:
        if value is UNKNOWN or value is None or not question.validators:
            return None
        token = (question.name, _hashable(value))
        if token not in self.problems:
            found = _validators.run(question.validators, value)
            self.problems[token] = found[0] if found else None
        return self.problems[token]

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add key, number and problem columns to a frame with question and answer columns."""
        frame = frame[frame["question"].isin(self.task.question_names)].reset_index(drop=True)
        tokens = pd.Series([_hashable(a) for a in frame["answer"]], index=frame.index, dtype=object)
        pair = pd.MultiIndex.from_arrays([frame["question"], tokens])
        codes, uniques = pd.factorize(pair)
        keys, numbers, problems = [], [], []
        for qname, token in uniques:
            question = self.task.question(qname)
            value = list(token) if isinstance(token, tuple) else token
            keys.append(self.key_id(question, value))
            numbers.append(_number(value) if question.kind in ("number", "rating") else math.nan)
            problems.append(self.problem(question, value))
        take = np.asarray(codes)
        frame["key"] = (
            np.asarray(keys, dtype=np.int64)[take] if len(take) else np.array([], np.int64)
        )
        frame["number"] = np.asarray(numbers, dtype=float)[take] if len(take) else np.array([])
        frame["problem"] = pd.Series(
            np.asarray(problems, dtype=object)[take] if len(take) else [],
            index=frame.index,
            dtype=object,
        )
        return frame


@dataclass
class QualityData:
    """Labeler answers, gold and the models' current answers of one task, encoded.

    ``answers`` (store.answers columns + key, number, problem, gold_key, correct, and integer
    codes item (chunk) and q (question)), ``gold``
    (chunk_id, question, answer, key), ``model`` (latest parsed suggestion per chunk, question
    and model: chunk_id, question, model, answer, key, number, problem, gold_key, correct),
    ``representative[key]`` an answer with that key.
    """

    task: Task
    answers: pd.DataFrame
    gold: pd.DataFrame
    model: pd.DataFrame
    representative: list[Any]

    def gold_value(self, chunk_id: str, question: str) -> Any:
        return self._gold_values.get((chunk_id, question))

    def __post_init__(self) -> None:
        self._gold_values = dict(
            zip(
                zip(self.gold["chunk_id"], self.gold["question"], strict=True),
                self.gold["answer"],
                strict=True,
            )
        )


def _with_gold(frame: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    lookup = gold.set_index(["chunk_id", "question"])["key"]
    index = pd.MultiIndex.from_arrays([frame["chunk_id"], frame["question"]])
    gold_key = lookup.reindex(index).to_numpy()
    frame["gold_key"] = np.where(pd.isna(gold_key), -1, gold_key).astype(np.int64)
    correct = pd.array(frame["key"].to_numpy() == frame["gold_key"].to_numpy(), dtype="boolean")
    correct[frame["gold_key"].to_numpy() < 0] = pd.NA
    frame["correct"] = correct
    return frame


def load(store: Any, task: Task | str, *, answers: pd.DataFrame | None = None) -> QualityData:
    """Read a task's answers, gold and model answers from ``store`` and encode them."""
    task = store._task(task)
    encoder = _Encoder(task)
    answers = store.answers(task) if answers is None else answers
    gold = encoder.encode(store.gold(task)[["chunk_id", "question", "answer"]])
    suggestions = store.suggestions(task)
    parsed = suggestions[suggestions["parse_error"].isna()]
    # each model's current answer: the newest suggestion per chunk and question
    latest = parsed.sort_values(["created_at", "suggestion_id"], kind="stable").drop_duplicates(
        ["chunk_id", "question", "model"], keep="last"
    )
    model = encoder.encode(latest[["chunk_id", "question", "model", "answer"]])
    answers = _with_gold(encoder.encode(answers), gold)
    # integer codes group faster than strings
    answers["item"] = pd.factorize(answers["chunk_id"])[0]
    answers["q"] = pd.factorize(answers["question"])[0]
    return QualityData(
        task,
        answers,
        gold,
        _with_gold(model, gold),
        encoder.representative,
    )
