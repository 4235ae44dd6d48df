"""The store as pandas DataFrames, plus the small lookups widgets make per item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, bindparam, case, func, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer, decode_json
from labelwidgets.store.events import current_for
from labelwidgets.store.fast_views import FastViewsMixin
from labelwidgets.store.lazy import value_series
from labelwidgets.store.prepared import Scope, run

if TYPE_CHECKING:
    import pandas as pd

    from labelwidgets.store.store import LabelStore
else:  # opening a store and labeling build no DataFrame: pandas loads on first use
    from labelwidgets.store.lazy import pandas as pd


def _frame(conn: Connection, query: Select[Any]) -> pd.DataFrame:
    result = conn.execute(query)
    names = list(result.keys())
    # Read the driver's plain tuples: building a Row object per row costs more than the query.
    rows = result.cursor.fetchall() if result.cursor is not None else []
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in names})
    # dtype=object skips pandas' per-value type inference; numeric columns are converted below
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    for index, name in enumerate(names):
        sample = next((row[index] for row in rows[:64] if row[index] is not None), None)
        if isinstance(sample, (int, float)) and not isinstance(sample, bool):
            frame[name] = pd.to_numeric(frame[name])
    return frame


def _timestamps(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("float64"), unit="s", utc=True)
    return frame


def _meta_column(frame: pd.DataFrame, column: str = "meta") -> pd.DataFrame:
    frame[column] = value_series([decode_json(m) or {} for m in frame[column]], frame.index)
    return frame


def _chunk_query(scope: Scope, _n: int) -> Select[Any]:
    c, d = scope.table(t.chunks), scope.table(t.documents)
    return (
        select(c, d.c.name.label("doc_name"), d.c.n_pages)
        .join(d, d.c.doc_id == c.c.doc_id)
        .where(c.c.chunk_id == bindparam("chunk_id"))
    )


def _suggestions_query(scope: Scope, _n: int) -> Select[Any]:
    s = scope.table(t.suggestions)
    return (
        select(
            s.c.question,
            s.c.value,
            s.c.is_unknown,
            s.c.model,
            s.c.prompt_version,
            s.c.raw,
            s.c.evidence,
        )
        .where(
            s.c.task_id == bindparam("task_id"),
            s.c.chunk_id == bindparam("chunk_id"),
            s.c.parse_error.is_(None),
        )
        .order_by(s.c.created_at, s.c.suggestion_id)
    )


class ViewsMixin(FastViewsMixin):
    """DataFrame views (mixed into :class:`LabelStore`); the big ones in
    :class:`~labelwidgets.store.fast_views.FastViewsMixin`."""

    def _task_name(self: LabelStore, task: Task | str | None) -> str | None:
        return None if task is None else self.task(task).name

    def documents(self: LabelStore, *, with_text: bool = False) -> pd.DataFrame:
        """One row per document: doc_id, name, source, n_pages, n_chars, created_at, meta."""
        d = t.documents
        columns = [
            d.c.doc_id,
            d.c.name,
            d.c.source,
            d.c.n_pages,
            d.c.n_chars,
            d.c.created_at,
            d.c.meta,
        ]
        if with_text:
            columns.append(d.c.text)
        with self._read() as conn:
            frame = _frame(conn, select(*columns).order_by(d.c.created_at, d.c.doc_id))
        return _meta_column(_timestamps(frame, "created_at"))

    def document_text(self: LabelStore, doc_id: str) -> str:
        """The full extracted text of a document (chunk offsets index into it)."""
        d = t.documents
        with self._read() as conn:
            row = conn.execute(select(d.c.text).where(d.c.doc_id == doc_id)).first()
        if row is None:
            raise KeyError(f"no document {doc_id!r}")
        return row.text or ""

    def chunk(self: LabelStore, chunk_id: str) -> dict[str, Any]:
        """One chunk with its document's name, as a dict (``KeyError`` if unknown)."""
        with self._read() as conn:
            row = run(conn, _chunk_query, {"chunk_id": chunk_id}).mappings().first()
        if row is None:
            raise KeyError(f"no chunk {chunk_id!r}")
        record = dict(row)
        record["meta"] = decode_json(record["meta"]) or {}
        return record

    def chunk_order(self: LabelStore) -> list[str]:
        """All chunk ids in labeling order (document, then position)."""
        c = t.chunks
        with self._read() as conn:
            return list(conn.execute(select(c.c.chunk_id).order_by(c.c.ord)).scalars())

    def count_chunks(self: LabelStore) -> int:
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(t.chunks)).scalar_one()

    def tasks(self: LabelStore) -> pd.DataFrame:
        """One row per task: task, n_questions, content_hash, created_at, updated_at."""
        tk = t.tasks
        with self._read() as conn:
            frame = _frame(conn, select(tk).order_by(tk.c.created_at))
        frame["n_questions"] = [len(Task.from_json(d).questions) for d in frame["definition"]]
        frame = frame.rename(columns={"task_id": "task"}).drop(columns="definition")
        return _timestamps(frame, "created_at", "updated_at")

    def labelers(self: LabelStore, task: Task | str | None = None) -> pd.DataFrame:
        """One row per labeler: events, answers, chunks done, first and last activity, and the
        terms they accepted (hash and time)."""
        ev, pr = t.events, t.progress
        name = self._task_name(task)
        activity = select(
            ev.c.labeler,
            func.count().label("events"),
            func.sum(case((ev.c.kind == "answer", 1), else_=0)).label("answers"),
            func.min(ev.c.created_at).label("first_seen"),
            func.max(ev.c.created_at).label("last_seen"),
        ).group_by(ev.c.labeler)
        terms = select(ev.c.labeler, ev.c.value, ev.c.created_at).where(ev.c.kind == "terms")
        done = (
            select(pr.c.labeler, func.count().label("chunks_done"))
            .where(pr.c.status == "done")
            .group_by(pr.c.labeler)
        )
        if name is not None:
            activity = activity.where(ev.c.task_id == name)
            terms = terms.where(ev.c.task_id.in_(["", name]))
            done = done.where(pr.c.task_id == name)
        with self._read() as conn:
            frame = _frame(conn, activity)
            accepted = _frame(conn, terms.order_by(ev.c.event_id))
            finished = _frame(conn, done)
        frame = frame.merge(finished, on="labeler", how="left")
        frame["chunks_done"] = frame["chunks_done"].fillna(0).astype(int)
        frame["answers"] = frame["answers"].fillna(0).astype(int)
        last_terms = accepted.groupby("labeler").last()
        terms = frame["labeler"].map(last_terms["value"].map(lambda v: decode_json(v)))
        frame["terms_accepted"] = value_series(terms.astype(object).tolist(), frame.index)
        frame["terms_accepted_at"] = (
            frame["labeler"].map(last_terms["created_at"]).astype("float64")
        )
        frame = _timestamps(frame, "first_seen", "last_seen", "terms_accepted_at")
        return frame.sort_values("labeler", ignore_index=True)

    def latest_suggestions(
        self: LabelStore,
        task: Task | str,
        chunk_id: str,
        *,
        prefer: Mapping[str, str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """The newest parsed model answer per question for one chunk (a widget's fast path):
        ``{question: {"answer", "model", "prompt_version", "raw", "evidence"}}``.

        ``prefer`` maps a question to a prompt version id (e.g. each question's default from
        ``lw.models.default_prompts``): that version's newest answer is shown when there is one,
        so an unpromoted experiment run later does not replace it."""
        values = {"task_id": self.task(task).name, "chunk_id": chunk_id}
        with self._read() as conn:
            rows = run(conn, _suggestions_query, values).all()
        prefer = prefer or {}
        newest = {r.question: r for r in rows}
        newest |= {r.question: r for r in rows if r.prompt_version == prefer.get(r.question)}
        return {
            question: {
                "answer": decode_answer(r.value, r.is_unknown),
                "model": r.model,
                "prompt_version": r.prompt_version or None,
                "raw": r.raw,
                "evidence": decode_json(r.evidence),
            }
            for question, r in newest.items()
        }

    def labeler_answers(
        self: LabelStore, task: Task | str, chunk_id: str, labeler: str
    ) -> dict[str, Any]:
        """One labeler's current answers for one chunk, by question (a widget's fast path)."""
        name = self.task(task).name
        with self._read() as conn:
            return current_for(conn, name, chunk_id, labeler)
