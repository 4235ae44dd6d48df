"""What the quality functions read from a store, read once and encoded for grouping.

Every answer (labelers', gold, the model's) gets an integer ``key`` per question such that two
answers agree exactly when their keys are equal under the question's ``match=`` rule
(:mod:`labelwidgets.schema.matching`), and its first validator problem. Both are computed once
per distinct (question, answer), not per row: answers repeat a lot, and validators
(gazetteers) are the slow part. For a rule that compares answers in pairs (``contains``,
``token_f1>=x``, a registered function) the answers of each item are grouped in pairs after
that, so keys agree within an item.

Gold answers are validated like any answer: a gold answer failing the question's validators is
kept in ``gold`` with its ``problem`` but is not used as a reference (see
:func:`labelwidgets.quality.flags`, issue ``gold_fails_validator``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.consensus import labelers_consensus, others_consensus
from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.matching import Matcher, cluster, resolve
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["REFERENCES", "QualityData", "load"]

REFERENCES = ("auto", "gold", "consensus")


def _hashable(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    # a spans answer is a list of {"start", "end", "label"} dicts
    return tuple(tuple(v.items()) if isinstance(v, dict) else v for v in value)


def _number(value: Any) -> float:
    if value is UNKNOWN or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def matcher(question: Question) -> Matcher:
    """The question's ``match=`` rule, resolved for its kind."""
    return resolve(getattr(question, "match", "normalized"), question.kind)


@dataclass
class _Encoder:
    """(question, answer) -> key id, numeric value, representative answer and first problem."""

    task: Task
    ids: dict[tuple[str, Any], int] = field(default_factory=dict)
    representative: list[Any] = field(default_factory=list)
    unknown_ids: set[int] = field(default_factory=set)

    def key_id(self, question: Question, value: Any) -> int:
        key = matcher(question).key(value)
        if key is None:
            return -1
        found = self.ids.setdefault((question.name, key), len(self.ids))
        if found == len(self.representative):
            self.representative.append(value)
            if value is UNKNOWN:
                self.unknown_ids.add(found)
        return found

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add key, unknown, number and problem columns to a frame with question and answer."""
        frame = frame[frame["question"].isin(self.task.question_names)].reset_index(drop=True)
        q_codes, q_names = pd.factorize(frame["question"])
        try:
            a_codes, a_values = pd.factorize(frame["answer"])
            a_values = list(a_values)
        except TypeError:  # list answers (multi-choice, spans) are not hashable
            a_codes, a_values = pd.factorize(pd.Series([_hashable(a) for a in frame["answer"]]))
            a_values = [list(v) if isinstance(v, tuple) else v for v in a_values]
        pair = q_codes.astype(np.int64) * (len(a_values) + 1) + a_codes
        codes, uniques = pd.factorize(pair)
        keys, numbers, problems = [], [], []
        for combined in uniques:
            question = self.task.question(q_names[combined // (len(a_values) + 1)])
            code = combined % (len(a_values) + 1)
            value = a_values[code] if code < len(a_values) else None
            keys.append(self.key_id(question, value))
            numbers.append(_number(value) if question.kind in ("number", "rating") else math.nan)
            problems.append(_problem(question, value))
        take = np.asarray(codes, dtype=np.int64)
        frame["key"] = np.asarray(keys, dtype=np.int64)[take] if len(take) else take
        frame["unknown"] = np.isin(frame["key"].to_numpy(), list(self.unknown_ids))
        frame["number"] = np.asarray(numbers, dtype=float)[take] if len(take) else np.array([])
        frame["problem"] = pd.Series(
            np.asarray(problems, dtype=object)[take] if len(take) else [],
            index=frame.index,
            dtype=object,
        )
        return frame


def _problem(question: Question, value: Any) -> str | None:
    if value is UNKNOWN or value is None or not question.validators:
        return None
    found = _validators.run(question.validators, value)
    return found[0] if found else None


@dataclass
class QualityData:
    """Labeler answers, gold and the models' current answers of one task, encoded.

    ``answers``: store.answers columns + key, unknown, number, problem, integer codes item
    (chunk), q (question) and qi (chunk × question), gold_key (-1: no valid gold), correct
    (against gold), consensus_key (the other labelers' consensus, -1: none; see
    :mod:`labelwidgets.quality.consensus`). ``gold``: chunk_id, question, answer, by, key,
    unknown, problem, valid. ``model`` (each model's newest parsed suggestion per chunk and
    question): chunk_id, doc_id, question, model, answer, key, unknown, number, problem,
    gold_key, correct, consensus_key (all labelers). ``representative[key]`` is an answer with
    that key.
    """

    task: Task
    answers: pd.DataFrame
    gold: pd.DataFrame
    model: pd.DataFrame
    representative: list[Any]
    unknown_ids: set[int] = field(default_factory=set)

    def gold_value(self, chunk_id: str, question: str) -> Any:
        return self._gold_values.get((chunk_id, question))

    def __post_init__(self) -> None:
        valid = self.gold[self.gold["valid"]]
        self._gold_values = dict(
            zip(
                zip(valid["chunk_id"], valid["question"], strict=True), valid["answer"], strict=True
            )
        )

    def reference(self, frame: pd.DataFrame, mode: str = "auto") -> np.ndarray:
        """Each row's reference key: valid gold, else (``auto``) the consensus; -1 for none."""
        if mode not in REFERENCES:
            raise ValueError(f"reference must be one of {list(REFERENCES)}, got {mode!r}")
        gold, consensus = frame["gold_key"].to_numpy(), frame["consensus_key"].to_numpy()
        if mode == "gold":
            return gold
        if mode == "consensus":
            return consensus
        return np.where(gold >= 0, gold, consensus)

    def is_unknown(self, keys: np.ndarray) -> np.ndarray:
        return np.isin(keys, list(self.unknown_ids))

    def correct(self, frame: pd.DataFrame, reference: np.ndarray) -> np.ndarray:
        """Whether each row's answer matches its reference (False where there is none)."""
        keys = frame["key"].to_numpy()
        right = (keys == reference) & (reference >= 0)
        directed = [q.name for q in self.task.questions if not matcher(q).symmetric]
        if not directed:
            return right
        # a directed rule ("contains"): the answer must contain the reference, not the reverse
        mine = frame["question"].isin(directed).to_numpy() & (reference >= 0) & ~right
        for i in np.flatnonzero(mine):
            question = self.task.question(frame["question"].iat[i])
            right[i] = matcher(question).matches(
                self.representative[frame["key0"].iat[i]], self.representative[reference[i]]
            )
        return right


