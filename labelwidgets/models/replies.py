"""Parsing a model's reply into a typed answer: refusals become UNKNOWN, choices, numbers and
dates are read tolerantly, and a reply that cannot be read says why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from labelwidgets.models.reply_values import read_date_reply, read_number_reply, read_rating_reply
from labelwidgets.models.structured import envelope_value, place_spans, read_envelope
from labelwidgets.schema import UNKNOWN, Question
from labelwidgets.schema.compare import normalize

__all__ = ["ParsedAnswer", "parse_answer", "says_unknown"]


@dataclass(frozen=True)
class ParsedAnswer:
    """A model reply as an answer: ``value`` (UNKNOWN included) or an ``error`` saying why not.

    ``raw`` is always the reply exactly as the model gave it; ``quote`` the words the model
    quoted from the text as its evidence (a ``Quote: "..."`` line after the answer), if any.
    """

    value: Any
    error: str | None
    raw: str
    quote: str | None = None


# Short replies that mean "not in the text" only when they are the whole reply ("Unknown Corp."
# is a name); sentences that start like a refusal mean it whatever follows.
_UNKNOWN_WHOLE = re.compile(
    r"(not[ _-]?in[ _-]?(the[ _-]?)?(text|document|contract|passage)|n/?a|n\.a|none|null|nil|"
    r"unknown|not applicable|no answer|none (specified|stated|given|mentioned)|"
    r"(i )?(do not|don't|cannot|can't) (know|tell|say))",
    re.IGNORECASE,
)
_INFO = r"(any |the |this |that |such )?(information|details?|answer|mention|reference|indication)"
_UNKNOWN_START = re.compile(
    r"((it is |it's |this is )?not (specified|stated|mentioned|provided|given|found|available|"
    r"indicated|disclosed|defined|addressed|included|identified)\b|"
    r"(the |this )?(provided |given )?(document|text|contract|agreement|chunk|passage|excerpt|"
    r"clause|section|context)s? (?:(does not|doesn't|do not|don't|did not) "
    r"(say|specify|state|mention|contain|indicate|address|identify|disclose|name|answer|"
    rf"(provide|include|give|offer) {_INFO})\b|(is|are) silent\b|"
    rf"(contains?|has|have|provides?|gives?|makes?) no {_INFO}\b)|"
    r"there (is|are) no (mention|information|indication|reference|answer)\b|"
    r"no (information|mention|indication|reference) (is |was )?(given|provided|found|of|about|"
    r"available|in)\b|"
    r"(i )?(could not|couldn't|cannot|can't) find\b|"
    r"(it |this |the answer )?(cannot|can't|could not) be (determined|found|answered)\b|"
    r"(i am |i'm )?unable to (determine|answer|tell|find)\b)",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"\n\s*(\*\*)?(explanation|reasoning|rationale|justification|note|because)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_PREFIX = re.compile(
    r"^(\*\*)?(final answer|answer|response|reply)(\*\*)?\s*[:\-]\s*(\*\*)?", re.IGNORECASE
)


# a prompt may ask for the evidence: 'Quote: "the exact words of the text"' on its own line
_QUOTE_LINE = re.compile(
    r"\n\s*(?:\*\*)?(?:quote|evidence|citation)(?:\*\*)?\s*:\s*(?:\*\*)?(.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _split_quote(raw: str) -> tuple[str, str | None]:
    """The reply without its ``Quote:`` line, and the quoted words (``None`` when absent)."""
    found = _QUOTE_LINE.search(raw.strip())
    if found is None:
        return raw, None
    quote = _TRAILER.sub("", found.group(1)).strip()
    for _ in range(2):  # '**"x"**'
        quote = quote.removeprefix("**").removesuffix("**").strip()
        if len(quote) >= 2 and (quote[0], quote[-1]) in _QUOTES:
            quote = quote[1:-1].strip()
    return raw.strip()[: found.start()], quote or None


def _clean(raw: str) -> str:
    """The answer inside a reply: no code fence, "Answer:" prefix, quotes, bold or explanation."""
    text = raw.strip()
    text = re.sub(r"^```[\w-]*\s*|\s*```$", "", text).strip()
    text = _TRAILER.sub("", text).strip()
    text = _PREFIX.sub("", text).strip()
    json_answer = re.fullmatch(r'\{\s*"answer"\s*:\s*"((?:[^"\\]|\\.)*)"\s*\}', text, re.DOTALL)
    if json_answer:
        text = json_answer.group(1).replace('\\"', '"').strip()
    for _ in range(2):  # "**'x'**"
        if text.startswith("**") and text.endswith("**") and len(text) > 4:
            text = text[2:-2].strip()
        if len(text) >= 2 and (text[0], text[-1]) in _QUOTES:
            text = text[1:-1].strip()
    return text


_QUOTES = {('"', '"'), ("'", "'"), ("`", "`"), ("“", "”"), ("‘", "’"), ("«", "»")}


def says_unknown(text: str) -> bool:
    """Whether a (cleaned) reply means "the text does not contain the answer"."""
    text = " ".join(text.replace("’", "'").split()).rstrip(" .!")
    return bool(_UNKNOWN_WHOLE.fullmatch(text) or _UNKNOWN_START.match(text))


def parse_answer(
    question: Question, raw: str | None, *, chunk_text: str | None = None, chunk_start: int = 0
) -> ParsedAnswer:
    """Map a model reply onto ``question``'s answer kind.

    A structured reply (``{"not_in_text": ..., "answer": ..., "quote": ...}``, what
    ``OpenAIChat(structured="auto")`` asks for; see :mod:`labelwidgets.models.structured`) is
    read by its fields: ``not_in_text`` → UNKNOWN, ``answer`` coerced to the question's kind.
    A ``spans`` reply quotes the text (structured: ``[{"label", "quote"}]``; text: one
    ``label: "quote"`` line per span, ``none`` for no span); the quotes are placed in
    ``chunk_text`` (which starts at document offset ``chunk_start``).

    Strips code fences, "Answer:" prefixes, quotes and trailing explanations; maps refusals
    ("NOT_IN_TEXT", "The document does not say", "N/A", "not specified", ...) to
    :data:`~labelwidgets.UNKNOWN`; maps choices case-, spacing- and punctuation-tolerantly;
    reads numbers (digits with separators, currency, scale words, number words) and dates (ISO
    and common written forms). A reply that cannot be read gets ``error`` with the reason. A
    ``Quote: "..."`` line after the answer (when the prompt asks for one) becomes ``quote``.

    Examples
    --------
    >>> from labelwidgets import Question
    >>> parse_answer(Question("kind", kind="choice", choices=["supply", "license"]), " License.").value
    'license'
    >>> parse_answer(Question("fee", kind="number"), "USD 1.5 million").value
    1500000
    >>> parse_answer(Question("law"), "NOT_IN_TEXT").value
    UNKNOWN
    >>> parse_answer(Question("law"), 'New York\\nQuote: "the laws of the State of New York"').quote
    'the laws of the State of New York'
    """
    if raw is None or not str(raw).strip():
        return ParsedAnswer(None, "the model replied with nothing", raw or "")
    envelope = read_envelope(str(raw))
    if envelope is not None:
        return _structured(question, raw, envelope, chunk_text, chunk_start)
    if question.kind == "spans":
        return _spans_text(question, raw, chunk_text, chunk_start)
    text, quote = _split_quote(str(raw))
    text = _clean(text)
    if says_unknown(text):
        if question.allow_unknown:
            return ParsedAnswer(UNKNOWN, None, raw, quote)
        return ParsedAnswer(
            None,
            "the model said the text does not say, but this question needs an answer",
            raw,
            quote,
        )
    try:
        value = question.coerce(_PARSERS[question.kind](question, text))
    except (ValueError, TypeError) as exc:
        return ParsedAnswer(None, str(exc), raw, quote)
    return ParsedAnswer(value, None, raw, quote)


def _structured(
    question: Question, raw: str, envelope: dict[str, Any], chunk_text: str | None, start: int
) -> ParsedAnswer:
    quote = envelope.get("quote") if isinstance(envelope.get("quote"), str) else None
    quote = (quote or "").strip() or None
    try:
        value = envelope_value(question, envelope, chunk_text, start)
        if isinstance(value, str) and says_unknown(_clean(value)):  # the refusal as the answer
            value = UNKNOWN
        if value is UNKNOWN and not question.allow_unknown:
            raise ValueError(
                "the model said the text does not say, but this question needs an answer"
            )
        value = question.coerce(value)
    except (ValueError, TypeError) as exc:
        return ParsedAnswer(None, f"structured reply: {exc}", raw, quote)
    return ParsedAnswer(value, None, raw, quote)


_SPAN_LINE = re.compile(r"^\s*(?:[-*]\s*)?([^:\n]+?)\s*:\s*(.+?)\s*$")


def _spans_text(question: Question, raw: str, chunk_text: str | None, start: int) -> ParsedAnswer:
    """One ``label: "quote"`` line per span; a reply meaning "none" is no span."""
    text = _clean(_TRAILER.sub("", raw.strip()))
    if says_unknown(text) or normalize(text) in {"none", "no spans", "nothing"}:
        return ParsedAnswer([], None, raw)
    items = []
    for line in filter(str.strip, text.splitlines()):
        found = _SPAN_LINE.match(line)
        if found is None:
            return ParsedAnswer(None, f"{line.strip()!r} is not 'label: \"quote\"'", raw)
        label = next((x for x in question.labels if normalize(x) == normalize(found[1])), None)
        if label is None:
            return ParsedAnswer(
                None, f"{found[1]!r} is not one of the labels {list(question.labels)}", raw
            )
        items.append({"label": label, "quote": _clean(found[2])})
    try:
        return ParsedAnswer(question.coerce(place_spans(items, chunk_text, start)), None, raw)
    except (ValueError, TypeError) as exc:
        return ParsedAnswer(None, str(exc), raw)


def _text(question: Question, text: str) -> str:
    if not text:
        raise ValueError("the reply has no answer in it")
    return text


def _choice(question: Question, text: str) -> str:
    wanted = normalize(text)
    exact = [c for c in question.choices if normalize(c) == wanted]
    if exact:
        return exact[0]
    # "License agreement", "The answer is license." — one choice named, and only one
    found = _choices_in(question, wanted)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ValueError(f"{text!r} names more than one of the choices {list(question.choices)}")
    raise ValueError(f"{text!r} is not one of the choices {list(question.choices)}")


def _choices_in(question: Question, normalized: str) -> list[str]:
    return [
        c
        for c in question.choices
        if normalize(c) and re.search(rf"\b{re.escape(normalize(c))}\b", normalized)
    ]


def _multi_choice(question: Question, text: str) -> list[str]:
    rest = f" {normalize(text)} "
    picked = []
    # longest first, so "terms and conditions" wins over "terms"
    for choice in sorted(question.choices, key=lambda c: -len(normalize(c))):
        pattern = rf" {re.escape(normalize(choice))} "
        if normalize(choice) and re.search(pattern, rest):
            picked.append(choice)
            rest = re.sub(pattern, "  ", rest)
    leftover = [w for w in rest.split() if w not in {"and", "or", "both", "also"}]
    if leftover:
        raise ValueError(
            f"{text!r} has words that are none of the choices "
            f"{list(question.choices)}: {' '.join(leftover)!r}"
        )
    if not picked:
        raise ValueError(f"{text!r} names none of the choices {list(question.choices)}")
    return [c for c in question.choices if c in picked]


_PARSERS = {
    "text": _text,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "number": read_number_reply,
    "rating": read_rating_reply,
    "date": read_date_reply,
}
