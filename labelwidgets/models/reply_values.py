"""Reading numbers, ratings and dates out of a model's reply (after it was cleaned)."""

from __future__ import annotations

import datetime as dt
import re

from labelwidgets.schema import Question

__all__ = ["read_date", "read_number", "read_rating"]

_NUMBER = re.compile(
    r"(?<![\d.])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?!\d)|(?<![\w.])-?\.\d+"
)
_SCALE = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "k": 10**3,
    "mm": 10**6,
    "bn": 10**9,
}
_UNITS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        )
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
}


def read_number(question: Question, text: str) -> int | float:
    found = list(_NUMBER.finditer(text))
    if not found:
        return _number_words(text)
    if len({m.group() for m in found}) != 1:  # "thirty (30) days ... 30" is still one number
        raise ValueError(f"expected one number, got {text!r}")
    match = found[0]
    value = float(match.group().replace(",", ""))
    scale = re.match(
        r"\s*(thousand|million|billion|trillion|bn|mm|k)\b", text[match.end() :], re.IGNORECASE
    )
    if scale:
        value *= _SCALE[scale.group(1).lower()]
    return int(value) if value.is_integer() else value


def _number_words(text: str) -> int:
    """ "twelve", "thirty-six", "one hundred and five", "two million" (whole numbers)."""
    words = re.findall(r"[a-z]+", text.lower().replace("-", " "))
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million", "billion", "trillion"):
            total += max(current, 1) * _SCALE[word]
            current = 0
        elif word == "and" or not seen:
            continue  # "about twelve", "one hundred and five"
        else:
            break  # "twelve months": the number is over
        seen = True
    if not seen:
        raise ValueError(f"expected a number, got {text!r}")
    return total + current


def read_rating(question: Question, text: str) -> int:
    low, high = question.scale
    out_of = re.fullmatch(rf"\s*(\d+)\s*(?:/|out of|of)\s*{high}\s*\.?\s*", text)
    value = int(out_of.group(1)) if out_of else read_number(question, text)
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is not a whole number from {low} to {high}")
    return int(value)


_MONTHS = {
    name: i
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTHS |= {name[:3]: i for name, i in list(_MONTHS.items())} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\s+day)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    # numeric day/month: US order with slashes, day first with dots (German, French forms)
    re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d)"),
]


def read_date(question: Question, text: str) -> str:
    found, spans = set(), []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in spans):
                continue  # "2021-03-04" is not also read as something else
            month, day_number = m.group("month"), int(m.group("day"))
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            if month_number > 12 and day_number <= 12 and "/" in m.group():
                month_number, day_number = day_number, month_number  # 13/04/2021 is day first
            try:
                day = dt.date(int(m.group("year")), month_number, day_number)
            except ValueError:
                raise ValueError(f"{m.group()!r} is not a real date") from None
            found.add(day.isoformat())
            spans.append(m.span())
    if len(found) > 1:
        raise ValueError(f"{text!r} has more than one date: {sorted(found)}")
    if not found:
        raise ValueError(f"{text!r} is not a date this parser knows (use YYYY-MM-DD)")
    return found.pop()
