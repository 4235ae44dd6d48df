"""When two answers to a question are the same answer: the question's ``match=`` rule.

Every comparison the project makes (agreement, accuracy against gold, consensus, the review
queue's grouping, de-duplication in export) asks the question's rule, so equivalent answers
count as equal everywhere.

Built-in rules
--------------
``"exact"``
    Identical values.
``"normalized"`` (the default)
    :func:`labelwidgets.schema.compare.answer_key`: text after
    :func:`~labelwidgets.schema.compare.normalize` (case, accents, punctuation, a leading
    article), choices as sets, numbers and ratings by value, dates by day.
``"token_f1>=x"``
    Text whose token F1 is at least ``x`` (0 < x <= 1), e.g. ``"token_f1>=0.8"``.
``"contains"``
    The answer contains the reference as a run of whole normalized words: the more precise
    "the laws of the State of New York" matches the reference "New York". Between two labelers
    (no reference side), two answers agree when either contains the other.
``"number"``
    Text read as a number by value: "$1,500", "1500 USD" and "1.5 thousand" are 1500.
``"date"``
    Text read as a date by day: "2002-01-14", "January 14, 2002", "14 January 2002" and the US
    form "1/14/02" (month first, as CUAD writes dates); "March 2002" by month.

Both read with :mod:`labelwidgets.schema.values`, in the question's ``locale=``; for a question
without one these two rules read US English forms ("1,500" is 1500, "03/04/2002" is March 4),
as they are documented to.
``"entity"``
    The places an answer names, via the entity gazetteers (:mod:`~labelwidgets.schema.jurisdictions`):
    "the laws of the State of New York" = "New York law" = "New York"; "English law" = "the laws
    of England". An answer naming no place compares as ``"normalized"``.

Any other rule is a function registered by name in this process with :func:`register_match`;
a task keeps only the name, and a stored name is never imported or looked up anywhere else.

Every rule: UNKNOWN matches only UNKNOWN; a missing answer (None/NaN) matches nothing. Answers
equal under ``exact`` are equal under ``normalized``, and those are equal under ``entity``,
``number``, ``date``, ``contains`` and ``token_f1>=x``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import values as _values
from labelwidgets.schema.answers import UNKNOWN, is_missing
from labelwidgets.schema.compare import answer_key, normalize, token_f1, tokens

__all__ = ["BUILTIN", "Matcher", "check", "cluster", "register_match", "resolve"]

BUILTIN = ("exact", "normalized", "token_f1>=x", "contains", "number", "date", "entity")
_F1 = re.compile(r"^token_f1\s*>=\s*(\d*\.?\d+)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
_TEXT_ONLY = ("token_f1", "contains", "entity", "number", "date")
_KIND_RULES = {"number": "number", "rating": "number", "date": "date"}
_registry: dict[str, tuple[Callable[..., Any], bool, bool]] = {}
_loading = contextvars.ContextVar("labelwidgets_match_loading", default=False)


@dataclass(frozen=True)
class Matcher:
    """A resolved ``match=`` rule for answers of one question kind.

    ``key(value)`` is hashable and equal keys always match; for a keyed rule (every built-in
    but ``token_f1>=x`` and ``contains``, and functions registered with ``key=True``) answers
    match exactly when their keys are equal, so callers may group by key. Otherwise ``key`` is
    only a first grouping and :meth:`agree` decides.
    """

    name: str
    kind: str
    keyed: bool
    symmetric: bool
    _key: Callable[[Any], Hashable]
    _equal: Callable[[Any, Any], bool] | None = None

    def key(self, value: Any) -> Hashable | None:
        """The key of an answer: None when missing, UNKNOWN for UNKNOWN."""
        if is_missing(value):
            return None
        if value is UNKNOWN:
            return UNKNOWN
        return self._key(value)

    def matches(self, answer: Any, reference: Any) -> bool:
        """Whether ``answer`` is right against ``reference`` (directed for ``contains``)."""
        left, right = self.key(answer), self.key(reference)
        if left is None or right is None:
            return False
        if left is UNKNOWN or right is UNKNOWN or left == right or self._equal is None:
            return left == right
        return bool(self._equal(answer, reference))

    def agree(self, a: Any, b: Any) -> bool:
        """Whether two answers agree (either direction for a rule that is not symmetric)."""
        return self.matches(a, b) or (not self.symmetric and self.matches(b, a))


def _hashable(value: Any) -> Hashable:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(value) if not isinstance(value, (set, frozenset)) else frozenset(value)
    return value


_RULE_LOCALE = "en_US"  # the "number" and "date" rules' reading where a question has no locale


def read_number(value: Any, locale: str | None = None) -> float | None:
    """A number in ``value`` ("$1,500", "USD 1500", "1.5 million", 1500), or None (read by
    :func:`labelwidgets.schema.values.read_number`, US English forms unless ``locale``)."""
    return _values.as_number(value, locale or _RULE_LOCALE)


def read_date(value: Any, locale: str | None = None) -> dt.date | None:
    """A full date in ``value``: ISO, written forms ("January 14th, 2002", "the 14th day of
    January, 2002") or the US numeric form month/day/year unless ``locale``; None otherwise
    (also for a partial date such as "March 2002")."""
    day = _values.as_date(value, locale or _RULE_LOCALE)
    return dt.date.fromisoformat(day) if day is not None and len(day) == 10 else None


def _by_value(
    reader: Callable[[Any, str | None], Any], kind: str, locale: str | None
) -> Callable[[Any], Hashable]:
    def key(value: Any) -> Hashable:
        found = reader(value, locale or _RULE_LOCALE)
        if found is None:
            return answer_key(value, kind, locale)
        if isinstance(found, float):
            return float(f"{found:.12g}") + 0.0
        return found

    return key


def _contains(answer: Any, reference: Any) -> bool:
    inner, outer = tokens(reference), tokens(answer)
    if not inner:
        return False
    size = len(inner)
    return any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))


def _entity_key(value: Any) -> Hashable:
    from labelwidgets.schema.jurisdictions import place_key

    return place_key(str(value))


def _normalized(kind: str, locale: str | None = None) -> Callable[[Any], Hashable]:
    return lambda value: answer_key(value, kind, locale)


@functools.lru_cache(maxsize=256)
def _builtin(name: str, kind: str, locale: str | None = None) -> Matcher | None:
    if name == "exact":
        return Matcher(name, kind, True, True, _hashable)
    if name == "normalized":
        return Matcher(name, kind, True, True, _normalized(kind, locale))
    if name == "number":
        return Matcher(name, kind, True, True, _by_value(_values.as_number, kind, locale))
    if name == "date":
        return Matcher(name, kind, True, True, _by_value(_values.as_date, kind, locale))
    if name == "entity":
        return Matcher(name, kind, True, True, _entity_key)
    if name == "contains":
        return Matcher(name, kind, False, False, _normalized(kind, locale), _contains)
    found = _F1.match(name)
    if found:
        least = float(found.group(1))
        if not 0 < least <= 1:
            raise ValueError(f"match {name!r}: the token F1 bar must be in (0, 1]")
        return Matcher(
            f"token_f1>={least:g}",
            kind,
            False,
            True,
            _normalized(kind, locale),
            _f1_at_least(least),
        )
    return None


def _f1_at_least(least: float) -> Callable[[Any, Any], bool]:
    return lambda a, b: token_f1(a, b) >= least - 1e-12


def check(match: Any, kind: str) -> str:
    """Validate a ``match=`` value for a question of ``kind``; return the rule's name.

    A registered function may be given itself (its registered name is kept). Raises
    ``ValueError`` naming the problem (unknown rule, rule that does not fit the kind, a bad
    token F1 bar) and ``TypeError`` for an unregistered function.
    """
    if callable(match):
        names = [n for n, (fn, _, _) in _registry.items() if fn is match]
        if not names:
            raise TypeError(
                "match= takes a rule name; register the function first with "
                "lw.register_match(name, fn) and pass its name"
            )
        match = names[0]
    if not isinstance(match, str) or not match.strip():
        raise TypeError(f"match must be a rule name (str), got {type(match).__name__}")
    match = match.strip()
    if _builtin(match, kind) is not None:
        base = match.split(">=")[0].strip()
        if kind == "spans" and base != "normalized":
            raise ValueError(
                f"match {match!r}: spans compare as sets of (start, end, label); a spans "
                "question takes 'normalized' or a registered rule"
            )
        if kind != "text" and base in _TEXT_ONLY and _KIND_RULES.get(kind) != base:
            raise ValueError(
                f"match {match!r} compares text answers; a {kind} question takes 'exact', "
                f"'normalized'{_kind_rule_hint(kind)} or a registered rule"
            )
        return _builtin(match, kind).name
    if not _NAME.match(match):
        raise ValueError(
            f"unknown match rule {match!r}: use one of {list(BUILTIN)} or a name registered "
            "with lw.register_match"
        )
    if match not in _registry and not _loading.get():
        raise ValueError(
            f"match rule {match!r} is not registered in this process: call "
            f"lw.register_match({match!r}, fn) first; built-in rules: {list(BUILTIN)}"
        )
    return match


def _kind_rule_hint(kind: str) -> str:
    rule = _KIND_RULES.get(kind)
    return f", {rule!r}" if rule else ""


def resolve(match: str, kind: str = "text", locale: str | None = None) -> Matcher:
    """The :class:`Matcher` for rule ``match`` on answers of ``kind`` (numbers and dates
    written in ``locale``, a question's ``locale=``).

    Raises ``ValueError`` for a name that is neither built in nor registered in this process.
    """
    found = _builtin(match, kind, locale)
    if found is not None:
        return found
    if match not in _registry:
        raise ValueError(
            f"match rule {match!r} is not registered in this process: call "
            f"lw.register_match({match!r}, fn) before using this task (a stored task keeps only "
            "the rule's name; code is never loaded from the store)"
        )
    fn, keyed, symmetric = _registry[match]
    if keyed:
        return Matcher(match, kind, True, True, fn)
    return Matcher(match, kind, False, symmetric, _hashable, fn)


def register_match(
    name: str, fn: Callable[..., Any], *, key: bool = False, symmetric: bool = True
) -> str:
    """Register a comparison under ``name`` for ``Question(match=name)`` in this process.

    Parameters
    ----------
    name : str
        Letters, digits, ``_``, ``.``, ``-``; not a built-in rule. Registering a name again
        replaces its function.
    fn : callable
        ``fn(answer, reference) -> bool`` (it must hold for two identical answers), or with
        ``key=True``, ``fn(value) -> hashable`` (answers match when their keys are equal).
        Never called with UNKNOWN or a missing answer.
    key : bool
        Whether ``fn`` is a key function (faster: answers are grouped instead of compared in
        pairs).
    symmetric : bool
        Whether ``fn(a, b) == fn(b, a)``; otherwise two labelers agree when either direction
        holds.

    Returns
    -------
    str
        ``name``.

    Examples
    --------
    >>> lw.register_match("same_digits", lambda v: "".join(filter(str.isdigit, str(v))), key=True)  # doctest: +SKIP
    >>> lw.Question("account", match="same_digits")  # doctest: +SKIP
    """
    if not callable(fn):
        raise TypeError(f"register_match: fn must be callable, got {type(fn).__name__}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"register_match: {name!r} is not a valid rule name")
    if _builtin(name, "text") is not None or name.startswith("token_f1"):
        raise ValueError(f"register_match: {name!r} is a built-in rule")
    _registry[name] = (fn, bool(key), bool(symmetric))
    return name


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """While rebuilding a stored task, accept rule names not registered yet (they are checked
    when used)."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def cluster(values: list[Any], matcher: Matcher) -> list[int]:
    """Group answers that agree under ``matcher``: a cluster number per value, in order of
    first appearance (each value joins the first cluster whose first member it agrees with)."""
    firsts: list[Any] = []
    keys: dict[Hashable, int] = {}
    found = []
    for value in values:
        key = matcher.key(value)
        if key in keys:
            found.append(keys[key])
            continue
        number = next(
            (i for i, first in enumerate(firsts) if matcher.agree(value, first)), len(firsts)
        )
        if number == len(firsts):
            firsts.append(value)
        keys[key] = number
        found.append(number)
    return found


def normalized_text(value: Any) -> str:
    """Text of an answer for display-free comparisons (lists joined)."""
    if isinstance(value, (list, tuple)):
        return normalize(" ".join(sorted(str(v) for v in value)))
    return normalize(value)
