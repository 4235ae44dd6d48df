"""The model protocol: anything with a ``name`` and a batched ``answer`` method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ModelAnswer:
    """One reply to one prompt.

    Attributes
    ----------
    text
        What the model said, or ``None`` when the request failed.
    error
        Why there is no text (after the adapter's own retries), else ``None``.
    latency_ms
        Wall time of the successful request (per prompt for batched functions).
    model
        The name of the model that answered.
    """

    text: str | None
    error: str | None = None
    latency_ms: float | None = None
    model: str | None = None


@runtime_checkable
class Model(Protocol):
    """Anything with a ``name`` and a batched ``answer`` method is a model.

    ``name`` is recorded on every suggestion and is part of the cache key, so two different
    models must have different names.
    """

    name: str

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One answer per prompt, in order. A failed item has ``error`` set; nothing raises."""
        ...
