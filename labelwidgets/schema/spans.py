"""Character spans: the answers of ``spans`` questions and the evidence of other answers.

Every offset here is a *document* offset, the coordinates of chunk provenance
(``char_start``/``char_end`` in ``store.chunks()``): a span is half-open, ``text[start:end]``.

- A **labeled span** (an answer to a ``kind="spans"`` question) is ``{"start", "end", "label"}``.
  An answer is a list of them, sorted by ``(start, end, label)``, without exact duplicates;
  spans may overlap or nest (two labels on one phrase is two spans). The empty list is the
  answer "this chunk has no such span".
- **Evidence** is a list of ``[start, end]`` pairs saying where in the document an answer was
  found, sorted, without duplicates; no evidence is ``None``.

Checks that need the document (is the span inside the chunk, inside the document?) are made by
the store with :func:`check_within`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "answer_evidence",
    "check_within",
    "coerce_evidence",
    "coerce_spans",
    "question_settings",
    "span_f1",
    "span_key",
    "span_text",
]

SPAN_FIELDS = ("start", "end", "label")


def _offset(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a whole number, got a bool")
    try:
        return operator.index(value)  # int and numpy integers; never a float
    except TypeError:
        pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"{what} must be a whole number, got {value!r}")


def _bounds(start: Any, end: Any, what: str) -> tuple[int, int]:
    first, last = _offset(start, f"{what} start"), _offset(end, f"{what} end")
    if first < 0:
        raise ValueError(f"{what} starts before the document ({first} < 0)")
    if last <= first:
        raise ValueError(
            f"{what} ends at {last}, not after its start {first} (end must be > start)"
        )
    return first, last


def coerce_spans(value: Any, labels: Sequence[str], where: str = "spans") -> list[dict[str, Any]]:
    """Labeled spans in canonical form, or ``TypeError``/``ValueError`` naming the bad span.

    Parameters
    ----------
    value
        A list of ``{"start", "end", "label"}`` mappings or of ``(start, end, label)`` triples.
    labels
        The labels allowed.
    where
        Names the question in error messages.

    Returns
    -------
    list of dict
        ``[{"start": int, "end": int, "label": str}, ...]`` sorted by (start, end, label).

    Examples
    --------
    >>> coerce_spans([(40, 48, "LAW"), {"start": 3, "end": 9, "label": "PARTY"}], ["LAW", "PARTY"])
    [{'start': 3, 'end': 9, 'label': 'PARTY'}, {'start': 40, 'end': 48, 'label': 'LAW'}]
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{where} expects a list of spans ({{'start', 'end', 'label'}}), "
            f"got {type(value).__name__}"
        )
    seen: set[tuple[int, int, str]] = set()
    for i, item in enumerate(value):
        start, end, label = _span_parts(item, f"{where}: span {i}")
        if not isinstance(label, str) or label not in labels:
            raise ValueError(f"{where}: span {i} has label {label!r}; labels: {list(labels)}")
        first, last = _bounds(start, end, f"{where}: span {i}")
        if (first, last, label) in seen:
            raise ValueError(f"{where}: span {i} ({first}, {last}, {label!r}) is given twice")
        seen.add((first, last, label))
    return [{"start": s, "end": e, "label": lab} for s, e, lab in sorted(seen)]


def _span_parts(item: Any, what: str) -> tuple[Any, Any, Any]:
    if isinstance(item, Mapping):
        missing = [k for k in SPAN_FIELDS if k not in item]
        extra = sorted(set(map(str, item)) - set(SPAN_FIELDS))
        if missing or extra:
            raise ValueError(
                f"{what} needs exactly 'start', 'end' and 'label'"
                + (f"; missing {missing}" if missing else "")
                + (f"; unknown {extra}" if extra else "")
            )
        return item["start"], item["end"], item["label"]
    if isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 3:
        return item[0], item[1], item[2]
    raise TypeError(f"{what} is {item!r}; expected {{'start', 'end', 'label'}} or a triple")


def coerce_evidence(value: Any, where: str = "evidence") -> list[list[int]] | None:
    """Evidence spans in canonical form (``[[start, end], ...]`` sorted), ``None`` for none.

    Accepts ``None``, an empty list (both: no evidence), one ``(start, end)`` pair, or a list
    of pairs (tuples, lists or ``{"start", "end"}`` mappings). Raises ``TypeError`` or
    ``ValueError`` naming the bad span: offsets must be whole numbers, ``0 <= start < end``,
    and a span may not be given twice.

    Examples
    --------
    >>> coerce_evidence((5, 9))
    [[5, 9]]
    >>> coerce_evidence([(30, 41), [5, 9]])
    [[5, 9], [30, 41]]
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{where} must be a list of (start, end) pairs, got {type(value).__name__}")
    items = list(value)
    if len(items) == 2 and all(_is_number(x) for x in items):
        items = [items]  # one pair given on its own
    seen: set[tuple[int, int]] = set()
    for i, item in enumerate(items):
        if isinstance(item, Mapping):
            pair = (item.get("start"), item.get("end"))
        elif isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 2:
            pair = (item[0], item[1])
        else:
            raise TypeError(f"{where}: span {i} is {item!r}; expected a (start, end) pair")
        bounds = _bounds(*pair, f"{where}: span {i}")
        if bounds in seen:
            raise ValueError(f"{where}: span {i} {list(bounds)} is given twice")
        seen.add(bounds)
    return [list(pair) for pair in sorted(seen)] or None


def answer_evidence(
    where: str, takes_evidence: bool, evidence: Any, unknown_answer: bool
) -> list[list[int]] | None:
    """Evidence for an answer (:func:`coerce_evidence`), refused with a ``ValueError`` when the
    question takes none (``Question(evidence=False)``) or the answer is "not in the text".
    Whether the spans lie inside the chunk's document is checked by the store."""
    spans = coerce_evidence(evidence, f"{where}: evidence")
    if spans is None:
        return None
    if not takes_evidence:
        raise ValueError(f"{where} takes no evidence (declare Question(..., evidence=True))")
    if unknown_answer:
        raise ValueError(f"{where}: a 'not in the text' answer cannot have evidence")
    return spans


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) or hasattr(value, "__index__")


