"""Redaction of personal data in exported prompts and answers.

A redactor is any callable ``text -> text``. :func:`basic` covers emails, phone numbers, IBANs
and card-like numbers with regular expressions (and counts what it replaced); :func:`presidio`
uses Microsoft Presidio when it is installed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

__all__ = ["Redactor", "basic", "presidio"]

PATTERNS: dict[str, str] = {
    "EMAIL": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "IBAN": r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
    "CARD": r"\b(?:\d[ -]?){12,18}\d\b",
    "PHONE": r"(?<![\w+])(?<!\d\.)(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?\d{2,4}[\s.-]?\d{2,5}"
    r"|\d{2,4}[\s.-]\d{2,4}[\s.-]\d{2,5})(?!\w|\.\d)",
}


class Redactor:
    """Replace every match of the named ``patterns`` by ``[NAME]``; ``counts`` says how many."""

    def __init__(self, patterns: Mapping[str, str]) -> None:
        if not patterns:
            raise ValueError("a redactor needs at least one pattern")
        self.patterns = {name: re.compile(p) for name, p in patterns.items()}
        self.counts: Counter[str] = Counter()

    def __call__(self, text: str) -> str:
        for name, pattern in self.patterns.items():
            text, n = pattern.subn(f"[{name}]", text)
            if n:
                self.counts[name] += n
        return text

    def __repr__(self) -> str:
        return f"Redactor({sorted(self.patterns)})"


def basic(extra: Mapping[str, str] | None = None, *, only: list[str] | None = None) -> Redactor:
    """Emails, phone numbers, IBANs and card-like numbers (order matters: IBANs and cards are
    replaced before phone numbers); ``extra`` adds ``{NAME: regex}`` patterns."""
    chosen = {k: v for k, v in PATTERNS.items() if only is None or k in only}
    return Redactor({**chosen, **(extra or {})})


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
