"""Consistent transformations: the patterns that tell a misread question from random slips.

Each detector looks at one labeler's answers to one question next to their references (gold,
else the other labelers' consensus) and counts, over the answers the pattern **can apply
to**, how many it explains:

========================  ==========================================  =========================
signal                    applies to                                  explains
========================  ==========================================  =========================
``day_month_swapped``     dates whose day is 1-12 and not the month   answer = day/month swapped
``date_shift``            dates                                       one constant shift in days
``year_shift``            dates                                       same day, other year
``number_ratio``          numbers whose reference is not 0            one constant ratio (x1000)
``number_shift``          numbers                                     one constant difference
``reversed_scale``        ratings off the scale's middle              low + high − reference
``choice_confusion``      items whose reference is one choice X       the same other choice Y
``leaves_out`` / ``adds`` multi-choice items with / without X         X left out / X added
``partial_answer``        text references of two or more words        only some of its words
========================  ==========================================  =========================

Only answers that do not match their reference count as explained, and an answer that
*contains* its reference (the more precise "the laws of the State of New York" for "New York")
is never a mistake. The detector explaining the most answers wins when it explains at least
``min_hits`` of them and at least ``pattern_rate`` of those it applies to (see
:class:`labelwidgets.quality.flagging.Thresholds`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, matcher
from labelwidgets.schema import Question
from labelwidgets.schema.compare import _as_number, _as_set, tokens
from labelwidgets.schema.matching import read_date

__all__ = [
    "Found",
    "Pair",
    "column",
    "contains_reference",
    "known_references",
    "more_precise",
    "other_question",
    "pairs_of",
    "patterns",
    "show",
]


class Pair(NamedTuple):
    """Distinct (answer, reference) of one labeler and question, how often, and where."""

    answer: Any
    reference: Any
    count: int
    correct: bool
    chunks: list[str]


class Found(NamedTuple):
    """What a detector explains: ``hits`` of ``applicable`` answers, why, and example items."""

    signal: str
    hits: int
    applicable: int
    detail: str
    chunks: list[str]

    @property
    def rate(self) -> float:
        return self.hits / self.applicable if self.applicable else 0.0


def show(value: Any) -> str:
    """An answer as it appears in a flag's detail."""
    from labelwidgets.schema import UNKNOWN

    if value is UNKNOWN:
        return "UNKNOWN (not in the text)"
    if isinstance(value, (list, tuple)):
        return repr(list(value))
    return repr(value)


def contains_reference(answer: Any, reference: Any) -> bool:
    """Whether ``answer`` holds all of ``reference``'s words in order (a more precise answer)."""
    inner, outer = tokens(reference), tokens(answer)
    size = len(inner)
    return bool(inner) and any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))


def _tally(
    pairs: list[Pair],
    applies: Callable[[Pair], bool],
    value: Callable[[Pair], Hashable | None],
) -> tuple[Hashable | None, int, int, list[str]]:
    """The most common transformation among wrong answers it applies to: (value, hits,
    applicable, example chunks)."""
    applicable, hits, where = 0, Counter(), {}
    for pair in pairs:
        if not applies(pair):
            continue
        applicable += pair.count
        found = None if pair.correct else value(pair)
        if found is not None:
            hits[found] += pair.count
            where.setdefault(found, []).extend(pair.chunks)
    if not hits:
        return None, 0, applicable, []
    best, count = hits.most_common(1)[0]
    return best, count, applicable, where[best][:5]


def _dates(pair: Pair) -> tuple[dt.date, dt.date] | None:
    found = read_date(pair.answer), read_date(pair.reference)
    return found if None not in found else None  # type: ignore[return-value]


def _swap(day: dt.date) -> dt.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    return dt.date(day.year, day.day, day.month)


def _date_patterns(question: Question, pairs: list[Pair]) -> Iterable[Found]:
    def swapped(p: Pair) -> str | None:
        answer, reference = _dates(p)  # type: ignore[misc]
        return "swap" if answer == _swap(reference) else None

    def applies(p: Pair) -> bool:
        both = _dates(p)
        return both is not None and _swap(both[1]) is not None

    _, hits, applicable, chunks = _tally(pairs, applies, swapped)
    yield Found("day_month_swapped", hits, applicable, "day and month swapped", chunks)

    def days(p: Pair) -> int | None:
        answer, reference = _dates(p)  # type: ignore[misc]
        return (answer - reference).days or None

    def years(p: Pair) -> int | None:
        answer, reference = _dates(p)  # type: ignore[misc]
        same_day = (answer.month, answer.day) == (reference.month, reference.day)
        return (answer.year - reference.year) or None if same_day else None

    def dated(p: Pair) -> bool:
        return _dates(p) is not None

    shift, hits, applicable, chunks = _tally(pairs, dated, years)
    if shift is not None:
        yield Found("year_shift", hits, applicable, f"dates are {shift:+d} years off", chunks)
    shift, hits, applicable, chunks = _tally(pairs, dated, days)
    if shift is not None:
        yield Found("date_shift", hits, applicable, f"dates are {shift:+d} days off", chunks)


