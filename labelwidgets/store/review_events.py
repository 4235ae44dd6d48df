"""Writing review events: gold answers, adjudications, feedback to labelers, unclear questions.

These events maintain no projection; views read them straight from ``events``.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from labelwidgets.schema import AnswerRejected, Question, Task
from labelwidgets.store import inputs
from labelwidgets.store.event_log import check_labeler, event_row, insert_events
from labelwidgets.store.evidence import check_in_document, inherited_evidence
from labelwidgets.store.rows import as_records, require_columns

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore


class ReviewEventsMixin:
    """Writers of gold, review, feedback and unclear events (mixed into :class:`LabelStore`)."""

    def mark_gold(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        by: str = "gold",
        evidence: Any = None,
    ) -> int:
        """Set the reference answer for (chunk, question) that models and labelers are scored
        against, with its evidence spans (document coordinates) if any."""
        row = {"chunk_id": chunk_id, "question": question, "answer": answer, "evidence": evidence}
        return self.add_gold(task, [row], by=by)[0]

    def add_gold(self: LabelStore, task: Task | str, rows: Any, *, by: str = "gold") -> list[int]:
        """Set many reference answers at once (rows with ``chunk_id``, ``question``, ``answer``
        and optionally ``evidence``: spans in document coordinates)."""
        return self._review_events(task, rows, by, "gold")

    def adjudicate(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        reviewer: str,
        accepted_from: str | None = None,
        note: str | None = None,
        evidence: Any = None,
    ) -> int:
        """Record the reviewer's final answer (it becomes gold); ``accepted_from`` names the
        labeler or model whose answer was accepted, if any.

        ``evidence``: the answer's evidence spans (document coordinates). When none is given
        and the answer equals the accepted labeler's current answer (or the accepted model's
        suggestion), their evidence is kept."""
        inputs.arguments(
            "adjudicate",
            task=task,
            chunk_id=chunk_id,
            reviewer=reviewer,
            accepted_from=accepted_from,
            note=note,
            answer=answer,
        )
        row = {
            "chunk_id": chunk_id,
            "question": question,
            "answer": answer,
            "subject": accepted_from,
            "comment": note,
            "evidence": evidence,
        }
        return self._review_events(task, [row], reviewer, "review")[0]

    def feedback(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str | None,
        *,
        reviewer: str,
        labeler: str,
        note: str,
    ) -> int:
        """Leave a note for ``labeler`` about their answer (shown in their feedback view)."""
        inputs.arguments(
            "feedback",
            task=task,
            chunk_id=chunk_id,
            question=question,
            reviewer=reviewer,
            labeler=labeler,
            note=note,
        )
        if not isinstance(note, str) or not note.strip():
            raise ValueError("feedback: the note is empty")
        check_labeler(labeler)
        task = self.task(task)
        if question is not None:
            task.question(question)
        return self._append(
            task.name, chunk_id, question, reviewer, "feedback", comment=note, subject=labeler
        )

    def mark_unclear(
        self: LabelStore,
        task: Task | str,
        question: str,
        *,
        reviewer: str,
        note: str | None = None,
        chunk_id: str | None = None,
    ) -> int:
        """Record that the question itself is unclear (its instructions need work)."""
        inputs.arguments(
            "mark_unclear",
            task=task,
            question=question,
            reviewer=reviewer,
            note=note,
            chunk_id=chunk_id,
        )
        task = self.task(task)
        task.question(question)
        return self._append(task.name, chunk_id, question, reviewer, "unclear", comment=note)

    def _review_events(
        self: LabelStore, task: Task | str, rows: Any, by: str, kind: str
    ) -> list[int]:
        inputs.arguments(kind, task=task, **{"reviewer" if kind == "review" else "by": by})
        task = self.task(task)
        check_labeler(by)
        records = as_records(rows, kind)
        require_columns(records, ["chunk_id", "question"], kind)
        now = time.time()
        values, checks = [], []
        for i, record in enumerate(records):
            if "answer" not in record:
                raise ValueError(f"{kind}: row {i} has no 'answer'")
            inputs.arguments(
                f"{kind}: row {i}",
                comment=record.get("comment"),
                subject=record.get("subject"),
                answer=record["answer"],
            )
            question = _question(task, record["question"])
            try:
                value = question.coerce(record["answer"])
            except (TypeError, ValueError) as exc:
                raise AnswerRejected({question.name: [str(exc)]}) from None
            spans = question.coerce_evidence(record.get("evidence"), value)
            values.append(
                event_row(
                    task.name,
                    str(record["chunk_id"]),
                    question.name,
                    by,
                    kind,
                    now,
                    value=value,
                    comment=record.get("comment"),
                    subject=record.get("subject"),
                    evidence=spans,
                )
            )
            checks.append((question.name, value, spans))

        def write(conn: Connection) -> list[int]:
            self._require_chunks(conn, {v["chunk_id"] for v in values}, kind)
            for row, (name, value, spans) in zip(values, checks, strict=True):
                chunk_id = row["chunk_id"]
                given = {name: spans} if spans else {}
                check_in_document(conn, task, chunk_id, {name: value}, given, kind)
                if spans is None and row["subject"] and kind == "review":
                    kept = inherited_evidence(conn, task, chunk_id, name, row["subject"], value)
                    row["evidence"] = json.dumps(kept) if kept else None
            return insert_events(conn, values)

        return self._write(write) if values else []


def _question(task: Task, name: Any) -> Question:
    try:
        return task.question(str(name))
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
