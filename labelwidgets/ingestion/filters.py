"""Signal filters: keep only chunks that can answer the question.

Chunks where every answer is "not applicable" teach a model little; filtering them (and counting
what was dropped) shows what fraction of the corpus can answer the question at all.

Filters combine with ``&``, ``|`` and ``~``; any callable ``text -> bool`` is a filter too.

>>> keep = keywords(["governing law", "laws of"]) & ~regex(r"^\\s*Page \\d+\\s*$")
>>> keep("This Agreement is governed by the laws of Delaware.")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Filter", "all_of", "any_of", "as_filter", "keywords", "min_chars", "regex"]


@dataclass(frozen=True)
class Filter:
    """A named predicate on chunk text; ``True`` keeps the chunk."""

    name: str
    predicate: Callable[[str], bool] = field(compare=False, repr=False)

    def __call__(self, text: str) -> bool:
        return bool(self.predicate(text))

    def __and__(self, other: object) -> Filter:
        right = as_filter(other)
        return Filter(f"({self.name} & {right.name})", lambda t: self(t) and right(t))

    def __or__(self, other: object) -> Filter:
        right = as_filter(other)
        return Filter(f"({self.name} | {right.name})", lambda t: self(t) or right(t))

    def __invert__(self) -> Filter:
        return Filter(f"~{self.name}", lambda t: not self(t))

    def __repr__(self) -> str:
        return self.name


def as_filter(obj: object) -> Filter:
    """A :class:`Filter` from a filter or any callable on the chunk text."""
    if isinstance(obj, Filter):
        return obj
    if callable(obj):
        return Filter(getattr(obj, "__name__", repr(obj)), obj)  # type: ignore[arg-type]
    hint = " (for words, use lw.filters.keywords([...]))" if isinstance(obj, str) else ""
    raise TypeError(f"a filter must be a Filter or a callable on the chunk text, got {obj!r}{hint}")


def keywords(words: Iterable[str], *, case_sensitive: bool = False) -> Filter:
    """Keep chunks containing any of ``words`` (whole words; case-insensitive by default;
    whitespace inside a keyword matches any run of whitespace, such as a line break)."""
    words = [w for w in words if w and w.strip()]
    if not words:
        raise ValueError("keywords: give at least one non-empty keyword")
    pattern = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    compiled = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", 0 if case_sensitive else re.IGNORECASE)
    return Filter(f"keywords({words!r})", lambda t: compiled.search(t) is not None)


def regex(pattern: str, *, flags: int = re.IGNORECASE | re.MULTILINE) -> Filter:
    """Keep chunks where ``pattern`` matches somewhere."""
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"regex filter: invalid pattern {pattern!r}: {exc}") from None
    return Filter(f"regex({pattern!r})", lambda t: compiled.search(t) is not None)


def min_chars(n: int) -> Filter:
    """Keep chunks with at least ``n`` non-space characters."""
    return Filter(f"min_chars({n})", lambda t: sum(not c.isspace() for c in t) >= n)


def all_of(*filters: Filter | Callable[[str], bool]) -> Filter:
    """Keep chunks that pass every one of ``filters`` (the same as ``f1 & f2 & ...``)."""
    return _combine(filters, "all_of", all)


def any_of(*filters: Filter | Callable[[str], bool]) -> Filter:
    """Keep chunks that pass at least one of ``filters`` (the same as ``f1 | f2 | ...``)."""
    return _combine(filters, "any_of", any)


def _combine(filters: tuple[object, ...], name: str, how: Callable[..., bool]) -> Filter:
    if len(filters) == 1 and isinstance(filters[0], (list, tuple)):
        filters = tuple(filters[0])
    if not filters:
        raise ValueError(f"{name}: give at least one filter")
    parts = [as_filter(f) for f in filters]
    label = f"{name}({', '.join(f.name for f in parts)})"
    return Filter(label, lambda t: how(f(t) for f in parts))
