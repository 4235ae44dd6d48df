"""Redaction of personal data in exported prompts (and in the answers of PII questions).

A redactor is any callable ``text -> text``. :func:`basic` finds personal data with real
validators: e-mail addresses, phone numbers (the ``phonenumbers`` library, the ``[pii]``
extra), payment cards (Luhn checksum and a card network's number ranges) and IBANs (ISO 13616
mod-97 checksum and the country's length). Dates, amounts of money and identifiers such as
invoice numbers and ISBNs are never replaced: a candidate that is one is left as it is.
:func:`presidio` uses Microsoft Presidio when it is installed.

``lw.export(..., redact=lw.redact.basic())`` applies the redactor to every prompt (the chunk
and its context) and to the answers of questions made with ``Question(..., pii=True)`` only,
so a date question's target stays the date; the export report counts replacements per kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema.values import amount_spans, date_spans

__all__ = ["Detector", "Redactor", "basic", "presidio"]

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}(?![\w-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# the lengths of IBANs by country (ISO 13616 registry), for the countries most often seen
_LENGTHS = "AT20 BE16 BG22 CH21 CY28 CZ24 DE22 DK18 EE20 ES24 FI18 FR27 GB22 GR27 HR21 HU28 "
_LENGTHS += "IE22 IS26 IT27 LI21 LT20 LU20 LV21 MC27 MT31 NL18 NO15 PL28 PT25 RO24 SE24 SI19 "
_LENGTHS += "SK24 SM27 TR26 AE23 SA24 IL23 BR29"
_IBAN_LENGTHS = {entry[:2]: int(entry[2:]) for entry in _LENGTHS.split()}
# numbers named as something else than a person's ("ISBN 978-...", "Invoice No. 2021-...")
_IDENTIFIER = re.compile(
    r"(?:isbn(?:-1[03])?|issn|invoice|inv\.?|order|purchase order|po|ref\.?|reference|"
    r"contract|case|docket|serial|sku|part)(?:\s*(?:no\.?|number|#|nr\.?))?\s*[:#]?\s*$",
    re.IGNORECASE,
)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a card number (digits only)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _card_network(digits: str) -> bool:
    """Whether ``digits`` is in a card network's number range with that network's length."""
    n, two, four = len(digits), int(digits[:2]), int(digits[:4])
    return (
        (digits[0] == "4" and n in (13, 16, 19))  # Visa
        or ((51 <= two <= 55 or 2221 <= four <= 2720) and n == 16)  # Mastercard
        or (two in (34, 37) and n == 15)  # American Express
        or ((digits.startswith(("6011", "65")) or 644 <= int(digits[:3]) <= 649) and n >= 16)
        or (3528 <= four <= 3589 and n >= 16)  # JCB
        or ((two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305) and n >= 14)  # Diners
        or (two == 62 and n >= 16)  # UnionPay
    )


def iban_ok(text: str) -> bool:
    """The ISO 13616 check of an IBAN: its country's length and mod-97 remainder 1."""
    compact = text.replace(" ", "").upper()
    country = compact[:2]
    if _IBAN_LENGTHS.get(country, len(compact)) != len(compact) or not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


@dataclass(frozen=True)
class Detector:
    """One kind of personal data: ``find(text)`` yields ``(start, end)`` of each occurrence.
    ``numeric`` detectors never replace what is a date, an amount or a named identifier."""

    name: str
    find: Callable[[str], Iterable[tuple[int, int]]]
    numeric: bool = False


def _regex(pattern: re.Pattern[str], valid: Callable[[str], bool]) -> Callable[[str], Any]:
    return lambda text: ((m.start(), m.end()) for m in pattern.finditer(text) if valid(m.group()))


def _card(found: str) -> bool:
    digits = re.sub(r"\D", "", found)
    return _card_network(digits) and luhn_ok(digits)


def _phones(regions: tuple[str, ...]) -> Callable[[str], Iterable[tuple[int, int]]]:
    try:
        import phonenumbers
    except ImportError:
        raise ImportError(
            "phone numbers are found with the phonenumbers library: "
            "pip install 'labelwidgets[pii]' (or pass only=['EMAIL', 'IBAN', 'CARD'])"
        ) from None

    def find(text: str) -> Iterable[tuple[int, int]]:
        seen = set()
        for region in regions:
            for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.VALID):
                if (m.start, m.end) not in seen:
                    seen.add((m.start, m.end))
                    yield m.start, m.end

    return find


def _protected(text: str) -> list[tuple[int, int]]:
    return [*date_spans(text), *amount_spans(text)]


