"""Any Python function as a model: handy for rules, local models and tests."""

from __future__ import annotations

import time
from collections.abc import Callable as Fn

from labelwidgets.models.base import ModelAnswer


class Callable:
    """Wrap ``fn(prompt) -> str`` (or ``fn(prompts) -> list[str]`` with ``batched=True``).

    Parameters
    ----------
    fn
        The function. It may return ``None`` (no reply) and may raise: the exception becomes the
        item's ``error`` (for a batched function, every item of the batch gets it).
    name
        Recorded on each suggestion and part of the cache key (default: the function's name).
        Give a new name when the function's behaviour changes, or cached answers are reused.
    batched
        ``fn`` takes the whole list of prompts and returns one reply per prompt.

    Examples
    --------
    >>> echo = Callable(lambda prompt: "NOT_IN_TEXT", name="always-unknown")
    >>> echo.answer(["What law?"])[0].text
    'NOT_IN_TEXT'
    >>> upper = Callable(lambda prompts: [p.upper() for p in prompts], name="upper", batched=True)
    >>> [a.text for a in upper.answer(["a", "b"])]
    ['A', 'B']
    """

    def __init__(
        self, fn: Fn[..., object], *, name: str | None = None, batched: bool = False
    ) -> None:
        if not callable(fn):
            raise TypeError(f"Callable needs a function, got {type(fn).__name__}")
        self.fn = fn
        self.batched = batched
        self.name = name or getattr(fn, "__name__", "callable")

    def __repr__(self) -> str:
        return f"Callable(name={self.name!r}, batched={self.batched})"

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One :class:`ModelAnswer` per prompt, in order; never raises for a failing item."""
        if not self.batched:
            return [self._one(p) for p in prompts]
        started = time.perf_counter()
        try:
            replies = list(self.fn(list(prompts)))  # type: ignore[call-overload]
        except Exception as exc:
            return [self._failed(f"{type(exc).__name__}: {exc}") for _ in prompts]
        if len(replies) != len(prompts):
            problem = f"the function returned {len(replies)} replies for {len(prompts)} prompts"
            return [self._failed(problem) for _ in prompts]
        each = (time.perf_counter() - started) * 1000 / max(1, len(prompts))
        return [ModelAnswer(_text(r), None, each, self.name) for r in replies]

    def _one(self, prompt: str) -> ModelAnswer:
        started = time.perf_counter()
        try:
            reply = self.fn(prompt)
        except Exception as exc:
            return self._failed(f"{type(exc).__name__}: {exc}")
        return ModelAnswer(_text(reply), None, (time.perf_counter() - started) * 1000, self.name)

    def _failed(self, error: str) -> ModelAnswer:
        return ModelAnswer(None, error, None, self.name)


def _text(reply: object) -> str | None:
    return None if reply is None else str(reply)
