"""Model suggestions: many answers per chunk and question, one per prompt version and model."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from labelwidgets.schema import Task
from labelwidgets.store import input_rows
from labelwidgets.store import tables as t
from labelwidgets.store.codec import encode_answer, encode_json
from labelwidgets.store.evidence import check_suggestions, suggestion_evidence
from labelwidgets.store.rows import as_records, require_columns
from labelwidgets.store.upsert import upsert

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

_SUGGESTION_FIELDS = input_rows.SUGGESTION_FIELDS


class SuggestionsMixin:
    """Model answers (mixed into :class:`LabelStore`)."""

    def add_suggestions(self: LabelStore, rows: Any) -> int:
        """Store model answers. Each row: ``task``, ``chunk_id``, ``question``, ``model``,
        ``answer`` (a value or UNKNOWN), and optionally ``prompt_version``, ``raw``,
        ``parse_error``, ``score``, ``chain_step``, ``latency_ms``, ``meta``, ``evidence`` (where
        the model's answer is written: ``(start, end)`` spans in document coordinates, checked
        like a labeler's). A row for the same (task, chunk, question, prompt version, model)
        replaces the earlier one.
        """
        records = as_records(rows, "add_suggestions")
        require_columns(records, ["task", "chunk_id", "question", "model"], "add_suggestions")
        records = [input_rows.suggestion(r, i) for i, r in enumerate(records)]
        now = time.time()
        tasks: dict[int, Task] = {}  # each distinct task argument is checked once per call
        values = [self._suggestion_values(r, now, tasks) for r in records]

        def write(conn: Connection) -> int:
            self._require_chunks(conn, {v["chunk_id"] for v in values}, "add_suggestions")
            check_suggestions(conn, self.task, values)
            upsert(
                conn,
                t.suggestions,
                values,
                key=["task_id", "chunk_id", "question", "prompt_version", "model"],
                update=[
                    "value",
                    "is_unknown",
                    "raw",
                    "parse_error",
                    "score",
                    "chain_step",
                    "latency_ms",
                    "meta",
                    "created_at",
                    "evidence",
                ],
            )
            return len(values)

        return self._write(write) if values else 0

    def add_suggestion(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        model: str,
        **fields: Any,
    ) -> None:
        """Store one model answer; see :meth:`add_suggestions`."""
        self.add_suggestions(
            [
                {
                    "task": task,
                    "chunk_id": chunk_id,
                    "question": question,
                    "answer": answer,
                    "model": model,
                    **fields,
                }
            ]
        )

    def _suggestion_values(
        self: LabelStore, record: dict[str, Any], now: float, tasks: dict[int, Task]
    ) -> dict[str, Any]:
        given = record["task"]
        task = tasks.get(id(given))
        if task is None:
            task = tasks[id(given)] = self.task(given)
        question = task.question(str(record["question"]))
        parse_error = record.get("parse_error")
        value, unknown, coerced = None, False, None
        if parse_error is None:
            try:
                coerced = question.coerce(record.get("answer"))
                value, unknown = encode_answer(coerced)
            except (TypeError, ValueError) as exc:
                parse_error = f"answer does not fit the question: {exc}"
        evidence = suggestion_evidence(question, record.get("evidence"), coerced)
        extra = {k: v for k, v in record.items() if k not in _SUGGESTION_FIELDS}
        return {
            "task_id": task.name,
            "chunk_id": str(record["chunk_id"]),
            "question": question.name,
            "model": str(record["model"]),
            "prompt_version": str(record.get("prompt_version") or ""),
            "value": value,
            "is_unknown": unknown,
            "raw": record.get("raw"),
            "parse_error": parse_error,
            "score": record.get("score"),
            "chain_step": int(record.get("chain_step") or 0),
            "latency_ms": record.get("latency_ms"),
            "meta": encode_json({**(record.get("meta") or {}), **extra}),
            "evidence": evidence,
            "created_at": now,
        }
