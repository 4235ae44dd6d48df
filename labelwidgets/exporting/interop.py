"""Interop with Argilla (v2 records) and Label Studio (task JSON), both ways.

Exports carry the chunk text, model suggestions and every labeler's current answer; imports bring
them back into a store (chunks, suggestions, answers per labeler). Neither tool has a native
"not in the text" answer, so :data:`~labelwidgets.UNKNOWN` travels as an explicit flag
(``{"unknown": true}`` in Label Studio result ``meta``, and ``metadata["lw_unknown"]`` in Argilla).
Spans questions and evidence travel as the tools' own spans (see
:mod:`labelwidgets.exporting.interop_spans`); chunk offsets ride along (``data.char_start`` /
``metadata.char_start``) so spans keep their document coordinates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labelwidgets.exporting import interop_spans as _spans
from labelwidgets.exporting.interop_import import LS_TYPES as _LS_TYPES
from labelwidgets.exporting.interop_import import ImportRejected, from_argilla, from_label_studio
from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["ImportRejected", "from_argilla", "from_label_studio", "to_argilla", "to_label_studio"]

_ARGILLA_TYPES = {
    "text": "text",
    "choice": "label_selection",
    "multi_choice": "multi_label_selection",
    "rating": "rating",
    "number": "text",
    "date": "text",
}


def _items(store: LabelStore, task: Task) -> tuple[list[dict[str, Any]], dict, dict]:
    chunks = store.chunks()
    answers: dict[str, list[Any]] = defaultdict(list)
    for row in with_unknown(store.answers(task)).itertuples():
        answers[row.chunk_id].append(row)
    suggestions: dict[str, list[Any]] = defaultdict(list)
    for row in with_unknown(store.suggestions(task)).itertuples():
        if isinstance(row.parse_error, str):
            continue
        suggestions[row.chunk_id].append(row)
    return chunks.to_dict("records"), answers, suggestions


# -- Label Studio ---------------------------------------------------------------------------------
def _ls_value(question: Question, value: Any) -> dict[str, Any]:
    if value is UNKNOWN:
        return {}
    key = _LS_TYPES[question.kind][1]
    if question.kind == "text":
        return {"text": [value]}
    if question.kind in ("choice", "multi_choice"):
        return {"choices": value if isinstance(value, list) else [value]}
    return {key: value}


def _ls_result(question: Question, value: Any) -> dict[str, Any]:
    result = {
        "from_name": question.name,
        "to_name": "text",
        "type": _LS_TYPES[question.kind][0],
        "value": _ls_value(question, value),
    }
    if value is UNKNOWN:
        result["meta"] = {"unknown": True}
    return result


def to_label_studio(
    store: LabelStore, task: Task | str, path: str | Path | None = None
) -> list[dict[str, Any]]:
    """Label Studio tasks: ``data`` (text and ids), ``predictions`` (one per model and prompt
    version, with ``model_version`` and ``score``) and ``annotations`` (one per labeler)."""
    task = store.task(task)
    chunks, answers, suggestions = _items(store, task)
    tasks = []
    for chunk in chunks:
        cid = chunk["chunk_id"]
        by_model: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for s in suggestions.get(cid, []):
            version = s.prompt_version if isinstance(s.prompt_version, str) else ""
            by_model[(s.model, version)].append(s)
        by_labeler: dict[str, list[Any]] = defaultdict(list)
        for a in answers.get(cid, []):
            by_labeler[a.labeler].append(a)
        tasks.append(
            {
                "data": {
                    "text": chunk["text"],
                    "chunk_id": cid,
                    "doc_id": chunk["doc_id"],
                    **_offsets(chunk),
                },
                "predictions": [
                    {
                        "model_version": f"{model}@{version}" if version else model,
                        "score": _mean(
                            [s.score for s in rows if s.score == s.score and s.score is not None]
                        ),
                        "result": _ls_results(task, rows, chunk),
                    }
                    for (model, version), rows in by_model.items()
                ],
                "annotations": [
                    {
                        "completed_by": {"email": labeler},
                        "was_cancelled": False,
                        "result": _ls_results(task, rows, chunk),
                    }
                    for labeler, rows in by_labeler.items()
                ],
            }
        )
    if path is not None:
        Path(path).write_text(json.dumps(tasks, ensure_ascii=False, indent=1, default=str))
    return tasks


def _ls_results(task: Task, rows: list[Any], chunk: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        result
        for r in rows
        for result in _spans.ls_results(
            task.question(r.question), r.answer, getattr(r, "evidence", None), chunk, _ls_result
        )
    ]


def _offsets(chunk: dict[str, Any]) -> dict[str, int]:
    start, end = chunk.get("char_start"), chunk.get("char_end")
    if start is None or end is None or start != start or end != end:  # NaN: no offsets
        return {}
    return {"char_start": int(start), "char_end": int(end)}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# -- Argilla ----------------------------------------------------------------------------------------
def to_argilla(
    store: LabelStore, task: Task | str, path: str | Path | None = None
) -> dict[str, Any]:
    """An Argilla v2 dataset: ``settings`` (fields and questions) and ``records`` in the shape of
    ``rg.Record.to_dict()`` (fields, metadata, suggestions with score and agent, responses per
    user)."""
    task = store.task(task)
    chunks, answers, suggestions = _items(store, task)
    settings = {
        "guidelines": task.guidelines,
        "fields": [{"name": "text", "type": "text", "required": True}],
        "questions": [
            {
                "name": q.name,
                "type": _ARGILLA_TYPES[q.kind],
                "title": q.prompt or q.name,
                "description": q.instructions,
                "labels": list(q.choices) or None,
                "values": list(range(q.scale[0], q.scale[1] + 1)) if q.kind == "rating" else None,
                "required": False,
            }
            for q in task.questions
            if q.kind != "spans"
        ]
        + _spans.argilla_questions(task),
    }
    records = []
    for chunk in chunks:
        cid = chunk["chunk_id"]
        unknown = []
        record_suggestions = {}
        for s in suggestions.get(cid, []):
            if s.answer is UNKNOWN:
                unknown.append(f"suggestion:{s.question}")
            record_suggestions[s.question] = {
                "value": _spans.argilla_value(task.question(s.question), s.answer, chunk),
                "agent": s.model,
                "score": None if s.score != s.score else s.score,
                "type": "model",
            }
        responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in answers.get(cid, []):
            if a.answer is UNKNOWN:
                unknown.append(f"response:{a.question}:{a.labeler}")
            responses[a.question].append(
                {
                    "value": _spans.argilla_value(task.question(a.question), a.answer, chunk),
                    "user_id": a.labeler,
                    "status": "submitted",
                }
            )
        evidence = _spans.argilla_add_evidence(
            record_suggestions, responses, suggestions.get(cid, []), chunk, labeled=False
        )
        evidence |= _spans.argilla_add_evidence(
            record_suggestions, responses, answers.get(cid, []), chunk, labeled=True
        )
        records.append(
            {
                "id": cid,
                "fields": {"text": chunk["text"]},
                "metadata": {
                    "doc_id": chunk["doc_id"],
                    "lw_unknown": unknown,
                    "lw_evidence": evidence,
                    **_offsets(chunk),
                },
                "suggestions": record_suggestions,
                "responses": dict(responses),
            }
        )
    dataset = {"name": task.name, "settings": settings, "records": records}
    if path is not None:
        Path(path).write_text(json.dumps(dataset, ensure_ascii=False, indent=1, default=str))
    return dataset
