"""Writing label events: answers, skips, flags and undo.

Events are append-only. Each write also maintains two projections in the same transaction
(see :mod:`labelwidgets.store.projections`): ``current_answers`` (the latest answer event per
chunk × question × labeler) and ``progress`` (which chunks a labeler has finished or skipped).
What a submission means (which questions apply, coerced values, problems, completeness) is
decided by :func:`labelwidgets.schema.check_submission`; the writers here only store it.
Review events (gold, adjudication, feedback) live in :mod:`labelwidgets.store.review_events`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from labelwidgets.schema import AnswerRejected, Submission, Task, check_submission
from labelwidgets.store import inputs, submissions, undo
from labelwidgets.store.event_log import (
    check_labeler,
    event_row,
    insert_events,
    insert_events_at_once,
)
from labelwidgets.store.evidence import check_in_document, prepare_evidence
from labelwidgets.store.inputs import chunk_refs
from labelwidgets.store.projections import (
    current_for,
    current_row,
    delete_current,
    next_status,
    replay_events,
    set_progress,
    settle_progress,
    submit_state,
    upsert_current,
)
from labelwidgets.store.review_events import ReviewEventsMixin
from labelwidgets.store.routing import asked_on

if TYPE_CHECKING:
    from labelwidgets.store.store import LabelStore

__all__ = [
    "AnswerRejected",
    "EventsMixin",
    "check_labeler",
    "current_for",
    "next_status",
    "replay_events",
]


def _submission_rows(
    task_id: str,
    chunk_id: str,
    labeler: str,
    result: Submission,
    evidence: Mapping[str, Any],
    now: float,
    comment: str | None,
    spent: float | None,
) -> list[dict[str, Any]]:
    """The event rows of one submission: its answers, then retracts of answers whose
    condition stopped holding."""
    rows = [
        event_row(
            task_id,
            chunk_id,
            name,
            labeler,
            "answer",
            now,
            value=value,
            comment=comment,
            time_spent=spent,
            problems=result.problems.get(name),
            evidence=evidence.get(name),
        )
        for name, value in result.values.items()
    ]
    return rows + [
        event_row(
            task_id, chunk_id, name, labeler, "retract", now, comment="condition no longer met"
        )
        for name in result.retracted
    ]


class EventsMixin(ReviewEventsMixin):
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
        evidence: Any = None,
        submission_id: str | None = None,
    ) -> int:
        """Record ``labeler``'s answer (a value or :data:`UNKNOWN`) to one question; returns the event id.

        ``evidence``: where the answer is written, as ``(char_start, char_end)`` spans in
        document coordinates (``[(120, 160)]``; see :meth:`record_answers`).

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
            evidence=None if evidence is None else {question: evidence},
            submission_id=submission_id,
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
        evidence: Mapping[str, Any] | None = None,
        submission_id: str | None = None,
    ) -> list[int]:
        """Record one submission (several questions about one chunk) in one transaction.

        ``when=`` conditions are checked against this submission together with the labeler's
        earlier answers; answers to questions whose condition stops holding are retracted.
        Returns the new event ids, in the order of ``answers``.

        ``evidence`` maps answered questions to where their answer is written: ``(char_start,
        char_end)`` spans in document coordinates (those of ``store.chunks()``), e.g.
        ``{"governing_law": [(120, 160)]}``. Spans must be whole numbers with end > start and
        lie inside the chunk's document; the question must take evidence
        (``Question(evidence=True)``, the default for text) and a "not in the text" answer has
        none. The answer of a ``spans`` question must lie inside the chunk. Otherwise a
        ``ValueError`` names the span and nothing is stored.

        ``submission_id`` names this submission (at most 64 characters): the same id again, say
        a client retrying after a lost reply, stores nothing new and returns the first call's
        event ids. Without one, an id is made per call, so a retry inside the call (a commit
        whose reply was lost) is still stored once.
        """
        event_ids, _ = self.record_submission(
            task,
            chunk_id,
            answers,
            labeler=labeler,
            comment=comment,
            time_spent=time_spent,
            force=force,
            evidence=evidence,
            submission_id=submission_id,
        )
        return event_ids

    def record_submission(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        answers: Mapping[str, Any],
        *,
        labeler: str,
        comment: str | None = None,
        time_spent: float | None = None,
        force: bool = False,
        require_complete: bool = False,
        evidence: Mapping[str, Any] | None = None,
        submission_id: str | None = None,
    ) -> tuple[list[int], Submission]:
        """Record one submission like :meth:`record_answers` and say what it meant.

        Parameters
        ----------
        require_complete
            Every question asked for the chunk needs an answer (each missing one is a problem
            that ``force=True`` overrides): how the Labeler submits.
        evidence
            Evidence spans per question, as in :meth:`record_answers`.
        submission_id
            The client's id for this submission (the Labeler's submission sequence): the same
            id again stores nothing new, as in :meth:`record_answers`.

        Returns
        -------
        (event_ids, submission)
            The new answer events' ids in the order of ``answers``, and the
            :class:`~labelwidgets.schema.Submission` decided on the labeler's answers as read
            inside the write: ``submission.answers`` are their current answers now and
            ``submission.complete`` says whether the chunk is done.

        Raises
        ------
        AnswerRejected
            Listing every problem (``forceable`` when ``force=True`` would store it); nothing
            is stored then.
        """
        inputs.arguments(
            "record_answers",
            task=task,
            chunk_id=chunk_id,
            labeler=labeler,
            comment=comment,
            time_spent=time_spent,
            force=force,
            answers=answers,
        )
        task = self.task(task)
        check_labeler(labeler)
        if not isinstance(answers, Mapping) or not (answers or require_complete):
            raise ValueError("record_answers: no answers given")
        given = prepare_evidence(task, answers, evidence, "record_answers")
        key = submissions.submission_id(submission_id, "record_answers")
        chunk_refs([chunk_id], "record_answers")
        now = time.time()
        spent = None if time_spent is None else float(time_spent)

        def write(conn: Connection) -> tuple[list[int], Submission]:
            # One read (chunk, earlier answers, a stored twin, progress, lease), then the
            # events, the current answers, progress and the submission's id: all in this
            # transaction, each a statement compiled once (labelwidgets.store.prepared).
            state = submit_state(conn, task.name, chunk_id, labeler, key, "record_answers")
            asked = asked_on(conn, task, chunk_id)  # Question(keep=...); None: no routing
            if state.stored is not None:  # this submission was stored already: nothing new
                stored = check_submission(task, {}, state.prior, asked=asked)
                return submissions.decode_ids(state.stored), stored
            result = check_submission(
                task,
                answers,
                state.prior,
                force=force,
                require_complete=require_complete,
                asked=asked,
            )
            result.raise_for_problems()
            if not result.values:
                raise ValueError("record_answers: no answers given")
            check_in_document(conn, task, chunk_id, result.values, given, "record_answers")
            rows = _submission_rows(
                task.name, chunk_id, labeler, result, given, now, comment, spent
            )
            event_ids = insert_events_at_once(conn, rows)[: len(result.values)]
            upsert_current(conn, [current_row(r, i) for r, i in zip(rows, event_ids, strict=False)])
            delete_current(conn, task.name, chunk_id, labeler, result.retracted)
            status = next_status(state.status, result.complete, "answer")
            settle_progress(
                conn, task.name, chunk_id, labeler, status, now, state.leased, state.status
            )
            submissions.remember(conn, key, task.name, labeler, event_ids, now)
            return event_ids, result

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
        inputs.arguments("flag", comment=comment)
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

    def undo(
        self: LabelStore, task: Task | str, *, labeler: str, chunk_id: str | None = None
    ) -> dict[str, Any]:
        """Undo ``labeler``'s last skip or submission (on ``chunk_id``, else on the chunk of
        their latest answer or skip), recorded as new events: an ``unskip``, or a ``retract``
        per answer of that submission. The chunk comes up for the labeler again.

        Returns ``{"chunk_id", "undone": "skip" | "submission", "event_ids"}``; a
        ``ValueError`` when there is nothing to undo.
        """
        inputs.arguments("undo", task=task, chunk_id=chunk_id, labeler=labeler)
        task = self.task(task)
        check_labeler(labeler)
        now = time.time()

        def write(conn: Connection) -> dict[str, Any]:
            target = chunk_id if chunk_id is not None else undo.last_chunk(conn, task, labeler)
            self._require_chunks(conn, [target], "undo")
            return undo.undo_on_chunk(conn, task, target, labeler, now)

        return self._write(write)

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
        inputs.arguments(
            kind, task=task, chunk_id=chunk_id, labeler=labeler, comment=comment, question=question
        )
        task = self.task(task)
        check_labeler(labeler)
        if question is not None:
            task.question(question)
        now = time.time()

        def write(conn: Connection) -> int:
            self._require_chunks(conn, [chunk_id], kind)
            row = event_row(task.name, chunk_id, question, labeler, kind, now, comment=comment)
            if kind == "flag":
                return insert_events(conn, [row])[0]
            answers = current_for(conn, task.name, chunk_id, labeler)
            if kind == "retract":
                if question not in answers:
                    raise ValueError(f"retract: {labeler!r} has no answer to {question!r} here")
                del answers[question]
                delete_current(conn, task.name, chunk_id, labeler, [question])
            (event_id,) = insert_events(conn, [row])
            done = check_submission(
                task, {}, answers, asked=asked_on(conn, task, chunk_id)
            ).complete
            set_progress(conn, task.name, chunk_id, labeler, done, kind, now)
            return event_id

        return self._write(write)
