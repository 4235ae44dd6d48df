"""Document roll-up: one answer per document × question, rolled up from its chunks' answers.

An extraction team wants the governing law *of the contract*, not of each chunk. The rules
(:meth:`RollupMixin.document_answers`):

- A chunk with a gold answer or a review decision is settled by it: the labelers' answers on
  that chunk no longer decide anything (they still show in ``conflicts``).
- **Adjudicated**: the settled reference answers of the document agree on one real answer (or
  all say "not in the text" and no labeler found a real answer on another chunk).
- Otherwise the labelers' answers decide. "Not in the text" on some chunks and a real answer on
  another chunk is **not** a conflict (a contract states its governing law in one clause): the
  real answer wins. Two real answers that differ under the question's ``match=`` rule are a
  **conflict**, and so is "not in the text" against a real answer *on the same chunk* (the
  labelers disagree about what that passage says).
- One real answer given by two or more labelers is **agreed**, by one labeler **single**; only
  "not in the text" answers make the document **unknown**.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, select

from labelwidgets.schema import Task
from labelwidgets.schema.matching import Matcher, cluster
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer
from labelwidgets.store.lazy import value_series

if TYPE_CHECKING:
    import pandas as pd

    from labelwidgets.store.store import LabelStore
else:  # opening a store builds no DataFrame: pandas loads on first use
    from labelwidgets.store.lazy import pandas as pd

__all__ = ["COLUMNS", "STATUSES", "RollupMixin"]

STATUSES = ("adjudicated", "agreed", "single", "conflict", "unknown")
COLUMNS = [
    "doc_id",
    "name",
    "question",
    "answer",
    "is_unknown",
    "status",
    "n_chunks",
    "n_labelers",
    "chunk_ids",
    "labelers",
    "reviewers",
    "conflicts",
]


class _Given(NamedTuple):
    """One answer on one chunk: a labeler's current answer or a reference (gold/review)."""

    chunk_id: str
    position: int  # the chunk's place in labeling order
    by: str
    reference: bool  # gold or review decision
    value: Any  # None when unknown
    unknown: bool


@dataclass
class _Group:
    """Answers that are the same answer under the question's rule."""

    items: list[_Given]

    @property
    def unknown(self) -> bool:
        return self.items[0].unknown

    def representative(self) -> Any:
        """The most given wording (ties: the first in document order)."""
        if self.unknown:
            return None
        counts = Counter(_wording(i.value) for i in self.items)
        best = max(counts.values())
        return next(i.value for i in self.items if counts[_wording(i.value)] == best)

    def chunk_ids(self) -> list[str]:
        return _in_order(self.items)

    def as_conflict(self) -> dict[str, Any]:
        return {
            "answer": self.representative(),
            "is_unknown": self.unknown,
            "chunk_ids": self.chunk_ids(),
            "by": sorted({i.by for i in self.items}),
        }


