"""Engines for the store: durable SQLite settings, PostgreSQL, retries and password masking."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

T = TypeVar("T")

BUSY_TIMEOUT_S = 60.0
_RETRY_DEADLINE_S = 120.0


def normalize_url(url: str | os.PathLike[str]) -> str:
    """Turn a path, ``":memory:"`` or a database URL into a SQLAlchemy URL string."""
    text = os.fspath(url)
    if text == ":memory:":
        return "sqlite://"
    if "://" in text:
        try:
            parsed = make_url(text)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {mask_url(text)} ({exc})") from None
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
            # psycopg 3 is the driver we test and ship in the [postgres] extra.
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValueError(
            f"store path {str(path)!r} is a directory; give a file such as 'labels.db'"
        )
    return f"sqlite:///{path.resolve()}"


_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")


def mask_url(text: str) -> str:
    """Replace any password in URLs within ``text`` by ``***``."""
    return _PASSWORD_IN_URL.sub(r"\1***\3", text)


def make_engine(url: str) -> Engine:
    """An engine with the settings the store relies on for durability and concurrency."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImportError(
                "a PostgreSQL store needs the 'postgres' extra: pip install 'labelwidgets[postgres]'"
            ) from None
        return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
    raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    kwargs: dict[str, Any] = {
        # Autocommit at the driver level: we emit BEGIN ourselves (see _begin below).
        "connect_args": {
            "timeout": BUSY_TIMEOUT_S,
            "isolation_level": None,
            "check_same_thread": False,
        },
    }
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A writer takes the write lock up front, so it waits on busy_timeout instead of
        # failing with "database is locked" when it upgrades a read lock mid-transaction.
        immediate = conn.get_execution_options().get("lw_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError) and re.search(
        r"database is locked|database is busy|could not serialize|deadlock detected|"
        r"server closed the connection|terminating connection",
        str(exc),
    ):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(getattr(exc, "orig", None), "sqlstate", None)
        return code in {"40001", "40P01"}  # serialization failure, deadlock
    return False


def with_retries(fn: Callable[[], T]) -> T:
    """Run the transaction ``fn``, retrying lock contention and serialization failures.

    Contention is resolved here, not surfaced to the caller: under SQLite's write lock or a
    PostgreSQL serialization conflict the whole transaction is simply run again.
    """
    deadline = time.monotonic() + _RETRY_DEADLINE_S
    delay = 0.005
    while True:
        try:
            return fn()
        except DBAPIError as exc:
            if not _is_transient(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.5)
