"""Is this answer written in the text? Locating answers in a chunk and checking their support.

Pure functions over strings: :func:`locate` finds where an answer is written in a text (offsets
into that text), :func:`is_supported` says whether an answer is supported by a chunk, through
its evidence spans when it has them, else by locating it in the chunk.

How text is matched
-------------------
Answer and text are cut into folded words by :mod:`labelwidgets.schema.word_index` (case,
accents, ligatures, apostrophes, abbreviations, thousands separators and line-break hyphens
folded; whitespace, quotes, dashes and punctuation only separate words), so every offset points
into the text exactly as given.

An answer is found when

1. its words occur in the text in the same order, one after the other; or else
2. every *content* phrase of the answer occurs in the text (content words are the words that
   are neither function words — "the", "of", "and", ... — nor legal boilerplate such as "laws",
   "state", "governed"; a phrase is a run of content words). Boilerplate words are not required
   but are located when they are near the phrases: "the laws of the State of New York" is found
   in "governed by New York law" (via "New York" + "law") and a bare "New York" is found in
   "the laws of the State of New York".

Numbers and dates (``kind="number"`` / ``"date"``) are found by value: 1500 in "$1,500" or
"1.5 thousand", "2021-03-04" in "March 4, 2021", "the 4th day of March, 2021" or "03/04/2021"
(a numeric date supports either of its day/month readings: the chunk does not say which).
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from labelwidgets.schema.answers import UNKNOWN, is_missing
from labelwidgets.schema.spans import coerce_evidence
from labelwidgets.schema.word_index import (
    _hits,
    _Index,
    _index,
    _positions,
    _tokens,
    words,
)
from labelwidgets.schema.written_values import as_date, as_number, find_dates, find_numbers

__all__ = [
    "JUDGED_KINDS",
    "Grounding",
    "content_words",
    "ground",
    "is_supported",
    "locate",
    "words",
]

JUDGED_KINDS = ("text", "number", "date")
"""Question kinds whose answers are checked against the text; choices and ratings are not
written in the text, and spans are the text."""

_KINDS = (*JUDGED_KINDS, "choice", "multi_choice", "rating", "spans")


_NEAR = 12  # words between a phrase and a boilerplate word that still belongs to the answer

_PHRASE_GAP = re.compile(r"[\s\-‐‑–—'’\"“”]*")  # what may stand between the words of a phrase


class _Terms(NamedTuple):
    """An answer cut for matching: all its words, its content phrases, its boilerplate words."""

    stems: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    generic: tuple[str, ...]


@functools.lru_cache(maxsize=1 << 16)
def _terms(answer: str) -> _Terms:
    cut = list(_tokens(answer))
    found = [w for w, _, _ in cut]
    # "Illinois; New York" is two phrases: punctuation between words ends a phrase
    joined = [
        i > 0 and _PHRASE_GAP.fullmatch(answer[cut[i - 1][2] : cut[i][1]]) for i in range(len(cut))
    ]
    content = [i for i, w in enumerate(found) if not w.stop] or list(range(len(found)))
    key = set([i for i in content if not found[i].generic] or content)
    phrases: list[tuple[str, ...]] = []
    for i in sorted(key):
        if i - 1 in key and joined[i]:
            phrases[-1] += (found[i].stem,)
        else:
            phrases.append((found[i].stem,))
    generic = (found[i].stem for i in content if i not in key)
    return _Terms(
        tuple(w.stem for w in found), tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(generic))
    )


def content_words(answer: Any) -> list[str]:
    """The words an answer must be found by (its content phrases, flattened).

    Examples
    --------
    >>> content_words("the laws of the State of New York")
    ['new', 'york']
    >>> content_words("Delaware law; England")
    ['delaware', 'england']
    """
    return [stem for phrase in _terms(str(answer)).phrases for stem in phrase]


def _nearest(positions: list[int], low: int, high: int) -> tuple[float, int]:
    """(distance, position) of the element of sorted ``positions`` closest to [low, high]."""
    at = bisect.bisect_left(positions, low)
    best: tuple[float, int] = (math.inf, -1)
    if at < len(positions):
        best = (max(positions[at] - high, 0), positions[at])
    if at > 0:
        best = min(best, (low - positions[at - 1], positions[at - 1]))
    return best


def _best_match(index: _Index, terms: _Terms) -> list[tuple[int, int]] | None:
    """Word ranges (first, last) of the closest occurrence of every phrase, plus the
    boilerplate words near them; ``None`` when a phrase does not occur."""
    hits = [_hits(index, phrase) for phrase in terms.phrases]
    if not all(hits):
        return None
    anchor = min(range(len(hits)), key=lambda p: len(hits[p]))
    best: tuple[Any, ...] | None = None
    for start in hits[anchor]:
        ranges = []
        for p, phrase in enumerate(terms.phrases):
            at = start if p == anchor else _nearest(hits[p], start, start)[1]
            ranges.append((at, at + len(phrase) - 1))
        low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
        spread = high - low
        for stem in terms.generic:
            distance, at = _nearest(_positions(index, stem), low, high)
            if distance <= _NEAR:
                ranges.append((at, at))
                spread += distance
        # most boilerplate words near, then the tightest, then the first
        cost = (-len(ranges), spread, start)
        if best is None or cost < best[0]:
            best = (cost, ranges)
    return None if best is None else best[1]


def _char_spans(index: _Index, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Word ranges as character spans; ranges with only function or boilerplate words between
    them join ("laws" + "New York" in "laws of the State of New York")."""
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and all(w.filler for w in index.words[merged[-1][1] + 1 : first]):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(index.span(first)[0], index.span(last)[1]) for first, last in merged]


