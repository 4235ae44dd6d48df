"""One reader per value type: numbers and dates as people write them.

Every part of labelwidgets that reads a number or a date (``Question.coerce`` and so the
Labeler and the store, the prompt parser, :func:`~labelwidgets.schema.compare.answers_equal`,
the ``match=`` rules, grounding) calls :func:`read_number` or :func:`read_date`, so they agree.

Numbers
    Digits with grouping and a decimal mark ("1,500.00", "1.500,00", "1 500", "1'500.50"),
    a currency sign or code ("EUR 2.000,50", "$1,500"), a sign, a percent sign, a scale
    ("10 million", "2.5bn", "750k") or words ("thirty-six", "thirty (30)"). Where the grouping
    and the decimal mark cannot be told apart ("1.500" and "1,500": 1500 or 1.5) the number is
    read with the question's ``locale`` (``"en"``, ``"de"``, ``"fr_CH"``, ...); without one it
    is refused with both readings (:class:`AmbiguousValue`), never guessed.
Dates
    ISO ("2021-03-04"), written forms ("March 4th, 2021", "4 March 2021", "the 4th day of
    March, 2021", "Thu, March 4, 2021") and numeric ones ("04.03.2021" day first; "03/04/2021"
    by the locale, refused without one unless a part is above 12). Partial dates are values of
    their own: a year ("2020", "[ ]/[ ]/2020") or a year and month ("March 2020", "2020-03",
    "[__] March 2020"), read as ``"2020"`` and ``"2020-03"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from labelwidgets.schema import values_dates as _dates

__all__ = [
    "AmbiguousValue",
    "amount_spans",
    "as_date",
    "as_number",
    "date_candidates",
    "date_spans",
    "number_candidates",
    "number_format",
    "read_as_question",
    "read_date",
    "read_number",
]


class AmbiguousValue(ValueError):
    """A written value with more than one reading (``readings``); nothing was guessed."""

    def __init__(self, message: str, readings: tuple[Any, ...]) -> None:
        super().__init__(message)
        self.readings = readings


# decimal mark and grouping characters by language, and exceptions by locale (CLDR's symbols;
# a space of any width always groups)
_LANGUAGE_MARKS = {
    "en": (".", ","),
    "ja": (".", ","),
    "zh": (".", ","),
    "ko": (".", ","),
    "he": (".", ","),
    "th": (".", ","),
    "de": (",", "."),
    "es": (",", "."),
    "it": (",", "."),
    "nl": (",", "."),
    "pt": (",", "."),
    "da": (",", "."),
    "id": (",", "."),
    "tr": (",", "."),
    "el": (",", "."),
    "ro": (",", "."),
    "fr": (",", ""),
    "ru": (",", ""),
    "pl": (",", ""),
    "sv": (",", ""),
    "fi": (",", ""),
    "nb": (",", ""),
    "no": (",", ""),
    "cs": (",", ""),
    "sk": (",", ""),
    "uk": (",", ""),
    "hu": (",", ""),
    "bg": (",", ""),
}
_LOCALE_MARKS = {
    "de_CH": (".", "'’"),
    "fr_CH": (".", "'’"),
    "it_CH": (".", "'’"),
    "pt_PT": (",", ""),
}
_SPACES = " \u00a0\u202f\u2009"


@functools.lru_cache(maxsize=64)
def number_format(locale: str) -> tuple[str, str]:
    """``(decimal mark, grouping characters)`` of ``locale`` ("en", "de_DE", "fr-CH", ...).

    Raises ``ValueError`` for a locale it does not know (Babel, when installed, is asked for
    languages beyond the built-in table).
    """
    if not isinstance(locale, str) or not re.fullmatch(
        r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})*", locale
    ):
        raise ValueError(f"locale {locale!r} is not a locale name such as 'en', 'de' or 'fr_CH'")
    parts = locale.replace("-", "_").split("_")
    language = parts[0].lower()
    territory = next((p.upper() for p in parts[1:] if len(p) == 2), None)
    if territory and f"{language}_{territory}" in _LOCALE_MARKS:
        decimal, group = _LOCALE_MARKS[f"{language}_{territory}"]
    elif language in _LANGUAGE_MARKS:
        decimal, group = _LANGUAGE_MARKS[language]
    else:
        decimal, group = _babel_marks(locale)
    return decimal, group + _SPACES


def _babel_marks(locale: str) -> tuple[str, str]:
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:
        raise ValueError(
            f"locale {locale!r} is not in the built-in table ({sorted(_LANGUAGE_MARKS)}); "
            "install Babel to use any CLDR locale"
        ) from None
    try:
        symbols = Locale.parse(locale.replace("-", "_")).number_symbols["latn"]
    except (UnknownLocaleError, ValueError, KeyError):
        raise ValueError(f"unknown locale {locale!r}") from None
    group = symbols["group"]
    return symbols["decimal"], "" if group.isspace() else group


_SCALES = {
    "hundred": 100,
    "thousand": 10**3,
    "k": 10**3,
    "tsd": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "mio": 10**6,
    "mn": 10**6,
    "mm": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "mrd": 10**9,
    "trillion": 10**12,
}
_CURRENCY = (
    r"(?:US\$|A\$|C\$|NZ\$|HK\$|R\$|[$€£¥₹₽₩₪₺₦฿]|Rs\.?|Fr\.|kr\.?|zł|"
    r"USD|EUR|GBP|CHF|JPY|CNY|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|INR|BRL|MXN|ZAR|RUB|HKD|"
    r"SGD|KRW|TRY|ILS|AED|SAR|dollars?|euros?|pounds?(?: sterling)?)"
)
_SCALE = r"(?:hundred|thousand|millions?|billions?|trillion|mio|mrd|tsd|mn|mm|bn|k|m)\.?"
_WRITTEN_NUMBER = re.compile(
    rf"(?P<sign1>[-−+])?\s*(?:{_CURRENCY}\s*)?(?P<sign2>[-−+])?\s*"
    rf"(?P<digits>(?:\d|[.,]\d)[\d.,'’{_SPACES}]*?|\d[eE][-+]?\d+|\d+(?:\.\d+)?[eE][-+]?\d+)"
    rf"(?:\s*(?P<scale>{_SCALE}))?(?:\s*(?P<percent>%|per ?cent|percent))?(?:\s*{_CURRENCY})?",
    re.IGNORECASE,
)


def _group_ok(whole: str, group: str) -> bool:
    """Whether ``whole`` is digits grouped by threes with one kind of character from ``group``."""
    used = {c for c in whole if not c.isdigit()}
    if not used:
        return True
    if len(used) > 1 or not used <= set(group):
        return False
    parts = whole.split(used.pop())
    return 1 <= len(parts[0]) <= 3 and parts[0][0] != "0" and all(len(p) == 3 for p in parts[1:])


def _reading(digits: str, decimal: str, group: str) -> Decimal | None:
    whole, mark, fraction = digits.rpartition(decimal) if decimal in digits else (digits, "", "")
    if mark and (not fraction.isdigit() or decimal in whole):
        return None
    if (whole and not whole[0].isdigit()) or not _group_ok(whole, group):
        return None
    if not whole and not fraction:
        return None
    plain = "".join(c for c in whole if c.isdigit()) or "0"
    return Decimal(f"{plain}.{fraction}" if fraction else plain)


def _readings(digits: str, locale: str | None) -> list[tuple[Decimal, str]]:
    """Each distinct value ``digits`` can be, with the decimal mark that reading takes."""
    if re.fullmatch(r"\d+(?:\.\d+)?[eE][-+]?\d+", digits):
        return [(Decimal(digits), ".")]
    if locale is not None:
        decimal, group = number_format(locale)
        exact = _reading(digits, decimal, group)
        if exact is not None:
            return [(exact, decimal)]
    # without a locale, or written another way than the locale writes numbers ("1.500,00" in
    # an English text): every reading, to be taken only when there is one
    found: list[tuple[Decimal, str]] = []
    for decimal, group in ((".", ",'’" + _SPACES), (",", ".'’" + _SPACES)):
        value = _reading(digits, decimal, group)
        if value is not None and all(value != v for v, _ in found):
            found.append((value, decimal))
    return found


def _plain(value: Decimal) -> int | float:
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value} is too large a number")
    return number


def _describe(value: Decimal, digits: str, decimal: str) -> str:
    mark = next((c for c in reversed(digits) if c in ".,"), decimal)
    role = "the decimal mark" if mark == decimal else "grouping thousands"
    return f"{_plain(value)} (with {mark!r} {role})"


def read_number(value: Any, locale: str | None = None) -> int | float:
    """The number ``value`` is, as written by a person.

    Parameters
    ----------
    value
        A number, or text such as "1,500.00", "1.500,00", "EUR 2.000,50", "10 million",
        "15%", "thirty (30)".
    locale
        How to read "1.500" and "1,500" (e.g. ``"en"``: grouping comma; ``"de"``: decimal
        comma). ``None``: such numbers are refused with both readings.

    Returns
    -------
    int or float
        An ``int`` for whole numbers (below 2**53), else a ``float``.

    Raises
    ------
    AmbiguousValue
        When the grouping and the decimal mark cannot be told apart without a locale.
    ValueError
        When ``value`` is not one number.
    TypeError
        For a bool or a value that is not a number or text.

    Examples
    --------
    >>> read_number("1.500,00"), read_number("1,500.00"), read_number("EUR 2.000,50")
    (1500, 1500, 2000.5)
    >>> read_number("1.500", locale="de"), read_number("1.500", locale="en")
    (1500, 1.5)
    """
    if isinstance(value, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, (int, float, Decimal)) or (
        not isinstance(value, str) and hasattr(value, "__float__")
    ):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if not isinstance(value, str):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    text = " ".join(value.split()).strip().rstrip(".") if value.strip() else ""
    if not text:
        raise ValueError("the answer is empty")
    found = _WRITTEN_NUMBER.fullmatch(text)
    if found is None:
        several = number_candidates(text)
        if len(several) > 1:
            raise ValueError(f"{value!r} is not one number ({' and '.join(several)})")
        return _words(text, value)
    digits = found["digits"].strip(_SPACES)
    readings = _readings(digits, locale)
    if not readings:
        raise ValueError(f"{value!r} is not a number")
    if found["sign1"] and found["sign2"]:
        raise ValueError(f"{value!r} has two signs")
    negative = (found["sign1"] or found["sign2"]) in ("-", "−")
    scale = _SCALES[found["scale"].lower().rstrip(".")] if found["scale"] else 1
    values = [((-r if negative else r) * scale, mark) for r, mark in readings]
    if len(values) > 1:
        shown = " or ".join(_describe(v, digits, mark) for v, mark in values)
        plain = " or ".join(str(_plain(v)) for v, _ in values)
        raise AmbiguousValue(
            f"{value!r} is ambiguous {f'in locale {locale!r}' if locale else 'without a locale'}"
            f": {shown}; write {plain} or set the question's locale "
            "(Question(..., locale='en') or 'de', ...)",
            tuple(_plain(v) for v, _ in values),
        )
    return _plain(values[0][0])


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
_UNITS += "fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_WORDS = {w: i for i, w in enumerate(_UNITS.split())}
_WORDS |= {w: 10 * (i + 2) for i, w in enumerate(_TENS.split())}
_BIG = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def _words(text: str, original: str) -> int:
    """ "twelve", "thirty-six", "one hundred and five", "two million", "thirty (30)"."""
    body, digits = text, None
    bracket = re.fullmatch(r"(.*?)\s*\((\d[\d,.]*)\)", text)
    if bracket:
        body, digits = bracket.groups()
    words = body.lower().replace("-", " ").split()
    total, current, seen = 0, 0, False
    for word in words:
        if word in _WORDS:
            current += _WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _BIG:
            total += max(current, 1) * _BIG[word]
            current = 0
        elif word != "and" or not seen:
            raise ValueError(f"{original!r} is not a number")
        seen = True
    if not seen:
        raise ValueError(f"{original!r} is not a number")
    number = total + current
    if digits is not None and read_number(digits) != number:
        raise ValueError(f"{original!r} says two different numbers")
    return number


# digits as they stand in running text (a model's reply): the widest run that reads as one
_NUMBER_IN_TEXT = re.compile(
    rf"(?<![\w.,'’])(?:{_CURRENCY}\s?)?[-−+]?(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?"
    rf"|\d[\d.,'’]*\d|\d|[.,]\d+)(?:\s*{_SCALE}(?![\w]))?(?:\s*%)?",
    re.IGNORECASE,
)


def number_candidates(text: str) -> list[str]:
    """The written numbers in running ``text`` (each a string :func:`read_number` takes)."""
    return [m.group().rstrip(".,") for m in _NUMBER_IN_TEXT.finditer(text)]


_AMOUNT_IN_TEXT = re.compile(
    rf"{_CURRENCY}\s?[-−]?\d[\d.,'’{_SPACES}]*\d(?:\s*{_SCALE}(?!\w))?"
    rf"|\d[\d.,'’{_SPACES}]*\d(?:\s*{_SCALE}(?!\w))?\s?{_CURRENCY}(?!\w)"
    rf"|\d[\d.,'’]*\s*(?:million|billion|trillion)s?\b",
    re.IGNORECASE,
)


def amount_spans(text: str) -> list[tuple[int, int]]:
    """Where amounts of money are written in running text ("EUR 10.500.000", "$1,500",
    "2.5 million", "1.500,00 €")."""
    return [m.span() for m in _AMOUNT_IN_TEXT.finditer(text)]


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where dates (a day, or a month of a year) are written in running text; a four-digit
    number on its own is not taken for a year here."""
    return _dates.spans(text, years=False)


