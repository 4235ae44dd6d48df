"""Models that answer prompts: any callable, any OpenAI-compatible endpoint, local transformers;
the prompts they are asked (``prompts``), prelabeling a store (:func:`prelabel`) and scoring
prompt versions against gold (:func:`prompt_report`).

Every adapter has a ``name`` (recorded on each suggestion, part of the cache key) and a batched
``answer(prompts) -> list[ModelAnswer]`` that returns one answer per prompt, in order, and never
raises for a single failed item (the item's ``error`` says what went wrong).

Usage
-----
A deterministic function (rules, a local model you already call from Python, tests)::

    import labelwidgets as lw

    model = lw.models.Callable(lambda prompt: "the laws of Texas", name="rules-v1")

Any OpenAI-compatible server (``pip install 'labelwidgets[openai]'``); the key is read from the
environment variable named by ``api_key_env`` and never shown or stored::

    model = lw.models.OpenAIChat("gpt-4o-mini")                     # OPENAI_API_KEY
    model = lw.models.OpenAIChat("meta-llama/Llama-3.1-8B-Instruct",
                                 base_url="http://localhost:8000/v1")  # vLLM
    model = lw.models.OpenAIChat("llama3.1:8b", base_url="http://localhost:11434/v1",
                                 max_concurrency=2, timeout=120)     # Ollama

A model saved on this machine (``pip install 'labelwidgets[hf]' transformers``; never
downloads)::

    model = lw.models.Transformers("/models/qwen2.5-0.5b-instruct")

Then ask it every question about every chunk and score prompt versions against gold::

    lw.prelabel(store, task, model)
    lw.prompt_report(store, task, "governing_law")

A prompt version becomes the one prelabel and export use only when promoted
(``store.promote_prompt(task, question, "v2")``); :func:`default_prompt` says which it is.

Your own class works too: anything with ``name`` and ``answer(prompts)`` is a :class:`Model`.
"""

from __future__ import annotations

from labelwidgets.models import prompts
from labelwidgets.models.base import Model, ModelAnswer
from labelwidgets.models.callable import Callable
from labelwidgets.models.openai_chat import OpenAIChat
from labelwidgets.models.prelabeling import prelabel
from labelwidgets.models.prompt_versions import default_prompt
from labelwidgets.models.scoring import PromptReport, prompt_report
from labelwidgets.models.transformers import Transformers

__all__ = [
    "Callable",
    "Model",
    "ModelAnswer",
    "OpenAIChat",
    "PromptReport",
    "Transformers",
    "default_prompt",
    "prelabel",
    "prompt_report",
    "prompts",
]
