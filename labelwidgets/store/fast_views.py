"""The big views (answers, events, gold, suggestions, chunks), read a column at a time.

Each view selects only the columns asked for (``columns=``), pushes every filter into SQL (a
value, or a list of values for ``IN``), and builds its DataFrame from the cursor's tuples with
:mod:`labelwidgets.store.columnar` (typed columns, no per-value Python work).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.chunk_rows import gc_paused

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from labelwidgets.store.answer_columns import AnswerColumns
    from labelwidgets.store.columnar import Table
    from labelwidgets.store.store import LabelStore

__all__ = ["ANSWERS", "CHUNKS", "EVENTS", "GOLD", "SUGGESTIONS", "FastViewsMixin"]

Filter = str | Iterable[str] | None

# (column, query column, how it is converted: see columnar.build), in each view's column order
ANSWERS = (
    ("task", "task_id", "plain"),
    ("chunk_id", "chunk_id", "plain"),
    ("doc_id", "chunk_id", "doc"),
    ("question", "question", "plain"),
    ("labeler", "labeler", "plain"),
    ("answer", "value", "answer"),
    ("is_unknown", "is_unknown", "bool"),
    ("forced", "forced", "bool"),
    ("comment", "comment", "plain"),
    ("time_spent", "time_spent", "plain"),
    ("event_id", "event_id", "int64"),
    ("created_at", "created_at", "time"),
    ("evidence", "evidence", "json"),
)
EVENTS = (
    ("event_id", "event_id", "plain"),
    ("task", "task_id", "plain"),
    ("chunk_id", "chunk_id", "plain"),
    ("question", "question", "plain"),
    ("labeler", "labeler", "plain"),
    ("kind", "kind", "plain"),
    ("answer", "value", "answer"),
    ("is_unknown", "is_unknown", "bool"),
    ("comment", "comment", "plain"),
    ("time_spent", "time_spent", "plain"),
    ("forced", "forced", "bool"),
    ("problems", "problems", "list"),
    ("subject", "subject", "plain"),
    ("meta", "meta", "meta"),
    ("created_at", "created_at", "time"),
    ("evidence", "evidence", "json"),
)
SUGGESTIONS = (
    ("suggestion_id", "suggestion_id", "plain"),
    ("task", "task_id", "plain"),
    ("chunk_id", "chunk_id", "plain"),
    ("question", "question", "plain"),
    ("model", "model", "plain"),
    ("prompt_version", "prompt_version", "empty-null"),
    ("answer", "value", "answer"),
    ("is_unknown", "is_unknown", "bool"),
    ("raw", "raw", "plain"),
    ("parse_error", "parse_error", "plain"),
    ("score", "score", "plain"),
    ("chain_step", "chain_step", "plain"),
    ("latency_ms", "latency_ms", "plain"),
    ("meta", "meta", "meta"),
    ("created_at", "created_at", "time"),
    ("evidence", "evidence", "json"),
)
CHUNKS = (
    ("chunk_id", "chunk_id", "plain"),
    ("doc_id", "doc_id", "plain"),
    ("seq", "seq", "plain"),
    ("page_start", "page_start", "plain"),
    ("page_end", "page_end", "plain"),
    ("char_start", "char_start", "plain"),
    ("char_end", "char_end", "plain"),
    ("text", "text", "plain"),
    ("meta", "meta", "meta"),
)
GOLD = (
    ("chunk_id", "chunk_id", "plain"),
    ("doc_id", "doc_id", "plain"),
    ("question", "question", "plain"),
    ("answer", "value", "answer"),
    ("is_unknown", "is_unknown", "bool"),
    ("source", "kind", "plain"),
    ("by", "labeler", "plain"),
    ("accepted_from", "subject", "plain"),
    ("event_id", "event_id", "plain"),
    ("created_at", "created_at", "time"),
    ("evidence", "evidence", "json"),
)


def _layout(
    view: str, layout: Sequence[tuple[str, str, str]], columns: Iterable[str] | None
) -> list[tuple[str, str, str]]:
    from labelwidgets.store.columnar import pick

    wanted = pick(view, [name for name, _, _ in layout], columns)
    by_name = {name: (name, source, how) for name, source, how in layout}
    return [by_name[name] for name in wanted]


def _sources(layout: Sequence[tuple[str, str, str]], table: Any) -> list[Any]:
    """The table's columns a layout reads, each once, in the table's order."""
    needed = {source for _, source, _ in layout}
    # nothing to read (only ``task``, filled in): still one column, to count the rows
    return [column for column in table.c if column.name in needed] or list(table.primary_key)[:1]


def _folded_select(
    layout: Sequence[tuple[str, str, str]], table: Any, dialect: str, skip: set[str] = frozenset()
) -> tuple[Select[Any], set[str]]:
    """The select of a view's ``layout`` from ``table`` with the answer columns folded into
    fewer cells (:mod:`labelwidgets.store.answer_cells`), and the view's column names;
    columns in ``skip`` are not read."""
    from labelwidgets.store.answer_cells import FOLDED, folded_cells

    wanted = {name for name, _, _ in layout}
    read = [x for x in layout if x[0] not in FOLDED and x[0] not in skip]
    cells = folded_cells(wanted, table, dialect)
    return select(*(_sources(read, table) if read or not cells else []), *cells), wanted


def where(query: Select[Any], equal: dict[ColumnElement[Any], Filter]) -> Select[Any]:
    """``query`` restricted to rows where each column equals its value, or is one of its
    values when given a list (``None``: no filter)."""
    for column, value in equal.items():
        if value is None:
            continue
        if isinstance(value, str):
            query = query.where(column == value)
        else:
            values = list(value)
            bad = [v for v in values if not isinstance(v, str)]
            if bad:
                raise TypeError(
                    f"filter on {column.name!r}: expected a string or a list of strings, "
                    f"got {bad[0]!r} in the list"
                )
            query = query.where(column.in_(values))
    return query


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, firsts)``: each row's run of equal values (rows come grouped by chunk) and the
    first value of each run; ``firsts[codes]`` equals ``values``, sharing one object per run."""
    import numpy as np

    change = np.ones(len(values), dtype=bool)
    change[1:] = values[1:] != values[:-1]
    return np.cumsum(change) - 1, values[change]


