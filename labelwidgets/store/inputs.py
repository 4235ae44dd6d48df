"""The store's input contract: every public write checks its inputs here, in Python, before SQL.

SQLite ignores column lengths and stores NUL characters and integers that PostgreSQL refuses,
and a lone surrogate (which a browser may send in JSON) cannot be encoded for either. Every
public write path calls these checks first, so both backends accept and refuse the same values
with the same message, and a refused call writes nothing.

- Text people type (labeler names, comments, notes, terms, prompts, answers) may not contain NUL
  or lone surrogates: the error says which field, shows the value and how to fix it.
- Extracted text (document and chunk text, file names, model replies) gets U+FFFD in their
  place, one character for one, so character offsets into it stay valid.
- Identifiers and names are limited to the sizes of their columns (:mod:`.tables`); numbers must
  be finite and fit their columns.

Errors are :class:`InvalidInput` (a ``ValueError``) or :class:`InvalidInputType` (a
``TypeError``); both carry the offending ``field``.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from labelwidgets.schema import Task
from labelwidgets.store import tables as t

REPLACEMENT: Final = "\ufffd"
INT32_MAX: Final = 2**31 - 1  # PostgreSQL INTEGER

DOC_ID_CHARS: Final = t.documents.c.doc_id.type.length  # 64
CHUNK_ID_CHARS: Final = t.chunks.c.chunk_id.type.length  # 40
TASK_NAME_CHARS: Final = t.tasks.c.task_id.type.length  # 100
QUESTION_CHARS: Final = t.questions.c.name.type.length  # 100
PERSON_CHARS: Final = t.events.c.labeler.type.length  # 200: labelers, reviewers, models
PROMPT_VERSION_CHARS: Final = t.suggestions.c.prompt_version.type.length  # 32
PROMPT_LABEL_CHARS: Final = t.prompt_versions.c.label.type.length  # 100
COMMENT_CHARS: Final = 10_000  # comments, notes, flags, feedback
TEMPLATE_CHARS: Final = 200_000  # prompt templates, terms, a task's JSON
DOCUMENT_NAME_CHARS: Final = 4_096  # names and sources (file paths)
CHUNK_TEXT_CHARS: Final = 50_000_000
DOCUMENT_TEXT_CHARS: Final = 500_000_000
ANSWER_CHARS: Final = 100_000  # one text in an answer
RAW_CHARS: Final = 1_000_000  # a model's reply or parse error
META_CHARS: Final = 1_000_000  # a row's meta as JSON
MAX_DEPTH: Final = 8

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


class InvalidInput(ValueError):
    """A value breaks the store's input contract; nothing was written. ``field`` names it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class InvalidInputType(TypeError):
    """A value of the wrong type was given to the store; nothing was written."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


_NOTHING = object()


def show(value: Any) -> str:
    """A short, safe rendering of ``value`` for an error message (never the whole of a long text)."""
    if isinstance(value, str):
        if len(value) <= 40:
            return repr(value)
        return f"{value[:40]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a {int(math.log10(abs(value))) + 1}-digit integer"
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    return f"{type(value).__name__} {reprlib.repr(value)}"


def fail(
    where: str,
    field: str,
    problem: str,
    fix: str,
    value: Any = _NOTHING,
    *,
    wrong_type: bool = False,
) -> InvalidInput | InvalidInputType:
    """The error for ``field`` of ``where``: what is wrong, the value (shortened) and the fix."""
    got = "" if value is _NOTHING else f", got {show(value)}"
    message = f"{where}: {field} {problem}{got}; {fix}"
    return InvalidInputType(message, field) if wrong_type else InvalidInput(message, field)


def _bad_character(text: str) -> tuple[int, str] | None:
    """Position and description of the first NUL or lone surrogate in ``text``."""
    nul = text.find("\x00")
    match = None if text.isascii() else _SURROGATE.search(text)
    if match is not None and (nul < 0 or match.start() < nul):
        return match.start(), f"a lone surrogate (\\u{ord(match[0]):04x})"
    return None if nul < 0 else (nul, "a NUL character (\\x00)")


def require_string(value: Any, field: str, where: str, what: str = "a string") -> str:
    if not isinstance(value, str):
        raise fail(where, field, f"must be {what}", "give text", value, wrong_type=True)
    return value


def _check_length(value: str, field: str, where: str, limit: int) -> None:
    if len(value) > limit:
        raise fail(
            where,
            field,
            f"is too long ({len(value):,} characters; at most {limit:,})",
            "shorten it",
            value,
        )


def text(
    value: Any, field: str, *, where: str, limit: int, required: bool = True, blank: bool = False
) -> str | None:
    """Text typed by a person: a string without NUL or lone surrogates, at most ``limit`` long."""
    if value is None:
        if required:
            raise fail(where, field, "is required", "give text", value)
        return None
    require_string(value, field, where)
    if not blank and not value.strip():
        raise fail(where, field, "is empty", "give some text", value)
    _check_length(value, field, where, limit)
    bad = _bad_character(value)
    if bad is not None:
        position, what = bad
        fix = (
            "remove it (the store keeps no NUL characters in text)"
            if "NUL" in what
            else "send valid Unicode (a lone surrogate comes from cutting an emoji or other "
            "character in half)"
        )
        raise fail(where, field, f"contains {what} at position {position}", fix, value)
    return value


def extracted(
    value: Any, field: str, *, where: str, limit: int, required: bool = True
) -> str | None:
    """Extracted text: NUL and lone surrogates become U+FFFD, one character for one."""
    if value is None:
        if required:
            raise fail(where, field, "is required", "give text", value)
        return None
    require_string(value, field, where)
    _check_length(value, field, where, limit)
    return replace_bad_characters(value)


def replace_bad_characters(value: str) -> str:
    """``value`` with each NUL and lone surrogate replaced by U+FFFD (offsets do not move)."""
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    if not value.isascii():
        value = _SURROGATE.sub(REPLACEMENT, value)
    return value


def name(value: Any, field: str, *, where: str, limit: int) -> str:
    """A name (labeler, reviewer, model, label): non-empty text on one line, no control characters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise fail(where, field, "must be a non-empty name", "give a name such as 'alice'", value)
    text(value, field, where=where, limit=limit)
    control = _CONTROL.search(value)
    if control:
        raise fail(
            where,
            field,
            f"contains a control character ({control[0]!r}) at position {control.start()}",
            "use a name on one line without tabs or control characters",
            value,
        )
    return value


