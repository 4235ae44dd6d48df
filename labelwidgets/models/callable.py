"""Any Python function as a model: handy for rules, local models and tests."""

from __future__ import annotations

import time
from collections.abc import Callable as Fn

from labelwidgets.models.base import ModelAnswer


class Callable:
    """Wrap ``fn(prompt) -> str`` (or ``fn(prompts) -> list[str]`` with ``batched=True``).

    >>> echo = Callable(lambda prompt: "NOT_IN_TEXT", name="always-unknown")
    >>> echo.answer(["What law?"])[0].text
    'NOT_IN_TEXT'
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
        return f"Callable(name={self.name!r})"

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        if self.batched:
            started = time.perf_counter()
            try:
                replies = list(self.fn(list(prompts)))  # type: ignore[call-overload]
            except Exception as exc:
                return [ModelAnswer(None, f"{type(exc).__name__}: {exc}") for _ in prompts]
            if len(replies) != len(prompts):
                return [ModelAnswer(None, f"the function returned {len(replies)} replies for "
                                    f"{len(prompts)} prompts") for _ in prompts]  # fmt: skip
            each = (time.perf_counter() - started) * 1000 / max(1, len(prompts))
            return [ModelAnswer(None if r is None else str(r), latency_ms=each) for r in replies]
        return [self._one(p) for p in prompts]

    def _one(self, prompt: str) -> ModelAnswer:
        started = time.perf_counter()
        try:
            reply = self.fn(prompt)
        except Exception as exc:
            return ModelAnswer(None, f"{type(exc).__name__}: {exc}")
        return ModelAnswer(None if reply is None else str(reply),
                           latency_ms=(time.perf_counter() - started) * 1000)  # fmt: skip
