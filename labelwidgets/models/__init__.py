"""Models that answer prompts: any callable, any OpenAI-compatible endpoint, local transformers.

Every adapter has a ``name`` (recorded on each suggestion) and ``answer(prompts)``, which returns
one :class:`ModelAnswer` per prompt, in order, never raising for a single failed item.
"""

from __future__ import annotations

from labelwidgets.models.base import Model, ModelAnswer
from labelwidgets.models.callable import Callable
from labelwidgets.models.openai_chat import OpenAIChat
from labelwidgets.models.transformers import Transformers

__all__ = ["Callable", "Model", "ModelAnswer", "OpenAIChat", "Transformers"]
