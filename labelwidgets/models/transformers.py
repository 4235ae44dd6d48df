"""A local Hugging Face transformers model (the ``[hf]`` extra); never downloads anything."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from labelwidgets.models.base import ModelAnswer


class Transformers:
    """Answer with a ``transformers`` text-generation pipeline.

    ``pipeline_or_name`` is a ready pipeline, or the path of a model saved on this machine. Models
    are loaded with ``local_files_only=True``: a hub name that is not in the local cache raises
    a clear error instead of downloading.
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
            self.name = name or getattr(
                getattr(pipeline_or_name, "model", None), "name_or_path", "transformers"
            )
        else:
            raise TypeError("Transformers needs a pipeline or the path of a local model")

    def __repr__(self) -> str:
        return f"Transformers(name={self.name!r})"

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        answers = []
        for prompt in prompts:
            started = time.perf_counter()
            try:
                out = self.pipeline(
                    prompt, max_new_tokens=self.max_new_tokens, return_full_text=False
                )
                text = out[0]["generated_text"] if isinstance(out, list) else str(out)
            except Exception as exc:
                answers.append(ModelAnswer(None, f"{type(exc).__name__}: {exc}"))
                continue
            answers.append(ModelAnswer(text, None, (time.perf_counter() - started) * 1000))
        return answers


def _load_local(name: str) -> Any:
    try:
        import transformers
    except ImportError:
        raise ImportError(
            "Transformers needs the 'hf' extra: pip install 'labelwidgets[hf]' transformers"
        ) from None
    try:
        return transformers.pipeline(
            "text-generation", model=name, model_kwargs={"local_files_only": True}
        )
    except OSError as exc:
        raise ValueError(
            f"model {name!r} is not on this machine; labelwidgets loads local models only "
            f"(give the path of a saved model): {exc}"
        ) from None
