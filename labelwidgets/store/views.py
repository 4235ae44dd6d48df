"""The store as pandas DataFrames, plus the small lookups widgets make per item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, case, func, select

from labelwidgets.schema import Task
from labelwidgets.store import tables as t
from labelwidgets.store.codec import decode_answer, decode_answers, decode_json
from labelwidgets.store.events import current_for
from labelwidgets.store.lazy import value_series

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


def _filtered(query: Select[Any], equal: dict[Any, Any]) -> Select[Any]:
    """``query`` restricted to rows where each column equals its value (``None``: no filter)."""
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    return query


def _doc_of_chunks(conn: Connection, chunk_ids: pd.Series) -> dict[str, str]:
    c = t.chunks
    wanted = chunk_ids.unique()
    if len(wanted) > 5_000:
        result = conn.execute(select(c.c.chunk_id, c.c.doc_id))
        return dict(result.cursor.fetchall() if result.cursor is not None else [])
    found: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        batch = [str(x) for x in wanted[i : i + 500]]
        found.update(
            conn.execute(select(c.c.chunk_id, c.c.doc_id).where(c.c.chunk_id.in_(batch))).all()
        )
    return found


def _timestamps(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("float64"), unit="s", utc=True)
    return frame


def _answers_column(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace the stored ``value`` text by decoded ``answer`` values; "not in the text" is
    ``is_unknown=True`` with a null answer (so the frame converts to Arrow), and
    :func:`~labelwidgets.store.frames.answer_values` puts UNKNOWN back."""
    position = frame.columns.get_loc("value")
    answers = decode_answers(frame["value"].tolist(), [False] * len(frame))
    frame = frame.drop(columns="value")
    frame.insert(position, "answer", value_series(answers, frame.index))
    frame["is_unknown"] = frame["is_unknown"].astype(bool)
    return frame


