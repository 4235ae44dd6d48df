"""Prompt templates for the model, and parsing the model's reply into a typed answer.

A template is a ``str.format`` string with these fields: ``{chunk}`` (the chunk text),
``{question}`` (the question's model prompt), ``{instructions}`` (the labeler instructions),
``{choices}``, ``{answer_format}`` (how to reply for this kind of question), ``{not_in_text}``
(the exact reply meaning "the text does not say") and ``{previous}`` (the answer to the question
this one depends on, for chained questions; a question's ``prompt`` may use it too).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import UNKNOWN, Question
from labelwidgets.schema.compare import normalize

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


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


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


@dataclass(frozen=True)
class ParsedAnswer:
    """A model reply as an answer: ``value`` (UNKNOWN included) or an ``error`` saying why not.

    ``raw`` is always the reply exactly as the model gave it.
    """

    value: Any
    error: str | None
    raw: str


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


def parse_answer(question: Question, raw: str | None) -> ParsedAnswer:
    """Map a model reply onto ``question``'s answer kind.

    Strips code fences, "Answer:" prefixes, quotes and trailing explanations; maps refusals
    ("NOT_IN_TEXT", "The document does not say", "N/A", "not specified", ...) to
    :data:`~labelwidgets.UNKNOWN`; maps choices case-, spacing- and punctuation-tolerantly;
    reads numbers (digits with separators, currency, scale words, number words) and dates (ISO
    and common written forms). A reply that cannot be read gets ``error`` with the reason.

    Examples
    --------
    >>> from labelwidgets import Question
    >>> parse_answer(Question("kind", kind="choice", choices=["supply", "license"]), " License.").value
    'license'
    >>> parse_answer(Question("fee", kind="number"), "USD 1.5 million").value
    1500000
    >>> parse_answer(Question("law"), "NOT_IN_TEXT").value
    UNKNOWN
    """
    if raw is None or not str(raw).strip():
        return ParsedAnswer(None, "the model replied with nothing", raw or "")
    text = _clean(str(raw))
    if says_unknown(text):
        if question.allow_unknown:
            return ParsedAnswer(UNKNOWN, None, raw)
        return ParsedAnswer(
            None, "the model said the text does not say, but this question needs an answer", raw
        )
    try:
        value = question.coerce(_PARSERS[question.kind](question, text))
    except (ValueError, TypeError) as exc:
        return ParsedAnswer(None, str(exc), raw)
    return ParsedAnswer(value, None, raw)


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


_NUMBER = re.compile(
    r"(?<![\d.])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?!\d)|(?<![\w.])-?\.\d+"
)
_SCALE = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "k": 10**3,
    "mm": 10**6,
    "bn": 10**9,
}
_UNITS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        )
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
}


def _number(question: Question, text: str) -> int | float:
    found = list(_NUMBER.finditer(text))
    if not found:
        return _number_words(text)
    if len({m.group() for m in found}) != 1:  # "thirty (30) days ... 30" is still one number
        raise ValueError(f"expected one number, got {text!r}")
    match = found[0]
    value = float(match.group().replace(",", ""))
    scale = re.match(
        r"\s*(thousand|million|billion|trillion|bn|mm|k)\b", text[match.end() :], re.IGNORECASE
    )
    if scale:
        value *= _SCALE[scale.group(1).lower()]
    return int(value) if value.is_integer() else value


def _number_words(text: str) -> int:
    """ "twelve", "thirty-six", "one hundred and five", "two million" (whole numbers)."""
    words = re.findall(r"[a-z]+", text.lower().replace("-", " "))
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million", "billion", "trillion"):
            total += max(current, 1) * _SCALE[word]
            current = 0
        elif word == "and" or not seen:
            continue  # "about twelve", "one hundred and five"
        else:
            break  # "twelve months": the number is over
        seen = True
    if not seen:
        raise ValueError(f"expected a number, got {text!r}")
    return total + current


def _rating(question: Question, text: str) -> int:
    low, high = question.scale
    out_of = re.fullmatch(rf"\s*(\d+)\s*(?:/|out of|of)\s*{high}\s*\.?\s*", text)
    value = int(out_of.group(1)) if out_of else _number(question, text)
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is not a whole number from {low} to {high}")
    return int(value)


_MONTHS = {
    name: i
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTHS |= {name[:3]: i for name, i in list(_MONTHS.items())} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\s+day)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    # numeric day/month: US order with slashes, day first with dots (German, French forms)
    re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d)"),
]


def _date(question: Question, text: str) -> str:
    found, spans = set(), []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in spans):
                continue  # "2021-03-04" is not also read as something else
            month, day_number = m.group("month"), int(m.group("day"))
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            if month_number > 12 and day_number <= 12 and "/" in m.group():
                month_number, day_number = day_number, month_number  # 13/04/2021 is day first
            try:
                day = dt.date(int(m.group("year")), month_number, day_number)
            except ValueError:
                raise ValueError(f"{m.group()!r} is not a real date") from None
            found.add(day.isoformat())
            spans.append(m.span())
    if len(found) > 1:
        raise ValueError(f"{text!r} has more than one date: {sorted(found)}")
    if not found:
        raise ValueError(f"{text!r} is not a date this parser knows (use YYYY-MM-DD)")
    return found.pop()


_PARSERS = {
    "text": _text,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "number": _number,
    "rating": _rating,
    "date": _date,
}