def _cluster_pairwise(task: Task, frames: list[pd.DataFrame], representative: list[Any]) -> None:
    """For rules compared in pairs, make keys agree within each item (in place): answers of one
    (chunk, question) that agree get the key of the first of them (gold first)."""
    for frame in frames:
        frame["key0"] = frame["key"]
    for question in task.questions:
        rule = matcher(question)
        if rule.keyed:
            continue
        rows = [f[(f["question"] == question.name) & (f["key"] >= 0)] for f in frames]
        both = pd.concat(
            [r[["chunk_id", "key"]].assign(frame=i) for i, r in enumerate(rows)], ignore_index=True
        )
        remap: dict[tuple[str, int], int] = {}
        for chunk_id, keys in both.groupby("chunk_id", sort=False)["key"]:
            distinct = list(dict.fromkeys(keys))
            if len(distinct) < 2:
                continue
            groups = cluster([representative[k] for k in distinct], rule)
            for key, number in zip(distinct, groups, strict=True):
                remap[(chunk_id, key)] = distinct[groups.index(number)]
        for frame, mine in zip(frames, rows, strict=True):
            new = [remap.get((c, k), k) for c, k in zip(mine["chunk_id"], mine["key"], strict=True)]
            frame.loc[mine.index, "key"] = np.asarray(new, dtype=np.int64)


def _with_gold(frame: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    valid = gold[gold["valid"]]
    lookup = pd.Series(
        valid["key"].to_numpy(),
        index=pd.MultiIndex.from_arrays([valid["chunk_id"], valid["question"]]),
    )
    index = pd.MultiIndex.from_arrays([frame["chunk_id"], frame["question"]])
    gold_key = lookup.reindex(index).to_numpy() if len(lookup) else np.full(len(frame), np.nan)
    frame["gold_key"] = np.where(pd.isna(gold_key), -1, gold_key).astype(np.int64)
    return frame


def _latest_model(store: LabelStore, task: Task) -> pd.DataFrame:
    suggestions = with_unknown(store.suggestions(task))
    parsed = suggestions[suggestions["parse_error"].isna()]
    # each model's current answer: the newest suggestion per chunk and question
    latest = parsed.sort_values(["created_at", "suggestion_id"], kind="stable").drop_duplicates(
        ["chunk_id", "question", "model"], keep="last"
    )
    return latest[["chunk_id", "question", "model", "answer"]]


def load(
    store: LabelStore,
    task: Task | str,
    *,
    answers: pd.DataFrame | None = None,
    min_consensus: int = 2,
) -> QualityData:
    """Read a task's answers, gold and model answers from ``store`` and encode them.

    ``min_consensus``: how many other labelers must give the same answer (and more than give
    any other) for it to be the consensus an answer is compared with where there is no gold.
    """
    task = store.task(task)
    encoder = _Encoder(task)
    answers = with_unknown(store.answers(task) if answers is None else answers)
    gold = encoder.encode(with_unknown(store.gold(task))[["chunk_id", "question", "answer", "by"]])
    gold["valid"] = gold["problem"].isna() & (gold["key"] >= 0)
    model = encoder.encode(_latest_model(store, task))
    answers = encoder.encode(answers)
    _cluster_pairwise(task, [gold, answers, model], encoder.representative)
    answers = _with_gold(answers, gold)
    model = _with_gold(model, gold)
    # integer codes group faster than strings
    answers["item"] = pd.factorize(answers["chunk_id"])[0]
    answers["q"] = pd.factorize(answers["question"])[0]
    answers["qi"] = pd.factorize(answers["q"].to_numpy() * (len(answers) + 1) + answers["item"])[0]
    answers["consensus_key"] = others_consensus(answers["qi"], answers["key"], min_consensus)
    if "doc_id" not in answers:
        answers["doc_id"] = answers["chunk_id"]
    model["consensus_key"] = labelers_consensus(answers, model, min_consensus)
    model["doc_id"] = model["chunk_id"].map(
        dict(zip(answers["chunk_id"], answers["doc_id"], strict=True))
    )
    data = QualityData(task, answers, gold, model, encoder.representative, encoder.unknown_ids)
    for frame in (answers, model):
        frame["correct"] = data.correct(frame, frame["gold_key"].to_numpy())
    return data