def as_number(value: Any, locale: str | None = None) -> float | None:
    """:func:`read_number` as a ``float``, or ``None`` when it is not exactly one number."""
    try:
        return float(read_number(value, locale))
    except (ValueError, TypeError):
        return None


def read_as_question(
    reader: Callable[[Any, str | None], Any], value: Any, locale: str | None, name: str
) -> Any:
    """``reader(value, locale)`` with its errors naming question ``name`` (same error type)."""
    try:
        return reader(value, locale)
    except AmbiguousValue as exc:
        raise AmbiguousValue(f"question {name!r}: {exc}", exc.readings) from None
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"question {name!r}: {exc}") from None


def read_date(value: Any, locale: str | None = None) -> str:
    """The date ``value`` is, as ISO text: ``"2021-03-04"``, or ``"2021-03"`` (a year and
    month) or ``"2021"`` (a year) for a partial date.

    Parameters
    ----------
    value
        A ``datetime.date``/``datetime`` or text: "March 4th, 2021", "4 March 2021",
        "2021-03-04", "04.03.2021", "March 2020", "[ ]/[ ]/2020", ...
    locale
        The order of numeric day/month dates ("03/04/2021": ``"en"``/``"en_US"`` month first,
        others day first). ``None``: such dates are refused with both readings unless a part
        is above 12.

    Raises
    ------
    AmbiguousValue
        For "03/04/2021" without a locale.
    ValueError
        When ``value`` is not a (real) date.
    TypeError
        For a value that is neither a date nor text.

    Examples
    --------
    >>> read_date("March 4th, 2021"), read_date("March 2020"), read_date("[ ]/[ ]/2020")
    ('2021-03-04', '2020-03', '2020')
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    readings = _dates.readings(value, _dates.month_first(locale) if locale else None)
    if not readings:
        raise ValueError(f"{value!r} is not a date (e.g. 2021-03-04, March 4, 2021 or March 2021)")
    if len(readings) > 1:
        raise AmbiguousValue(
            f"{value!r} is ambiguous without a locale: {readings[0]} (month first, as in the "
            f"US) or {readings[1]} (day first); write {readings[0]} or set the question's "
            "locale (Question(..., locale='en_US'))",
            tuple(readings),
        )
    return readings[0]


def as_date(value: Any, locale: str | None = None) -> str | None:
    """:func:`read_date`, or ``None`` when ``value`` is not exactly one date."""
    try:
        return read_date(value, locale)
    except (ValueError, TypeError):
        return None


def date_candidates(text: str) -> list[str]:
    """The written dates in running ``text`` (each a string :func:`read_date` takes), widest
    first where they overlap."""
    return _dates.candidates(text)
