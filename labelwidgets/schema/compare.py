"""Comparing answers: normalization, exact / normalized match, token F1 and word diffs.

Used by the widgets (model answer vs labeler answer), the review queue, agreement measures and
prompt reports, so every comparison in the project means the same thing.

Rules
-----
- ``UNKNOWN`` ("not in the text") only equals ``UNKNOWN``; a missing answer (``None``/``NaN``)
  equals nothing, not even another missing answer.
- Text compares after :func:`normalize`: unicode compatibility forms and accents folded, case
  folded, punctuation dropped, one leading article ("the", "a", "an") dropped, whitespace
  collapsed. Articles inside an answer are kept ("Schedule A" is not "Schedule").
- Choice and multi-choice answers compare as sets (order and case do not matter), numbers and
  ratings by value ("1,500" == 1500.0), dates by day.
- Spans answers compare as sets of ``(start, end, label)``: equal when they mark exactly the same
  spans (the empty list "no spans" equals the empty list); :func:`score` is their exact span F1.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable
from typing import Any

from labelwidgets.schema import values as _values
from labelwidgets.schema.answers import UNKNOWN
from labelwidgets.schema.spans import span_f1, span_key

__all__ = [
    "answer_key",
    "answers_equal",
    "exact",
    "normalize",
    "normalized_match",
    "score",
    "token_f1",
    "tokens",
    "word_diff",
]

# letters that NFKD does not split into base letter + accent
_FOLD = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ĸ": "k",
    }
)
# joined without a space: "Buyer's" -> "buyers", "U.S.A." -> "usa", "1,500" -> "1500"
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ](?=\w)")
_ABBREVIATION = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# words (a dot between digits stays: "1.5"), and "$"/"%" on their own: "$5" is not "€5"
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an) (?=\S)")
_TOKENS = re.compile(r"\s+|[^\w\s]|\w+")


def normalize(text: Any) -> str:
    """Lower case, accents folded, punctuation and a leading article removed, whitespace collapsed.

    Parameters
    ----------
    text : Any
        An answer; non-strings are compared by their ``str()``.

    Returns
    -------
    str
        The normalized form. Currency signs and ``%`` stay as separate tokens.

    Examples
    --------
    >>> normalize("The Laws of  Québec.")
    'laws of quebec'
    >>> normalize("U.S.$1,500")
    'us $ 1500'
    """
    return _normalize(str(text))


@functools.lru_cache(maxsize=1 << 16)  # labels repeat a lot: the same answers are compared often
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    text = _APOSTROPHE.sub("", text)
    text = _ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    text = _THOUSANDS.sub("", text)
    return _LEADING_ARTICLE.sub("", " ".join(_words().findall(text)))


@functools.cache
def _words() -> re.Pattern[str]:
    """Word runs and currency signs. Built on first use: listing the currency signs walks the
    whole Basic Multilingual Plane, which importing the package should not pay for."""
    currency = "".join(chr(i) for i in range(0x10000) if unicodedata.category(chr(i)) == "Sc")
    return re.compile(rf"(?:[^\W_]|(?<=\d)\.(?=\d))+|[%{re.escape(currency)}]")


def tokens(text: Any) -> list[str]:
    """The normalized tokens of an answer (what :func:`token_f1` counts)."""
    return normalize(text).split()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def exact(a: Any, b: Any) -> bool:
    """Identical answers (UNKNOWN only equals UNKNOWN; missing equals nothing)."""
    if _missing(a) or _missing(b):
        return False
    if a is UNKNOWN or b is UNKNOWN:
        return a is b
    return bool(a == b)


def normalized_match(a: Any, b: Any) -> bool:
    """Equal after :func:`normalize` (UNKNOWN only equals UNKNOWN; missing equals nothing)."""
    if _missing(a) or _missing(b):
        return False
    if a is UNKNOWN or b is UNKNOWN:
        return a is b
    return normalize(a) == normalize(b)


def token_f1(a: Any, b: Any) -> float:
    """SQuAD-style token F1 of two answers over their :func:`normalize` d tokens.

    Symmetric, in [0, 1], and 1.0 exactly when both answers have the same multiset of normalized
    tokens. UNKNOWN scores 1 with itself and 0 with anything else; two answers with no tokens
    (e.g. "" and "...") score 1; a missing answer scores 0.
    """
    if _missing(a) or _missing(b):
        return 0.0
    if a is UNKNOWN or b is UNKNOWN:
        return 1.0 if a is b else 0.0
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 1.0 if left == right else 0.0
    common = sum((Counter(left) & Counter(right)).values())
    if not common:
        return 0.0
    precision, recall = common / len(left), common / len(right)
    return 2 * precision * recall / (precision + recall)


def _as_set(value: Any) -> frozenset[str]:
    items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return frozenset(" ".join(str(v).split()).casefold() for v in items)


def _as_number(value: Any, locale: str | None = None) -> float | None:
    """The one number reader (:func:`labelwidgets.schema.values.read_number`), or None."""
    return _values.as_number(value, locale)


def _as_date(value: Any, locale: str | None = None) -> str | None:
    """The one date reader (:func:`labelwidgets.schema.values.read_date`): ISO text of a day,
    a year-month or a year, or None."""
    return _values.as_date(value, locale)


def answer_key(value: Any, kind: str = "text", locale: str | None = None) -> Hashable:
    """A hashable key of an answer: two answers to a ``kind`` question agree exactly when their
    keys are equal (see :func:`answers_equal`). Lets callers compare many answers by hashing
    (group by, factorize) instead of pair by pair.

    Returns ``None`` for a missing answer (which agrees with nothing: check for it), ``UNKNOWN``
    for UNKNOWN, a frozenset for choices, a float (12 significant digits) for numbers and
    ratings, an ISO date string for dates (``"2020-03"`` and ``"2020"`` for partial dates), a
    frozenset of ``(start, end, label)`` for spans, and the :func:`normalize` d string for text
    and for numbers, dates or spans that cannot be read as such (or only ambiguously: "1.500"
    without a ``locale``).
    """
    if _missing(value):
        return None
    if value is UNKNOWN:
        return UNKNOWN
    if kind in ("choice", "multi_choice"):
        return _as_set(value)
    if kind in ("number", "rating"):
        number = _as_number(value, locale)
        if number is not None:
            return float(f"{number:.12g}") + 0.0  # + 0.0: -0.0 and 0.0 are one key
    elif kind == "date":
        day = _as_date(value, locale)
        if day is not None:
            return day
    elif kind == "spans":
        spans = span_key(value)
        if spans is not None:
            return spans
    elif kind != "text":
        raise ValueError(f"unknown question kind {kind!r}")
    return normalize(value)


def answers_equal(
    a: Any, b: Any, kind: str = "text", match: str | None = None, locale: str | None = None
) -> bool:
    """Whether two answers to a question of ``kind`` agree (under rule ``match`` when given).

    Parameters
    ----------
    a, b : Any
        Answers (values, ``UNKNOWN``, or ``None``/``NaN`` for "no answer").
    kind : str
        The question kind: "text", "choice", "multi_choice", "rating", "number", "date" or
        "spans".

    Returns
    -------
    bool
        Choice and multi-choice answers compare as sets (case-insensitive), numbers and ratings
        by value (to 12 significant digits, so 0.1 + 0.2 equals 0.3), dates by day, spans as
        sets of (start, end, label), text after :func:`normalize`. A number or date that cannot be read as one falls back to the text
        comparison. Numbers and dates are read by :mod:`labelwidgets.schema.values` with
        ``locale`` (a question's ``locale=``), as the question itself reads them. UNKNOWN only equals UNKNOWN; a missing answer equals nothing. With
        ``match`` (a question's ``match=`` rule, see :mod:`labelwidgets.schema.matching`), the
        rule decides instead (either direction for a rule that is not symmetric).
    """
    if match is not None and match != "normalized":
        from labelwidgets.schema.matching import resolve  # matching builds on this module

        return resolve(match, kind, locale=locale).agree(a, b)
    key = answer_key(a, kind, locale)
    return key is not None and key == answer_key(b, kind, locale)


def score(a: Any, b: Any, kind: str = "text") -> float:
    """Agreement of two answers in [0, 1].

    Token F1 for text, Jaccard overlap for multi-choice, exact span F1 for spans, 1/0 equality (:func:`answers_equal`)
    otherwise. UNKNOWN scores 1 with itself and 0 with anything else; missing scores 0.
    """
    if _missing(a) or _missing(b):
        return 0.0
    if a is UNKNOWN or b is UNKNOWN:
        return 1.0 if a is b else 0.0
    if kind == "text":
        return token_f1(a, b)
    if kind == "multi_choice":
        left, right = _as_set(a), _as_set(b)
        return len(left & right) / len(left | right) if left | right else 1.0
    if kind == "spans" and span_key(a) is not None and span_key(b) is not None:
        return span_f1(a, b)
    return 1.0 if answers_equal(a, b, kind) else 0.0


def _display(value: Any) -> str:
    if value is UNKNOWN:
        return "(not in the text)"
    if _missing(value):
        return ""
    if isinstance(value, (list, tuple)):
        spans = span_key(value) if value else None
        if spans is not None:
            return ", ".join(f"{label} {start}–{end}" for start, end, label in sorted(spans))
        return ", ".join(str(v) for v in value)
    return str(value)


def word_diff(a: Any, b: Any) -> list[dict[str, str]]:
    """Word-level diff of two answers as JSON-ready opcodes.

    Parameters
    ----------
    a, b : Any
        Answers; UNKNOWN shows as "(not in the text)", a multi-choice list as "x, y", a missing
        answer as "".

    Returns
    -------
    list of dict
        ``{"op": "equal"|"delete"|"insert"|"replace", "a": ..., "b": ...}`` in order. Text is
        split into words, single punctuation marks and runs of whitespace; joining the ``a``
        parts gives ``a`` back and joining the ``b`` parts gives ``b`` (whitespace and
        punctuation included), so a widget can render both sides from it. Words match
        case-insensitively; a case-only change is a "replace".

    Examples
    --------
    >>> word_diff("the laws of England", "the laws of Wales")
    [{'op': 'equal', 'a': 'the laws of ', 'b': 'the laws of '}, {'op': 'replace', 'a': 'England', 'b': 'Wales'}]
    """
    left, right = _TOKENS.findall(_display(a)), _TOKENS.findall(_display(b))
    matcher = difflib.SequenceMatcher(
        None, [t.casefold() for t in left], [t.casefold() for t in right], autojunk=False
    )
    ops: list[dict[str, str]] = []

    def emit(tag: str, piece_a: str, piece_b: str) -> None:
        if ops and ops[-1]["op"] == tag:
            ops[-1]["a"] += piece_a
            ops[-1]["b"] += piece_b
        elif ops and {ops[-1]["op"], tag} <= {"insert", "delete", "replace"}:
            # a delete next to an insert is one replace: the widgets show one change, not two
            ops[-1] = {"op": "replace", "a": ops[-1]["a"] + piece_a, "b": ops[-1]["b"] + piece_b}
        else:
            ops.append({"op": tag, "a": piece_a, "b": piece_b})

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # equal ignoring case: a word whose case changed is a replace
            for x, y in zip(left[i1:i2], right[j1:j2], strict=True):
                emit("equal" if x == y else "replace", x, y)
        else:
            emit(tag, "".join(left[i1:i2]), "".join(right[j1:j2]))
    return ops
