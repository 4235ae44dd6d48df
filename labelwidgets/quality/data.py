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

from labelwidgets.quality.answer_frame import answer_frame, time_per_labeler
from labelwidgets.quality.consensus import item_key_pairs, labelers_consensus, others_consensus
from labelwidgets.quality.grouping import same_count
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
        """Add key, unknown, number, problem, fails (the answer fails a validator) and q
        columns to a frame with question and answer (rows of questions the task no longer asks
        are left out)."""
        position = pd.Index(self.task.question_names).get_indexer(frame["question"])
        if (position < 0).any():  # answers to questions the task no longer asks
            frame, position = frame[position >= 0], position[position >= 0]
        frame = frame.reset_index(drop=True)
        try:
            a_codes, a_values = pd.factorize(frame["answer"])
            a_values = list(a_values)
        except TypeError:  # list answers (multi-choice, spans) are not hashable
            a_codes, a_values = pd.factorize(pd.Series([_hashable(a) for a in frame["answer"]]))
            a_values = [_unhashable(v) for v in a_values]
        a_codes = np.where(a_codes < 0, len(a_values), a_codes)  # null: the slot after
        return self.encode_codes(frame, position, a_codes, [*a_values, None])

    def encode_codes(
        self, frame: pd.DataFrame, position: np.ndarray, a_codes: np.ndarray, a_values: list[Any]
    ) -> pd.DataFrame:
        """:meth:`encode` for answers given as codes: ``position`` of each row's question in
        the task, ``a_codes`` into ``a_values``. Keys, numbers and problems are computed once
        per distinct (question, answer), in the order the rows first give them."""
        width = len(a_values)
        codes, uniques = pd.factorize(position.astype(np.int64) * width + a_codes)
        keys, numbers, problems = [], [], []
        for combined in uniques:
            question = self.task.questions[combined // width]
            value = a_values[combined % width]
            keys.append(self.key_id(question, value))
            numbers.append(_number(value) if question.kind in ("number", "rating") else math.nan)
            problems.append(_problem(question, value))
        take = np.asarray(codes, dtype=np.int64)
        key = np.asarray(keys, dtype=np.int64)[take] if len(take) else take
        frame["key"] = key
        frame["unknown"] = np.isin(key, list(self.unknown_ids))
        frame["number"] = np.asarray(numbers, dtype=float)[take] if len(take) else np.array([])
        frame["problem"] = pd.Series(
            np.asarray(problems, dtype=object)[take] if len(take) else [],
            index=frame.index,
            dtype=object,
        )
        # whether the answer fails a validator, for the rules that only need to know that
        fails = np.asarray([p is not None for p in problems], dtype=bool)
        frame["fails"] = fails[take] if len(take) else np.zeros(0, dtype=bool)
        frame["q"] = np.asarray(position, dtype=np.int64)
        return frame


def _unhashable(value: Any) -> Any:
    """Back from :func:`_hashable`: tuples to lists, span tuples to dicts."""
    if not isinstance(value, tuple):
        return value
    return [dict(v) if isinstance(v, tuple) else v for v in value]


def _problem(question: Question, value: Any) -> str | None:
    if value is UNKNOWN or value is None or not question.validators:
        return None
    found = _validators.run(question.validators, value)
    return found[0] if found else None


@dataclass
class QualityData:
    """Labeler answers, gold and the models' current answers of one task, encoded.

    ``answers``: chunk_id, doc_id, question, labeler, answer, forced + key, unknown, number,
    problem, integer codes item (chunk), q (question), qi (chunk × question), who (labeler)
    and doc (document), gold_key (-1: no valid gold), correct
    (against gold), consensus_key (the other labelers' consensus, -1: none; see
    :mod:`labelwidgets.quality.consensus`). ``gold``: chunk_id, question, answer, by, key,
    unknown, problem, valid. ``model`` (each model's newest parsed suggestion per chunk and
    question): chunk_id, doc_id, question, model, answer, key, unknown, number, problem,
    gold_key, correct, consensus_key (all labelers). ``representative[key]`` is an answer with
    that key. ``time_spent``: seconds per labeler (one submission counted once).
    """

    task: Task
    answers: pd.DataFrame
    gold: pd.DataFrame
    model: pd.DataFrame
    representative: list[Any]
    unknown_ids: set[int] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    time_spent: pd.Series = field(default_factory=lambda: pd.Series(dtype=float), repr=False)

    def answer_groups(self, columns: tuple[str, ...]) -> Any:
        """:func:`labelwidgets.quality.grouping.grouping` of the answers, computed once."""
        from labelwidgets.quality.grouping import grouping

        if ("groups", columns) not in self.cache:
            self.cache[("groups", columns)] = grouping(self.answers, list(columns))
        return self.cache[("groups", columns)]

    def same_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """:func:`labelwidgets.quality.grouping.same_count` of the answers' items and keys,
        computed once."""
        if "same" not in self.cache:
            a = self.answers
            self.cache["same"] = same_count(a["qi"].to_numpy(), a["key"].to_numpy())
        return self.cache["same"]

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
    valid = gold[gold["valid"] & (gold["qi"] >= 0)]
    qi = frame["qi"].to_numpy()
    if valid.empty:
        frame["gold_key"] = np.full(len(frame), -1, dtype=np.int64)
        return frame
    where = pd.Index(valid["qi"].to_numpy()).get_indexer(qi)
    found = (where >= 0) & (qi >= 0)
    frame["gold_key"] = np.where(found, valid["key"].to_numpy()[where], -1).astype(np.int64)
    return frame


def _code(frames: list[pd.DataFrame], chunks: pd.Index) -> pd.Index:
    """Integer codes (in place): item (chunk), qi (chunk × question). The first frame (the
    answers) has its ``item`` codes into ``chunks`` already; chunks only the others name are
    appended. Returns all the chunks. Integers group and look up much faster than strings."""
    rest = [f["chunk_id"].to_numpy() for f in frames[1:]]
    new = pd.unique(np.concatenate(rest)) if rest and sum(map(len, rest)) else []
    new = [c for c, i in zip(new, chunks.get_indexer(new), strict=True) if i < 0]
    chunks = chunks.append(pd.Index(new, dtype=object)) if len(new) else chunks
    items = None
    for i, frame in enumerate(frames):
        if i:
            frame["item"] = chunks.get_indexer(frame["chunk_id"].to_numpy())
        pair = frame["q"].to_numpy().astype(np.int64) * len(chunks) + frame["item"].to_numpy()
        if items is None:  # the answered items, numbered densely; -1 elsewhere
            frame["qi"], items = pd.factorize(pair)
            items = pd.Index(items)
        else:
            frame["qi"] = items.get_indexer(pair)
    return chunks


def _documents(answers: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    """The document of each row of ``other``, from the answers' chunks (else its chunk id)."""
    item = other["item"].to_numpy()
    size = int(answers["item"].max()) + 1 if len(answers) else 0
    per_chunk = np.full(size + 1, None, dtype=object)  # the last slot: not an answered chunk
    per_chunk[answers["item"].to_numpy()] = answers["doc_id"].to_numpy()
    found = per_chunk[np.where((item >= 0) & (item < size), item, size)]
    return np.where(pd.isna(found), other["chunk_id"].to_numpy(), found)


def _latest_model(store: LabelStore, task: Task) -> pd.DataFrame:
    suggestions = with_unknown(store.suggestions(task))
    parsed = suggestions[suggestions["parse_error"].isna()]
    # each model's current answer: the newest suggestion per chunk and question
    latest = parsed.sort_values(["created_at", "suggestion_id"], kind="stable").drop_duplicates(
        ["chunk_id", "question", "model"], keep="last"
    )
    return latest[["chunk_id", "question", "model", "answer"]]


def load(store: LabelStore, task: Task | str, *, min_consensus: int = 2) -> QualityData:
    """Read a task's answers, gold and model answers from ``store`` and encode them.

    ``min_consensus``: how many other labelers must give the same answer (and more than give
    any other) for it to be the consensus an answer is compared with where there is no gold.
    """
    task = store.task(task)
    encoder = _Encoder(task)
    gold = encoder.encode(with_unknown(store.gold(task))[["chunk_id", "question", "answer", "by"]])
    gold["valid"] = gold["problem"].isna() & (gold["key"] >= 0)
    model = encoder.encode(_latest_model(store, task))
    answers, chunks, spent, created = answer_frame(store.answer_columns(task), encoder)
    _code([answers, gold, model], chunks)
    _cluster_pairwise(task, [gold, answers, model], encoder.representative)
    answers = _with_gold(answers, gold)
    model = _with_gold(model, gold)
    items, keys = answers["qi"].to_numpy(), answers["key"].to_numpy()
    # the (item, key) pairs hashed once for the consensus and the same-answer counts
    pairs = item_key_pairs(items, keys) if len(keys) and keys.min() >= 0 else None
    answers["consensus_key"] = others_consensus(items, keys, min_consensus, pairs)
    model["consensus_key"] = labelers_consensus(answers, model, min_consensus)
    model["doc_id"] = _documents(answers, model)
    data = QualityData(task, answers, gold, model, encoder.representative, encoder.unknown_ids)
    if pairs is not None:
        data.cache["same"] = same_count(items, keys, pairs[0])
    data.time_spent = time_per_labeler(answers, spent, created)
    for frame in (answers, model):
        frame["correct"] = data.correct(frame, frame["gold_key"].to_numpy())
    return data
