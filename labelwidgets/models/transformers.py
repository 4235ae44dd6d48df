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
    chat_template
        ``None`` (default): when the pipeline's tokenizer has a chat template (instruct and chat
        models do), each prompt is sent as a user message rendered by it —
        ``tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
        add_generation_prompt=True)`` — and the pipeline is told not to add special tokens
        again; without one, the raw prompt is sent. ``True``: require a chat template
        (``ValueError`` if the tokenizer has none). ``False``: always the raw prompt.
    system_prompt
        A system message placed before each prompt when the chat template is used (a
        ``ValueError`` when the raw prompt would be sent: there is nowhere to put it).

    Examples
    --------
    >>> model = Transformers("/models/qwen2.5-0.5b-instruct")  # doctest: +SKIP
    >>> model.answer(["Which law governs? ..."])  # doctest: +SKIP
    """

    def __init__(
        self,
        pipeline_or_name: Any,
        *,
        max_new_tokens: int = 64,
        name: str | None = None,
        chat_template: bool | None = None,
        system_prompt: str | None = None,
    ) -> None:
        if chat_template not in (None, True, False):
            raise ValueError(
                f"Transformers: chat_template must be None, True or False, got {chat_template!r}"
            )
        self.max_new_tokens = max_new_tokens
        self.system_prompt = system_prompt
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
        tokenizer = getattr(self.pipeline, "tokenizer", None)
        has_template = bool(getattr(tokenizer, "chat_template", None))
        if chat_template and not has_template:
            raise ValueError(
                f"Transformers: chat_template=True, but the tokenizer of {self.name!r} has no chat "
                "template (set tokenizer.chat_template, or chat_template=None for the raw prompt)"
            )
        self.uses_chat_template = has_template and chat_template is not False
        if system_prompt and not self.uses_chat_template:
            raise ValueError(
                "Transformers: system_prompt needs the tokenizer's chat template, and "
                f"{self.name!r} is sent raw prompts (its tokenizer has none, or chat_template=False)"
            )

    def __repr__(self) -> str:
        return f"Transformers(name={self.name!r})"

    def answer(self, prompts: list[str]) -> list[ModelAnswer]:
        """One :class:`ModelAnswer` per prompt, in order; a failing prompt gets ``error``."""
        return [self._one(prompt) for prompt in prompts]

    def render(self, prompt: str) -> str:
        """The text the pipeline is given for ``prompt``: rendered by the tokenizer's chat
        template (with the system message, if any) when it is used, else ``prompt`` itself."""
        if not self.uses_chat_template:
            return prompt
        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        messages.append({"role": "user", "content": prompt})
        return str(
            self.pipeline.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        )

    def _one(self, prompt: str) -> ModelAnswer:
        started = time.perf_counter()
        options: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "return_full_text": False}
        if self.uses_chat_template:
            options["add_special_tokens"] = False  # the template wrote them (BOS once, not twice)
        try:
            out = self.pipeline(self.render(prompt), **options)
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
        # local_files_only on both halves: pipeline(model=name) would fetch a missing tokenizer.
        # The tokenizer first: it needs no torch, so a missing model is named as missing.
        tokenizer = transformers.AutoTokenizer.from_pretrained(name, local_files_only=True)
        model = transformers.AutoModelForCausalLM.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"Transformers: model {name!r} is not on this machine; labelwidgets loads local models "
            f"only (give the path of a saved model, or a pipeline): {type(exc).__name__}"
        ) from None
    except ImportError as exc:  # transformers without torch: tokenizers only
        raise ImportError(
            f"Transformers: running model {name!r} needs PyTorch next to transformers "
            f"(pip install torch): {str(exc).strip()[:120]}"
        ) from None
    return transformers.pipeline("text-generation", model=model, tokenizer=tokenizer)