def identifier(value: Any, field: str, *, where: str, limit: int, numbers: bool = False) -> str:
    """An id (``doc_id``, ``chunk_id``, prompt version): a string, or a whole number if ``numbers``."""
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        kind = "a string (or a whole number)" if numbers else "a string"
        fix = "ids are strings, as store.chunks() shows them"
        if isinstance(value, int) and not isinstance(value, bool):
            fix = f"pass str({value})" if value.bit_length() < 64 else fix
        raise fail(where, field, f"must be {kind}", fix, value, wrong_type=True)
    return name(value, field, where=where, limit=limit)


def integer(
    value: Any, field: str, *, where: str, minimum: int = 0, maximum: int = INT32_MAX
) -> int | None:
    """An optional whole number in ``[minimum, maximum]`` (a whole float such as ``3.0`` is fine)."""
    if value is None:
        return None
    number = value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif hasattr(value, "__index__") and not isinstance(value, bool):
        number = value.__index__()
    if isinstance(number, bool) or not isinstance(number, int):
        raise fail(
            where,
            field,
            "must be a whole number",
            "give an integer such as 12 (or None)",
            value,
            wrong_type=not isinstance(value, (int, float)),
        )
    if not minimum <= number <= maximum:
        raise fail(
            where,
            field,
            f"must be between {minimum} and {maximum:,}",
            "give a smaller number",
            value,
        )
    return number


def number(value: Any, field: str, *, where: str, minimum: float | None = None) -> float | None:
    """An optional finite number (``None`` when there is none; NaN and infinity are refused)."""
    if value is None:
        return None
    if isinstance(value, bool) or (
        not isinstance(value, (int, float)) and not hasattr(value, "__float__")
    ):
        raise fail(
            where, field, "must be a number", "give a number (or None)", value, wrong_type=True
        )
    try:
        result = float(value)
    except OverflowError:
        raise fail(where, field, "is too large", "give a number below 1e308", value) from None
    if not math.isfinite(result):
        raise fail(
            where, field, "must be a finite number", "give a number, or None for none", value
        )
    if minimum is not None and result < minimum:
        raise fail(where, field, f"must be at least {minimum}", "give a larger number", value)
    return result


def flag(value: Any, field: str, *, where: str) -> bool:
    """``True`` or ``False`` (numpy booleans too), nothing else."""
    if type(value).__name__ not in ("bool", "bool_"):
        raise fail(where, field, "must be True or False", "give a bool", value, wrong_type=True)
    return bool(value)


