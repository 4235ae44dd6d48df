"""Evidence and spans on the Labeler's wire, converted at the widget's edge.

The store keeps evidence spans and the answers of ``spans`` questions in *document* coordinates
(those of chunk provenance, ``char_start``/``char_end``). The front end only knows the text it
shows, so on the wire an offset counts from the chunk's first character: negative in the
context shown before the chunk, ``>= len(text)`` in the context after it. :class:`ChunkFrame`
says where the text on screen sits in its document and converts both ways.

A message the front end can never send (an offset outside the text it shows, evidence for a
question that takes none) is a :class:`WireError`: a bug, shown in the widget's error banner,
and nothing is stored.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.widgets._base import decode, encode

__all__ = [
    "ChunkFrame",
    "WireError",
    "answers_from_wire",
    "answers_to_wire",
    "as_pairs",
    "evidence_from_wire",
]


class WireError(RuntimeError):
    """The front end sent something it never should; nothing was stored."""


@dataclass(frozen=True)
class ChunkFrame:
    """The text on screen: ``text``, where it starts in its document (``char_start``, ``None``
    when unknown) and how many characters of context are shown around it.

    A long chunk is shown a part at a time (``Labeler(max_text_chars=...)``): ``text`` is that
    part, and ``lead``/``tail`` count the chunk's characters before and after it, so spans
    marked on an earlier part, shifted by the front end, still fall inside the chunk.
    """

    text: str
    char_start: int | None
    before: int = 0
    after: int = 0
    lead: int = 0
    tail: int = 0

    def spans_to_wire(self, answer: Any) -> Any:
        """A spans answer (document coordinates) in chunk coordinates; others as they are."""
        if self.char_start is None or not _is_span_list(answer):
            return answer
        shift = self.char_start
        return [
            {**span, "start": span["start"] - shift, "end": span["end"] - shift} for span in answer
        ]

    def pairs_to_wire(self, pairs: Iterable[Sequence[int]]) -> list[list[int]]:
        """Evidence pairs in document coordinates, in chunk coordinates."""
        shift = self.char_start or 0
        return [[int(start) - shift, int(end) - shift] for start, end in pairs]

    def spans_display(self, answer: Any) -> Any:
        """A spans answer as words for a diff: ``label “quote”`` per span, one per line."""
        if not _is_span_list(answer):
            return answer
        shift = self.char_start or 0
        return "\n".join(
            f"{span['label']} “{self.text[span['start'] - shift : span['end'] - shift]}”"
            for span in answer
        )

    def to_document(self, start: Any, end: Any, what: str, *, chunk_only: bool) -> list[int]:
        """One wire span as ``[start, end]`` in document coordinates, checked against the text
        shown (the chunk alone with ``chunk_only``); ``WireError`` otherwise."""
        low, high = (-self.lead, len(self.text) + self.tail)
        if not chunk_only:
            low, high = low - self.before, high + self.after
        first, last = _whole(start, what), _whole(end, what)
        if not low <= first < last <= high:
            region = "the chunk" if chunk_only else "the text shown"
            raise WireError(f"{what}: [{first}, {last}) is not a span of {region} [{low}, {high})")
        if self.char_start is None:
            raise WireError(
                f"{what}: this chunk has no document offsets (char_start), so spans cannot be "
                "placed in its document"
            )
        return [first + self.char_start, last + self.char_start]


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise WireError(f"{what}: offsets must be whole numbers, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise WireError(f"{what}: offsets must be whole numbers, got {value!r}") from None


def _is_span_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(span, Mapping) and {"start", "end"} <= set(span) for span in value
    )


def as_pairs(value: Any) -> list[list[int]] | None:
    """An evidence cell of a DataFrame (a list, an array, or missing) as a list of pairs."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    return [list(pair) for pair in value] if isinstance(value, list) and value else None


def answers_to_wire(task: Task, answers: Mapping[str, Any], frame: ChunkFrame) -> dict[str, Any]:
    """Stored answers as the front end shows them: JSON, spans in chunk coordinates."""
    spans = {q.name for q in task.questions if q.kind == "spans"}
    return {
        name: frame.spans_to_wire(value) if name in spans else encode(value)
        for name, value in answers.items()
    }


def answers_from_wire(task: Task, answers: Mapping[str, Any], frame: ChunkFrame) -> dict[str, Any]:
    """The front end's answers for the store: UNKNOWN decoded, spans in document coordinates.

    A spans answer's shape and labels are the schema's to judge (a problem listed under the
    question); only its offsets are converted here, and they must lie inside the chunk.
    """
    decoded = {}
    for name, value in answers.items():
        question = task.question(name) if name in task.question_names else None
        if question is not None and question.kind == "spans" and _is_span_list(value):
            value = [_span_from_wire(name, i, span, frame) for i, span in enumerate(value)]
        decoded[name] = decode(value)
    return decoded


def _span_from_wire(name: str, i: int, span: Mapping[str, Any], frame: ChunkFrame) -> dict:
    start, end = frame.to_document(span["start"], span["end"], f"{name}: span {i}", chunk_only=True)
    return {**span, "start": start, "end": end}


def evidence_from_wire(
    task: Task, evidence: Any, answers: Mapping[str, Any], frame: ChunkFrame
) -> dict[str, list[list[int]]] | None:
    """The front end's evidence (chunk coordinates) in document coordinates, for the store.

    Each question must be in the task, take evidence, and be answered (not UNKNOWN) in
    ``answers``; each span must lie in the text shown. ``WireError`` otherwise.
    """
    if evidence is None:
        return None
    if not isinstance(evidence, Mapping):
        raise WireError(f"evidence must map questions to spans, got {type(evidence).__name__}")
    found = {}
    for name, pairs in evidence.items():
        if name not in task.question_names or not task.question(name).evidence:
            raise WireError(f"evidence for {name!r}, which takes no evidence")
        if name not in answers or answers[name] is UNKNOWN:
            raise WireError(f"evidence for {name!r}, which this submission does not answer")
        if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 for p in pairs
        ):
            raise WireError(f"evidence for {name!r} must be a list of [start, end] pairs")
        what = f"evidence for {name!r}"
        found[name] = [frame.to_document(s, e, what, chunk_only=False) for s, e in pairs]
    return {name: pairs for name, pairs in found.items() if pairs} or None
