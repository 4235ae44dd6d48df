"""Validators: checks an answer must pass before it is stored.

Declarative validators (``one_of``, ``none_of``, ``regex``, ``max_length``,
``number_range``, ``date_format``, ``entity``) serialize to JSON with their task.
Any callable works too: it receives the answer and returns ``None``/``True`` when the
answer is fine, or a message (``str``), a list of messages, or ``False`` otherwise.

Examples
--------
>>> import labelwidgets as lw
>>> v = lw.validators.none_of(["United Kingdom", "England"])
>>> v("England")
["'England' is not allowed here"]
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from labelwidgets.schema.entities import KINDS as ENTITY_KINDS
from labelwidgets.schema.entities import entity_problem

__all__ = [
    "Validator",
    "date_format",
    "entity",
    "from_dict",
    "max_length",
    "none_of",
    "number_range",
    "one_of",
    "regex",
    "run",
]

_REGISTRY: dict[str, type[Validator]] = {}


class Validator:
    """Base class of declarative validators.

    Subclasses set ``type`` (the JSON tag), store their parameters as attributes named in
    ``params`` and implement :meth:`problems`.
    """

    type: ClassVar[str] = ""
    params: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type:
            _REGISTRY[cls.type] = cls

    def problems(self, answer: Any) -> list[str]:
        """Return human-readable problems with ``answer`` (empty when it is fine)."""
        raise NotImplementedError

    def __call__(self, answer: Any) -> list[str]:
        return self.problems(answer)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description, inverse of :func:`from_dict`."""
        return {"type": self.type, **{p: _jsonable(getattr(self, p)) for p in self.params}}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Validator) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{p}={getattr(self, p)!r}" for p in self.params)
        return f"{self.type}({args})"


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _texts(answer: Any) -> list[str]:
    """The strings an answer consists of (a multi-choice answer is several)."""
    if isinstance(answer, (list, tuple, set, frozenset)):
        return [str(a) for a in answer]
    return [str(answer)]


def _fold(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


class one_of(Validator):
    """The answer must be one of ``values`` (whitespace-insensitive; case-insensitive by default)."""

    type = "one_of"
    params = ("values", "case_sensitive")

    def __init__(self, values: Iterable[str], *, case_sensitive: bool = False) -> None:
        self.values = tuple(str(v) for v in values)
        if not self.values:
            raise ValueError("one_of needs at least one value")
        self.case_sensitive = bool(case_sensitive)

    def problems(self, answer: Any) -> list[str]:
        allowed = {_fold(v, self.case_sensitive) for v in self.values}
        return [
            f"{text!r} is not one of {list(self.values)}"
            for text in _texts(answer)
            if _fold(text, self.case_sensitive) not in allowed
        ]


class none_of(Validator):
    """The answer must not be any of ``values`` (e.g. a country where a city is asked)."""

    type = "none_of"
    params = ("values", "case_sensitive", "message")

    def __init__(
        self, values: Iterable[str], *, case_sensitive: bool = False, message: str | None = None
    ) -> None:
        self.values = tuple(str(v) for v in values)
        self.case_sensitive = bool(case_sensitive)
        self.message = message

    def problems(self, answer: Any) -> list[str]:
        banned = {_fold(v, self.case_sensitive) for v in self.values}
        return [
            self.message or f"{text!r} is not allowed here"
            for text in _texts(answer)
            if _fold(text, self.case_sensitive) in banned
        ]


class regex(Validator):
    """The answer must match ``pattern`` (``fullmatch=True``) or contain a match of it."""

    type = "regex"
    params = ("pattern", "fullmatch", "message")

    def __init__(self, pattern: str, *, fullmatch: bool = True, message: str | None = None) -> None:
        try:
            self._compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"regex validator: invalid pattern {pattern!r}: {exc}") from None
        self.pattern = pattern
        self.fullmatch = bool(fullmatch)
        self.message = message

    def problems(self, answer: Any) -> list[str]:
        match = self._compiled.fullmatch if self.fullmatch else self._compiled.search
        return [
            self.message or f"{text!r} does not match the pattern {self.pattern!r}"
            for text in _texts(answer)
            if match(text) is None
        ]


