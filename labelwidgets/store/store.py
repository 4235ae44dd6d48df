"""LabelStore: the durable home of documents, chunks, tasks, model suggestions and label events."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateSchema

from labelwidgets.schema import Task
from labelwidgets.store import input_rows, inputs
from labelwidgets.store import tables as t
from labelwidgets.store.assign import AssignmentMixin
from labelwidgets.store.codec import encode_answer
from labelwidgets.store.documents import DocumentsMixin
from labelwidgets.store.engine import make_engine, mask_url, normalize_url, with_retries
from labelwidgets.store.events import EventsMixin, check_labeler
from labelwidgets.store.rollup import RollupMixin
from labelwidgets.store.suggestions import SuggestionsMixin
from labelwidgets.store.tasks import TasksMixin
from labelwidgets.store.views import ViewsMixin

T = TypeVar("T")

# PostgreSQL settings of a write transaction, in one statement (one round trip)
_PG_WRITE = "SELECT set_config('lock_timeout', '60s', true)"
_PG_LENIENT_WRITE = (
    "SELECT set_config('lock_timeout', '60s', true), set_config('synchronous_commit', 'off', true)"
)


class LabelStore(
    DocumentsMixin,
    TasksMixin,
    SuggestionsMixin,
    ViewsMixin,
    EventsMixin,
    AssignmentMixin,
    RollupMixin,
):
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
        if schema is not None:
            self._create_pg_schema(engine, schema)
            engine = engine.execution_options(schema_translate_map={None: schema})
        self._engine = engine
        self._writer = engine.execution_options(lw_write=True)
        self._lenient_writer = engine.execution_options(lw_write=True, lw_durable=False)
        self._tasks: dict[str, Task] = {}
        self._joined = threading.local()  # the connection of an open store.transaction()
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

    def _write(self, fn: Callable[[Connection], T], *, durable: bool = True) -> T:
        """Run ``fn`` in one write transaction, retried on lock contention; durable on return.

        ``durable=False`` is for a write a crash may lose without harm (a lease expires by
        itself): its commit does not wait for the disk (SQLite: the next durable commit
        flushes it, in order; PostgreSQL: ``synchronous_commit = off``). Inside
        :meth:`transaction` the transaction decides.
        """
        joined = getattr(self._joined, "conn", None)
        if joined is not None:  # inside store.transaction(): its commit is the durable point
            with joined.begin_nested():  # a failed write leaves none of its rows behind
                return fn(joined)

        def attempt() -> T:
            with (self._writer if durable else self._lenient_writer).begin() as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(_PG_WRITE if durable else _PG_LENIENT_WRITE)
                return fn(conn)

        return with_retries(attempt)

    def _read(self) -> Any:
        """A connection to read with (``with store._read() as conn``); inside
        :meth:`transaction` it is the transaction's, so reads see its writes."""
        joined = getattr(self._joined, "conn", None)
        return self._engine.connect() if joined is None else contextlib.nullcontext(joined)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[LabelStore]:
        """Group writes so that all of them are stored or none is.

        Every write inside the block joins one transaction, committed (and durable) when the
        block ends; an exception in the block rolls all of them back. A write that fails inside
        the block leaves none of its own rows. A transaction inside a transaction is a savepoint
        of the outer one: an exception in it undoes only its own writes. It holds the store's write lock (SQLite) until it ends,
        so keep it short.

        Examples
        --------
        >>> with store.transaction():  # doctest: +SKIP
        ...     store.add_chunks(rows)
        ...     store.record_answers(task, chunk_id, answers, labeler="ann")
        """
        joined = getattr(self._joined, "conn", None)
        if joined is not None:  # a savepoint: if the inner block fails, only its writes go
            with joined.begin_nested():
                yield self
            return
        with self._writer.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(_PG_WRITE)
            self._joined.conn = conn
            try:
                yield self
            except BaseException:
                self._tasks.clear()  # tasks cached by writes that are now rolled back
                raise
            finally:
                self._joined.conn = None

    @staticmethod
    def _create_pg_schema(engine: Any, schema: str) -> None:
        input_rows.schema_name(schema)  # validated, then quoted by SQLAlchemy: never pasted
        if engine.dialect.name != "postgresql":
            raise ValueError("schema= is only supported for PostgreSQL stores")
        with engine.begin() as conn:
            conn.execute(CreateSchema(schema, if_not_exists=True))

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

    # -- terms of confidentiality ----------------------------------------------------------------------
    @staticmethod
    def terms_hash(terms: str) -> str:
        """The hash recorded when a labeler accepts ``terms``."""
        return hashlib.sha256(terms.encode()).hexdigest()

    def accept_terms(self, labeler: str, terms: str, *, task: Task | str | None = None) -> int:
        """Record that ``labeler`` accepted ``terms`` (stored with their hash); returns the event id."""
        inputs.arguments("accept_terms", labeler=labeler, terms=terms, task=task)
        if not isinstance(terms, str) or not terms.strip():
            raise ValueError("accept_terms: terms are empty")
        task_id = "" if task is None else self.task(task).name
        return self._append(
            task_id, None, None, labeler, "terms", value=self.terms_hash(terms), comment=terms
        )

    def has_accepted(self, labeler: str, terms: str, *, task: Task | str | None = None) -> bool:
        """Whether ``labeler`` accepted exactly these ``terms`` (for ``task`` or for every task)."""
        inputs.arguments("has_accepted", labeler=labeler, terms=terms, task=task)
        task_ids = [""] if task is None else ["", self.task(task).name]
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