def _evidence_column(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored evidence JSON -> lists of ``[start, end]`` pairs (``None`` where there is none)."""
    frame["evidence"] = pd.Series(
        [decode_json(e) for e in frame["evidence"]], index=frame.index, dtype=object
    )
    return frame


def _meta_column(frame: pd.DataFrame, column: str = "meta") -> pd.DataFrame:
    frame[column] = value_series([decode_json(m) or {} for m in frame[column]], frame.index)
    return frame


class ViewsMixin:
    """DataFrame views (mixed into :class:`LabelStore`)."""

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

    def chunks(
        self: LabelStore, *, doc_id: str | None = None, chunk_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """Chunks in labeling order: chunk_id, doc_id, seq, page_start, page_end, char_start,
        char_end, text, meta."""
        c = t.chunks
        query = select(
            c.c.chunk_id,
            c.c.doc_id,
            c.c.seq,
            c.c.page_start,
            c.c.page_end,
            c.c.char_start,
            c.c.char_end,
            c.c.text,
            c.c.meta,
        ).order_by(c.c.ord)
        if doc_id is not None:
            query = query.where(c.c.doc_id == doc_id)
        wanted = None if chunk_ids is None else list(chunk_ids)
        if wanted is not None and len(wanted) <= 5_000:  # beyond, one scan beats a huge IN (...)
            query = query.where(c.c.chunk_id.in_(wanted))
        with self._read() as conn:
            frame = _frame(conn, query)
        if wanted is not None and len(wanted) > 5_000:
            frame = frame[frame["chunk_id"].isin(set(wanted))].reset_index(drop=True)
        return _meta_column(frame)

    def chunk(self: LabelStore, chunk_id: str) -> dict[str, Any]:
        """One chunk with its document's name, as a dict (``KeyError`` if unknown)."""
        c, d = t.chunks, t.documents
        query = (
            select(c, d.c.name.label("doc_name"), d.c.n_pages)
            .join(d, d.c.doc_id == c.c.doc_id)
            .where(c.c.chunk_id == chunk_id)
        )
        with self._read() as conn:
            row = conn.execute(query).mappings().first()
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

    def prompt_versions(
        self: LabelStore, task: Task | str | None = None, question: str | None = None
    ) -> pd.DataFrame:
        """Stored prompt templates: version_id, task, question, label, template, note, created_at."""
        pv = t.prompt_versions
        query = select(pv).order_by(pv.c.created_at, pv.c.version_id)
        if task is not None:
            query = query.where(pv.c.task_id == self._task_name(task))
        if question is not None:
            query = query.where(pv.c.question == question)
        with self._read() as conn:
            frame = _frame(conn, query)
        return _timestamps(frame.rename(columns={"task_id": "task"}), "created_at")

    def suggestions(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        question: str | None = None,
        chunk_id: str | None = None,
        model: str | None = None,
        prompt_version: str | None = None,
    ) -> pd.DataFrame:
        """Model answers: suggestion_id, task, chunk_id, question, model, prompt_version, answer,
        is_unknown, raw, parse_error, score, chain_step, latency_ms, created_at, meta, evidence
        (``[[start, end], ...]`` in document coordinates, or ``None``)."""
        s = t.suggestions
        query = select(s).order_by(s.c.suggestion_id)
        query = _filtered(
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
            frame = _frame(conn, query)
        frame = _answers_column(frame.rename(columns={"task_id": "task"}))
        frame["prompt_version"] = frame["prompt_version"].replace("", None)
        return _evidence_column(_meta_column(_timestamps(frame, "created_at")))

    def events(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        labeler: str | None = None,
        chunk_id: str | None = None,
        question: str | None = None,
        kind: str | None = None,
    ) -> pd.DataFrame:
        """Every event ever written, oldest first (append-only): event_id, task, chunk_id,
        question, labeler, kind, answer, is_unknown, comment, time_spent, forced, problems,
        subject, created_at, meta, evidence (``[[start, end], ...]`` in document coordinates,
        or ``None``)."""
        ev = t.events
        query = select(ev).order_by(ev.c.event_id)
        query = _filtered(
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
            frame = _frame(conn, query)
        frame = _answers_column(frame.rename(columns={"task_id": "task"}))
        frame["forced"] = frame["forced"].astype(bool)
        frame["problems"] = value_series(
            [decode_json(p) or [] for p in frame["problems"]], frame.index
        )
        return _evidence_column(_meta_column(_timestamps(frame, "created_at")))

    def answers(
        self: LabelStore,
        task: Task | str | None = None,
        *,
        question: str | None = None,
        labeler: str | None = None,
        doc_id: str | None = None,
        chunk_id: str | None = None,
    ) -> pd.DataFrame:
        """The current answer per (chunk, question, labeler), derived from events: task,
        chunk_id, doc_id, question, labeler, answer, is_unknown, forced, comment, time_spent,
        event_id, created_at, evidence (``[[start, end], ...]`` in document coordinates, or
        ``None``). Rows are grouped by task and chunk (not in time order)."""
        ca, c = t.current_answers, t.chunks
        name = self._task_name(task)
        # with a task given the column is constant: filled in below instead of read a million times
        columns = [] if name is not None else [ca.c.task_id.label("task")]
        query = select(
            *columns,
            ca.c.chunk_id,
            ca.c.question,
            ca.c.labeler,
            ca.c.value,
            ca.c.is_unknown,
            ca.c.forced,
            ca.c.comment,
            ca.c.time_spent,
            ca.c.event_id,
            ca.c.created_at,
            ca.c.evidence,
        )
        query = _filtered(
            query,
            {
                ca.c.task_id: name,
                ca.c.question: question,
                ca.c.labeler: labeler,
                ca.c.chunk_id: chunk_id,
            },
        )
        if doc_id is not None:
            query = query.where(ca.c.chunk_id.in_(select(c.c.chunk_id).where(c.c.doc_id == doc_id)))
        with self._read() as conn:
            frame = _frame(conn, query)
            # mapping chunk -> document in pandas is cheaper than a join per answer row
            docs = _doc_of_chunks(conn, frame["chunk_id"])
        if name is not None:
            frame.insert(0, "task", pd.Series(name, index=frame.index, dtype=object))
        frame.insert(2, "doc_id", frame["chunk_id"].map(docs).astype(object))
        frame["event_id"] = frame["event_id"].astype("int64")
        frame = _answers_column(frame)
        frame["forced"] = frame["forced"].astype(bool)
        return _evidence_column(_timestamps(frame, "created_at"))

    def gold(self: LabelStore, task: Task | str, *, question: str | None = None) -> pd.DataFrame:
        """The reference answer per (chunk, question): the latest gold mark or review decision.
        Columns: chunk_id, doc_id, question, answer, is_unknown, source ('gold'|'review'), by,
        accepted_from, event_id, created_at, evidence (``[[start, end], ...]`` or ``None``)."""
        ev, c = t.events, t.chunks
        ranked = select(
            ev.c.event_id,
            ev.c.chunk_id,
            ev.c.question,
            ev.c.value,
            ev.c.is_unknown,
            ev.c.kind,
            ev.c.labeler,
            ev.c.subject,
            ev.c.created_at,
            ev.c.evidence,
            func.row_number()
            .over(partition_by=(ev.c.chunk_id, ev.c.question), order_by=ev.c.event_id.desc())
            .label("rank"),
        ).where(ev.c.task_id == self._task_name(task), ev.c.kind.in_(["gold", "review"]))
        if question is not None:
            ranked = ranked.where(ev.c.question == question)
        latest = ranked.subquery()
        query = (
            select(
                latest.c.chunk_id,
                c.c.doc_id,
                latest.c.question,
                latest.c.value,
                latest.c.is_unknown,
                latest.c.kind.label("source"),
                latest.c.labeler.label("by"),
                latest.c.subject.label("accepted_from"),
                latest.c.event_id,
                latest.c.created_at,
                latest.c.evidence,
            )
            .join(c, c.c.chunk_id == latest.c.chunk_id)
            .where(latest.c.rank == 1)
            .order_by(c.c.ord, latest.c.question)
        )
        with self._read() as conn:
            frame = _frame(conn, query)
        return _evidence_column(_timestamps(_answers_column(frame), "created_at"))

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
        self: LabelStore, task: Task | str, chunk_id: str
    ) -> dict[str, dict[str, Any]]:
        """The newest parsed model answer per question for one chunk (a widget's fast path):
        ``{question: {"answer", "model", "prompt_version", "raw", "evidence"}}``."""
        s = t.suggestions
        query = (
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
                s.c.task_id == self.task(task).name,
                s.c.chunk_id == chunk_id,
                s.c.parse_error.is_(None),
            )
            .order_by(s.c.created_at, s.c.suggestion_id)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return {
            r.question: {
                "answer": decode_answer(r.value, r.is_unknown),
                "model": r.model,
                "prompt_version": r.prompt_version or None,
                "raw": r.raw,
                "evidence": decode_json(r.evidence),
            }
            for r in rows
        }

    def labeler_answers(
        self: LabelStore, task: Task | str, chunk_id: str, labeler: str
    ) -> dict[str, Any]:
        """One labeler's current answers for one chunk, by question (a widget's fast path)."""
        name = self.task(task).name
        with self._read() as conn:
            return current_for(conn, name, chunk_id, labeler)
