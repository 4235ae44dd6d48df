"""How answers and metadata are written to and read from text columns."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from labelwidgets.schema import UNKNOWN

_decode = json.JSONDecoder().decode


def encode_answer(value: Any) -> tuple[str | None, bool]:
    """``(json_text, is_unknown)`` for an answer; UNKNOWN is a flag, never a magic string."""
    if value is UNKNOWN:
        return None, True
    return json.dumps(value, ensure_ascii=False), False


def decode_answer(text: str | None, is_unknown: Any) -> Any:
    if is_unknown:
        return UNKNOWN
    if not isinstance(text, str):  # NULL (pandas may hand it over as NaN)
        return None
    return _decode(text)


def decode_answers(texts: Iterable[str | None], unknown_flags: Iterable[Any]) -> list[Any]:
    """Decode a column of answers at once (one JSON parse for the whole column)."""
    texts = [t if isinstance(t, str) else "null" for t in texts]
    values = _decode("[" + ",".join(texts) + "]") if texts else []
    return [UNKNOWN if u else v for v, u in zip(values, unknown_flags, strict=True)]


def encode_json(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict) and not value:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def decode_json(text: str | None) -> Any:
    return _decode(text) if isinstance(text, str) else None