def json_object(value: Any, field: str, *, where: str, extra: Mapping[str, Any] = {}) -> dict:
    """A row's ``meta`` (``None`` or a dict) merged with its ``extra`` columns, checked as JSON."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise fail(
            where,
            field,
            "must be a dict",
            "give a dict such as {'page': 3}, or None",
            value,
            wrong_type=True,
        )
    merged = {**value, **extra}
    if merged:
        try:
            encoded = json.dumps(merged, ensure_ascii=False, default=str)
        except (TypeError, ValueError) as exc:
            raise fail(
                where,
                field,
                f"cannot be stored as JSON ({exc})",
                "give a dict of text, numbers, lists and dicts",
                merged,
                wrong_type=True,
            ) from None
        _check_length(encoded, field, where, META_CHARS)
        bad = _SURROGATE.search(encoded)
        if bad:
            raise fail(
                where,
                field,
                f"contains a lone surrogate ({bad[0]!r})",
                "send valid Unicode text",
                merged,
            )
    return merged


# -- answers -----------------------------------------------------------------------------------------
def answer(value: Any, field: str, *, where: str, depth: int = 0) -> None:
    """Refuse an answer that no store can keep: bad characters, texts too long, huge numbers.

    Whether it fits its question (kind, choices, validators) is the schema's decision.
    """
    if isinstance(value, str):
        text(value, field, where=where, limit=ANSWER_CHARS, blank=True)
    elif isinstance(value, int) and not isinstance(value, bool):
        number(value, field, where=where)
    elif isinstance(value, (list, tuple, set, frozenset, Mapping)):
        if depth >= MAX_DEPTH:
            raise fail(where, field, "is nested too deeply", "give a flat answer", value)
        items = list(value.items()) if isinstance(value, Mapping) else list(enumerate(value))
        if len(items) > 10_000:
            raise fail(
                where, field, f"has {len(items):,} parts (at most 10,000)", "give fewer", value
            )
        for key, item in items:
            if isinstance(key, str):
                text(key, field, where=where, limit=QUESTION_CHARS)
            answer(item, field, where=where, depth=depth + 1)


def answers(value: Any, *, where: str) -> None:
    """A submission: a dict of question name -> answer."""
    if not isinstance(value, Mapping):
        raise fail(
            where,
            "answers",
            "must be a dict of {question name: answer}",
            "give e.g. {'governing_law': 'the laws of England'}",
            value,
            wrong_type=True,
        )
    for key, item in value.items():
        question = require_string(key, "each question name", where)
        name(question, "each question name", where=where, limit=QUESTION_CHARS)
        answer(item, f"the answer to {question!r}", where=where)


# -- rows and arguments of the write paths -------------------------------------------------------------
def _person(value: Any, field: str, where: str) -> str:
    return name(value, field, where=where, limit=PERSON_CHARS)


def _comment(value: Any, field: str, where: str) -> str | None:
    return text(value, field, where=where, limit=COMMENT_CHARS, required=False, blank=True)


def _chunk_ref(value: Any, field: str, where: str) -> str:
    return identifier(value, field, where=where, limit=CHUNK_ID_CHARS)


_ARGUMENTS: dict[str, Callable[[Any, str, str], Any]] = {
    "task": lambda v, f, w: task_ref(v, where=w),
    "chunk_id": _chunk_ref,
    "labeler": _person,
    "reviewer": _person,
    "by": _person,
    "subject": _person,
    "accepted_from": _person,
    "model": _person,
    "question": lambda v, f, w: name(v, f, where=w, limit=QUESTION_CHARS),
    "label": lambda v, f, w: name(v, f, where=w, limit=PROMPT_LABEL_CHARS),
    "comment": _comment,
    "note": _comment,
    "template": lambda v, f, w: text(v, f, where=w, limit=TEMPLATE_CHARS, blank=True),
    "terms": lambda v, f, w: text(v, f, where=w, limit=TEMPLATE_CHARS, blank=True),
    "time_spent": lambda v, f, w: number(v, f, where=w, minimum=0),
    "force": lambda v, f, w: flag(v, f, where=w),
    "answer": lambda v, f, w: answer(v, "answer", where=w),
    "answers": lambda v, f, w: answers(v, where=w),
}


_CHECKED_TASKS: dict[int, weakref.ref[Any]] = {}
_ALWAYS_REQUIRED = frozenset({"labeler", "reviewer", "by", "answers"})


def arguments(where: str, *, required: Iterable[str] = (), **given: Any) -> None:
    """Check the arguments of a write method by name.

    ``None`` means "not given" and passes, except for the people who write events, the answers
    of a submission and the fields named in ``required``.
    """
    for field, value in given.items():
        if value is None and field not in _ALWAYS_REQUIRED and field not in required:
            continue
        _ARGUMENTS[field](value, field, where)


def task_ref(value: Any, *, where: str = "task") -> Any:
    """A task argument: a stored task's name, or a :class:`~labelwidgets.schema.Task`."""
    if isinstance(value, str):
        return name(value, "task", where=where, limit=TASK_NAME_CHARS)
    if isinstance(value, Task):
        checked = _CHECKED_TASKS.get(id(value))
        if checked is None or checked() is not value:  # a Task is frozen: once is enough
            task_strings(value.to_dict(), where=where)
            key = id(value)
            _CHECKED_TASKS[key] = weakref.ref(value, lambda _, k=key: _CHECKED_TASKS.pop(k, None))
        return value
    raise fail(
        where,
        "task",
        "must be a Task or a task name",
        "give lw.Task(...) or its name",
        value,
        wrong_type=True,
    )


def task_strings(value: Any, *, where: str, field: str = "the task definition") -> None:
    """Every text in a task definition (prompts, instructions, choices...) must be storable."""
    if isinstance(value, str):
        text(value, field, where=where, limit=TEMPLATE_CHARS, blank=True)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            task_strings(item, where=where, field=f"{field}[{key!r}]"[:120])
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            task_strings(item, where=where, field=f"{field}[{index}]"[:120])


def chunk_refs(chunk_ids: Iterable[Any], where: str) -> None:
    """Ids that must name stored chunks: strings of at most 40 characters."""
    for value in chunk_ids:
        _chunk_ref(value, "chunk_id", where)
