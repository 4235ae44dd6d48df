"""Comparing answers: normalization, exact / normalized match, token F1 and word diffs.

Used by the widgets (model answer vs labeler answer), the review queue, agreement measures and
prompt reports, so every comparison in the project means the same thing.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import string
import unicodedata
from collections import Counter
from typing import Any

from labelwidgets.schema import UNKNOWN

__all__ = [
    "answers_equal",
    "exact",
    "normalize",
    "normalized_match",
    "score",
    "token_f1",
    "word_diff",
]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.IGNORECASE)
_PUNCT = str.maketrans({c: " " for c in string.punctuation + "“”‘’«»–—…"})
_TOKENS = re.compile(r"\s+|[^\w\s]|\w+")


def normalize(text: Any) -> str:
    """Lower case, accents folded, punctuation and articles removed, whitespace collapsed.

    >>> normalize("The Laws of  Québec.")
    'laws of quebec'
    """
    return _normalize(str(text))


@functools.lru_cache(maxsize=1 << 16)  # labels repeat a lot: the same answers are compared often
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact(a: Any, b: Any) -> bool:
    """Identical answers (UNKNOWN only equals UNKNOWN)."""
    if a is UNKNOWN or b is UNKNOWN:
        return a is b
    return a == b


def normalized_match(a: Any, b: Any) -> bool:
    """Equal after :func:`normalize` (UNKNOWN only equals UNKNOWN)."""
    if a is UNKNOWN or b is UNKNOWN:
        return a is b
    return normalize(a) == normalize(b)


def token_f1(a: Any, b: Any) -> float:
    """SQuAD-style token F1 of two answers after :func:`normalize` (UNKNOWN scores 1 with
    itself, 0 with anything else; two empty answers score 1)."""
    if a is UNKNOWN or b is UNKNOWN:
        return 1.0 if a is b else 0.0
    left, right = normalize(a).split(), normalize(b).split()
    if not left or not right:
        return 1.0 if left == right else 0.0
    common = sum((Counter(left) & Counter(right)).values())
    if not common:
        return 0.0
    precision, recall = common / len(left), common / len(right)
    return 2 * precision * recall / (precision + recall)


def answers_equal(a: Any, b: Any, kind: str = "text") -> bool:
    """Whether two answers to a question of ``kind`` agree.

    Choice and multi-choice answers compare as sets, numbers and ratings by value, dates by
    day, text after normalization; UNKNOWN only equals UNKNOWN; a missing answer equals nothing.
    """
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return False
    if a is UNKNOWN or b is UNKNOWN:
        return a is b
    if kind in ("choice", "multi_choice"):
        return _as_set(a) == _as_set(b)
    if kind in ("number", "rating"):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    if kind == "date":
        return str(a)[:10] == str(b)[:10]
    return normalized_match(a, b)


def score(a: Any, b: Any, kind: str = "text") -> float:
    """Agreement in [0, 1]: token F1 for text, 1/0 equality otherwise (Jaccard for multi-choice)."""
    if a is UNKNOWN or b is UNKNOWN or a is None or b is None:
        return 1.0 if (a is b and a is not None) else 0.0
    if kind == "text":
        return token_f1(a, b)
    if kind == "multi_choice":
        left, right = _as_set(a), _as_set(b)
        return len(left & right) / len(left | right) if left | right else 1.0
    return 1.0 if answers_equal(a, b, kind) else 0.0


def _as_set(value: Any) -> frozenset[str]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(str(v) for v in value)
    return frozenset([str(value)])


def _display(value: Any) -> str:
    if value is UNKNOWN:
        return "(not in the text)"
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def word_diff(a: Any, b: Any) -> list[dict[str, str]]:
    """Word-level diff of two answers as JSON-ready opcodes.

    Each opcode is ``{"op": "equal"|"delete"|"insert"|"replace", "a": ..., "b": ...}``; joining
    the ``a`` parts gives ``a`` back and joining the ``b`` parts gives ``b`` (whitespace and
    punctuation included), so widgets can render both sides from it. Words compare
    case-insensitively.
    """
    left, right = _TOKENS.findall(_display(a)), _TOKENS.findall(_display(b))
    matcher = difflib.SequenceMatcher(None, [t.lower() for t in left], [t.lower() for t in right],
                                      autojunk=False)  # fmt: skip
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        piece_a, piece_b = "".join(left[i1:i2]), "".join(right[j1:j2])
        if tag == "equal" and piece_a != piece_b:
            tag = "replace"  # same words, other case
        if ops and ops[-1]["op"] == tag:
            ops[-1]["a"] += piece_a
            ops[-1]["b"] += piece_b
        else:
            ops.append({"op": tag, "a": piece_a, "b": piece_b})
    return ops