def _numbers(pair: Pair) -> tuple[float, float] | None:
    found = _as_number(pair.answer), _as_number(pair.reference)
    return found if None not in found else None  # type: ignore[return-value]


def _number_patterns(question: Question, pairs: list[Pair]) -> Iterable[Found]:
    if question.kind == "rating":
        low, high = question.scale

        def flips(p: Pair) -> bool:
            both = _numbers(p)
            return both is not None and low + high - both[1] != both[1]

        def flipped(p: Pair) -> str | None:
            answer, reference = _numbers(p)  # type: ignore[misc]
            return "flip" if answer == low + high - reference else None

        _, hits, applicable, chunks = _tally(pairs, flips, flipped)
        detail = f"rates on a reversed scale ({low} where the reference has {high})"
        yield Found("reversed_scale", hits, applicable, detail, chunks)
        return  # a rating one step off is a judgement, not a unit or offset mix-up

    def ratio(p: Pair) -> float | None:
        answer, reference = _numbers(p)  # type: ignore[misc]
        found = float(f"{answer / reference:.6g}")
        return found if found != 1 else None

    def shift(p: Pair) -> float | None:
        answer, reference = _numbers(p)  # type: ignore[misc]
        return float(f"{answer - reference:.6g}") or None

    def nonzero(p: Pair) -> bool:
        both = _numbers(p)
        return both is not None and both[1] != 0

    found, hits, applicable, chunks = _tally(pairs, nonzero, ratio)
    if found is not None:
        detail = f"answers are {found:g} times the reference"
        yield Found("number_ratio", hits, applicable, detail, chunks)
    found, hits, applicable, chunks = _tally(pairs, lambda p: _numbers(p) is not None, shift)
    if found is not None:
        yield Found(
            "number_shift", hits, applicable, f"answers are the reference {found:+g}", chunks
        )


def _choice_patterns(question: Question, pairs: list[Pair]) -> Iterable[Found]:
    if question.kind == "multi_choice":
        for choice in question.choices:
            key = _as_set(choice)

            def has(p: Pair, key: frozenset[str] = key) -> bool:
                return key <= _as_set(p.reference)

            def dropped(p: Pair, key: frozenset[str] = key) -> str | None:
                return "dropped" if not key <= _as_set(p.answer) else None

            def added(p: Pair, key: frozenset[str] = key) -> str | None:
                return "added" if key <= _as_set(p.answer) else None

            _, hits, applicable, chunks = _tally(pairs, has, dropped)
            yield Found("leaves_out", hits, applicable, f"leaves out {choice!r}", chunks)
            _, hits, applicable, chunks = _tally(pairs, lambda p, h=has: not h(p), added)
            yield Found("adds", hits, applicable, f"adds {choice!r}", chunks)
        return
    for choice in question.choices:
        key = _as_set(choice)

        def is_choice(p: Pair, key: frozenset[str] = key) -> bool:
            return _as_set(p.reference) == key

        other, hits, applicable, chunks = _tally(pairs, is_choice, lambda p: _show_choice(p.answer))
        if other is not None:
            detail = f"answers {other} where the reference is {choice!r}"
            yield Found("choice_confusion", hits, applicable, detail, chunks)


def _show_choice(value: Any) -> str:
    items = sorted(_as_set(value))
    return show(items[0]) if len(items) == 1 else show(items)


def _text_patterns(question: Question, pairs: list[Pair]) -> Iterable[Found]:
    def long(p: Pair) -> bool:
        return len(tokens(p.reference)) >= 2

    def partial(p: Pair) -> str | None:
        mine, theirs = Counter(tokens(p.answer)), Counter(tokens(p.reference))
        return "part" if mine and mine < theirs else None

    _, hits, applicable, chunks = _tally(pairs, long, partial)
    example = next((p for p in pairs if p.chunks[0] in chunks), None)
    detail = "answers only part of the reference" + (
        f" (e.g. {show(example.answer)} for {show(example.reference)})" if example else ""
    )
    yield Found("partial_answer", hits, applicable, detail, chunks)


def patterns(question: Question, pairs: list[Pair]) -> list[Found]:
    """Every pattern's count for one labeler's answered (answer, reference) pairs of
    ``question`` (both not UNKNOWN)."""
    rule = question.match
    if question.kind == "date" or rule == "date":
        found = _date_patterns(question, pairs)
    elif question.kind in ("number", "rating") or rule == "number":
        found = _number_patterns(question, pairs)
    elif question.kind in ("choice", "multi_choice"):
        found = _choice_patterns(question, pairs)
    elif question.kind == "text":
        found = _text_patterns(question, pairs)
    else:
        found = ()
    return [f for f in found if f.hits]


