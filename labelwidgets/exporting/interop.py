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
from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.store import ids

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["from_argilla", "from_label_studio", "to_argilla", "to_label_studio"]

_LS_TYPES = {
    "text": ("textarea", "text"),
    "choice": ("choices", "choices"),
    "multi_choice": ("choices", "choices"),
    "rating": ("rating", "rating"),
    "number": ("number", "number"),
    "date": ("datetime", "datetime"),
}
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
    for row in store.answers(task).itertuples():
        answers[row.chunk_id].append(row)
    suggestions: dict[str, list[Any]] = defaultdict(list)
    for row in store.suggestions(task).itertuples():
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


def _from_ls_result(task: Task, result: dict[str, Any]) -> tuple[str, Any]:
    name = result.get("from_name")
    question = task.question(str(name))
    if (result.get("meta") or {}).get("unknown"):
        return question.name, UNKNOWN
    value = result.get("value") or {}
    if question.kind == "text":
        texts = value.get("text") or []
        return question.name, texts[0] if len(texts) == 1 else "\n".join(texts)
    if question.kind == "choice":
        return question.name, (value.get("choices") or [None])[0]
    if question.kind == "multi_choice":
        return question.name, value.get("choices") or []
    return question.name, value.get(_LS_TYPES[question.kind][1])


def from_label_studio(
    store: LabelStore, task: Task | str, tasks: list[dict[str, Any]] | str | Path
) -> dict[str, int]:
    """Import Label Studio tasks (a list, or a JSON file) into ``store``: chunks, predictions as
    suggestions, annotations as answers of their ``completed_by`` labeler.

    A :class:`Task` given here is stored with ``store.add_task`` (a changed definition becomes
    a new version); a task name must name a stored task."""
    task = _import_task(store, task)
    if isinstance(tasks, (str, Path)):
        tasks = json.loads(Path(tasks).read_text())
    if not isinstance(tasks, list):
        raise ValueError("a Label Studio export is a JSON list of tasks")
    counts = {"chunks": 0, "suggestions": 0, "answers": 0}
    for i, item in enumerate(tasks):
        data = item.get("data") if isinstance(item, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError(f"Label Studio task {i} has no data.text")
        chunk_id = _ensure_chunk(
            store, data.get("chunk_id"), data.get("doc_id"), data["text"], counts, data
        )
        chunk = store.chunk(chunk_id)
        rows = []
        for prediction in item.get("predictions") or []:
            model, _, version = str(prediction.get("model_version") or "label-studio").partition(
                "@"
            )
            given, evidence = _spans.ls_read(
                task, prediction.get("result") or [], chunk, _from_ls_result, annotation=False
            )
            for question, value in given.items():
                rows.append(
                    {
                        "task": task.name,
                        "chunk_id": chunk_id,
                        "question": question,
                        "answer": value,
                        "model": model,
                        "prompt_version": version or None,
                        "score": prediction.get("score"),
                        "evidence": evidence.get(question),
                    }
                )
        counts["suggestions"] += store.add_suggestions(rows) if rows else 0
        for annotation in item.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            who = annotation.get("completed_by")
            labeler = (
                str(who.get("email") or who.get("username") or who.get("id"))
                if isinstance(who, dict)
                else str(who)
            )
            answers, evidence = _spans.ls_read(
                task, annotation.get("result") or [], chunk, _from_ls_result, annotation=True
            )
            if answers:
                counts["answers"] += len(
                    store.record_answers(
                        task, chunk_id, answers, labeler=labeler, force=True, evidence=evidence
                    )
                )
    return counts


def _import_task(store: LabelStore, task: Task | str) -> Task:
    """Importing labels for a Task definition stores it: that is what an import is for."""
    return store.add_task(task) if isinstance(task, Task) else store.task(task)


def _ensure_chunk(
    store: LabelStore,
    chunk_id: Any,
    doc_id: Any,
    text: str,
    counts: dict[str, int],
    offsets: dict[str, Any] | None = None,
) -> str:
    """The chunk's id, adding the chunk if the store does not have it (ids as add_chunks makes
    them; ``offsets`` may give its ``char_start``/``char_end`` in its document)."""
    document = str(doc_id) if doc_id else ids.doc_id_for_text(text)
    start, end = (None, None) if doc_id else (0, len(text))
    if doc_id and offsets and offsets.get("char_start") is not None:
        start, end = offsets["char_start"], offsets.get("char_end")
    chunk_id = str(chunk_id) if chunk_id else ids.chunk_id(document, start, end, text)
    counts["chunks"] += store.add_chunks(
        [
            {
                "chunk_id": chunk_id,
                "doc_id": document,
                "text": text,
                "char_start": start,
                "char_end": end,
            }
        ]
    )
    return chunk_id


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


def from_argilla(
    store: LabelStore, task: Task | str, dataset: dict[str, Any] | str | Path
) -> dict[str, int]:
    """Import an Argilla v2 dataset (as written by :func:`to_argilla`, or records from
    ``rg.Record.to_dict()``) into ``store``.

    A :class:`Task` given here is stored with ``store.add_task`` (a changed definition becomes
    a new version); a task name must name a stored task."""
    task = _import_task(store, task)
    if isinstance(dataset, (str, Path)):
        dataset = json.loads(Path(dataset).read_text())
    records = dataset.get("records") if isinstance(dataset, dict) else dataset
    if not isinstance(records, list):
        raise ValueError("an Argilla export needs a list of records")
    counts = {"chunks": 0, "suggestions": 0, "answers": 0}
    for i, record in enumerate(records):
        fields = record.get("fields") if isinstance(record, dict) else None
        if not isinstance(fields, dict) or not isinstance(fields.get("text"), str):
            raise ValueError(f"Argilla record {i} has no fields.text")
        metadata = record.get("metadata") or {}
        unknown = set(metadata.get("lw_unknown") or [])
        chunk_id = _ensure_chunk(
            store, record.get("id"), metadata.get("doc_id"), fields["text"], counts, metadata
        )
        chunk = store.chunk(chunk_id)
        rows = [
            {"task": task.name, "chunk_id": chunk_id, **row}
            for row in _spans.argilla_suggestions(task, record, chunk, unknown)
        ]
        counts["suggestions"] += store.add_suggestions(rows) if rows else 0
        per_user, evidence = _spans.argilla_responses(task, record, chunk, unknown)
        for user, answers in per_user.items():
            counts["answers"] += len(
                store.record_answers(
                    task, chunk_id, answers, labeler=user, force=True, evidence=evidence.get(user)
                )
            )
    return counts
