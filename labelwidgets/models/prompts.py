"""Prompt templates for the model; parsing its reply lives in :mod:`~labelwidgets.models.replies`
(re-exported here: ``lw.prompts.parse_answer``).

A template is a ``str.format`` string with these fields: ``{chunk}`` (the chunk text),
``{question}`` (the question's model prompt), ``{instructions}`` (the labeler instructions),
``{choices}``, ``{answer_format}`` (how to reply for this kind of question), ``{not_in_text}``
(the exact reply meaning "the text does not say") and ``{previous}`` (the answer to the question
this one depends on, for chained questions; a question's ``prompt`` may use it too).
"""

from __future__ import annotations

import functools
import string
from typing import Any

from labelwidgets.models.replies import ParsedAnswer, parse_answer, says_unknown
from labelwidgets.schema import UNKNOWN, Question

__all__ = [
    "NOT_IN_TEXT",
    "ParsedAnswer",
    "answer_format",
    "check_template",
    "default_template",
    "parse_answer",
    "render",
    "says_unknown",
]

NOT_IN_TEXT = "The document does not say."
FIELDS = {
    "chunk",
    "question",
    "instructions",
    "choices",
    "answer_format",
    "not_in_text",
    "previous",
}

DEFAULT_TEMPLATE = """Read the text and answer the question.

Text:
\"\"\"
{chunk}
\"\"\"

Question: {question}
{answer_format}
If the text does not contain the answer, reply exactly: {not_in_text}
Answer:"""


def answer_format(question: Question) -> str:
    """The reply format the model is asked for, given the question's kind."""
    if question.kind == "choice":
        return f"Reply with exactly one of: {', '.join(question.choices)}."
    if question.kind == "multi_choice":
        return f"Reply with one or more of: {', '.join(question.choices)}, separated by commas."
    if question.kind == "rating":
        low, high = question.scale
        return f"Reply with a whole number from {low} to {high}."
    if question.kind == "number":
        return "Reply with the number only (digits, no units)."
    if question.kind == "date":
        return "Reply with the date only, as YYYY-MM-DD."
    return "Reply with the answer only, worded as in the text."


def default_template(question: Question) -> str:
    """The template used when no prompt version was stored for ``question``.

    It asks ``question.prompt`` about ``{chunk}`` in the answer format of the question's kind and
    says how to reply when the text does not contain the answer. A chained question (``when=``)
    is also shown the answer it depends on, unless its prompt already places ``{previous}``.
    """
    if question.when is None or "{previous}" in question.prompt:
        return DEFAULT_TEMPLATE
    gate = question.when[0].replace("_", " ")
    return DEFAULT_TEMPLATE.replace(
        "Question: {question}", f"Already answered ({gate}): {{previous}}\nQuestion: {{question}}"
    )


_BRACES = " (write {{ and }} for a literal brace, e.g. in a JSON example)"


@functools.lru_cache(maxsize=512)  # an export renders one template many thousand times
def _fields(template: str) -> frozenset[str]:
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


def check_template(template: str) -> None:
    """Raise ``ValueError`` naming any placeholder the template may not use."""
    try:
        used = _fields(template)
    except ValueError as exc:
        raise ValueError(f"prompt template is malformed: {exc}{_BRACES}") from None
    unknown = sorted(used - FIELDS)
    if unknown:
        raise ValueError(
            f"prompt template uses unknown field(s) {unknown}; available: {sorted(FIELDS)}{_BRACES}"
        )
    if "chunk" not in used:
        raise ValueError("prompt template must include {chunk}, or the model never sees the text")


def render(
    question: Question,
    chunk_text: str,
    template: str | None = None,
    *,
    previous: Any = None,
    not_in_text: str = NOT_IN_TEXT,
) -> str:
    """The prompt for ``question`` about ``chunk_text``, exactly as the model receives it.

    ``not_in_text`` is the reply the model is told to give when the text does not say; exports
    use the same words as the training target, so training matches how the model is asked.
    ``previous`` is the answer to the question this one depends on; without it, template lines
    whose only field is ``{previous}`` are left out rather than shown empty.
    """
    template = template or default_template(question)
    check_template(template)
    if previous is None and "{previous}" in template:
        template = "\n".join(line for line in template.split("\n") if _fields(line) != {"previous"})
    return template.format(
        chunk=chunk_text,
        # a question's own prompt may place the earlier answer too: "Which law? ({previous})"
        question=(
            question.prompt or question.instructions or question.name.replace("_", " ")
        ).replace("{previous}", _previous_text(previous)),
        instructions=question.instructions,
        choices=", ".join(question.choices),
        answer_format=answer_format(question),
        not_in_text=not_in_text,
        previous=_previous_text(previous),
    )


def _previous_text(previous: Any) -> str:
    if previous is None:
        return ""
    if previous is UNKNOWN:
        return "not in the text"
    if isinstance(previous, (list, tuple)):
        return ", ".join(str(p) for p in previous)
    return str(previous)
