"""Prompt templates for the model, and parsing the model's reply into a typed answer.

A template is a ``str.format`` string with these fields: ``{chunk}`` (the chunk text),
``{question}`` (the question's model prompt), ``{instructions}`` (the labeler instructions),
``{choices}``, ``{answer_format}`` (how to reply for this kind of question), ``{not_in_text}``
(the exact reply meaning "the text does not say") and ``{previous}`` (the answer to the question
this one depends on, for chained questions).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Any

from labelwidgets.compare import normalize
from labelwidgets.schema import UNKNOWN, Question

__all__ = [
    "NOT_IN_TEXT",
    "ParsedAnswer",
    "answer_format",
    "default_template",
    "parse_answer",
    "render",
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

_UNKNOWN_REPLIES = re.compile(
    r"^(not[ _-]?in[ _-]?(the[ _-]?)?text|n/?a|none|null|unknown|not (specified|stated|mentioned|"
    r"provided|given|found|available)|no answer|(it )?cannot be determined|i (do not|don't) know|"
    r"(the )?(document|text|contract|agreement|chunk|passage) does not (say|specify|state|mention|"
    r"contain|provide)( (it|this|that|the answer|this information))?)$",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y", "%Y/%m/%d",
                 "%B %d %Y", "%d.%m.%Y")  # fmt: skip
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")


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
    """The template used when no prompt version was stored for ``question``."""
    return DEFAULT_TEMPLATE


def check_template(template: str) -> None:
    """Raise ``ValueError`` naming any placeholder the template may not use."""
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"prompt template is malformed: {exc}") from None
    unknown = sorted(used - FIELDS)
    if unknown:
        raise ValueError(
            f"prompt template uses unknown field(s) {unknown}; available: {sorted(FIELDS)}"
        )
    if "chunk" not in used:
        raise ValueError("prompt template must include {chunk}, or the model never sees the text")


def render(question: Question, chunk_text: str, template: str | None = None, *,
           previous: Any = None, not_in_text: str = NOT_IN_TEXT) -> str:  # fmt: skip
    """The prompt for ``question`` about ``chunk_text``, exactly as the model receives it.

    ``not_in_text`` is the reply the model is told to give when the text does not say; exports
    use the same words as the training target, so training matches how the model is asked.
    """
    template = template or default_template(question)
    check_template(template)
    return template.format(
        chunk=chunk_text,
        question=question.prompt or question.instructions or question.name.replace("_", " "),
        instructions=question.instructions,
        choices=", ".join(question.choices),
        answer_format=answer_format(question),
        not_in_text=not_in_text,
        previous=""
        if previous is None
        else ("not in the text" if previous is UNKNOWN else previous),
    )


@dataclass(frozen=True)
class ParsedAnswer:
    """A model reply as an answer: ``value`` (UNKNOWN included) or an ``error`` saying why not."""

    value: Any
    error: str | None
    raw: str


def _clean(raw: str) -> str:
    text = raw.strip()
    text = re.sub(r"^```\w*\s*|\s*```$", "", text).strip()
    text = re.sub(r"^(final answer|answer)\s*[:\-]\s*", "", text, flags=re.IGNORECASE).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()
    return text


def parse_answer(question: Question, raw: str | None) -> ParsedAnswer:
    """Map a model reply onto ``question``'s answer kind; keeps ``raw``."""
    if raw is None or not str(raw).strip():
        return ParsedAnswer(None, "the model replied with nothing", raw or "")
    text = _clean(str(raw))
    if _UNKNOWN_REPLIES.match(text.rstrip(". ")):
        if question.allow_unknown:
            return ParsedAnswer(UNKNOWN, None, raw)
        return ParsedAnswer(
            None, "the model said the text does not say, but this question needs an answer", raw
        )
    try:
        value = _PARSERS[question.kind](question, text)
    except ValueError as exc:
        return ParsedAnswer(None, str(exc), raw)
    return ParsedAnswer(value, None, raw)


def _text(question: Question, text: str) -> str:
    return text.strip()


def _choice(question: Question, text: str) -> str:
    wanted = normalize(text)
    for choice in question.choices:
        if normalize(choice) == wanted:
            return choice
    starts = [
        c
        for c in question.choices
        if wanted.startswith(normalize(c) + " ") or wanted == normalize(c)
    ]
    if len(starts) == 1:
        return starts[0]
    raise ValueError(f"{text!r} is not one of the choices {list(question.choices)}")


def _multi_choice(question: Question, text: str) -> list[str]:
    parts = [p for p in re.split(r",|;|\n|\band\b", text) if p.strip()]
    picked = {_choice(question, p.strip(" -*•")) for p in parts}
    return [c for c in question.choices if c in picked]


def _number(question: Question, text: str) -> int | float:
    found = _NUMBER.findall(text)
    if len(found) != 1:
        raise ValueError(f"expected one number, got {text!r}")
    value = float(found[0].replace(",", ""))
    return int(value) if value.is_integer() else value


def _rating(question: Question, text: str) -> int:
    value = _number(question, text)
    low, high = question.scale
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is not a whole number from {low} to {high}")
    return int(value)


def _date(question: Question, text: str) -> str:
    candidate = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(candidate, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date this parser knows (use YYYY-MM-DD)")


_PARSERS = {"text": _text, "choice": _choice, "multi_choice": _multi_choice, "number": _number,
            "rating": _rating, "date": _date}  # fmt: skip
