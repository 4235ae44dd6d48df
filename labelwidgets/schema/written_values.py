"""Numbers and dates as written in a text, found by value with their character spans.

Used by :mod:`labelwidgets.schema.grounding` to check a number or date answer against a chunk:
1500 is written as "1,500", "$1,500.00" or "1.5 thousand"; 2021-03-04 as "March 4, 2021",
"4 March 2021", "the 4th day of March, 2021", "2021-03-04" or "03/04/2021".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from labelwidgets.schema import values as _values

__all__ = ["as_date", "as_number", "find_dates", "find_numbers"]

_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mm": 1e6, "billion": 1e9}
# starts with a digit so the regex engine skips to candidates fast; what stands before a number
# (a letter, a dot, a sign) is checked in Python
_NUMBER = re.compile(
    r"\d(?P<more>\d{0,2}(?:,\d{3})+(?!\d)|\d*)(?P<part>\.\d+)?"
    r"(?:[ \t]*(?P<scale>hundred|thousand|million|billion|mm|k)\b)?",
    re.IGNORECASE,
)


def _inside_word(text: str, at: int) -> bool:
    """Whether the character before ``at`` continues a word or a number ("A1", "1.5", "1,5")."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_.,")


@functools.lru_cache(maxsize=1024)
def find_numbers(text: str) -> list[tuple[float, int, int]]:
    """Every number in ``text`` with its span. A scaled number ("1.5 million") also counts
    unscaled, and a number after a dash also counts without it ("pages 3-5" has 5)."""
    found = []
    for m in _NUMBER.finditer(text):
        start = m.start()
        if _inside_word(text, start):
            continue
        value = float(text[start : m.end("more")].replace(",", "") + (m["part"] or ""))
        end = m.end("part") if m["part"] else m.end("more")
        signed = start > 0 and text[start - 1] in "-−" and not _inside_word(text, start - 1)
        found.append((value, start, end))
        if signed:
            found.append((-value, start - 1, end))
        if m["scale"]:
            scaled = value * _SCALES[m["scale"].lower()]
            found.append((-scaled if signed else scaled, start - signed, m.end()))
    return found


def as_number(answer: Any) -> float | None:
    """A number answer's value, read by :func:`labelwidgets.schema.values.read_number` in US
    English forms, the forms :func:`find_numbers` finds in the text."""
    if isinstance(answer, str) and not any(c.isdigit() for c in answer):
        return None  # "thirty" is located as the words it is
    return _values.as_number(answer, "en_US")


_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# (pattern, whether day and month may be either way round)
_DATES = [
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.I), False),
    (re.compile(rf"\b{_DAY}\s+(?:day\s+of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I), False),
    (re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"), False),
    (re.compile(r"\b(?P<month>\d{1,2})[/.](?P<day>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b"), True),
]
_MONTH_NUMBER = {
    name: i
    for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _date(year: str, month: str, day: str) -> dt.date | None:
    number = int(year) + (0 if len(year) == 4 else 2000 if int(year) < 50 else 1900)
    try:
        return dt.date(number, int(month), int(day))
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every full date written in ``text`` with its span (numeric dates in both readings)."""
    found = set()
    for pattern, either_way in _DATES:
        for m in pattern.finditer(text):
            month, day = m["month"], m["day"]
            if not month.isdigit():
                month = str(_MONTH_NUMBER[month[:3].lower()])
            for first, second in [(month, day), (day, month)][: 1 + either_way]:
                value = _date(m["year"], first, second)
                if value is not None:
                    found.add((value, m.start(), m.end()))
    return sorted(found, key=lambda item: (item[1], item[2], item[0]))


def as_date(answer: Any) -> dt.date | None:
    """A date answer's day, read by :func:`labelwidgets.schema.values.read_date` (US order for
    numeric dates, as :func:`find_dates` reads them first); None for a partial date."""
    day = _values.as_date(answer, "en_US")
    return dt.date.fromisoformat(day) if day is not None and len(day) == 10 else None
