"""Does a labeler get a question wrong *in one consistent way*? Then they likely misread it.

Each detector looks at one labeler's wrong answers to one question (answer vs gold) and counts
how many of them one explanation covers: the answer to another question, always the same
value, an answer where the text does not say, a constant ratio or shift of numbers, a reversed
rating scale, day and month swapped, part of the gold text, the same choice confused with
another. The explanation covering most wrong answers wins if it covers enough of them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.schema.compare import (
    _as_date,
    _as_number,
    _as_set,
    answer_key,
    answers_equal,
    tokens,
)

__all__ = ["explain"]

# (chunk_id, answer, gold answer)
Wrong = Sequence[tuple[str, Any, Any]]
Detector = Callable[[Question, Wrong], tuple[int, str]]


def _most_common(found: list[Any]) -> tuple[int, Any]:
    if not found:
        return 0, None
    value, count = Counter(found).most_common(1)[0]
    return count, value


def _show(value: Any) -> str:
    if value is UNKNOWN:
        return "UNKNOWN (not in the text)"
    if isinstance(value, (list, tuple)):
        return repr(list(value))
    return repr(value)


def _same_value(question: Question, wrong: Wrong) -> tuple[int, str]:
    count, key = _most_common([answer_key(a, question.kind) for _, a, _ in wrong])
    example = next((a for _, a, _ in wrong if answer_key(a, question.kind) == key), None)
    if key is UNKNOWN:
        return count, "answers UNKNOWN (not in the text) where gold has an answer"
    return count, f"mostly answers {_show(example)} where gold differs"


def _answers_the_unanswerable(question: Question, wrong: Wrong) -> tuple[int, str]:
    hits = sum(g is UNKNOWN and a is not UNKNOWN for _, a, g in wrong)
    return hits, "gives an answer where gold says the text does not say"


def _scale(question: Question, wrong: Wrong) -> tuple[int, str]:
    """Numbers: a constant ratio (thousands, percent) or a constant shift; ratings: reversed."""
    pairs = [
        (_as_number(a), _as_number(g)) for _, a, g in wrong if a is not UNKNOWN and g is not UNKNOWN
    ]
    pairs = [(a, g) for a, g in pairs if a is not None and g is not None]
    best = (0, "")
    if question.kind == "rating":
        low, high = question.scale
        hits = sum(a == low + high - g for a, g in pairs)
        best = max(best, (hits, f"rates on a reversed scale ({low} where gold has {high})"))
    ratios = [float(f"{a / g:.6g}") for a, g in pairs if g != 0]
    count, ratio = _most_common(ratios)
    if ratio is not None and ratio != 1:
        best = max(best, (count, f"answers are {ratio:g} times the gold value"))
    count, shift = _most_common([float(f"{a - g:.6g}") for a, g in pairs])
    if shift:
        best = max(best, (count, f"answers are the gold value {shift:+g}"))
    return best


def _dates(question: Question, wrong: Wrong) -> tuple[int, str]:
    pairs = [
        (_as_date(a), _as_date(g)) for _, a, g in wrong if a is not UNKNOWN and g is not UNKNOWN
    ]
    pairs = [(a, g) for a, g in pairs if a is not None and g is not None]
    swapped = sum(_swap(g) == a for a, g in pairs)
    best = (swapped, "day and month swapped")
    count, days = _most_common([(a - g).days for a, g in pairs])
    if days:
        best = max(best, (count, f"dates are {days:+d} days from gold"))
    count, years = _most_common(
        [a.year - g.year for a, g in pairs if (a.month, a.day) == (g.month, g.day)]
    )
    if years:
        best = max(best, (count, f"dates are {years:+d} years from gold"))
    return best


def _swap(day: dt.date) -> dt.date | None:
    try:
        return dt.date(day.year, day.day, day.month) if day.day != day.month else None
    except ValueError:
        return None


def _text_part(question: Question, wrong: Wrong) -> tuple[int, str]:
    shorter = longer = 0
    example = ("", "")
    for _, a, g in wrong:
        if a is UNKNOWN or g is UNKNOWN:
            continue
        mine, theirs = Counter(tokens(a)), Counter(tokens(g))
        if mine and mine < theirs:
            shorter += 1
            example = example if example[0] else (a, g)
        elif theirs and theirs < mine:
            longer += 1
    if shorter >= longer:
        return (
            shorter,
            f"answers only part of the gold answer (e.g. {example[0]!r} for {example[1]!r})",
        )
    return longer, "answers add words to the gold answer"


def _confusion(question: Question, wrong: Wrong) -> tuple[int, str]:
    if question.kind == "multi_choice":
        missing = [
            x
            for _, a, g in wrong
            if a is not UNKNOWN and g is not UNKNOWN
            for x in _as_set(g) - _as_set(a)
        ]
        extra = [
            x
            for _, a, g in wrong
            if a is not UNKNOWN and g is not UNKNOWN
            for x in _as_set(a) - _as_set(g)
        ]
        left_out, added = _most_common(missing), _most_common(extra)
        return max((left_out[0], f"leaves out {left_out[1]!r}"), (added[0], f"adds {added[1]!r}"))
    count, pair = _most_common(
        [(answer_key(g, question.kind), answer_key(a, question.kind)) for _, a, g in wrong]
    )
    if pair is None:
        return 0, ""
    gold, mine = (next(iter(k)) if isinstance(k, frozenset) and len(k) == 1 else k for k in pair)
    return count, f"answers {_show(mine)} where gold is {_show(gold)}"


_BY_KIND: dict[str, tuple[Detector, ...]] = {
    "number": (_scale,),
    "rating": (_scale,),
    "date": (_dates,),
    "text": (_text_part,),
    "choice": (_confusion,),
    "multi_choice": (_confusion,),
}


def explain(
    task: Task,
    question: Question,
    wrong: Wrong,
    gold_of: Callable[[str, str], Any],
    *,
    share: float = 0.6,
) -> tuple[int, str] | None:
    """The explanation covering the most of ``wrong`` (and at least ``share`` of them and two
    answers), as (answers covered, detail), or None."""
    if len(wrong) < 2:
        return None
    candidates = []
    for other in task.questions:
        if other.name != question.name:
            kind = question.kind if other.kind == question.kind else "text"
            hits = 0
            for chunk_id, answer, _ in wrong:
                theirs = gold_of(chunk_id, other.name)
                hits += (
                    theirs is not None
                    and theirs is not UNKNOWN
                    and answers_equal(answer, theirs, kind)
                )
            candidates.append((hits, f"answers look like the answers to {other.name!r}"))
    for detector in (*_BY_KIND.get(question.kind, ()), _same_value, _answers_the_unanswerable):
        candidates.append(detector(question, wrong))
    # the first wins a tie: another question, then the pattern specific to the kind
    hits, detail = max(candidates, key=lambda c: c[0])
    if hits >= 2 and hits >= math.ceil(share * len(wrong)):
        return hits, detail
    return None
