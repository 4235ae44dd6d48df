"""The model protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ModelAnswer:
    """One reply: ``text``, or ``error`` when the request failed after its retries."""

    text: str | None
    error: str | None = None
    latency_ms: float | None = None


@runtime_checkable
class Model(Protocol):
    """Anything with a ``name`` and a batched ``answer`` method is a model."""

    name: str

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One answer per prompt, in order. A failed item has ``error`` set; nothing raises."""
        ...