class max_length(Validator):
    """The answer must have at most ``n`` characters."""

    type = "max_length"
    params = ("n",)

    def __init__(self, n: int) -> None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"max_length: n must be a positive integer, got {n!r}")
        self.n = n

    def problems(self, answer: Any) -> list[str]:
        text = str(answer)
        if len(text) > self.n:
            return [f"answer has {len(text)} characters, at most {self.n} allowed"]
        return []


class number_range(Validator):
    """A number answer must lie in ``[min, max]`` (either bound may be ``None``)."""

    type = "number_range"
    params = ("min", "max")

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        if min is not None and max is not None and min > max:
            raise ValueError(f"number_range: min {min} is greater than max {max}")
        self.min = min
        self.max = max

    def problems(self, answer: Any) -> list[str]:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return [f"{answer!r} is not a number"]
        if self.min is not None and value < self.min:
            return [f"{answer} is below the minimum {self.min}"]
        if self.max is not None and value > self.max:
            return [f"{answer} is above the maximum {self.max}"]
        return []


class date_format(Validator):
    """A text answer must be a date written in ``fmt`` (``strptime`` syntax)."""

    type = "date_format"
    params = ("fmt",)

    def __init__(self, fmt: str = "%Y-%m-%d") -> None:
        self.fmt = fmt

    def problems(self, answer: Any) -> list[str]:
        try:
            dt.datetime.strptime(str(answer), self.fmt)
        except ValueError:
            example = dt.date(2024, 3, 31).strftime(self.fmt)
            return [f"{answer!r} is not a date in the form {example!r} ({self.fmt})"]
        return []


class entity(Validator):
    """The answer must be an entity of a type: ``"city"``, ``"country"``, ``"us_state"``,
    ``"money"`` or ``"date"`` (offline gazetteers; the ``[entities]`` extra)."""

    type = "entity"
    params = ("kind",)
    KINDS: ClassVar[tuple[str, ...]] = ENTITY_KINDS

    def __init__(self, kind: str) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"entity: unknown kind {kind!r}; expected one of {list(self.KINDS)}")
        self.kind = kind

    def problems(self, answer: Any) -> list[str]:
        found = (entity_problem(self.kind, text) for text in _texts(answer))
        return [p for p in found if p]


class _CallableRef(Validator):
    """A user callable, serialized by import path so a task survives a JSON round trip."""

    type = "callable"
    params = ("ref",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        module = getattr(fn, "__module__", None)
        qualname = getattr(fn, "__qualname__", None)
        self.ref = f"{module}:{qualname}" if module and qualname else repr(fn)

    @classmethod
    def load(cls, ref: str) -> _CallableRef:
        module_name, _, qualname = ref.partition(":")
        if not qualname or "<" in qualname:
            raise ValueError(
                f"validator {ref!r} is a lambda or local function and cannot be restored from "
                "JSON; define it at module level"
            )
        try:
            obj: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"validator {ref!r} cannot be imported: {exc}") from None
        return cls(obj)

    def problems(self, answer: Any) -> list[str]:
        result = self.fn(answer)
        if result is None or result is True:
            return []
        if result is False:
            return [f"{answer!r} was rejected by {self.ref}"]
        if isinstance(result, str):
            return [result] if result else []
        return [str(r) for r in result]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _CallableRef) and self.ref == other.ref

    __hash__ = Validator.__hash__


def as_validator(obj: Any) -> Validator:
    """Wrap ``obj`` (a Validator, a callable or a dict from :meth:`Validator.to_dict`)."""
    if isinstance(obj, Validator):
        return obj
    if isinstance(obj, dict):
        return from_dict(obj)
    if callable(obj):
        return _CallableRef(obj)
    raise TypeError(f"validators must be validators or callables, got {type(obj).__name__}")


def from_dict(data: dict[str, Any]) -> Validator:
    """Rebuild a validator from :meth:`Validator.to_dict` output."""
    kind = data.get("type")
    if kind == "callable":
        return _CallableRef.load(data["ref"])
    cls = _REGISTRY.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown validator type {kind!r}; known: {sorted(_REGISTRY)}")
    params = {k: v for k, v in data.items() if k != "type"}
    positional = cls.params[0]
    return cls(params.pop(positional), **params)  # type: ignore[call-arg]


def run(validators: Iterable[Validator], answer: Any) -> list[str]:
    """All problems that ``validators`` find with ``answer``."""
    problems: list[str] = []
    for validator in validators:
        problems.extend(validator(answer))
    return problems
