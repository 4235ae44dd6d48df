"""Which stored answers agree, under each question's ``match=`` rule.

Answers are stored in canonical form, so answers written the same agree under every rule;
whether answers written differently are *the same answer* is the question's rule ("the laws of
New York" and "New York" are one answer under ``match="entity"``), which is Python: the rule
decides only on the items whose answers are written differently, with each written answer's
key computed once per process. The search statuses ``"disagreed"`` and ``"model_disagrees"``
and the ``"disagreement"`` order read their chunks from here, as the review queue does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, bindparam, cast, func, or_, select
from sqlalchemy.sql import ColumnElement

from labelwidgets.schema import Task
from labelwidgets.schema.matching import Matcher, cluster
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer

# the statuses whose chunks are computed here and bound to a query as a list of ids
MATCHED = ("disagreed", "model_disagrees")
# answers to a question no longer in the task: the same when written the same
_AS_WRITTEN = Matcher("exact", "text", True, True, lambda v: json.dumps(v, sort_keys=True))


def param_name(status: str) -> str:
    """The bound parameter carrying the chunk ids of ``status`` (one of :data:`MATCHED`)."""
    return f"lw_{status}_ids"


def chunk_in_list(dialect: str, column: Any, status: str) -> ColumnElement[bool]:
    """``column IN`` the JSON list of chunk ids bound as ``param_name(status)``: one parameter
    whatever the number of ids (SQLite caps the parameters of a statement)."""
    ids = bindparam(param_name(status))
    if dialect == "sqlite":
        listed = select(func.json_each(ids).table_valued("value").c.value)
    else:
        from sqlalchemy.dialects.postgresql import JSONB  # loaded only for PostgreSQL

        listed = select(
            func.jsonb_array_elements_text(cast(ids, JSONB)).table_valued("value").c.value
        )
    return column.in_(listed.scalar_subquery())


def status_ids(
    conn: Connection,
    task: Task,
    statuses: Iterable[str],
    labeler: str | None,
    memo: dict[Any, str] | None = None,
) -> dict[str, str]:
    """The bound values the :data:`MATCHED` statuses among ``statuses`` need (JSON lists of
    chunk ids). ``memo`` (kept by the store object) holds them until an answer or a
    suggestion is written (the last event and suggestion ids: both tables only grow)."""
    wanted = [s for s in dict.fromkeys(statuses) if s in MATCHED]
    if not wanted:
        return {}
    memo = {} if memo is None else memo
    last = select(func.max(t.events.c.event_id)).scalar_subquery()
    last_suggestion = select(func.max(t.suggestions.c.suggestion_id)).scalar_subquery()
    version = tuple(conn.execute(select(last, last_suggestion)).one())
    found: dict[str, str] = {}
    for status in wanted:
        mine = labeler if status == "model_disagrees" else None  # "disagreed" is task-wide
        key = (task.name, task.content_hash, status, mine, version)
        if key not in memo:
            if len(memo) > 64:
                memo.clear()
            if status == "disagreed":
                ids = disagreed(conn, task)
            else:
                ids = model_disagrees(conn, task, mine)
            memo[key] = json.dumps(sorted(ids))
        found[param_name(status)] = memo[key]
    return found


class _Rules(dict[str, Matcher]):
    """Each question's rule, resolved once; answers to a question no longer in the task compare
    as written."""

    def __init__(self, task: Task) -> None:
        super().__init__((q.name, q.matcher) for q in task.questions)

    def __missing__(self, question: str) -> Matcher:
        return _AS_WRITTEN


def distinct_answers(
    conn: Connection, task: Task, *, of: str = "labelers"
) -> dict[tuple[str, str], int]:
    """Per (chunk, question) whose labelers (``of="models"``: whose model suggestions, those
    that parsed) wrote different answers: how many different answers they gave under the
    question's rule (1: they agree after all)."""
    table = t.current_answers if of == "labelers" else t.suggestions
    c = table.c
    query = select(c.chunk_id, c.question, c.value, c.is_unknown).where(c.task_id == task.name)
    if of == "models":
        query = query.where(c.parse_error.is_(None))
    # one pass in key order (a join to the items written apart cost ten times more in SQLite)
    rows = conn.execute(query.order_by(c.chunk_id, c.question))
    given: dict[tuple[str, str], list[tuple[str | None, Any]]] = {}
    for item, group in groupby(rows, key=lambda r: (r[0], r[1])):
        answers = [(r[2], bool(r[3])) for r in group]
        if len(set(answers)) > 1:
            given[item] = answers
    rules = _Rules(task)
    return {item: _count(rules[item[1]], answers) for item, answers in given.items()}


def _count(rule: Matcher, answers: list[tuple[str | None, bool]]) -> int:
    """How many different answers ``answers`` (stored value, unknown flag) are under ``rule``."""
    if rule.keyed:  # one key per distinct written answer (a rule's key can be slow)
        return len({_key(rule, *a) for a in set(answers)})
    values = [decode_answer(*a) for a in answers]
    return len(set(cluster(values, rule)))


def disagreed(conn: Connection, task: Task) -> set[str]:
    """Chunks where two labelers' current answers to a question differ under its rule."""
    return {chunk_id for (chunk_id, _), n in distinct_answers(conn, task).items() if n > 1}


def model_disagrees(conn: Connection, task: Task, labeler: str | None) -> set[str]:
    """Chunks where a model suggestion differs, under the question's rule, from a labeler's
    current answer (``labeler``'s, else anyone's)."""
    ca, sg = t.current_answers, t.suggestions
    query = select(ca.c.chunk_id, ca.c.question, ca.c.value, ca.c.is_unknown).add_columns(
        sg.c.value.label("model_value"), sg.c.is_unknown.label("model_unknown")
    )
    query = query.where(
        ca.c.task_id == task.name,
        sg.c.task_id == task.name,
        sg.c.chunk_id == ca.c.chunk_id,
        sg.c.question == ca.c.question,
        sg.c.parse_error.is_(None),
        or_(sg.c.is_unknown != ca.c.is_unknown, sg.c.value.is_distinct_from(ca.c.value)),
    )
    if labeler is not None:
        query = query.where(ca.c.labeler == labeler)
    found: set[str] = set()
    rules = _Rules(task)
    for chunk_id, question, value, unknown, model_value, model_unknown in conn.execute(query):
        if chunk_id in found:
            continue
        rule = rules[question]
        if rule.keyed:
            differ = _key(rule, value, unknown) != _key(rule, model_value, model_unknown)
        else:
            label = decode_answer(value, unknown)
            differ = not rule.agree(label, decode_answer(model_value, model_unknown))
        if differ:
            found.add(chunk_id)
    return found


_KEYS: dict[tuple[Matcher, str | None, bool], Any] = {}


def _key(rule: Matcher, value: str | None, unknown: Any) -> Any:
    """The rule's key of a stored answer, kept per written answer: the same answers come up
    on every query, and a rule's key can take a quarter of a millisecond (``"entity"``)."""
    found = _KEYS.get((rule, value, bool(unknown)), _KEYS)
    if found is _KEYS:
        if len(_KEYS) > 200_000:
            _KEYS.clear()
        found = _KEYS[rule, value, bool(unknown)] = rule.key(decode_answer(value, unknown))
    return found


__all__ = ["MATCHED", "chunk_in_list", "disagreed", "distinct_answers", "status_ids"]