def _chunk_docs(conn: Connection, codes: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """The document of each row, from its chunk's run (``_runs``); ``None`` for a chunk no
    longer stored. Each run is looked up once."""
    import numpy as np

    from labelwidgets.store.answer_columns import chunk_documents

    if len(codes) == 0:
        return np.empty(0, dtype=object)
    return chunk_documents(conn, distinct)[codes]


def _finish(
    table: Table, layout: list[tuple[str, str, str]], extra: dict[str, Any]
) -> pd.DataFrame:
    """The frame of ``layout`` from ``table``; columns in ``extra`` come as given."""
    from labelwidgets.store.columnar import build, frame

    built = build(table, [(n, s, h) for n, s, h in layout if n not in extra])
    columns = {name: extra[name] if name in extra else built[name] for name, _, _ in layout}
    return frame(columns, len(table))


def _gc_paused(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` run with cyclic garbage collection held off: a big view makes millions of
    objects and no cycle, and collections set off by the allocations walk them again and again
    (a million fresh ``meta`` dicts took four times as long with them)."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return view(*args, **kwargs)

    return run


class FastViewsMixin:
    """The big DataFrame views (mixed into :class:`LabelStore` through ``ViewsMixin``)."""

    @_gc_paused
    def chunks(
        self: LabelStore,
        *,
        doc_id: Filter = None,
        chunk_ids: list[str] | None = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Chunks in labeling order: chunk_id, doc_id, seq, page_start, page_end, char_start,
        char_end, text, meta. ``doc_id``: one document or a list; ``columns``: only these
        columns (e.g. without ``text``), in this order."""
        from labelwidgets.store.columnar import fetch

        c = t.chunks
        layout = _layout("chunks", CHUNKS, columns)
        query = where(select(*_sources(layout, c)).order_by(c.c.ord), {c.c.doc_id: doc_id})
        wanted = None if chunk_ids is None else list(chunk_ids)
        if wanted is not None and len(wanted) <= 5_000:  # beyond, one scan beats a huge IN (...)
            query = query.where(c.c.chunk_id.in_(wanted))
        if wanted is not None and len(wanted) > 5_000:
            query = query.add_columns(c.c.chunk_id.label("_id"))
        with self._read() as conn:
            table = fetch(conn, query)
        if wanted is not None and len(wanted) > 5_000:
            import pandas as pd

            table = table.rows(pd.Series(table.column("_id"), dtype=object).isin(set(wanted)))
        return _finish(table, layout, {})

    @_gc_paused
    def suggestions(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        question: Filter = None,
        chunk_id: Filter = None,
        model: Filter = None,
        prompt_version: Filter = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Model answers: suggestion_id, task, chunk_id, question, model, prompt_version, answer,
        is_unknown, raw, parse_error, score, chain_step, latency_ms, meta, created_at, evidence
        (``[[start, end], ...]`` in document coordinates, or ``None``). Each filter takes one
        value or a list; ``columns``: only these columns, in this order."""
        from labelwidgets.store.columnar import fetch

        s = t.suggestions
        layout = _layout("suggestions", SUGGESTIONS, columns)
        query = select(*_sources(layout, s)).order_by(s.c.suggestion_id)
        query = where(
            query,
            {
                s.c.task_id: self._task_name(task),
                s.c.question: question,
                s.c.chunk_id: chunk_id,
                s.c.model: model,
                s.c.prompt_version: prompt_version,
            },
        )
        with self._read() as conn:
            table = fetch(conn, query)
        return _finish(table, layout, {})

    @_gc_paused
    def events(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        labeler: Filter = None,
        chunk_id: Filter = None,
        question: Filter = None,
        kind: Filter = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Every event ever written, oldest first (append-only): event_id, task, chunk_id,
        question, labeler, kind, answer, is_unknown, comment, time_spent, forced, problems,
        subject, meta, created_at, evidence (``[[start, end], ...]`` in document coordinates,
        or ``None``). Each filter takes one value or a list (``kind=["gold", "review"]``);
        ``columns``: only these columns, in this order."""
        from labelwidgets.store.answer_cells import unfold
        from labelwidgets.store.columnar import fetch

        ev = t.events
        layout = _layout("events", EVENTS, columns)
        query, wanted = _folded_select(layout, ev, self.dialect)
        query = where(
            query,
            {
                ev.c.task_id: self._task_name(task),
                ev.c.labeler: labeler,
                ev.c.chunk_id: chunk_id,
                ev.c.question: question,
                ev.c.kind: kind,
            },
        )
        with self._read() as conn:
            table = fetch(conn, query.order_by(ev.c.event_id))
        return _finish(table, layout, unfold(table, wanted))

    @_gc_paused
    def answers(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        question: Filter = None,
        labeler: Filter = None,
        doc_id: Filter = None,
        chunk_id: Filter = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The current answer per (chunk, question, labeler), derived from events: task,
        chunk_id, doc_id, question, labeler, answer, is_unknown, forced, comment, time_spent,
        event_id, created_at, evidence (``[[start, end], ...]`` in document coordinates, or
        ``None``). Rows are grouped by task and chunk (not in time order).

        Each filter takes one value or a list of values and runs in SQL; ``columns`` reads
        only these columns, in this order (``answer`` comes without ``is_unknown`` unless
        asked: "not in the text" is a null answer with ``is_unknown=True``).
        """
        from labelwidgets.store.answer_cells import unfold
        from labelwidgets.store.columnar import fetch

        ca, c = t.current_answers, t.chunks
        name = self._task_name(task)
        layout = _layout("answers", ANSWERS, columns)
        # with a task given the column is constant: filled in below instead of read a million
        # times
        query, wanted = _folded_select(layout, ca, self.dialect, skip={"task"} if name else set())
        query = where(
            query,
            {ca.c.task_id: name, ca.c.question: question, ca.c.labeler: labeler},
        )
        query = where(query, {ca.c.chunk_id: chunk_id})
        if doc_id is not None:
            query = query.where(
                ca.c.chunk_id.in_(where(select(c.c.chunk_id), {c.c.doc_id: doc_id}))
            )
        with self._read() as conn:
            table = fetch(conn, query)
            extra: dict[str, Any] = {}
            if "chunk_id" in table:
                # one string object per run of a chunk's answers (a tenth of the memory, and
                # grouping by chunk later hashes each once)
                codes, distinct = _runs(table.column("chunk_id"))
                extra["chunk_id"] = distinct[codes]
            if "doc_id" in wanted:
                # chunk -> document in Python is cheaper than a join per answer row
                extra["doc_id"] = _chunk_docs(conn, codes, distinct)
        extra.update(unfold(table, wanted))
        if "task" in wanted and name is not None:
            import numpy as np

            extra["task"] = np.empty(len(table), dtype=object)
            extra["task"].fill(name)  # 20x faster than np.full for an object array
        return _finish(table, layout, extra)

    @_gc_paused
    def answer_columns(self: LabelStore, task: Task | str) -> AnswerColumns:
        """The task's current answers as integer-coded columns (chunk, question, labeler and
        answer codes into tables of distinct values; see
        :class:`~labelwidgets.store.answer_columns.AnswerColumns`): for code that groups
        every answer, at a fraction of the cost of :meth:`answers`."""
        from labelwidgets.store.answer_columns import read_answer_columns

        task = self.task(task)
        with self._read() as conn:
            return read_answer_columns(conn, task)

    @_gc_paused
    def gold(
        self: LabelStore,
        task: Task | str,
        *,
        question: Filter = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The reference answer per (chunk, question): the latest gold mark or review decision.
        Columns: chunk_id, doc_id, question, answer, is_unknown, source ('gold'|'review'), by,
        accepted_from, event_id, created_at, evidence (``[[start, end], ...]`` or ``None``).
        ``question``: one or a list; ``columns``: only these columns, in this order."""
        from labelwidgets.store.columnar import fetch

        ev, c = t.events, t.chunks
        # the gold and review events, found by the (task, kind) index: a window over the task's
        # events ordered by chunk would read every answer event of the task
        marks = where(
            select(ev.c.event_id),
            {ev.c.task_id: self._task_name(task), ev.c.kind: ["gold", "review"]},
        )
        ranked = select(
            *ev.c,
            func.row_number()
            .over(partition_by=(ev.c.chunk_id, ev.c.question), order_by=ev.c.event_id.desc())
            .label("rank"),
        ).where(ev.c.event_id.in_(marks))
        latest = where(ranked, {ev.c.question: question}).subquery()
        layout = _layout("gold", GOLD, columns)
        needed = {source for _, source, _ in layout}
        picked = [c.c.doc_id if n == "doc_id" else latest.c[n] for n in sorted(needed)]
        query = (
            select(*picked)
            .join(c, c.c.chunk_id == latest.c.chunk_id)
            .where(latest.c.rank == 1)
            .order_by(c.c.ord, latest.c.question)
        )
        with self._read() as conn:
            table = fetch(conn, query)
        return _finish(table, layout, {})
