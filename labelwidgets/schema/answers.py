"""The "not in the text" answer and the JSON form of answers.

:data:`UNKNOWN` is the first-class "the text does not say" answer: a singleton stored as its own
flag, never as a magic string.
"""

from __future__ import annotations

import math
from typing import Any, Final

__all__ = ["UNKNOWN", "answer_from_json", "answer_to_json", "is_missing"]


class _Unknown:
    """The answer "the text does not say". Compare with ``is``; it is a singleton."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Unknown:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Unknown:
        return self


UNKNOWN: Final = _Unknown()


def answer_to_json(value: Any) -> Any:
    """An answer as JSON (for widgets and files): UNKNOWN becomes ``{"unknown": true}``."""
    return {"unknown": True} if value is UNKNOWN else value


def answer_from_json(value: Any) -> Any:
    """Inverse of :func:`answer_to_json`."""
    if isinstance(value, dict) and value.get("unknown") is True:
        return UNKNOWN
    return value


def accepted_to_json(value: Any) -> Any:
    """A ``when=`` gate's accepted value(s) as JSON: a tuple becomes a list, UNKNOWN a dict."""
    if isinstance(value, tuple):
        return [answer_to_json(v) for v in value]
    return answer_to_json(value)


def accepted_from_json(value: Any) -> Any:
    """Inverse of :func:`accepted_to_json`."""
    if isinstance(value, list):
        return tuple(answer_from_json(v) for v in value)
    return answer_from_json(value)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