# -- over a labeler's answers in the store (used by quality.flagging) ----------------------
def column(data: QualityData, rows: pd.DataFrame, name: str) -> np.ndarray:
    """``rows``' column ``name``, read from ``data.answers`` at the rows' ``row`` positions
    when ``rows`` does not carry it (the flags' per-labeler slices carry only what every rule
    reads; text columns are only read for examples)."""
    if name in rows:
        return rows[name].to_numpy()
    return data.answers[name].to_numpy()[rows["row"].to_numpy()]


def pairs_of(
    data: QualityData, rows: pd.DataFrame, ref: np.ndarray, agree: np.ndarray
) -> list[Pair]:
    """The distinct (answer, reference) pairs of ``rows``, how often, and up to five chunks."""
    keys = rows["key"].to_numpy().astype(np.int64)
    if not len(keys):
        return []
    width = int(max(keys.max(), ref.max())) + 1
    codes, pairs = pd.factorize(keys * width + ref)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(pairs)))
    sizes = np.bincount(codes, minlength=len(pairs))
    chunk_ids = column(data, rows, "chunk_id")
    return [
        Pair(
            data.representative[pair // width],
            data.representative[pair % width],
            int(sizes[i]),
            bool(agree[order[starts[i]]]),
            list(chunk_ids[order[starts[i] : starts[i] + min(5, sizes[i])]]),
        )
        for i, pair in enumerate(pairs)
    ]


def more_precise(
    data: QualityData, keys: np.ndarray, ref: np.ndarray, wrong: np.ndarray
) -> np.ndarray:
    """Which wrong answers contain their reference's words in order (judged once per pair)."""
    found = np.zeros(len(keys), dtype=bool)
    where = np.flatnonzero(wrong)
    if not len(where):
        return found
    # one integer per (key, reference) pair; keys shifted by one (-1: no key)
    width = int(ref[where].max()) + 1
    codes, uniques = pd.factorize((keys[where].astype(np.int64) + 1) * width + ref[where])
    pairs = zip((uniques // width - 1).tolist(), (uniques % width).tolist(), strict=True)
    verdict = np.array(
        [contains_reference(data.representative[k], data.representative[r]) for k, r in pairs],
        dtype=bool,
    )
    found[where] = verdict[codes]
    return found


def known_references(data: QualityData) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per question: the (document code, reference key) pairs whose reference is an answer."""
    a = data.answers
    ref = data.reference(a, "auto")
    keep = (ref >= 0) & ~data.is_unknown(ref)
    found = {}
    for index, question in enumerate(data.task.questions):
        mine = keep & (a["q"].to_numpy() == index)
        width = int(ref.max()) + 1 if len(ref) else 1
        pairs = pd.unique(a["doc"].to_numpy()[mine].astype(np.int64) * width + ref[mine])
        found[question.name] = (pairs // width, pairs % width)
    return found


def other_question(
    data: QualityData,
    known: dict[str, tuple[np.ndarray, np.ndarray]],
    rows: pd.DataFrame,
    ref: np.ndarray,
    answered: np.ndarray,
    wrong: np.ndarray,
    qname: str,
) -> list[Found]:
    """Wrong answers that match another question's reference in the same chunk or document
    (under this question's rule), over the answered items of documents where that question
    has a reference answer."""
    if not wrong.any():
        return []
    rule = matcher(data.task.question(qname))
    ids: dict[Any, int] = {}

    def value_ids(keys: np.ndarray) -> np.ndarray:
        distinct = pd.unique(keys)
        found = np.array(
            [ids.setdefault(rule.key(data.representative[k]), len(ids)) for k in distinct.tolist()],
            dtype=np.int64,
        )
        return found[pd.Index(distinct).get_indexer(keys)]

    docs = rows["doc"].to_numpy()
    found = []
    for other in data.task.questions:
        their_docs, their_keys = known[other.name]
        if other.name == qname or not len(their_docs):
            continue
        applicable = answered & np.isin(docs, their_docs)
        candidates = np.flatnonzero(applicable & wrong)
        if not len(candidates):
            continue
        width = len(ids) + len(their_keys) + len(candidates) + 1
        theirs = their_docs * width + value_ids(their_keys)
        mine = docs[candidates] * width + value_ids(rows["key"].to_numpy()[candidates])
        hits = candidates[np.isin(mine, theirs)]
        if len(hits):
            first = int(hits[0])
            detail = (
                f"answers look like the answers to {other.name!r} (e.g. "
                f"{show(column(data, rows.iloc[[first]], 'answer')[0])} where the reference is "
                f"{show(data.representative[ref[first]])})"
            )
            chunks = list(column(data, rows, "chunk_id")[hits[:5]])
            found.append(Found("other_question", len(hits), int(applicable.sum()), detail, chunks))
    return found
