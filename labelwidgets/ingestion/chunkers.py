"""Chunkers: split a document's text into spans worth labeling.

A chunker returns ``(start, end)`` offsets into the document text, so a chunk's text is always
``document_text[start:end]`` and its provenance (page, characters) follows from the offsets.
All chunkers are deterministic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

__all__ = ["Chunker", "Pages", "Paragraphs", "Window"]

Span = tuple[int, int]

_WORD_GAP = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])[\"')\]]*\s+")
# A new paragraph starts at a blank line, or at a line that opens a numbered clause or a heading
# (contracts extracted from PDFs rarely have blank lines between clauses).
_PARAGRAPH_BREAK = re.compile(
    r"\n[ \t]*\n\s*|\n(?=[ \t]*(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s|\(?[a-z]{1,3}[.)]\s|"
    r"[A-Z][A-Z0-9 ,&'-]{3,}$|ARTICLE\b|Section\s\d))",
    re.MULTILINE,
)


class Chunker:
    """Base class: ``spans(text, page_offsets)`` yields ``(start, end)`` character offsets.

    ``prefix_stable``: the chunks before the one that reaches into a text's last page are the
    same in every longer text that starts with those pages. Then ingest stores a long PDF's
    chunks while its later pages are still being read; otherwise only once it is read (a
    subclass that changes how a built-in chunker cuts must set it to False unless that holds).
    """

    prefix_stable: ClassVar[bool] = False

    def spans(self, text: str, page_offsets: list[int]) -> list[Span]:
        raise NotImplementedError

    def __call__(self, text: str, page_offsets: list[int] | None = None) -> list[Span]:
        return [s for s in self.spans(text, page_offsets or [0]) if text[s[0] : s[1]].strip()]


def _trim(text: str, start: int, end: int) -> Span:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class Pages(Chunker):
    """One chunk per page."""

    prefix_stable: ClassVar[bool] = True

    def spans(self, text: str, page_offsets: list[int]) -> list[Span]:
        bounds = [*page_offsets, len(text)]
        return [_trim(text, a, b) for a, b in itertools.pairwise(bounds)]


@dataclass(frozen=True)
class Window(Chunker):
    """Fixed windows of ``size`` characters overlapping by ``overlap``, cut at word boundaries."""

    size: int = 1500
    overlap: int = 150
    prefix_stable: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _check_sizes(self.size, self.overlap, "Window", "size")

    def spans(self, text: str, page_offsets: list[int]) -> list[Span]:
        return list(_windows(text, 0, len(text), self.size, self.overlap))


@dataclass(frozen=True)
class Paragraphs(Chunker):
    """Pack whole paragraphs into chunks of at most ``max_chars``.

    A paragraph longer than ``max_chars`` is split on sentence boundaries, then on word
    boundaries; a word is cut only when it alone exceeds ``max_chars``. Consecutive chunks
    share about ``overlap`` characters of context (whole words).
    """

    max_chars: int = 1500
    overlap: int = 150
    prefix_stable: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _check_sizes(self.max_chars, self.overlap, "Paragraphs", "max_chars")

    def spans(self, text: str, page_offsets: list[int]) -> list[Span]:
        pieces = [p for a, b in _paragraphs(text) if b > a for p in self._fit(text, a, b)]
        packed: list[Span] = []
        start, end = None, None
        for a, b in pieces:
            if start is None:
                start, end = a, b
            elif b - start <= self.max_chars:
                end = b
            else:
                packed.append((start, end))  # type: ignore[arg-type]
                start, end = a, b
        if start is not None:
            packed.append((start, end))  # type: ignore[arg-type]
        return [self._with_overlap(text, packed, i) for i in range(len(packed))]

    def _fit(self, text: str, start: int, end: int) -> Iterator[Span]:
        """Pieces of one paragraph, each at most ``max_chars``."""
        if end - start <= self.max_chars:
            yield start, end
            return
        for a, b in _split_at(text, start, end, _SENTENCE_END):
            if b <= a:
                continue
            if b - a <= self.max_chars:
                yield a, b
            else:
                yield from _windows(text, a, b, self.max_chars, 0)

    def _with_overlap(self, text: str, packed: list[Span], i: int) -> Span:
        start, end = packed[i]
        if i == 0 or not self.overlap:
            return start, end
        room = self.max_chars - (end - start)
        want = min(self.overlap, room)
        if want <= 0:
            return start, end
        earliest = max(packed[i - 1][0], start - want)
        gap = _WORD_GAP.search(text, earliest, start)
        return _trim(text, gap.end(), end) if gap and gap.end() < start else (start, end)


def _check_sizes(size: int, overlap: int, name: str, field: str) -> None:
    if not isinstance(size, int) or size < 20:
        raise ValueError(f"{name}: {field} must be an integer >= 20, got {size!r}")
    if not isinstance(overlap, int) or not 0 <= overlap < size // 2:
        raise ValueError(f"{name}: overlap must be between 0 and {field}/2, got {overlap!r}")


def _paragraphs(text: str) -> Iterator[Span]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield _trim(text, start, match.start())
        start = match.end()
    yield _trim(text, start, len(text))


def _split_at(text: str, start: int, end: int, boundary: re.Pattern[str]) -> Iterator[Span]:
    for match in boundary.finditer(text, start, end):
        if match.start() > start:
            yield _trim(text, start, match.start())
        start = match.end()
    if start < end:
        yield _trim(text, start, end)


def _windows(text: str, start: int, end: int, size: int, overlap: int) -> Iterator[Span]:
    """Windows of at most ``size`` chars over ``[start, end)``, cut between words when possible."""
    start, end = _trim(text, start, end)
    while start < end:
        limit = min(start + size, end)
        cut = limit
        if limit < end:
            gaps = list(_WORD_GAP.finditer(text, start, limit + 1))
            inner = [g for g in gaps if g.start() > start]
            if inner:
                cut = inner[-1].start()
        yield _trim(text, start, cut)
        if cut >= end:
            return
        nxt = cut
        if overlap:
            back = _WORD_GAP.search(text, max(start + 1, cut - overlap), cut)
            nxt = back.end() if back else cut
        nxt = max(nxt, start + 1)
        while nxt < end and text[nxt].isspace():
            nxt += 1
        start = nxt
