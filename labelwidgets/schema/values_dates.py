"""The written forms of dates behind :func:`labelwidgets.schema.values.read_date`."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["candidates", "month_first", "readings", "spans"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mn>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
# a field left blank in a form: "[ ]", "[__]", "[●]", "___", or nothing between separators
_BLANK = r"(?:\[[^\]\d]{0,12}\]|_{1,12}|[●•]|\*{1,3})"
_DAY = rf"(?P<d>\d{{1,2}}(?:st|nd|rd|th)?|{_BLANK})"
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_PATTERNS = [
    ("ymd", rf"(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_TIME}"),
    ("mdy", rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+(?P<y>\d{{4}})"),
    ("dmy", rf"{_WEEKDAY}(?:the\s+)?{_DAY}\s+(?:day\s+of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})"),
    (
        "numeric",
        rf"(?P<a>\d{{1,2}}|{_BLANK}|\s?)(?P<s>[/.\-])(?P<b>\d{{1,2}}|{_BLANK}|\s?)(?P=s)"
        r"(?P<y>\d{4}|\d{2})",
    ),
    ("my", rf"{_MONTH},?\s+(?P<y>\d{{4}})"),
    ("ym", r"(?P<y>\d{4})-(?P<m>\d{2})"),
    ("my_numeric", r"(?P<m>\d{1,2})[/.\-](?P<y>\d{4})"),
    ("y", r"(?P<y>[12]\d{3})"),
]
_WHOLE = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PATTERNS]
_IN_TEXT = [
    (name, re.compile(rf"(?<![\w/.\-]){pattern}(?![\w]|[/\-.]\d)", re.IGNORECASE))
    for name, pattern in _PATTERNS
]


def month_first(locale: str) -> bool:
    """Whether ``locale`` writes numeric dates month first (US English: "03/04/2021" is
    March 4). Plain ``"en"`` is US English, as in CLDR."""
    parts = locale.replace("-", "_").split("_")
    territory = next((p.upper() for p in parts[1:] if len(p) == 2), None)
    return parts[0].lower() == "en" and territory in (None, "US", "PH", "UM", "VI", "GU", "AS")


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    short = int(text)  # the POSIX rule for two-digit years: 69-99 are 19xx, 00-68 are 20xx
    return short + (1900 if short >= 69 else 2000)


def _iso(text: str, year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a real date (there is no month {month})")
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _number(field: str | None) -> int | None:
    """A day or month field: its number, or None when it was left blank."""
    digits = re.match(r"\d+", (field or "").strip())
    return int(digits.group()) if digits else None


def _numeric(text: str, found: re.Match[str], first: bool | None) -> list[str]:
    if first is None or found["s"] == ".":
        return _ordered(text, found, first)
    try:
        return _ordered(text, found, first)
    except ValueError as wrong:
        # no real date in the locale's order ("13/04/2021" in the US): the other order is the
        # only reading there is
        try:
            return _ordered(text, found, not first)
        except ValueError:
            raise wrong from None


def _ordered(text: str, found: re.Match[str], first: bool | None) -> list[str]:
    year = _year(found["y"])
    a, b = _number(found["a"]), _number(found["b"])
    orders = [False] if found["s"] == "." else [first] if first is not None else [True, False]
    if first is None and found["s"] != "." and a is not None and b is not None:
        if a > 12 >= b:
            orders = [False]
        elif b > 12 >= a or a == b:
            orders = [True]
    result = []
    for month_is_first in orders:
        month, day = (a, b) if month_is_first else (b, a)
        value = _iso(text, year, month, day if month is not None else None)
        if value not in result:
            result.append(value)
    return result


def _read(name: str, text: str, found: re.Match[str], first: bool | None) -> list[str]:
    if name == "numeric":
        return _numeric(text, found, first)
    groups = found.groupdict()
    month = _MONTHS[groups["mn"].lower()] if groups.get("mn") else _number(groups.get("m"))
    day = _number(groups.get("d"))
    if name == "y":
        month = None
    return [_iso(text, _year(found["y"]), month, day)]


def readings(value: str, first: bool | None) -> list[str]:
    """Every ISO reading of the whole of ``value`` (two for "03/04/2021" when ``first`` is
    None, i.e. the locale is unknown); empty when it is not a date. Raises ``ValueError`` for
    an impossible date ("2021-02-30")."""
    text = " ".join(value.split()).rstrip(".")
    for name, pattern in _WHOLE:
        found = pattern.fullmatch(text)
        if found is not None:
            return _read(name, value, found, first)
    return []


def spans(text: str, years: bool = True) -> list[tuple[int, int]]:
    """Where dates are written in running text, widest form first where forms overlap
    (``years=False``: not a bare year, a four-digit number on its own)."""
    taken: list[tuple[int, int]] = []
    for name, pattern in _IN_TEXT:
        if name == "y" and not years:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
    return sorted(taken)


def candidates(text: str) -> list[str]:
    """The dates written in running text (see :func:`spans`)."""
    return [text[start:end] for start, end in spans(text)]
