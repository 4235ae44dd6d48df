"""Writing label events: answers, skips, flags, undo, gold and review.

Events are append-only. Each write also maintains two projections in the same transaction:
``current_answers`` (the latest answer event per chunk × question × labeler) and ``progress``
(which chunks a labeler has finished or skipped).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema import validators as _validators
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer, encode_answer
from labelwidgets.store.rows import as_records, require_columns
from labelwidgets.store.upsert import upsert

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore


class AnswerRejected(ValueError):
    """An answer failed its question's kind, validators or ``when=`` condition.

    ``problems`` maps each question name to its human-readable problems. Nothing was stored.
    """

    def __init__(self, problems: dict[str, list[str]], *, forceable: bool = False) -> None:
        self.problems = problems
        self.forceable = forceable
        lines = [f"{q}: {p}" for q, ps in problems.items() for p in ps]
        hint = (
            " (pass force=True to store it anyway; the override is recorded)" if forceable else ""
        )
        super().__init__("answer rejected: " + "; ".join(lines) + hint)


def next_status(previous: str | None, done: bool, kind: str) -> str | None:
    """The progress status of a chunk for a labeler after an event of ``kind``."""
    if done:
        return "done"
    if kind == "skip" or previous == "skipped":
        return "skipped"
    return None


class EventsMixin:
    """Writers of label events (mixed into :class:`LabelStore`)."""

    def record_answer(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        labeler: str,
        comment: str | None = None,
        time_spent: float | None = None,
        force: bool = False,
    ) -> int:
        """Record ``labeler``'s answer (a value or :data:`UNKNOWN`) to one question; returns the event id.

        Raises :class:`AnswerRejected` (a ``ValueError``) listing the problems when the answer
        does not fit the question's kind, fails a validator (unless ``force=True``, which is
        recorded on the event), or the question's ``when=`` condition is not met.
        """
        return self.record_answers(
            task,
            chunk_id,
            {question: answer},
            labeler=labeler,
            comment=comment,
            time_spent=time_spent,
            force=force,
        )[0]

    def record_answers(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        answers: Mapping[str, Any],
        *,
        labeler: str,
        comment: str | None = None,
        time_spent: float | None = None,
        force: bool = False,
    ) -> list[int]:
        """Record one submission (several questions about one chunk) in one transaction.

        ``when=`` conditions are checked against this submission together with the labeler's
        earlier answers; answers to questions whose condition stops holding are retracted.
        Returns the new event ids, in the order of ``answers``.
        """
        task = self._task(task)
        check_labeler(labeler)
        if not isinstance(answers, Mapping) or not answers:
            raise ValueError("record_answers: no answers given")
        coerced, overridden = _check_answers(task, answers, force=force)
        now = time.time()
        spent = None if time_spent is None else float(time_spent)

        def write(conn: Connection) -> list[int]:
            self._require_chunks(conn, [chunk_id], "record_answers")
            merged = {**current_for(conn, task.name, chunk_id, labeler), **coerced}
            unmet = {
                name: [_unmet_message(task, name, merged)]
                for name in coerced
                if not task.question(name).condition_met(merged)
            }
            if unmet:
                raise AnswerRejected(unmet)
            rows = [
                _event_row(
                    task.name,
                    chunk_id,
                    name,
                    labeler,
                    "answer",
                    now,
                    value=value,
                    comment=comment,
                    time_spent=spent,
                    problems=overridden.get(name),
                )
                for name, value in coerced.items()
            ]
            stale = [
                q.name for q in task.questions if q.name in merged and not q.condition_met(merged)
            ]
            rows += [
                _event_row(
                    task.name,
                    chunk_id,
                    name,
                    labeler,
                    "retract",
                    now,
                    comment="condition no longer met",
                )
                for name in stale
            ]
            event_ids = _insert_events(conn, rows)
            current = [
                _current_row(row, event_id)
                for row, event_id in zip(rows[: len(coerced)], event_ids, strict=False)
            ]
            upsert(
                conn,
                t.current_answers,
                current,
                key=["task_id", "chunk_id", "question", "labeler"],
                update=["event_id", *t.CURRENT_COPIED],
            )
            _delete_current(conn, task.name, chunk_id, labeler, stale)
            for name in stale:
                merged.pop(name)
            _set_progress(conn, task, chunk_id, labeler, merged, "answer", now)
            return event_ids[: len(coerced)]

        return self._write(write)

    def skip(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        *,
        labeler: str,
        comment: str | None = None,
    ) -> int:
        """Record that ``labeler`` skipped the chunk (it no longer comes up as next)."""
        return self._chunk_event(task, chunk_id, labeler, "skip", comment=comment)

    def flag(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        *,
        labeler: str,
        comment: str,
        question: str | None = None,
    ) -> int:
        """Flag the chunk (or one question about it) with a comment for the reviewers."""
        if not isinstance(comment, str) or not comment.strip():
            raise ValueError("flag: a comment saying what is wrong is required")
        return self._chunk_event(
            task, chunk_id, labeler, "flag", comment=comment, question=question
        )

    def retract(
        self: LabelStore, task: Task | str, chunk_id: str, question: str, *, labeler: str
    ) -> int:
        """Undo ``labeler``'s current answer to ``question`` (recorded as a new event)."""
        return self._chunk_event(task, chunk_id, labeler, "retract", question=question)

    def _chunk_event(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        labeler: str,
        kind: str,
        *,
        comment: str | None = None,
        question: str | None = None,
    ) -> int:
        task = self._task(task)
        check_labeler(labeler)
        if question is not None:
            task.question(question)
        now = time.time()

        def write(conn: Connection) -> int:
            self._require_chunks(conn, [chunk_id], kind)
            answers = current_for(conn, task.name, chunk_id, labeler)
            if kind == "retract":
                if question not in answers:
                    raise ValueError(f"retract: {labeler!r} has no answer to {question!r} here")
                del answers[question]
                _delete_current(conn, task.name, chunk_id, labeler, [question])
            row = _event_row(task.name, chunk_id, question, labeler, kind, now, comment=comment)
            (event_id,) = _insert_events(conn, [row])
            if kind != "flag":
                _set_progress(conn, task, chunk_id, labeler, answers, kind, now)
            return event_id

        return self._write(write)

    # -- gold and review -----------------------------------------------------------------------------
    def mark_gold(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        by: str = "gold",
    ) -> int:
        """Set the reference answer for (chunk, question) that models and labelers are scored against."""
        return self.add_gold(
            task, [{"chunk_id": chunk_id, "question": question, "answer": answer}], by=by
        )[0]

    def add_gold(self: LabelStore, task: Task | str, rows: Any, *, by: str = "gold") -> list[int]:
        """Set many reference answers at once (rows with ``chunk_id``, ``question``, ``answer``)."""
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
    ) -> int:
        """Record the reviewer's final answer (it becomes gold); ``accepted_from`` names the
        labeler or model whose answer was accepted, if any."""
        row = {
            "chunk_id": chunk_id,
            "question": question,
            "answer": answer,
            "subject": accepted_from,
            "comment": note,
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
        if not isinstance(note, str) or not note.strip():
            raise ValueError("feedback: the note is empty")
        check_labeler(labeler)
        name = self._task(task).name
        if question is not None:
            self._task(task).question(question)
        return self._append(
            name, chunk_id, question, reviewer, "feedback", comment=note, subject=labeler
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
        task = self._task(task)
        task.question(question)
        return self._append(task.name, chunk_id, question, reviewer, "unclear", comment=note)

    def _review_events(
        self: LabelStore, task: Task | str, rows: Any, by: str, kind: str
    ) -> list[int]:
        task = self._task(task)
        check_labeler(by)
        records = as_records(rows, kind)
        require_columns(records, ["chunk_id", "question"], kind)
        now = time.time()
        values = []
        for i, record in enumerate(records):
            if "answer" not in record:
                raise ValueError(f"{kind}: row {i} has no 'answer'")
            question = _question(task, record["question"])
            try:
                value = question.coerce(record["answer"])
            except (TypeError, ValueError) as exc:
                raise AnswerRejected({question.name: [str(exc)]}) from None
            values.append(
                _event_row(
                    task.name,
                    str(record["chunk_id"]),
                    question.name,
                    by,
                    kind,
                    now,
                    value=value,
                    comment=record.get("comment"),
                    subject=record.get("subject"),
                )
            )

        def write(conn: Connection) -> list[int]:
            self._require_chunks(conn, {v["chunk_id"] for v in values}, kind)
            return _insert_events(conn, values)

        return self._write(write) if values else []


# -- helpers shared with the projection rebuild -------------------------------------------------------
def check_labeler(labeler: Any) -> None:
    if not isinstance(labeler, str) or not labeler.strip():
        raise ValueError(f"labeler must be a non-empty name, got {labeler!r}")


def _question(task: Task, name: Any) -> Any:
    try:
        return task.question(str(name))
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None


def _check_answers(
    task: Task, answers: Mapping[str, Any], *, force: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coerce every answer; returns (values, validator problems overridden by ``force``)."""
    coerced: dict[str, Any] = {}
    kind_problems: dict[str, list[str]] = {}
    validator_problems: dict[str, list[str]] = {}
    for name, answer in answers.items():
        question = _question(task, name)
        try:
            value = question.coerce(answer)
        except (TypeError, ValueError) as exc:
            kind_problems[question.name] = [str(exc)]
            continue
        coerced[question.name] = value
        if value is not UNKNOWN:
            found = _validators.run(question.validators, value)
            if found:
                validator_problems[question.name] = found
    if kind_problems:
        # A wrong-typed answer would break exports and agreement, so force does not apply.
        raise AnswerRejected(kind_problems)
    if validator_problems and not force:
        raise AnswerRejected(validator_problems, forceable=True)
    return coerced, validator_problems


def _unmet_message(task: Task, name: str, answers: Mapping[str, Any]) -> str:
    gate, expected = task.question(name).when or ("", None)
    given = answers.get(gate, "no answer")
    return f"only asked when {gate!r} is {expected!r} (it is {given!r})"


def _event_row(
    task_id: str,
    chunk_id: str | None,
    question: str | None,
    labeler: str,
    kind: str,
    now: float,
    *,
    value: Any = None,
    comment: str | None = None,
    time_spent: float | None = None,
    problems: list[str] | None = None,
    subject: str | None = None,
) -> dict[str, Any]:
    encoded, unknown = encode_answer(value) if value is not None else (None, False)
    return {
        "task_id": task_id,
        "chunk_id": chunk_id,
        "question": question,
        "labeler": labeler,
        "kind": kind,
        "value": encoded,
        "is_unknown": unknown,
        "comment": comment,
        "time_spent": time_spent,
        "forced": bool(problems),
        "problems": json.dumps(problems) if problems else None,
        "subject": subject,
        "meta": None,
        "created_at": now,
    }


def _insert_events(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    ev = t.events
    if len(rows) == 1:
        return [int(conn.execute(insert(ev), rows[0]).inserted_primary_key[0])]
    result = conn.execute(insert(ev).returning(ev.c.event_id, sort_by_parameter_order=True), rows)
    return [int(r[0]) for r in result]


def _current_row(event: dict[str, Any], event_id: int) -> dict[str, Any]:
    keys = ("task_id", "chunk_id", "question", "labeler", *t.CURRENT_COPIED)
    return {"event_id": event_id, **{k: event[k] for k in keys}}


def current_for(conn: Connection, task_id: str, chunk_id: str, labeler: str) -> dict[str, Any]:
    """The labeler's current answers for one chunk, by question."""
    ca = t.current_answers
    rows = conn.execute(
        select(ca.c.question, ca.c.value, ca.c.is_unknown).where(
            ca.c.task_id == task_id, ca.c.chunk_id == chunk_id, ca.c.labeler == labeler
        )
    )
    return {r.question: decode_answer(r.value, r.is_unknown) for r in rows}


def _delete_current(
    conn: Connection, task_id: str, chunk_id: str, labeler: str, names: list[str]
) -> None:
    if names:
        ca = t.current_answers
        conn.execute(
            ca.delete().where(
                ca.c.task_id == task_id,
                ca.c.chunk_id == chunk_id,
                ca.c.labeler == labeler,
                ca.c.question.in_(names),
            )
        )


def _set_progress(
    conn: Connection,
    task: Task,
    chunk_id: str,
    labeler: str,
    answers: Mapping[str, Any],
    kind: str,
    now: float,
) -> None:
    pr = t.progress
    where = (pr.c.task_id == task.name) & (pr.c.labeler == labeler) & (pr.c.chunk_id == chunk_id)
    previous = conn.execute(select(pr.c.status).where(where)).scalar()
    done = all(q.name in answers for q in task.applicable(answers))
    status = next_status(previous, done, kind)
    if status == previous:
        return
    if status is None:
        conn.execute(pr.delete().where(where))
        return
    upsert(
        conn,
        pr,
        [
            {
                "task_id": task.name,
                "labeler": labeler,
                "chunk_id": chunk_id,
                "status": status,
                "updated_at": now,
            }
        ],
        key=["task_id", "labeler", "chunk_id"],
        update=["status", "updated_at"],
    )
    if status == "done":
        ls = t.leases
        conn.execute(
            ls.delete().where(
                ls.c.task_id == task.name, ls.c.chunk_id == chunk_id, ls.c.labeler == labeler
            )
        )


def replay_events(conn: Connection) -> None:
    """Rebuild ``current_answers`` and ``progress`` by replaying every event in order."""
    tasks = {r.task_id: Task.from_json(r.definition) for r in conn.execute(select(t.tasks))}
    ev = t.events
    current: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    answers: dict[tuple[str, str, str], dict[str, Any]] = {}
    status: dict[tuple[str, str, str], str | None] = {}
    rows = conn.execute(
        select(
            ev.c.event_id,
            ev.c.task_id,
            ev.c.chunk_id,
            ev.c.question,
            ev.c.labeler,
            ev.c.kind,
            *(ev.c[name] for name in t.CURRENT_COPIED),
        )
        .where(ev.c.kind.in_(["answer", "retract", "skip"]))
        .order_by(ev.c.event_id)
    )
    for r in rows:
        key = (r.task_id, r.chunk_id, r.labeler)
        given = answers.setdefault(key, {})
        if r.kind == "answer":
            current[(*key, r.question)] = _current_row(r._asdict(), r.event_id)
            given[r.question] = decode_answer(r.value, r.is_unknown)
        elif r.kind == "retract":
            current.pop((*key, r.question), None)
            given.pop(r.question, None)
        task = tasks.get(r.task_id)
        if task is not None:
            done = all(q.name in given for q in task.applicable(given))
            status[key] = next_status(status.get(key), done, r.kind)
    if current:
        conn.execute(insert(t.current_answers), list(current.values()))
    done_rows = [
        {"task_id": k[0], "chunk_id": k[1], "labeler": k[2], "status": s, "updated_at": time.time()}
        for k, s in status.items()
        if s
    ]
    if done_rows:
        conn.execute(insert(t.progress), done_rows)
