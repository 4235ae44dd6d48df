"""The Transformers adapter renders prompts with the tokenizer's own chat template.

The tokenizer is a real ``transformers`` tokenizer built offline (a ``tokenizers`` WordLevel
model wrapped in ``PreTrainedTokenizerFast``, saved and loaded back with ``local_files_only``),
so the chat template is rendered by transformers itself. Generation needs torch, which the test
extra does not install: the pipeline is a stand-in with the real tokenizer as its ``tokenizer``
that records what it is given (and tokenizes it with the real tokenizer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from transformers import AutoTokenizer, PreTrainedTokenizerFast

import labelwidgets as lw

TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{{ eos_token }}\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def _tokenizer(folder: Path, chat_template: str | None) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["[UNK]", "<s>", "</s>", "Which", "law", "governs", "?", "the", "laws", "of", "Texas"]
    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    made = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", bos_token="<s>", eos_token="</s>"
    )
    if chat_template is not None:
        made.chat_template = chat_template
    made.save_pretrained(folder)
    return AutoTokenizer.from_pretrained(folder, local_files_only=True)


class StandIn:
    """A text-generation pipeline's calling convention, with a real tokenizer (no torch)."""

    def __init__(self, tokenizer: Any, reply: str = "the laws of Texas") -> None:
        self.tokenizer = tokenizer
        self.reply = reply
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, text: str, **options: Any) -> list[dict[str, str]]:
        self.calls.append((text, options))
        special = options.get("add_special_tokens", True)
        self.ids = self.tokenizer(text, add_special_tokens=special)["input_ids"]
        return [{"generated_text": self.reply}]


def test_the_chat_template_of_the_tokenizer_is_applied(tmp_path: Path) -> None:
    pipeline = StandIn(_tokenizer(tmp_path, TEMPLATE))
    model = lw.models.Transformers(pipeline, name="tiny-chat", system_prompt="You read contracts.")
    (answer,) = model.answer(["Which law governs?"])
    assert answer.text == "the laws of Texas" and answer.error is None
    ((text, options),) = pipeline.calls
    assert text == (
        "<s><|system|>\nYou read contracts.</s>\n<|user|>\nWhich law governs?</s>\n<|assistant|>\n"
    )
    # the template wrote the special tokens: the pipeline must not add a second BOS
    assert options == {"max_new_tokens": 64, "return_full_text": False, "add_special_tokens": False}
    assert model.uses_chat_template is True
    assert lw.models.Transformers(pipeline).render("Which law governs?") == (
        "<s><|user|>\nWhich law governs?</s>\n<|assistant|>\n"
    )


def test_without_a_chat_template_the_raw_prompt_is_sent(tmp_path: Path) -> None:
    plain = StandIn(_tokenizer(tmp_path / "plain", None))
    model = lw.models.Transformers(plain, name="tiny-base")
    model.answer(["Which law governs?"])
    assert plain.calls == [
        ("Which law governs?", {"max_new_tokens": 64, "return_full_text": False})
    ]
    assert model.uses_chat_template is False
    with pytest.raises(ValueError, match="has no chat template"):
        lw.models.Transformers(plain, name="tiny-base", chat_template=True)
    with pytest.raises(ValueError, match="system_prompt needs the tokenizer's chat template"):
        lw.models.Transformers(plain, name="tiny-base", system_prompt="You read contracts.")
    # a chat model can still be sent raw prompts on request
    chat = StandIn(_tokenizer(tmp_path / "chat", TEMPLATE))
    lw.models.Transformers(chat, chat_template=False).answer(["Which law governs?"])
    assert chat.calls[0][0] == "Which law governs?"


def test_a_template_that_fails_is_the_items_error(tmp_path: Path) -> None:
    broken = StandIn(_tokenizer(tmp_path, "{{ raise_exception('no system role here') }}"))
    (answer,) = lw.models.Transformers(broken, name="strict").answer(["Which law governs?"])
    assert answer.text is None and "no system role here" in answer.error
    assert broken.calls == []
