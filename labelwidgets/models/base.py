"""The model protocol: anything with a ``name`` and a batched ``answer`` method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from labelwidgets.schema import Question


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
    structured
        ``True``: the reply follows the question's JSON schema (structured output);
        ``False``: structured output was wanted but the reply is text (the server refused it,
        see ``note``); ``None``: text was asked for.
    note
        Anything the caller should record about how the answer was obtained, else ``None``.
    """

    text: str | None
    error: str | None = None
    latency_ms: float | None = None
    model: str | None = None
    structured: bool | None = None
    note: str | None = None


@runtime_checkable
class Model(Protocol):
    """Anything with a ``name`` and a batched ``answer`` method is a model.

    ``name`` is recorded on every suggestion and is part of the cache key, so two different
    models must have different names.

    Optional hook: a model whose class sets ``takes_question = True`` is called as
    ``answer(prompts, question=question)``, with the :class:`~labelwidgets.Question` that every
    prompt of the call asks (``prelabel`` asks one question per call), e.g. to request that
    question's reply schema; see :func:`ask`.
    """

    name: str

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One answer per prompt, in order. A failed item has ``error`` set; nothing raises."""
        ...


def ask(model: Model, prompts: list[str], question: Question | None = None) -> list[ModelAnswer]:
    """``model.answer(prompts)``, passing ``question=`` to models that take it
    (``takes_question = True``, e.g. :class:`~labelwidgets.models.OpenAIChat`)."""
    if question is not None and getattr(model, "takes_question", False) is True:
        return list(model.answer(prompts, question=question))  # type: ignore[call-arg]
    return list(model.answer(prompts))
