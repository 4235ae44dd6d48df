"""A local Hugging Face transformers model (the ``[hf]`` extra); never downloads anything."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from labelwidgets.models.base import ModelAnswer


class Transformers:
    """Answer with a ``transformers`` text-generation pipeline that lives on this machine.

    Parameters
    ----------
    pipeline_or_name
        A ready pipeline (anything called as ``pipeline(prompt, max_new_tokens=...,
        return_full_text=False)`` returning ``[{"generated_text": ...}]``), or the path of a model
        saved with ``save_pretrained`` (a hub name already in the local cache works too). Model
        and tokenizer are loaded with ``local_files_only=True``: nothing is ever downloaded, and
        a model that is not here raises a ``ValueError`` saying so.
    max_new_tokens
        Passed to the pipeline on every call.
    name
        Recorded on suggestions (default: the model's directory name or ``name_or_path``).

    Examples
    --------
    >>> model = Transformers("/models/qwen2.5-0.5b-instruct")  # doctest: +SKIP
    >>> model.answer(["Which law governs? ..."])  # doctest: +SKIP
    """

    def __init__(
        self, pipeline_or_name: Any, *, max_new_tokens: int = 64, name: str | None = None
    ) -> None:
        self.max_new_tokens = max_new_tokens
        if isinstance(pipeline_or_name, (str, os.PathLike)):
            self.pipeline = _load_local(str(pipeline_or_name))
            self.name = name or Path(str(pipeline_or_name)).name
        elif callable(pipeline_or_name):
            self.pipeline = pipeline_or_name
            self.name = name or str(
                getattr(getattr(pipeline_or_name, "model", None), "name_or_path", "transformers")
            )
        else:
            raise TypeError(
                "Transformers needs a text-generation pipeline or the path of a local model, "
                f"got {type(pipeline_or_name).__name__}"
            )

    def __repr__(self) -> str:
        return f"Transformers(name={self.name!r})"

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One :class:`ModelAnswer` per prompt, in order; a failing prompt gets ``error``."""
        return [self._one(prompt) for prompt in prompts]

    def _one(self, prompt: str) -> ModelAnswer:
        started = time.perf_counter()
        try:
            out = self.pipeline(prompt, max_new_tokens=self.max_new_tokens, return_full_text=False)
            text = out[0]["generated_text"] if isinstance(out, list) else out
        except Exception as exc:
            return ModelAnswer(None, f"{type(exc).__name__}: {exc}", None, self.name)
        if not isinstance(text, str):
            return ModelAnswer(
                None, f"the pipeline returned {type(text).__name__}, not text", None, self.name
            )
        return ModelAnswer(text, None, (time.perf_counter() - started) * 1000, self.name)


def _load_local(name: str) -> Any:
    try:
        import transformers
    except ImportError:
        raise ImportError(
            "Transformers needs the 'hf' extra and the transformers package: "
            "pip install 'labelwidgets[hf]' transformers"
        ) from None
    try:
        # local_files_only on both halves: pipeline(model=name) would fetch a missing tokenizer
        model = transformers.AutoModelForCausalLM.from_pretrained(name, local_files_only=True)
        tokenizer = transformers.AutoTokenizer.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"Transformers: model {name!r} is not on this machine; labelwidgets loads local models "
            f"only (give the path of a saved model, or a pipeline): {type(exc).__name__}"
        ) from None
    return transformers.pipeline("text-generation", model=model, tokenizer=tokenizer)
