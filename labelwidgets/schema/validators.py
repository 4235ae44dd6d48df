"""Validators: checks an answer must pass before it is stored.

Declarative validators (``one_of``, ``none_of``, ``regex``, ``max_length``,
``number_range``, ``date_format``, ``entity``) serialize to JSON with their task.
Functions work too, by name: :func:`register` one in each process that uses the task (a task
stores the name only; nothing is ever imported because a stored task names it). A function
receives the answer and returns ``None``/``True`` when the answer is fine, or a message
(``str``), a list of messages, or ``False`` otherwise.

Examples
--------
>>> import labelwidgets as lw
>>> v = lw.validators.none_of(["United Kingdom", "England"])
>>> v("England")
["'England' is not allowed here"]
"""

from __future__ import annotations

import datetime as dt
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
    "register",
    "registered",
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


# -- functions: registered by name in this process, never imported because a task names them --------
_FUNCTIONS: dict[str, Callable[[Any], Any]] = {}
_FUNCTION_NAME = re.compile(r"^[A-Za-z_<][\w.:<>\-]{0,199}$")


def _default_name(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None) or "?"
    return f"{module}:{getattr(fn, '__qualname__', None) or type(fn).__qualname__}"


def register(fn: Callable[[Any], Any], name: str | None = None) -> str:
    """Make ``fn`` usable as a validator called ``name`` by the tasks this process loads.

    A stored task keeps only the name: every process that reads the task registers its
    functions first (typically in the notebook's first cell). A task naming a function not
    registered here cannot be loaded, and nothing is ever imported because a task names it.

    Parameters
    ----------
    fn
        Receives the answer; returns ``None``/``True`` when it is fine, or a message, a list
        of messages, or ``False``.
    name
        The name tasks store; defaults to ``"module:qualname"`` (required for lambdas and
        functions defined inside other functions). Registering a name again replaces it.

    Returns
    -------
    str
        The name, for ``Question(validators=[name])``.

    Examples
    --------
    >>> import labelwidgets as lw
    >>> def no_digits(answer):
    ...     return "numbers are not names" if any(c.isdigit() for c in answer) else None
    >>> lw.validators.register(no_digits, name="no_digits")
    'no_digits'
    >>> q = lw.Question("city", validators=["no_digits"])
    """
    if not callable(fn):
        raise TypeError(f"register: fn must be callable, got {type(fn).__name__}")
    chosen = _default_name(fn) if name is None else name
    if not isinstance(chosen, str) or not _FUNCTION_NAME.match(chosen):
        raise ValueError(
            f"register: {chosen!r} is not a usable validator name (letters, digits and _ . : -)"
        )
    if "<" in chosen:
        raise ValueError(
            f"register: {chosen!r} is a lambda or local function; give it a name: "
            "lw.validators.register(fn, name='my_check')"
        )
    if chosen in _REGISTRY:
        raise ValueError(f"register: {chosen!r} is a built-in validator type")
    _FUNCTIONS[chosen] = fn
    return chosen


class registered(Validator):
    """A function validator known by its registered name (see :func:`register`)."""

    type = "callable"
    params = ("name",)

    def __init__(self, name: str, fn: Callable[[Any], Any] | None = None) -> None:
        self.name = name
        self.fn = fn if fn is not None else _lookup(name)

    def problems(self, answer: Any) -> list[str]:
        result = self.fn(answer)
        if result is None or result is True:
            return []
        if result is False:
            return [f"{answer!r} was rejected by {self.name}"]
        if isinstance(result, str):
            return [result] if result else []
        return [str(r) for r in result]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, registered) and self.name == other.name

    __hash__ = Validator.__hash__


def _lookup(name: str) -> Callable[[Any], Any]:
    fn = _FUNCTIONS.get(name)
    if fn is not None:
        return fn
    hint = (
        "it was a lambda or local function, which has no name another process can register: "
        "register it with a name, lw.validators.register(fn, name='my_check')"
        if "<" in name
        else f"call lw.validators.register(fn, name={name!r}) in this process first"
    )
    raise ValueError(
        f"validator {name!r} is not registered in this process ({hint}); a stored task keeps "
        "only the name, and code is never imported because a task names it"
    )


def as_validator(obj: Any) -> Validator:
    """Wrap ``obj``: a Validator, a dict from :meth:`Validator.to_dict`, the name of a
    registered function, or a function (registered under its ``module:qualname``)."""
    if isinstance(obj, Validator):
        return obj
    if isinstance(obj, dict):
        return from_dict(obj)
    if isinstance(obj, str):
        return registered(obj)
    if callable(obj):
        default = _default_name(obj)
        names = [n for n, fn in _FUNCTIONS.items() if fn is obj and n != default]
        if names:  # registered by the caller under a name of their choosing
            return registered(names[-1], obj)
        if "<" not in default:
            _FUNCTIONS[default] = obj  # the caller's own function, handed over in this process
        return registered(default, obj)
    raise TypeError(
        f"validators must be validators, registered names or functions, got {type(obj).__name__}"
    )


def from_dict(data: dict[str, Any]) -> Validator:
    """Rebuild a validator from :meth:`Validator.to_dict` output (a stored task's JSON).

    Built-in validators are data; a function is looked up by name among those registered in
    this process, never imported.
    """
    if not isinstance(data, dict):
        raise ValueError(f"a validator is a dict with a 'type', got {data!r:.80}")
    kind = data.get("type")
    if kind == "callable":
        name = data.get("name", data.get("ref"))  # 'ref' in tasks stored before the registry
        if not isinstance(name, str):
            raise ValueError(f"function validator without a name: {data!r:.80}")
        return registered(name)
    cls = _REGISTRY.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown validator type {kind!r}; known: {sorted(_REGISTRY)}")
    params = {k: v for k, v in data.items() if k != "type"}
    try:
        return cls(params.pop(cls.params[0]), **params)  # type: ignore[call-arg]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"validator {data!r:.120} is malformed ({exc})") from None


def run(validators: Iterable[Validator], answer: Any) -> list[str]:
    """All problems that ``validators`` find with ``answer``."""
    problems: list[str] = []
    for validator in validators:
        problems.extend(validator(answer))
    return problems