def _locate_words(answer: str, text: str) -> list[tuple[int, int]]:
    terms = _terms(answer)
    if not terms.stems:
        return []
    index = _index(text)
    whole = _hits(index, terms.stems)
    if whole:
        return [(index.span(whole[0])[0], index.span(whole[0] + len(terms.stems) - 1)[1])]
    ranges = _best_match(index, terms)
    return [] if ranges is None else _char_spans(index, ranges)


def locate(answer: Any, text: str, kind: str = "text") -> list[tuple[int, int]]:
    """Where ``answer`` is written in ``text``.

    Parameters
    ----------
    answer : Any
        The answer (its ``str()`` for words; numbers and dates by value, see ``kind``).
    text : str
        The text to search, usually a chunk's text.
    kind : str
        The question kind. ``"number"`` and ``"date"`` answers are found by value when they can
        be read as a number or a date; everything else by words (see the module docstring).

    Returns
    -------
    list of (int, int)
        Half-open character spans into ``text`` (``text[start:end]``) of the best occurrence,
        in text order: one span when the answer is written in one place ("laws of the State of
        New York"), several when its phrases are apart. Empty when the answer is not found (and
        for UNKNOWN, missing or word-less answers).

    Examples
    --------
    >>> text = "This Agreement is governed by the laws of the State of\\nNew York."
    >>> [text[s:e] for s, e in locate("New York", text)]
    ['New York']
    >>> [text[s:e] for s, e in locate("the laws of New York", text)]
    ['laws of the State of\\nNew York']
    >>> locate("Delaware", text)
    []
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown question kind {kind!r}; expected one of {list(_KINDS)}")
    if not isinstance(text, str):
        raise TypeError(f"locate: text must be a string, got {type(text).__name__}")
    if answer is UNKNOWN or is_missing(answer):
        return []
    if kind == "number" and (value := as_number(answer)) is not None:
        return next(
            ([(s, e)] for v, s, e in find_numbers(text) if math.isclose(v, value, rel_tol=1e-12)),
            [],
        )
    if kind == "date" and (day := as_date(answer)) is not None:
        return next(([(s, e)] for v, s, e in find_dates(text) if v == day), [])
    return _locate_words(str(answer), text)


def _covered(spans: list[list[int]], text: str, chunk_start: int) -> str:
    """The text the evidence spans cover within ``text`` (clipped to it), one span per line."""
    pieces = []
    for start, end in spans:
        first = min(max(start - chunk_start, 0), len(text))
        pieces.append(text[first : min(max(end - chunk_start, first), len(text))])
    return "\n".join(pieces)


class Grounding(NamedTuple):
    """What :func:`ground` found.

    Attributes
    ----------
    supported : bool or None
        Whether the answer is supported; ``None`` when it is not judged.
    spans : list of (int, int)
        Where, in document offsets: the evidence spans when the answer was judged by its
        evidence, else the located spans (empty when not found).
    via : str or None
        ``"evidence"`` or ``"text"`` (the chunk's text); ``None`` when not judged.
    """

    supported: bool | None
    spans: list[tuple[int, int]]
    via: str | None


def ground(
    answer: Any,
    text: str,
    kind: str = "text",
    evidence: Iterable[Sequence[int]] | None = None,
    chunk_start: int = 0,
) -> Grounding:
    """Whether ``answer`` is supported by a chunk's ``text``, and where.

    Parameters
    ----------
    answer : Any
        The answer.
    text : str
        The chunk's text (or the document's text, with ``chunk_start=0``).
    kind : str
        The question kind. Only ``text``, ``number`` and ``date`` answers are judged.
    evidence : list of (start, end), optional
        Where the answer was found, in *document* offsets (checked by
        :func:`~labelwidgets.schema.spans.coerce_evidence`: a bad span is a ``TypeError`` or
        ``ValueError``). When given (and not empty), the answer is supported exactly when the
        text of these spans contains it (:func:`locate`); the spans are clipped to ``text``, so
        evidence outside it supports nothing.
    chunk_start : int
        Document offset of ``text[0]`` (the chunk's ``char_start``).

    Returns
    -------
    Grounding
        ``(supported, spans, via)``. ``supported`` is ``None`` when the answer is not judged:
        UNKNOWN, missing, empty or word-less answers, and kinds whose answers are not written
        in the text (choices, ratings, spans).

    Examples
    --------
    >>> ground("New York law", "Governed by the laws of the State of New York.", chunk_start=1000)
    Grounding(supported=True, spans=[(1016, 1045)], via='text')
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown question kind {kind!r}; expected one of {list(_KINDS)}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if isinstance(chunk_start, bool):
        raise TypeError("chunk_start must be a whole number, got a bool")
    start = operator.index(chunk_start)
    if answer is UNKNOWN or is_missing(answer) or kind not in JUDGED_KINDS:
        return Grounding(None, [], None)
    if not _terms(str(answer)).stems:
        return Grounding(None, [], None)
    if hasattr(evidence, "tolist"):  # a numpy array from a DataFrame column
        evidence = evidence.tolist()
    spans = None if is_missing(evidence) else coerce_evidence(evidence)
    if spans:
        covered = _covered(spans, text, start)
        return Grounding(bool(locate(answer, covered, kind)), [tuple(p) for p in spans], "evidence")
    found = locate(answer, text, kind)
    return Grounding(bool(found), [(start + s, start + e) for s, e in found], "text")


def is_supported(
    answer: Any,
    text: str,
    kind: str = "text",
    evidence: Iterable[Sequence[int]] | None = None,
    chunk_start: int = 0,
) -> bool | None:
    """Whether ``answer`` is supported by a chunk's ``text`` (see :func:`ground`).

    Returns ``True`` / ``False``, or ``None`` when the answer is not judged (UNKNOWN, missing,
    empty or word-less answers; choice, rating and spans questions). With ``evidence`` (spans
    in document offsets; ``chunk_start`` is the document offset of ``text[0]``) the answer is
    judged by the text of its spans only, else by :func:`locate` in ``text``.

    Examples
    --------
    >>> text = "governed by the laws of the State of New York"
    >>> is_supported("the laws of the State of New York", text), is_supported("Delaware", text)
    (True, False)
    >>> is_supported("New York", text, evidence=[(100, 112)], chunk_start=100)
    False
    >>> is_supported("New York", text, evidence=[(137, 145)], chunk_start=100)
    True
    """
    return ground(answer, text, kind, evidence, chunk_start).supported
