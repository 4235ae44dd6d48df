"""LabelStore: the durable home of documents, chunks, tasks, model suggestions and label events."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Connection, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from labelwidgets.schema import Task
from labelwidgets.store import ids
from labelwidgets.store import tables as t
from labelwidgets.store.assign import AssignmentMixin
from labelwidgets.store.codec import encode_answer, encode_json
from labelwidgets.store.engine import make_engine, mask_url, normalize_url, with_retries
from labelwidgets.store.events import EventsMixin, check_labeler
from labelwidgets.store.rows import as_records, optional_int, require_columns
from labelwidgets.store.upsert import insert_ignore, upsert
from labelwidgets.store.views import ViewsMixin

T = TypeVar("T")

_CHUNK_FIELDS = {
    "chunk_id",
    "doc_id",
    "seq",
    "page_start",
    "page_end",
    "char_start",
    "char_end",
    "text",
    "meta",
}
_DOC_FIELDS = {"doc_id", "name", "source", "text", "page_offsets", "n_pages", "n_chars", "meta"}


class LabelStore(ViewsMixin, EventsMixin, AssignmentMixin):
    """Where labels live: a SQLite file by default, PostgreSQL when a team shares one.

    Every write is one transaction and returns only once it is durable (SQLite: WAL,
    ``synchronous=FULL``, ``BEGIN IMMEDIATE``). Label events are append-only: the current
    answer, undo and review are all derived from them.

    Parameters
    ----------
    url
        ``"labels.db"`` (a SQLite file), ``":memory:"``, or a database URL such as
        ``"postgresql+psycopg://user:password@host/db"``. Passwords are never shown.
    schema
        PostgreSQL schema to use (created if missing); ``None`` uses the default.

    Examples
    --------
    >>> store = LabelStore("labels.db")          # doctest: +SKIP
    >>> store.add_chunks([{"text": "This Agreement is governed by the laws of England."}])
    1
    """

    def __init__(self, url: str | os.PathLike[str] = "labels.db", *, schema: str | None = None):
        self._url = normalize_url(url)
        self.url = mask_url(self._url)
        self.schema = schema
        try:
            engine = make_engine(self._url)
        except Exception as exc:
            raise type(exc)(mask_url(str(exc))) from None
        if schema:
            self._create_pg_schema(engine, schema)
            engine = engine.execution_options(schema_translate_map={None: schema})
        self._engine = engine
        self._writer = engine.execution_options(lw_write=True)
        self._tasks: dict[str, Task] = {}
        try:
            self._write(self._migrate)
        except DBAPIError as exc:
            raise RuntimeError(f"cannot open store {self.url}: {mask_url(str(exc.orig))}") from None

    # -- plumbing --------------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    def __repr__(self) -> str:
        return f"LabelStore({self.url!r})"

    def close(self) -> None:
        """Release database connections (the store can be reopened with a new LabelStore)."""
        self._engine.dispose()

    def __enter__(self) -> LabelStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one write transaction, retried on lock contention; durable on return."""

        def attempt() -> T:
            with self._writer.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SET LOCAL lock_timeout = '60s'"))
                return fn(conn)

        return with_retries(attempt)

    def _read(self) -> Connection:
        return self._engine.connect()

    @staticmethod
    def _create_pg_schema(engine: Any, schema: str) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("schema= is only supported for PostgreSQL stores")
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))

    def _lock(self, conn: Connection, name: str) -> None:
        """Serialize writers that allocate shared counters (SQLite's write lock already does)."""
        if self.dialect == "postgresql":
            key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=7).digest(), "big")
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    # -- schema version and migrations -----------------------------------------------------------------
    def _migrate(self, conn: Connection) -> None:
        from labelwidgets.store.migrations import migrate

        self._lock(conn, "lw-migrate")
        migrate(conn)

    # -- documents and chunks -------------------------------------------------------------------------
    def add_documents(self, rows: Any) -> int:
        """Add documents (``doc_id`` required; ``name``, ``source``, ``text``, ``page_offsets``,
        ``meta``). Documents already stored are left as they are. Returns how many were new."""
        records = as_records(rows, "add_documents")
        require_columns(records, ["doc_id"], "add_documents")
        now = time.time()
        values = [self._document_values(r, i, now) for i, r in enumerate(records)]

        def write(conn: Connection) -> int:
            return insert_ignore(conn, t.documents, values, key="doc_id")

        return self._write(write) if values else 0

    @staticmethod
    def _document_values(record: dict[str, Any], index: int, now: float) -> dict[str, Any]:
        extra = {k: v for k, v in record.items() if k not in _DOC_FIELDS}
        text_value = record.get("text")
        if text_value is not None and not isinstance(text_value, str):
            raise TypeError(f"add_documents: row {index}: 'text' must be a string")
        offsets = record.get("page_offsets")
        if offsets is not None:
            offsets = [int(o) for o in offsets]
        meta = {**(record.get("meta") or {}), **extra}
        return {
            "doc_id": str(record["doc_id"]),
            "name": str(record.get("name") or record["doc_id"]),
            "source": record.get("source"),
            "text": text_value,
            "page_offsets": None if offsets is None else json.dumps(offsets),
            "n_pages": record.get("n_pages") or (len(offsets) if offsets else None),
            "n_chars": record.get("n_chars") or (len(text_value) if text_value else None),
            "meta": encode_json(meta),
            "created_at": now,
        }

    def add_chunks(self, rows: Any) -> int:
        """Add chunks to label; idempotent (ids are hashes of document, offsets and text).

        Each row needs ``text``; optional ``doc_id``, ``chunk_id``, ``seq``, ``page_start``,
        ``page_end``, ``char_start``, ``char_end``, ``meta``; any other column goes into
        ``meta``. A chunk without ``doc_id`` becomes its own document. Chunks are labeled in
        the order they were added. Returns how many chunks were new.
        """
        records = as_records(rows, "add_chunks")
        require_columns(records, ["text"], "add_chunks")
        now = time.time()
        values, new_docs, per_doc = [], {}, {}
        for i, record in enumerate(records):
            value = self._chunk_values(record, i, per_doc, now)
            if record.get("doc_id") is None:
                new_docs[value["doc_id"]] = {
                    "doc_id": value["doc_id"],
                    "text": value["text"],
                    "name": f"text-{value['doc_id'][:8]}",
                }
            values.append(value)
        if not values:
            return 0
        doc_values = [self._document_values(d, i, now) for i, d in enumerate(new_docs.values())]

        def write(conn: Connection) -> int:
            self._lock(conn, "lw-chunks")
            insert_ignore(conn, t.documents, doc_values, key="doc_id")
            self._add_placeholder_documents(conn, {v["doc_id"] for v in values}, now)
            fresh = self._new_only(conn, values)
            if not fresh:
                return 0
            start = conn.execute(select(func.coalesce(func.max(t.chunks.c.ord), 0))).scalar_one()
            for offset, value in enumerate(fresh, start=1):
                value["ord"] = start + offset
            conn.execute(insert(t.chunks), fresh)
            return len(fresh)

        return self._write(write)

    def _chunk_values(
        self, record: dict[str, Any], index: int, per_doc: dict[str, int], now: float
    ) -> dict[str, Any]:
        chunk_text = record["text"]
        if not isinstance(chunk_text, str):
            raise TypeError(
                f"add_chunks: row {index}: 'text' must be a string, got {type(chunk_text).__name__}"
            )
        if not chunk_text.strip():
            raise ValueError(f"add_chunks: row {index}: 'text' is empty")
        numbers = {
            name: optional_int(record, name, index, "add_chunks")
            for name in ("seq", "page_start", "page_end", "char_start", "char_end")
        }
        start, end = numbers["char_start"], numbers["char_end"]
        if start is not None and end is not None and end - start != len(chunk_text):
            raise ValueError(
                f"add_chunks: row {index}: char_end - char_start = {end - start} but the text has "
                f"{len(chunk_text)} characters"
            )
        doc_id = record.get("doc_id")
        if doc_id is None:
            doc_id = ids.doc_id_for_text(chunk_text)
            start, end = 0, len(chunk_text)
        doc_id = str(doc_id)
        seq = numbers["seq"]
        if seq is None:
            seq = per_doc.get(doc_id, 0)
        per_doc[doc_id] = seq + 1
        extra = {k: v for k, v in record.items() if k not in _CHUNK_FIELDS}
        return {
            "chunk_id": str(record.get("chunk_id") or ids.chunk_id(doc_id, start, end, chunk_text)),
            "doc_id": doc_id,
            "seq": seq,
            "page_start": numbers["page_start"],
            "page_end": numbers["page_end"],
            "char_start": start,
            "char_end": end,
            "text": chunk_text,
            "meta": encode_json({**(record.get("meta") or {}), **extra}),
            "created_at": now,
        }

    @staticmethod
    def _add_placeholder_documents(conn: Connection, doc_ids: set[str], now: float) -> None:
        """Chunks may name documents the store has no text for (a DataFrame of snippets)."""
        known = set()
        id_list = sorted(doc_ids)
        for i in range(0, len(id_list), 500):
            batch = id_list[i : i + 500]
            known.update(
                conn.execute(
                    select(t.documents.c.doc_id).where(t.documents.c.doc_id.in_(batch))
                ).scalars()
            )
        missing = [{"doc_id": d, "name": d, "created_at": now} for d in id_list if d not in known]
        if missing:
            conn.execute(insert(t.documents), missing)

    @staticmethod
    def _new_only(conn: Connection, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unique = list({v["chunk_id"]: v for v in values}.values())
        existing: set[str] = set()
        for i in range(0, len(unique), 500):
            batch = [v["chunk_id"] for v in unique[i : i + 500]]
            existing.update(
                conn.execute(
                    select(t.chunks.c.chunk_id).where(t.chunks.c.chunk_id.in_(batch))
                ).scalars()
            )
        return [v for v in unique if v["chunk_id"] not in existing]

    # -- tasks -------------------------------------------------------------------------------------------------
    def add_task(self, task: Task | Mapping[str, Any]) -> Task:
        """Store a task (or update its definition). Returns the stored :class:`Task`.

        Editing instructions, prompts, validators or choices is fine; removing a question
        that already has events, or changing its kind, raises ``ValueError``.
        """
        if isinstance(task, Mapping):
            task = Task.from_dict(task)
        if not isinstance(task, Task):
            raise TypeError(f"add_task expects a Task, got {type(task).__name__}")
        now = time.time()

        def write(conn: Connection) -> None:
            row = conn.execute(select(t.tasks).where(t.tasks.c.task_id == task.name)).first()
            if row is not None and row.content_hash == task.content_hash:
                return
            if row is not None:
                self._check_task_change(conn, Task.from_json(row.definition), task)
            upsert(
                conn,
                t.tasks,
                [
                    {
                        "task_id": task.name,
                        "definition": task.to_json(),
                        "content_hash": task.content_hash,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
                key=["task_id"],
                update=["definition", "content_hash", "updated_at"],
            )
            conn.execute(t.questions.delete().where(t.questions.c.task_id == task.name))
            conn.execute(
                insert(t.questions),
                [
                    {
                        "task_id": task.name,
                        "name": q.name,
                        "position": i,
                        "kind": q.kind,
                        "definition": json.dumps(q.to_dict(), sort_keys=True),
                    }
                    for i, q in enumerate(task.questions)
                ],
            )

        self._write(write)
        self._tasks[task.name] = task
        return task

    @staticmethod
    def _check_task_change(conn: Connection, old: Task, new: Task) -> None:
        answered = set(
            conn.execute(
                select(t.events.c.question)
                .where(t.events.c.task_id == old.name, t.events.c.question.is_not(None))
                .distinct()
            ).scalars()
        )
        new_kinds = {q.name: q.kind for q in new.questions}
        for q in old.questions:
            if q.name not in answered:
                continue
            if q.name not in new_kinds:
                raise ValueError(
                    f"task {old.name!r}: question {q.name!r} has labels and cannot be removed"
                )
            if new_kinds[q.name] != q.kind:
                raise ValueError(
                    f"task {old.name!r}: question {q.name!r} has labels; its kind cannot change "
                    f"from {q.kind!r} to {new_kinds[q.name]!r} (add a new question instead)"
                )

    def get_task(self, name: str | Task) -> Task:
        """The stored task called ``name`` (``KeyError`` if there is none)."""
        if isinstance(name, Task):
            name = name.name
        if name in self._tasks:
            return self._tasks[name]
        with self._read() as conn:
            row = conn.execute(
                select(t.tasks.c.definition).where(t.tasks.c.task_id == name)
            ).first()
        if row is None:
            raise KeyError(f"no task {name!r} in {self.url}; add it with store.add_task(task)")
        task = Task.from_json(row.definition)
        self._tasks[name] = task
        return task

    def _task(self, task: Task | str) -> Task:
        """Resolve a task argument, storing a Task object the store has not seen yet."""
        if isinstance(task, Task):
            cached = self._tasks.get(task.name)
            if cached is None or cached.content_hash != task.content_hash:
                try:
                    stored = self.get_task(task.name)
                except KeyError:
                    return self.add_task(task)
                if stored.content_hash != task.content_hash:
                    return self.add_task(task)
            return self._tasks[task.name]
        if isinstance(task, str):
            return self.get_task(task)
        raise TypeError(f"task must be a Task or a task name, got {type(task).__name__}")

    # -- prompt versions and model suggestions -------------------------------------------------------------
    def add_prompt_version(
        self,
        task: Task | str,
        question: str,
        template: str,
        *,
        label: str | None = None,
        note: str | None = None,
    ) -> str:
        """Store a prompt template for ``question``; returns its content-hashed version id.

        The same template again returns the same id. ``label`` defaults to ``"v1"``, ``"v2"``…
        """
        task = self._task(task)
        task.question(question)
        if not isinstance(template, str) or not template.strip():
            raise ValueError("add_prompt_version: template is empty")
        version_id = ids.prompt_version_id(task.name, question, template)
        pv = t.prompt_versions

        def write(conn: Connection) -> str:
            where = (pv.c.task_id == task.name) & (pv.c.question == question)
            if conn.execute(select(pv.c.version_id).where(pv.c.version_id == version_id)).first():
                if note is not None:
                    conn.execute(update(pv).where(pv.c.version_id == version_id).values(note=note))
                return version_id
            labels = set(conn.execute(select(pv.c.label).where(where)).scalars())
            chosen = label or next(
                f"v{n}" for n in range(len(labels) + 1, 10**6) if f"v{n}" not in labels
            )
            if chosen in labels:
                raise ValueError(
                    f"prompt label {chosen!r} is already used for {question!r} with another template"
                )
            conn.execute(
                insert(pv).values(
                    version_id=version_id,
                    task_id=task.name,
                    question=question,
                    label=chosen,
                    template=template,
                    note=note,
                    created_at=time.time(),
                )
            )
            return version_id

        return self._write(write)

    def add_suggestions(self, rows: Any) -> int:
        """Store model answers. Each row: ``task``, ``chunk_id``, ``question``, ``model``,
        ``answer`` (a value or UNKNOWN), and optionally ``prompt_version``, ``raw``,
        ``parse_error``, ``score``, ``chain_step``, ``latency_ms``, ``meta``. A row for the same
        (task, chunk, question, prompt version, model) replaces the earlier one.
        """
        records = as_records(rows, "add_suggestions")
        require_columns(records, ["task", "chunk_id", "question", "model"], "add_suggestions")
        now = time.time()
        values = [self._suggestion_values(r, i, now) for i, r in enumerate(records)]

        def write(conn: Connection) -> int:
            self._require_chunks(conn, {v["chunk_id"] for v in values}, "add_suggestions")
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
                ],
            )
            return len(values)

        return self._write(write) if values else 0

    def add_suggestion(
        self,
        task: Task | str,
        chunk_id: str,
        question: str,
        answer: Any,
        *,
        model: str,
        **fields: Any,
    ) -> None:
        """Store one model answer; see :meth:`add_suggestions`."""
        name = task.name if isinstance(task, Task) else task
        self.add_suggestions(
            [
                {
                    "task": name,
                    "chunk_id": chunk_id,
                    "question": question,
                    "answer": answer,
                    "model": model,
                    **fields,
                }
            ]
        )

    def _suggestion_values(self, record: dict[str, Any], index: int, now: float) -> dict[str, Any]:
        task = self._task(record["task"])
        question = task.question(str(record["question"]))
        parse_error = record.get("parse_error")
        value, unknown = None, False
        if parse_error is None:
            try:
                value, unknown = encode_answer(question.coerce(record.get("answer")))
            except (TypeError, ValueError) as exc:
                parse_error = f"answer does not fit the question: {exc}"
        known = {
            "task",
            "chunk_id",
            "question",
            "model",
            "answer",
            "prompt_version",
            "raw",
            "parse_error",
            "score",
            "chain_step",
            "latency_ms",
            "meta",
        }
        extra = {k: v for k, v in record.items() if k not in known}
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
            "created_at": now,
        }

    @staticmethod
    def _require_chunks(conn: Connection, chunk_ids: Iterable[str], what: str) -> None:
        wanted = sorted(set(chunk_ids))
        for i in range(0, len(wanted), 500):
            batch = wanted[i : i + 500]
            found = set(
                conn.execute(
                    select(t.chunks.c.chunk_id).where(t.chunks.c.chunk_id.in_(batch))
                ).scalars()
            )
            missing = [c for c in batch if c not in found]
            if missing:
                raise ValueError(
                    f"{what}: unknown chunk_id {missing[0]!r}"
                    + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                )

    # -- terms of confidentiality ----------------------------------------------------------------------
    @staticmethod
    def terms_hash(terms: str) -> str:
        """The hash recorded when a labeler accepts ``terms``."""
        return hashlib.sha256(terms.encode()).hexdigest()

    def accept_terms(self, labeler: str, terms: str, *, task: Task | str | None = None) -> int:
        """Record that ``labeler`` accepted ``terms`` (stored with their hash); returns the event id."""
        if not isinstance(terms, str) or not terms.strip():
            raise ValueError("accept_terms: terms are empty")
        task_id = "" if task is None else self._task(task).name
        return self._append(
            task_id, None, None, labeler, "terms", value=self.terms_hash(terms), comment=terms
        )

    def has_accepted(self, labeler: str, terms: str, *, task: Task | str | None = None) -> bool:
        """Whether ``labeler`` accepted exactly these ``terms`` (for ``task`` or for every task)."""
        task_ids = [""] if task is None else ["", self._task(task).name]
        value, _ = encode_answer(self.terms_hash(terms))
        ev = t.events
        with self._read() as conn:
            row = conn.execute(
                select(ev.c.event_id)
                .where(
                    ev.c.kind == "terms",
                    ev.c.labeler == labeler,
                    ev.c.value == value,
                    ev.c.task_id.in_(task_ids),
                )
                .limit(1)
            ).first()
        return row is not None

    def _append(
        self,
        task_id: str,
        chunk_id: str | None,
        question: str | None,
        labeler: str,
        kind: str,
        *,
        value: Any = None,
        comment: str | None = None,
        subject: str | None = None,
    ) -> int:
        """Append one event that has no projection to maintain."""
        check_labeler(labeler)
        encoded, unknown = encode_answer(value) if value is not None else (None, False)

        def write(conn: Connection) -> int:
            if chunk_id is not None:
                self._require_chunks(conn, [chunk_id], kind)
            result = conn.execute(
                insert(t.events).values(
                    task_id=task_id,
                    chunk_id=chunk_id,
                    question=question,
                    labeler=labeler,
                    kind=kind,
                    value=encoded,
                    is_unknown=unknown,
                    comment=comment,
                    subject=subject,
                    forced=False,
                    created_at=time.time(),
                )
            )
            return int(result.inserted_primary_key[0])

        return self._write(write)

    def rebuild_projections(self) -> None:
        """Recompute current answers and progress from the append-only events."""
        from labelwidgets.store.migrations import rebuild_projections

        self._write(rebuild_projections)

    def _schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(t.schema_info.c.version)).scalar_one())

    def _table_names(self) -> list[str]:
        with self._read() as conn:
            return inspect(conn).get_table_names(schema=self.schema)
