"""Checking a front-end command against its handler's signature before it runs.

A message the front end sends is ``{"type": ..., "seq": ..., **fields}``; the handler
``_on_<type>`` declares the fields it takes with type hints. A message that does not fit (not
an object, no type, an unknown command, a missing or unknown field, a field of the wrong JSON
type) is a :class:`MalformedCommand` naming the command and the field, raised before anything
is stored.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

__all__ = ["MalformedCommand", "check_command", "check_fields"]

_JSON_NAMES = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dict: "an object",
    list: "a list",
    type(None): "null",
}


class MalformedCommand(TypeError):
    """A message from the front end that no handler takes; nothing was run or stored."""


def check_command(content: Any, commands: Callable[[str], Any]) -> tuple[str, Any]:
    """The command's type and handler; ``MalformedCommand`` if there is none.

    ``commands(type)`` returns the handler for a command type, or ``None``.
    """
    if not isinstance(content, dict):
        raise MalformedCommand(
            f"a command must be an object with a 'type', got {_json_name(content)}"
        )
    kind = content.get("type")
    if not isinstance(kind, str) or not kind:
        raise MalformedCommand(f"a command needs a 'type' string, got {_json_name(kind)}")
    handler = commands(kind)
    if handler is None:
        raise MalformedCommand(f"unknown command {kind!r}")
    return kind, handler


def check_fields(kind: str, handler: Callable[..., Any], payload: dict[str, Any]) -> None:
    """Raise ``MalformedCommand`` unless ``payload`` has the fields ``handler`` takes,
    each of the JSON type its hint names."""
    params, hints = _signature(handler)
    unknown = sorted(set(payload) - set(params))
    if unknown:
        raise MalformedCommand(f"command {kind!r}: unknown field {unknown[0]!r}")
    missing = [name for name, required in params.items() if required and name not in payload]
    if missing:
        raise MalformedCommand(f"command {kind!r}: missing field {missing[0]!r}")
    for name, value in payload.items():
        expected = hints.get(name, Any)
        if not _fits(value, expected):
            raise MalformedCommand(
                f"command {kind!r}: field {name!r} must be {_describe(expected)}, "
                f"got {_json_name(value)}"
            )


@functools.cache
def _signature_of(function: Callable[..., Any]) -> tuple[dict[str, bool], dict[str, Any]]:
    parameters = inspect.signature(function).parameters
    params = {
        name: p.default is inspect.Parameter.empty
        for name, p in parameters.items()
        if name != "self"
    }
    hints = typing.get_type_hints(function)
    hints.pop("return", None)
    return params, hints


def _signature(handler: Callable[..., Any]) -> tuple[dict[str, bool], dict[str, Any]]:
    return _signature_of(getattr(handler, "__func__", handler))


def _fits(value: Any, expected: Any) -> bool:
    if expected is Any:
        return True
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, option) for option in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    base = origin or expected
    if not isinstance(value, base):
        return False
    args = typing.get_args(expected)
    if base is list and args:
        return all(_fits(item, args[0]) for item in value)
    return True


def _describe(expected: Any) -> str:
    if typing.get_origin(expected) in (types.UnionType, typing.Union):
        return " or ".join(_describe(option) for option in typing.get_args(expected))
    base = typing.get_origin(expected) or expected
    args = typing.get_args(expected)
    if base is list and args:
        return f"a list of {_describe(args[0]).removeprefix('a ').removeprefix('an ')}s"
    return _JSON_NAMES.get(base, getattr(base, "__name__", str(base)))


def _json_name(value: Any) -> str:
    for kind in (bool, type(None), str, int, float, dict, list):
        if isinstance(value, kind):
            return _JSON_NAMES[kind]
    return type(value).__name__