def _wording(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _in_order(items: Iterable[_Given]) -> list[str]:
    return [c for _, c in sorted({(i.position, i.chunk_id) for i in items})]


def _groups(items: list[_Given], matcher: Matcher) -> list[_Group]:
    """Real answers grouped under ``matcher`` (in order of first appearance), then one group of
    the "not in the text" answers if any."""
    real = [i for i in items if not i.unknown]
    found: dict[int, _Group] = {}
    for item, number in zip(real, cluster([i.value for i in real], matcher), strict=True):
        found.setdefault(number, _Group([])).items.append(item)
    groups = list(found.values())
    unknown = [i for i in items if i.unknown]
    return groups + ([_Group(unknown)] if unknown else [])


def _dissent(items: list[_Given]) -> list[_Given]:
    """Answers "not in the text" on chunks where someone gave a real answer."""
    answered = {i.chunk_id for i in items if not i.unknown}
    return [i for i in items if i.unknown and i.chunk_id in answered]


def _conflicts(items: list[_Given], matcher: Matcher) -> list[dict[str, Any]]:
    """The distinct answers people disagreed on (settled or not): real answers that differ,
    and "not in the text" against a real answer on the same chunk."""
    groups = [g for g in _groups(items, matcher) if not g.unknown]
    dissent = _dissent(items)
    if dissent:
        groups.append(_Group(dissent))
    return [g.as_conflict() for g in groups] if len(groups) > 1 else []


def _decide(items: list[_Given], matcher: Matcher) -> tuple[str, _Group | None]:
    """The status of one document × question and the group that answers it (None: conflict)."""
    references = [i for i in items if i.reference]
    settled = {i.chunk_id for i in references}
    labels = [i for i in items if not i.reference and i.chunk_id not in settled]
    by_reference = _groups(references, matcher)
    real_references = [g for g in by_reference if not g.unknown]
    if len(real_references) > 1:
        return "conflict", None
    if real_references:
        return "adjudicated", real_references[0]
    by_labelers = _groups(labels, matcher)
    real = [g for g in by_labelers if not g.unknown]
    if len(real) > 1 or (real and _dissent(labels)):
        return "conflict", None
    if real:
        labelers = {i.by for i in real[0].items}
        return ("agreed" if len(labelers) > 1 else "single"), real[0]
    if by_reference:  # only "not in the text" references, and no labeler found a real answer
        return "adjudicated", by_reference[0]
    return "unknown", by_labelers[0]


def _row(doc_id: str, question: str, items: list[_Given], matcher: Matcher) -> dict[str, Any]:
    status, group = _decide(items, matcher)
    if group is None:  # a conflict: its evidence is every chunk with an answer
        supporting, answer, unknown = items, None, False
    else:
        answer, unknown = group.representative(), group.unknown
        if unknown:
            supporting = [i for i in items if i.unknown]
        else:  # everyone who gave this answer, on any chunk (settled or not)
            supporting = [
                i for i in items if not i.unknown and matcher.agree(i.value, group.items[0].value)
            ]
    labelers = sorted({i.by for i in supporting if not i.reference})
    return {
        "doc_id": doc_id,
        "question": question,
        "answer": answer,
        "is_unknown": unknown,
        "status": status,
        "n_chunks": len({i.chunk_id for i in supporting}),
        "n_labelers": len(labelers),
        "chunk_ids": _in_order(supporting),
        "labelers": labelers,
        "reviewers": sorted({i.by for i in supporting if i.reference}),
        "conflicts": _conflicts(items, matcher),
    }


def _question_names(task: Task, questions: Iterable[str] | None) -> list[str]:
    if questions is None:
        return [q.name for q in task.questions if q.kind != "spans"]
    if isinstance(questions, str):
        questions = [questions]
    names = []
    for name in questions:
        try:
            question = task.question(str(name))
        except KeyError:
            raise ValueError(
                f"document_answers: task {task.name!r} has no question {name!r}; its questions "
                f"are {task.question_names}"
            ) from None
        if question.kind == "spans":
            raise ValueError(
                f"document_answers: {name!r} is a spans question; its answers are passages of "
                "one chunk and do not roll up into one answer per document"
            )
        names.append(question.name)
    return names


def _labels(conn: Connection, task_name: str, names: list[str]) -> list[Any]:
    """The labelers' current answers to ``names`` with their chunk's document and place, as
    plain tuples (doc_id, ord, chunk_id, question, labeler, value, is_unknown)."""
    ca, c = t.current_answers, t.chunks
    query = (
        select(
            c.c.doc_id,
            c.c.ord,
            ca.c.chunk_id,
            ca.c.question,
            ca.c.labeler,
            ca.c.value,
            ca.c.is_unknown,
        )
        .join(c, c.c.chunk_id == ca.c.chunk_id)
        .where(ca.c.task_id == task_name, ca.c.question.in_(names))
        .order_by(c.c.ord, ca.c.labeler)
    )
    result = conn.execute(query)
    # the driver's tuples: a Row object per answer costs more than the query
    return result.cursor.fetchall() if result.cursor is not None else []


def _references(conn: Connection, task_name: str, names: list[str]) -> list[tuple[Any, ...]]:
    """The reference answer per (chunk, question): its latest gold mark or review decision,
    as (doc_id, ord, chunk_id, question, by, value, is_unknown) with the value decoded (None
    when unknown). Few rows: the latest is kept in Python instead of a window function."""
    ev, c = t.events, t.chunks
    query = (
        select(
            c.c.doc_id,
            c.c.ord,
            ev.c.chunk_id,
            ev.c.question,
            ev.c.labeler,
            ev.c.value,
            ev.c.is_unknown,
        )
        .join(c, c.c.chunk_id == ev.c.chunk_id)
        .where(
            ev.c.task_id == task_name,
            ev.c.kind.in_(["gold", "review"]),
            ev.c.question.in_(names),
        )
        .order_by(ev.c.event_id)
    )
    latest: dict[tuple[str, str], tuple[Any, ...]] = {}
    for doc_id, position, chunk_id, question, by, value, unknown in conn.execute(query).all():
        answer = None if unknown else decode_answer(value, False)
        latest[chunk_id, question] = (
            doc_id,
            position,
            chunk_id,
            question,
            by,
            answer,
            bool(unknown),
        )
    return list(latest.values())


def _names(conn: Connection, doc_ids: set[str]) -> dict[str, str]:
    d, wanted, found = t.documents, sorted(doc_ids), {}
    for i in range(0, len(wanted), 500):
        query = select(d.c.doc_id, d.c.name).where(d.c.doc_id.in_(wanted[i : i + 500]))
        found.update(dict(conn.execute(query).all()))
    return found


class RollupMixin:
    """The document roll-up (mixed into :class:`LabelStore`)."""

    def document_answers(
        self: LabelStore, task: Task | str, *, questions: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """One answer per document × question, rolled up from the answers on its chunks.

        The answer comes from gold and review decisions (``"adjudicated"``), else from the
        labelers when they agree under the question's ``match=`` rule across the document's
        chunks (``"agreed"``: two or more labelers; ``"single"``: one), else the document is a
        ``"conflict"``; only "not in the text" answers make it ``"unknown"``. "Not in the
        text" on some chunks and a real answer on another is not a conflict: the real answer
        wins. See :mod:`labelwidgets.store.rollup` for the exact rules.

        Parameters
        ----------
        task
            The task (or its name).
        questions
            Only these questions (default: every question but ``spans`` questions, whose
            answers are passages of one chunk).

        Returns
        -------
        pandas.DataFrame
            One row per document × question with at least one answer, documents in labeling
            order and questions in task order: ``doc_id``, ``name``, ``question``, ``answer``
            (``None`` for "not in the text" and for a conflict), ``is_unknown``, ``status``,
            ``n_chunks`` and ``n_labelers`` (the support: chunks and labelers giving the
            answer; a conflict counts every chunk and labeler with an answer), ``chunk_ids``
            (those chunks, in document order: the evidence), ``labelers``, ``reviewers`` (who
            adjudicated it), ``conflicts`` (the distinct answers people disagreed on, each a
            dict with ``answer``, ``is_unknown``, ``chunk_ids`` and ``by``; also kept when an
            adjudication settled them; empty when everyone agrees).

        Examples
        --------
        >>> table = store.document_answers(task)  # doctest: +SKIP
        >>> table[table["status"] == "conflict"]  # doctest: +SKIP
        """
        task = self.task(task)
        names = _question_names(task, questions)
        with self._read() as conn:
            labels = _labels(conn, task.name, names)
            references = _references(conn, task.name, names)
            doc_names = _names(conn, {r[0] for r in labels} | {r[0] for r in references})
        given: dict[tuple[str, str], list[_Given]] = {}
        for doc_id, position, chunk_id, question, by, value, unknown in references:
            item = _Given(chunk_id, position, by, True, value, unknown)
            given.setdefault((doc_id, question), []).append(item)
        for doc_id, position, chunk_id, question, labeler, value, unknown in labels:
            unknown = bool(unknown)
            answer = None if unknown else decode_answer(value, False)
            item = _Given(chunk_id, position, labeler, False, answer, unknown)
            given.setdefault((doc_id, question), []).append(item)
        matchers = {name: task.question(name).matcher for name in names}
        order = {name: i for i, name in enumerate(names)}
        doc_place: dict[str, int] = {}  # a document's place: its first chunk with an answer
        for (doc_id, _), items in given.items():
            first = min(i.position for i in items)
            doc_place[doc_id] = min(first, doc_place.get(doc_id, first))
        keys = sorted(given, key=lambda k: (doc_place[k[0]], k[0], order[k[1]]))
        rows = [_row(d, q, _in_place(given[d, q]), matchers[q]) for d, q in keys]
        return _table(rows, doc_names)


def _by_place(item: _Given) -> tuple[int, bool, str]:
    return (item.position, not item.reference, item.by)


def _in_place(items: list[_Given]) -> list[_Given]:
    """Answers in document order, references first on a chunk (labelers' answers come
    sorted from the query; only references need placing among them)."""
    return sorted(items, key=_by_place) if items[0].reference else items


def _table(rows: list[dict[str, Any]], doc_names: dict[str, str]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    frame = pd.DataFrame(rows, dtype=object)
    frame.insert(1, "name", frame["doc_id"].map(doc_names).astype(object))
    frame["answer"] = value_series(frame["answer"].tolist(), frame.index)
    frame["is_unknown"] = frame["is_unknown"].astype(bool)
    frame["n_chunks"] = frame["n_chunks"].astype("int64")
    frame["n_labelers"] = frame["n_labelers"].astype("int64")
    return frame[COLUMNS]
