"""The Labeler's trait state, built from plain data: the task view, highlights, the model diff,
and the evidence and spans that travel in *chunk* coordinates on the wire.

Plain functions without the widget, so each is tested and reused without a front end.

Offsets: the store keeps evidence and spans answers in *document* coordinates (those of chunk
provenance). The front end only knows the text it shows, so on the wire an offset counts from
the chunk's first character (negative in the text shown before the chunk, ``>= len(text)`` in
the text after it). These functions convert at the widget's edge.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from labelwidgets.schema import Question, Task
from labelwidgets.schema.compare import word_diff
from labelwidgets.schema.grounding import Grounding, ground
from labelwidgets.store import LabelStore
from labelwidgets.store.lazy import is_frame
from labelwidgets.widgets._base import encode
from labelwidgets.widgets.labeler_wire import ChunkFrame, as_pairs

if TYPE_CHECKING:
    import pandas as pd

# What Labeler(chunks=...) takes: a DataFrame with a chunk_id column, or chunk ids.
Chunks: TypeAlias = "pd.DataFrame | Iterable[str]"


def answers_shown(
    store: LabelStore,
    task: Task,
    chunk_id: str,
    labeler: str,
    *,
    prefill: bool,
    prefer: Callable[[], Mapping[str, str]] = dict,
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The labeler's answers to the chunk and their evidence (or, with ``prefill``, the
    model's: the default prompt version's answer, ``prefer()``, before newer ones), and
    whether they are the model's."""
    answers = store.labeler_answers(task, chunk_id, labeler)
    evidence: dict[str, Any] = {}
    if answers and any(q.evidence for q in task.questions):
        # a chunk answered before (going back): read its evidence too
        rows = store.answers(task, labeler=labeler, chunk_id=chunk_id)
        found = {r.question: as_pairs(r.evidence) for r in rows.itertuples()}
        evidence = {question: pairs for question, pairs in found.items() if pairs}
    if answers or not prefill:
        return answers, evidence, False
    suggestions = store.latest_suggestions(task, chunk_id, prefer=prefer())
    answers = {q: s["answer"] for q, s in suggestions.items()}
    evidence = {q: s["evidence"] for q, s in suggestions.items() if s.get("evidence")}
    return answers, evidence, bool(answers)


def chunk_order(
    store: LabelStore, chunks: Chunks | None, order: str, seed: int
) -> list[str] | None:
    """The Labeler's own chunk order (``None``: the store assigns chunks as they come)."""
    if chunks is None and order == "document":
        return None  # the store assigns (document order, k labelers per chunk, leases)
    ids = store.chunk_order()
    if chunks is not None:
        wanted = set(chunks["chunk_id"] if is_frame(chunks) else chunks)
        unknown = wanted - set(ids)
        if unknown:
            raise ValueError(
                f"chunks: {len(unknown)} unknown chunk id(s), e.g. {sorted(unknown)[0]!r}"
            )
        ids = [cid for cid in ids if cid in wanted]
    if order == "random":
        random.Random(seed).shuffle(ids)
    return ids


def task_view(task: Task) -> dict[str, Any]:
    """What the front end needs of the task: questions, their kinds, choices and ``when=``."""
    return {
        "name": task.name,
        "guidelines": task.guidelines,
        "questions": [
            {
                "name": q.name,
                "kind": q.kind,
                "instructions": q.instructions or q.prompt,
                "choices": list(q.choices),
                "allow_unknown": q.allow_unknown,
                "when": None if q.when is None else _when_view(q.when),
                "scale": list(q.scale),
                "evidence": q.evidence,
                "labels": list(q.labels),
            }
            for q in task.questions
        ],
    }


def _when_view(when: tuple[str, Any]) -> dict[str, Any]:
    gate, expected = when
    values = expected if isinstance(expected, tuple) else (expected,)
    return {"question": gate, "values": [encode(v) for v in values]}


def highlighter(terms: tuple[str, ...]) -> Callable[[str], list[list[int]]]:
    """Character spans of the task's keywords in a text (rendered as spans, never as HTML)."""
    words = [w for w in terms if w.strip()]
    if not words:
        return lambda text: []
    pattern = re.compile(
        "|".join(r"\s+".join(map(re.escape, w.split())) for w in words), re.IGNORECASE
    )
    return lambda text: [[m.start(), m.end()] for m in pattern.finditer(text)]


def model_diff(
    suggestions: Mapping[str, Mapping[str, Any]],
    mine: Mapping[str, Any],
    task: Task | None = None,
    frame: ChunkFrame | None = None,
) -> dict[str, Any]:
    """The model's answer beside the labeler's, with a word diff, for each question both answered.

    With the ``task`` and the chunk's ``frame``, each entry also says where the model found its
    answer, in chunk coordinates: ``model_evidence`` (its evidence spans, else where its answer
    occurs in the chunk, :func:`labelwidgets.schema.grounding.ground`), ``model_supported``
    (``False``: not found in the text; ``None``: not judged) and ``model_via``; a spans
    question's entry has ``model_spans`` and diffs the spans as "label “quote”" lines.
    """
    diff = {}
    for question, suggestion in suggestions.items():
        if question not in mine:
            continue
        model, labeler = suggestion["answer"], mine[question]
        entry = {
            "model": suggestion["model"],
            "model_answer": encode(model),
            "labeler_answer": encode(labeler),
            "ops": word_diff(model, labeler),
        }
        if task is not None and frame is not None and question in task.question_names:
            entry.update(_grounded(task.question(question), suggestion, labeler, frame))
        diff[question] = entry
    return diff


def _grounded(
    question: Question, suggestion: Mapping[str, Any], labeler: Any, frame: ChunkFrame
) -> dict[str, Any]:
    answer = suggestion["answer"]
    if question.kind == "spans":
        return {
            "ops": word_diff(frame.spans_display(answer), frame.spans_display(labeler)),
            "model_spans": frame.spans_to_wire(answer),
        }
    evidence = suggestion.get("evidence")
    found = ground(answer, frame.text, question.kind, evidence, frame.char_start or 0)
    if found.via is None and evidence:  # a choice the model quoted: show where, do not judge
        found = Grounding(None, [tuple(pair) for pair in evidence], "evidence")
    return {
        "model_evidence": [[start, end] for start, end in frame.pairs_to_wire(found.spans)],
        "model_supported": found.supported,
        "model_via": found.via,
    }
