"""The submission rule: what one labeler's answers for one chunk mean, decided in one place.

:func:`check_submission` is the only code that decides which questions a chunk asks (``when=``
conditions), what is still missing, the coerced values and the problems of a submission. The
store calls it before a write, its event replay calls it to rebuild progress, and the Labeler
widget shows what it returned; the front end only mirrors the ``when=`` display logic.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from labelwidgets.schema import validators as _validators
from labelwidgets.schema.answers import UNKNOWN
from labelwidgets.schema.task import Question, Task

__all__ = ["MISSING", "AnswerRejected", "Submission", "check_submission", "missing_message"]

MISSING: Final = "needs an answer (or “Not in the text”)"
# what a labeler can do about a missing answer to a question that does not take "not in the text"
_WAY_IN = {
    "text": "type the answer",
    "number": "type the number",
    "date": "enter the date",
    "choice": "pick one of the choices",
    "multi_choice": "pick one or more of the choices",
    "rating": "pick a rating",
    "spans": "mark the passages, or submit none marked ([]) if there are none",
}


def missing_message(question: Question) -> str:
    """The problem of a missing answer, naming what the labeler can do for this question:
    "Not in the text" only where the question takes it."""
    if question.allow_unknown:
        return MISSING
    return f"needs an answer: {_WAY_IN.get(question.kind, 'answer it')}"


class AnswerRejected(ValueError):
    """An answer failed its question's kind, validators or ``when=`` condition.

    ``problems`` maps each question name to its human-readable problems. Nothing was stored.
    ``forceable`` is true when ``force=True`` would store it anyway (validator complaints and
    missing answers only).
    """

    def __init__(self, problems: dict[str, list[str]], *, forceable: bool = False) -> None:
        self.problems = problems
        self.forceable = forceable
        lines = [f"{q}: {p}" for q, ps in problems.items() for p in ps]
        hint = (
            " (pass force=True to store it anyway; the override is recorded)" if forceable else ""
        )
        super().__init__("answer rejected: " + "; ".join(lines) + hint)


@dataclass(frozen=True)
class Submission:
    """What :func:`check_submission` decided about one submission.

    Attributes
    ----------
    values
        The submitted answers in canonical form (``Question.coerce``), in submission order;
        answers that do not coerce are left out (their problem is listed).
    answers
        The labeler's answers for the chunk once this submission is stored: the prior answers
        updated with ``values``, without those in ``retracted``.
    retracted
        Prior answers whose ``when=`` condition no longer holds given the new answers (the
        store retracts them in the same transaction).
    applicable
        The questions asked for the chunk given ``answers``, in task order.
    missing
        Applicable questions that have no answer in ``answers``.
    problems
        Problems per question name: kind errors, validator complaints, unknown question names,
        answers to questions whose condition is unmet and, when completeness was required,
        missing answers.
    forceable
        There are problems and ``force=True`` may override every one of them (validator
        complaints and missing answers; never a wrong kind, an unknown name or an unmet condition).
    accepted
        The submission may be stored: no problems, or forceable ones overridden by ``force``.
    """

    values: Mapping[str, Any]
    answers: Mapping[str, Any]
    retracted: tuple[str, ...]
    applicable: tuple[str, ...]
    missing: tuple[str, ...]
    problems: Mapping[str, tuple[str, ...]]
    forceable: bool
    accepted: bool

    @property
    def complete(self) -> bool:
        """Every question asked for the chunk has an answer (the chunk counts as done)."""
        return not self.missing

    def raise_for_problems(self) -> None:
        """Raise :class:`AnswerRejected` listing every problem unless the submission is accepted."""
        if not self.accepted:
            problems = {name: list(found) for name, found in self.problems.items()}
            raise AnswerRejected(problems, forceable=self.forceable)


def check_submission(
    task: Task,
    answers: Mapping[str, Any],
    prior: Mapping[str, Any] | None = None,
    *,
    force: bool = False,
    require_complete: bool = False,
    asked: Collection[str] | None = None,
) -> Submission:
    """Decide what a submission of answers for one chunk means, without storing anything.

    Parameters
    ----------
    task
        The task the answers belong to.
    answers
        Question name → answer (a value or :data:`~labelwidgets.schema.UNKNOWN`). Empty asks
        what the ``prior`` answers alone amount to (is the chunk complete?).
    prior
        The labeler's current answers for the same chunk, already in canonical form.
        ``when=`` conditions are evaluated on these merged with the new answers.
    force
        Accept problems that may be overridden (validator complaints, missing answers).
    require_complete
        Every applicable question needs an answer: each missing one is a (forceable) problem.
    asked
        The questions routed to this chunk (``Question(keep=...)``; the store's
        ``questions_for``); ``None``: all. A question not asked is neither applicable nor
        missing; an answer given to it anyway is stored.

    Returns
    -------
    Submission
        Values, the answers once stored, applicable and missing questions, problems, and
        whether it is accepted. Problems are reported, never raised: see
        :meth:`Submission.raise_for_problems`.
    """
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of question -> answer, got {answers!r}")
    problems: dict[str, list[str]] = {}
    hard: set[str] = set()  # questions whose problems force cannot override
    known, values = _coerce_all(task, answers, problems, hard)
    merged = {**(prior or {}), **values}
    asked_now = {q.name for q in task.applicable(merged)}
    for question in known:
        if question.name not in asked_now:
            message = _unmet_message(question, merged, asked_now)
            problems.setdefault(question.name, []).append(message)
            hard.add(question.name)
    retracted = tuple(
        q.name
        for q in task.questions
        if q.name in merged and q.name not in values and q.name not in asked_now
    )
    after = {name: value for name, value in merged.items() if name not in retracted}
    applicable = tuple(q.name for q in task.applicable(after) if asked is None or q.name in asked)
    missing = tuple(name for name in applicable if name not in after)
    if require_complete:
        for name in missing:
            problems.setdefault(name, [missing_message(task.question(name))])
    forceable = bool(problems) and not hard
    return Submission(
        values=MappingProxyType(values),
        answers=MappingProxyType(after),
        retracted=retracted,
        applicable=applicable,
        missing=missing,
        problems=MappingProxyType({name: tuple(found) for name, found in problems.items()}),
        forceable=forceable,
        accepted=not problems or (force and forceable),
    )


def _coerce_all(
    task: Task,
    answers: Mapping[str, Any],
    problems: dict[str, list[str]],
    hard: set[str],
) -> tuple[list[Question], dict[str, Any]]:
    """The submitted questions and their canonical values; records kind and validator problems."""
    known: list[Question] = []
    values: dict[str, Any] = {}
    for name, answer in answers.items():
        try:
            question = task.question(str(name))
        except KeyError as exc:
            problems[str(name)] = [exc.args[0]]
            hard.add(str(name))
            continue
        known.append(question)
        try:
            value = question.coerce(answer)
        except (TypeError, ValueError) as exc:
            # A wrong-typed answer would break exports and agreement, so force does not apply.
            problems[question.name] = [str(exc)]
            hard.add(question.name)
            continue
        values[question.name] = value
        if value is not UNKNOWN:
            found = _validators.run(question.validators, value)
            if found:
                problems[question.name] = found
    return known, values


def _unmet_message(question: Question, answers: Mapping[str, Any], asked: set[str]) -> str:
    gate, expected = question.when or ("", None)
    if gate not in asked:
        return f"only asked when {gate!r} is {expected!r}, and {gate!r} itself is not asked now"
    given = answers.get(gate, "no answer")
    return f"only asked when {gate!r} is {expected!r} (it is {given!r})"