def check_within(
    spans: Iterable[Sequence[int]] | Iterable[Mapping[str, Any]],
    start: int,
    end: int,
    what: str,
    region: str,
) -> None:
    """Raise ``ValueError`` when a span does not lie inside ``[start, end)``.

    ``spans`` are canonical evidence pairs or labeled spans; ``region`` says what the bounds
    are ("the chunk", "the document") in the message.
    """
    for i, span in enumerate(spans):
        first, last = (span["start"], span["end"]) if isinstance(span, Mapping) else span
        if first < start or last > end:
            raise ValueError(
                f"{what}: span {i} [{first}, {last}) lies outside {region} [{start}, {end})"
            )


def question_settings(
    where: str, kind: str, labels: Any, allow_unknown: bool | None, evidence: bool | None
) -> dict[str, Any]:
    """Check a question's ``labels``, ``allow_unknown`` and ``evidence`` against its ``kind``
    and resolve the defaults (``None``): "not in the text" is allowed except for spans
    questions, and evidence is on for text questions only."""
    if isinstance(labels, str) or not isinstance(labels, Iterable):
        raise TypeError(f"{where}: labels must be a list of strings")
    labels = tuple(labels)
    if not all(isinstance(x, str) and x.strip() for x in labels):
        raise ValueError(f"{where}: labels must be non-empty strings")
    spans = kind == "spans"
    if spans and not labels:
        raise ValueError(f"{where}: a spans question needs labels=[...]")
    if len(set(labels)) != len(labels):
        raise ValueError(f"{where}: duplicate labels {list(labels)}")
    if labels and not spans:
        raise ValueError(f"{where}: labels only apply to spans questions")
    if spans and allow_unknown:
        raise ValueError(
            f"{where}: a spans question says 'nothing here' with an empty list of spans; "
            "'not in the text' (allow_unknown=True) does not apply"
        )
    if spans and evidence:
        raise ValueError(
            f"{where}: a spans question's answer is already spans; evidence=True does not apply"
        )
    settings: dict[str, Any] = {"labels": labels}
    for name, value, default in (
        ("allow_unknown", allow_unknown, not spans),
        ("evidence", evidence, kind == "text"),
    ):
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{where}: {name} must be True or False")
        settings[name] = default if value is None else value
    return settings


def span_key(value: Any) -> frozenset[tuple[int, int, str]] | None:
    """The labeled spans of an answer as a set of ``(start, end, label)``; ``None`` when
    ``value`` cannot be read as spans."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return None
    found = set()
    for item in value:
        try:
            start, end, label = _span_parts(item, "span")
            found.add((_offset(start, "start"), _offset(end, "end"), str(label)))
        except (TypeError, ValueError):
            return None
    return frozenset(found)


def _overlaps(span: tuple[int, int, str], others: Iterable[tuple[int, int, str]]) -> bool:
    start, end, label = span
    return any(o[2] == label and o[0] < end and start < o[1] for o in others)


def span_f1(a: Any, b: Any, mode: str = "exact") -> float:
    """F1 between two sets of labeled spans (one labeler's answer against another's).

    Parameters
    ----------
    a, b
        Answers of a ``spans`` question (lists of ``{"start", "end", "label"}`` or triples).
    mode
        ``"exact"``: a span counts as found when the other side has the same start, end and
        label. ``"overlap"``: when the other side has a span with the same label sharing at
        least one character.

    Returns
    -------
    float
        ``2PR / (P + R)`` where P is the share of ``a``'s spans found in ``b`` and R the share
        of ``b``'s spans found in ``a`` (symmetric). Two empty answers score 1.0 (they agree
        that there is nothing); an empty answer against a non-empty one scores 0.0.

    Examples
    --------
    >>> law, party = (40, 48, "LAW"), (3, 9, "PARTY")
    >>> span_f1([law, party], [law])
    0.6666666666666666
    >>> span_f1([(40, 50, "LAW")], [law], mode="overlap")
    1.0
    """
    if mode not in ("exact", "overlap"):
        raise ValueError(f"mode must be 'exact' or 'overlap', got {mode!r}")
    left, right = span_key(a), span_key(b)
    if left is None or right is None:
        raise TypeError(f"span_f1 needs two lists of spans, got {a!r} and {b!r}")
    if not left or not right:
        return 1.0 if left == right else 0.0
    if mode == "exact":
        found_a = found_b = len(left & right)
    else:
        found_a = sum(_overlaps(s, right) for s in left)
        found_b = sum(_overlaps(s, left) for s in right)
    if not found_a or not found_b:
        return 0.0
    precision, recall = found_a / len(left), found_b / len(right)
    return 2 * precision * recall / (precision + recall)


def span_text(text: str, offset: int, span: Sequence[int] | Mapping[str, Any]) -> str:
    """The text a document-coordinate span covers, given ``text`` starting at ``offset``."""
    start, end = (span["start"], span["end"]) if isinstance(span, Mapping) else span[:2]
    return text[start - offset : end - offset]