class Redactor:
    """Replace what ``detectors`` find by ``[NAME]``; ``counts`` says how many of each kind
    (over every call).

    ``detectors`` maps a name to a :class:`Detector`'s find function or to a regular
    expression (a custom kind: every match is replaced).
    """

    def __init__(self, detectors: Mapping[str, Detector | str] | Iterable[Detector]) -> None:
        if isinstance(detectors, Mapping):
            detectors = [
                d if isinstance(d, Detector) else Detector(name, _regex(re.compile(d), bool))
                for name, d in detectors.items()
            ]
        self.detectors = list(detectors)
        if not self.detectors:
            raise ValueError("a redactor needs at least one detector")
        self.counts: Counter[str] = Counter()

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of everything to replace, in order, never overlapping (the
        first detector wins)."""
        protected: list[tuple[int, int]] | None = None
        taken: list[tuple[int, int, str]] = []
        for detector in self.detectors:
            for start, end in detector.find(text):
                if any(start < e and s < end for s, e, _ in taken):
                    continue
                if detector.numeric:
                    protected = _protected(text) if protected is None else protected
                    if any(start < e and s < end for s, e in protected):
                        continue  # a date or an amount of money is not personal data
                    if _IDENTIFIER.search(text[max(0, start - 30) : start]):
                        continue
                taken.append((start, end, detector.name))
        return sorted(taken)

    def __call__(self, text: str) -> str:
        pieces, last = [], 0
        for start, end, name in self.find(text):
            pieces += [text[last:start], f"[{name}]"]
            last = end
            self.counts[name] += 1
        return "".join([*pieces, text[last:]])

    def __repr__(self) -> str:
        return f"Redactor({[d.name for d in self.detectors]})"


def basic(
    extra: Mapping[str, str] | None = None,
    *,
    only: list[str] | None = None,
    phone_regions: Iterable[str] = ("US",),
) -> Redactor:
    """E-mail addresses, IBANs, payment cards and phone numbers, each checked by its validator.

    Parameters
    ----------
    extra
        More kinds as ``{NAME: regex}`` (every match replaced by ``[NAME]``).
    only
        The built-in kinds to use ("EMAIL", "IBAN", "CARD", "PHONE"); default all.
    phone_regions
        Countries whose national phone numbers are recognized ("020 7946 0958" needs "GB");
        numbers written with a +country code are recognized in any case.

    Examples
    --------
    >>> redact = basic()  # doctest: +SKIP
    >>> redact("Call +1 212 555 0142 by March 4, 2021 about EUR 10.500.000.")  # doctest: +SKIP
    'Call [PHONE] by March 4, 2021 about EUR 10.500.000.'
    """
    kinds = {
        "EMAIL": lambda: Detector("EMAIL", _regex(_EMAIL, bool)),
        "IBAN": lambda: Detector("IBAN", _regex(_IBAN, iban_ok)),
        "CARD": lambda: Detector("CARD", _regex(_CARD, _card), numeric=True),
        "PHONE": lambda: Detector("PHONE", _phones(tuple(phone_regions)), numeric=True),
    }
    wanted = list(kinds) if only is None else list(only)
    unknown = sorted(set(wanted) - set(kinds))
    if unknown:
        raise ValueError(f"basic(only=...): unknown kind(s) {unknown}; use some of {list(kinds)}")
    detectors = [kinds[name]() for name in kinds if name in wanted]
    custom = [Detector(n, _regex(re.compile(p), bool)) for n, p in (extra or {}).items()]
    return Redactor([*detectors, *custom])


def presidio(language: str = "en", entities: list[str] | None = None) -> Callable[[str], str]:
    """A redactor backed by Presidio's analyzer and anonymizer (``pip install presidio-analyzer
    presidio-anonymizer`` and a spaCy model)."""
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_anonymizer import AnonymizerEngine
    except ImportError:
        raise ImportError(
            "presidio() needs the 'presidio' extra: pip install 'labelwidgets[presidio]'"
        ) from None
    analyzer, anonymizer = AnalyzerEngine(), AnonymizerEngine()

    def redact(text: str) -> str:
        found = analyzer.analyze(text=text, language=language, entities=entities)
        return anonymizer.anonymize(text=text, analyzer_results=found).text

    return redact


def checked(redact: Callable[[str], str]) -> Callable[[str], str]:
    """``redact`` that refuses to return anything but text (a ``None`` would write ``null``
    training rows)."""
    if not callable(redact):
        raise TypeError(f"redact must be a callable text -> text, got {type(redact).__name__}")

    def apply(text: str) -> str:
        result = redact(text)
        if not isinstance(result, str):
            raise TypeError(
                f"redact must return the redacted text (a string), but {redact!r:.60} returned "
                f"{type(result).__name__} for {text[:40]!r}; nothing was written"
            )
        return result

    return apply
