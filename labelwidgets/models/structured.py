"""Structured output: the JSON schema a model's reply must follow for each kind of question, and
reading a reply that follows it.

A structured reply is an object ``{"not_in_text": bool, "answer": ..., "quote": ...}``:

- ``not_in_text`` is always there, so "the text does not say" is always a valid reply (it reads
  as :data:`~labelwidgets.UNKNOWN`, or as an error for a question that needs an answer);
- ``answer`` has the question's type: text → string; choice → one of the choices (an enum);
  multi_choice → an array of choices; rating → an integer on the scale (an enum); number →
  number; date → string (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``); spans → an array of
  ``{"label", "quote"}`` (the exact words of the text, placed in the chunk when it is read).
  It is ``null`` when ``not_in_text`` is true;
- ``quote`` (questions with ``evidence``) — the exact words of the text that give the answer.

Every property is required and no other is allowed, as OpenAI's ``strict`` mode wants; servers
that enforce JSON schemas with a grammar (vLLM, llama.cpp, Ollama) accept the same schema.
"""

from __future__ import annotations

import json
from typing import Any

from labelwidgets.schema import UNKNOWN, Question

__all__ = [
    "ENVELOPE_KEYS",
    "answer_schema",
    "envelope_value",
    "place_spans",
    "read_envelope",
    "response_format",
]

ENVELOPE_KEYS = frozenset({"not_in_text", "answer", "quote"})
SCHEMA_NAME = "labelwidgets_answer"

_DATE = "the date as YYYY-MM-DD; YYYY-MM or YYYY when the text gives only a month or a year"
_QUOTE = "the exact words of the text that give the answer, or null"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    out = {**schema, "type": [kind, "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def answer_schema(question: Question) -> dict[str, Any]:
    """The JSON schema of the ``answer`` property for ``question``'s kind (``null`` allowed,
    except for spans, where "nothing here" is the empty array)."""
    kind = question.kind
    if kind == "spans":
        span = {
            "type": "object",
            "properties": {
                "label": {"type": "string", "enum": list(question.labels)},
                "quote": {"type": "string", "description": "the exact words of the text"},
            },
            "required": ["label", "quote"],
            "additionalProperties": False,
        }
        return {"type": "array", "items": span}
    if kind == "choice":
        schema: dict[str, Any] = {"type": "string", "enum": list(question.choices)}
    elif kind == "multi_choice":
        items = {"type": "string", "enum": list(question.choices)}
        schema = {"type": "array", "items": items}
    elif kind == "rating":
        low, high = question.scale
        schema = {"type": "integer", "enum": list(range(low, high + 1))}
    elif kind == "number":
        schema = {"type": "number", "description": "the number only, without units"}
    elif kind == "date":
        schema = {"type": "string", "description": _DATE}
    else:
        schema = {"type": "string", "description": "the answer, worded as in the text"}
    return _nullable(schema)


def response_format(question: Question) -> dict[str, Any]:
    """The ``response_format`` request parameter asking for ``question``'s reply schema."""
    properties: dict[str, Any] = {
        "not_in_text": {
            "type": "boolean",
            "description": "true when the text does not contain the answer",
        },
        "answer": answer_schema(question),
    }
    if question.evidence:
        properties["quote"] = {"type": ["string", "null"], "description": _QUOTE}
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
    }


def read_envelope(raw: str) -> dict[str, Any] | None:
    """The structured reply in ``raw``, or ``None`` when ``raw`` is not one (then it is read as
    text). A structured reply is a JSON object with ``not_in_text`` and only envelope keys."""
    text = raw.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    if not isinstance(obj, dict) or "not_in_text" not in obj or set(obj) - ENVELOPE_KEYS:
        return None
    return obj


def envelope_value(
    question: Question, obj: dict[str, Any], chunk_text: str | None, chunk_start: int = 0
) -> Any:
    """The answer a structured reply gives (UNKNOWN for ``not_in_text``), before coercion."""
    flag = obj.get("not_in_text")
    if not isinstance(flag, bool):
        raise ValueError(f"the structured reply's not_in_text is {flag!r}, not true or false")
    answer = obj.get("answer")
    if flag or (answer is None and question.kind != "spans"):
        return UNKNOWN
    if question.kind == "spans":
        return place_spans(answer, chunk_text, chunk_start)
    if question.kind in ("number", "rating") and isinstance(answer, bool):
        raise ValueError(f"the structured reply's answer {answer!r} is not a number")
    return answer


def place_spans(items: Any, chunk_text: str | None, chunk_start: int = 0) -> list[dict[str, Any]]:
    """``[{"label", "quote"}]`` placed in the chunk as ``{"start", "end", "label"}`` (document
    offsets: ``chunk_start`` plus the first occurrence of each quote in ``chunk_text``). A quote
    that is not in the chunk is an error."""
    if not isinstance(items, list):
        raise ValueError(f"a spans reply must be a list of {{label, quote}}, got {items!r:.80}")
    if chunk_text is None:
        raise ValueError("a spans reply is placed in the chunk: parse it with chunk_text=")
    spans = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
            raise ValueError(f"a span must be {{label, quote}}, got {item!r:.80}")
        quote = item["quote"].strip()
        start = chunk_text.find(quote) if quote else -1
        if start < 0:
            raise ValueError(f"the quoted span {quote[:60]!r} is not in the text")
        start += chunk_start
        spans.append({"start": start, "end": start + len(quote), "label": item.get("label")})
    return spans
