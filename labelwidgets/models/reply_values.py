"""Reading numbers, ratings and dates out of a model's reply (after it was cleaned).

A reply that is itself a written value ("EUR 2.000,50", "March 2020") is read whole by the one
reader of :mod:`labelwidgets.schema.values`, exactly as the question reads a labeler's answer;
a sentence around the value ("The fee is $1,500.") is searched for the values written in it,
each read by the same reader, and must name one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labelwidgets.schema import Question
from labelwidgets.schema.values import (
    AmbiguousValue,
    date_candidates,
    number_candidates,
    read_date,
    read_number,
)

__all__ = ["read_date_reply", "read_number_reply", "read_rating_reply"]


def _one_value(
    text: str,
    read: Callable[[Any, str | None], Any],
    candidates: Callable[[str], list[str]],
    locale: str | None,
    what: str,
) -> Any:
    try:
        return read(text, locale)
    except AmbiguousValue:
        raise
    except ValueError:
        pass
    found: list[Any] = []
    for written in dict.fromkeys(candidates(text)):  # "thirty (30) days ... 30": one number
        value = read(written, locale)
        if value not in found:
            found.append(value)
    if len(found) > 1:
        raise ValueError(f"expected one {what}, got {text!r}: more than one {what} {found}")
    if not found:
        raise ValueError(f"{text!r} is not a {what} (there is no {what} in it)")
    return found[0]


def _number_words_prefix(text: str, locale: str | None) -> int | float:
    """A number written in words at the start of a reply ("about twelve months")."""
    words = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text)[:12]
    for start in range(min(len(words), 3)):  # "about", "approximately", "roughly"
        for end in range(len(words), start, -1):
            try:
                return read_number(" ".join(words[start:end]), locale)
            except ValueError:
                continue
    raise ValueError(f"{text!r} is not a number (expected a number, in digits or words)")


def read_number_reply(question: Question, text: str) -> int | float:
    """The one number a reply names, read in the question's locale."""
    if not re.search(r"\d", text):
        return _number_words_prefix(text, question.locale)
    return _one_value(text, read_number, number_candidates, question.locale, "number")


def read_rating_reply(question: Question, text: str) -> int:
    low, high = question.scale
    out_of = re.fullmatch(rf"\s*(\d+)\s*(?:/|out of|of)\s*{high}\s*\.?\s*", text)
    value = int(out_of.group(1)) if out_of else read_number_reply(question, text)
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is not a whole number from {low} to {high}")
    return int(value)


def read_date_reply(question: Question, text: str) -> str:
    """The one date a reply names (a day, or a year-month / year for a partial date)."""
    return _one_value(text, read_date, date_candidates, question.locale, "date")
