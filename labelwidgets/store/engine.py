"""Engines for the store: durable SQLite settings, PostgreSQL, retries, errors and password masking."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from labelwidgets.store.errors import StoreCorrupt, StoreError, translate
from labelwidgets.store.write_lock import Checkpointer, LockingConnection, begin_write, open_lock

T = TypeVar("T")

BUSY_TIMEOUT_S = 60.0
_RETRY_DEADLINE_S = 120.0

# -- URLs and the secrets in them ------------------------------------------------------------------
# Query parameters whose value is a secret (compared after percent-decoding and lower-casing).
SECRET_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "sslpassword",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "auth_token",
        "api_key",
        "apikey",
    }
)
MASK = "***"
# userinfo: everything between "user:" and the last "@" of the URL, whatever it contains (a raw
# "@", "/" or space in a password must not cut the mask short); never across another "://".
_USERINFO = re.compile(r"(?P<pre>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)(?:(?!://)[^\n])*@")
_PARAM = re.compile(
    r"(?P<pre>(?P<key>[A-Za-z0-9_%.+\-]+)\s*=\s*)(?P<value>'[^']*'|\"[^\"]*\"|[^&;\s#'\"]*)"
)


def mask_url(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every password in it replaced by ``***``.

    Masks the password of any ``scheme://user:password@host`` URL, the value of secret query or
    connection parameters (``?password=``, ``&sslpassword=``, ``password=...`` in a libpq string,
    percent-encoded names too) and every encoded form of each of ``secrets`` (known passwords of
    three characters or more).
    """
    text = _USERINFO.sub(lambda m: f"{m['pre']}{MASK}@", str(text))
    text = _PARAM.sub(_mask_param, text)
    for secret in secrets:
        for form in _forms(secret):
            text = text.replace(form, MASK)
    return text


def _mask_param(match: re.Match[str]) -> str:
    if unquote_plus(match["key"]).lower() in SECRET_KEYS and match["value"] != MASK:
        return f"{match['pre']}{MASK}"
    return match[0]


def _forms(secret: str) -> set[str]:
    forms = {secret, quote(secret, safe=""), quote(secret, safe=" +"), quote_plus(secret)}
    return {f for f in forms if len(f) >= 3 and f != MASK}


def url_secrets(url: str | URL) -> list[str]:
    """The secrets a database URL carries: its password and secret query parameters."""
    parsed = make_url(url) if isinstance(url, str) else url
    found = [] if parsed.password is None else [str(parsed.password)]
    for key, value in parsed.query.items():
        if key.lower() in SECRET_KEYS:
            found += [value] if isinstance(value, str) else list(value)
    return found


def display_url(url: str | URL) -> str:
    """The URL as it may be shown: password and secret parameters replaced by ``***``."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = str(parsed.database or "")
    if parsed.get_backend_name() == "sqlite" and database.startswith("file:"):
        return f"sqlite:///{unquote(database.removeprefix('file:'))} (opened read-only)"
    return mask_url(parsed.render_as_string(hide_password=True), url_secrets(parsed))


def normalize_url(url: str | os.PathLike[str]) -> str:
    """Turn a path, ``":memory:"`` or a database URL into a SQLAlchemy URL string."""
    text = os.fspath(url)
    if not isinstance(text, str):
        raise TypeError(f"a store location is a path or a database URL, got {type(url).__name__}")
    if text == ":memory:":
        return "sqlite://"
    if "://" in text:
        try:
            parsed = make_url(text)
        except ArgumentError:
            raise ValueError(
                f"not a database URL: {mask_url(text)}; write 'postgresql+psycopg://user:password"
                "@host/db' or a file path such as 'labels.db'"
            ) from None
        if parsed.get_backend_name() == "sqlite" and not parsed.database:
            raise ValueError(
                f"{display_url(parsed)!r} names no file, so the store would live in memory and be "
                "lost; give a file ('labels.db' or 'sqlite:///labels.db'), or ':memory:' if an "
                "in-memory store is what you want"
            )
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


# -- engines ---------------------------------------------------------------------------------------
def make_engine(url: str) -> Engine:
    """An engine with the settings the store relies on for durability and concurrency.

    A SQLite file that cannot be written (read-only file or folder) is opened read-only, and an
    existing file is checked (``PRAGMA quick_check``) before it is used.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database in (None, "", ":memory:"):
            return _sqlite_engine(parsed, in_memory=True, read_only=False)
        path = Path(str(database))
        read_only = path.exists() and not _writable(path)
        engine = _sqlite_engine(
            _read_only_url(path) if read_only else parsed, in_memory=False, read_only=read_only
        )
        if path.exists():
            _check_integrity(engine, display_url(parsed))
        return engine
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ImportError(
                "a PostgreSQL store needs the 'postgres' extra: pip install 'labelwidgets[postgres]'"
            ) from None
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=2, max_overflow=4)
        _translate_errors(engine)
        return engine
    raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` was opened read-only (a SQLite file in a place we cannot write)."""
    return engine.url.query.get("mode") == "ro"


def _writable(path: Path) -> bool:
    # WAL needs to create and write the -wal and -shm files next to the database.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_url(path: Path) -> URL:
    wal = Path(f"{path}-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    # immutable: nothing can change a file in a folder nobody may write to (and SQLite then
    # needs no -shm file, which it could not create there).
    query = {"mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK) and not pending:
        query["immutable"] = "1"
    return URL.create("sqlite", database=f"file:{quote(str(path))}", query=query)


def _sqlite_engine(url: URL, *, in_memory: bool, read_only: bool) -> Engine:
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
    # A file we write: writers queue on a side lock and checkpoints leave the commit path
    # (see labelwidgets.store.write_lock for why).
    path = None if in_memory or read_only else str(url.database)
    if path is not None:
        kwargs["connect_args"]["factory"] = LockingConnection
        checkpointer = Checkpointer(path)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA wal_autocheckpoint=0")  # the Checkpointer's job
            dbapi_connection.lw_lock = open_lock(path)
            dbapi_connection.lw_checkpointer = checkpointer
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A writer takes the write lock up front, so it waits on busy_timeout instead of
        # failing with "database is locked" when it upgrades a read lock mid-transaction.
        dbapi_connection = conn.connection.dbapi_connection
        if not conn.get_execution_options().get("lw_write", False):
            _driver_begin(engine, dbapi_connection, "BEGIN")
            return
        begin_write(
            dbapi_connection,
            lambda: _driver_begin(engine, dbapi_connection, "BEGIN IMMEDIATE"),
            BUSY_TIMEOUT_S,
            durable=conn.get_execution_options().get("lw_durable", True),
        )

    _translate_errors(engine)
    return engine


def _driver_begin(engine: Engine, dbapi_connection: Any, sql: str) -> None:
    """Run ``BEGIN`` on the driver's connection itself: SQLAlchemy's statement machinery costs
    more than SQLite's BEGIN. A driver error is raised as the engine's error handler would:
    left to :func:`with_retries` when it is contention it retries, translated otherwise."""
    try:
        dbapi_connection.execute(sql)
    except sqlite3.Error as exc:
        error = DBAPIError.instance(sql, (), exc, sqlite3.Error)
        if _RETRYING.get() and _is_transient(error):
            error.lw_shown_url = display_url(engine.url)  # type: ignore[attr-defined]
            raise error from exc
        raise translate(error, display_url(engine.url), mask=mask_url, disconnect=False) from None


def _check_integrity(engine: Engine, shown: str) -> None:
    """Refuse a damaged file now rather than failing on some later read or write."""
    with engine.connect() as conn:
        found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(5)")]
        conn.rollback()
    if found != ["ok"]:
        engine.dispose()
        raise StoreCorrupt(
            f"the store's database file is damaged ({shown}): restore it from a backup; "
            f"`sqlite3 labels.db .recover` can save what is left. SQLite's check found: "
            + "; ".join(str(f) for f in found)
        )


# -- errors and retries ----------------------------------------------------------------------------
# True while with_retries runs a transaction: contention errors are left to it to retry.
_RETRYING: ContextVar[bool] = ContextVar("lw_retrying", default=False)


def _translate_errors(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> None:
        if context.is_pre_ping:
            return  # the pool reconnects on its own
        error = context.sqlalchemy_exception
        if not isinstance(error, DBAPIError):
            return  # not the driver's: a bug of ours, left as it is
        shown = display_url(context.engine.url) if context.engine is not None else "the store"
        if _RETRYING.get() and _is_transient(error):
            error.lw_shown_url = shown  # type: ignore[attr-defined]
            return
        raise translate(
            error,
            shown,
            mask=lambda text: mask_url(text, url_secrets(context.engine.url)),
            disconnect=bool(context.is_disconnect),
        )


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
    PostgreSQL serialization conflict the whole transaction is simply run again. Past the
    deadline the failure is raised as a :class:`~labelwidgets.store.errors.StoreError`.
    """
    deadline = time.monotonic() + _RETRY_DEADLINE_S
    delay = 0.005
    token = _RETRYING.set(True)
    try:
        while True:
            try:
                return fn()
            except DBAPIError as exc:
                if time.monotonic() > deadline or not _is_transient(exc):
                    shown = getattr(exc, "lw_shown_url", "the store")
                    raise translate(exc, shown, mask=mask_url) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)
    finally:
        _RETRYING.reset(token)


__all__ = [
    "StoreError",
    "display_url",
    "is_read_only",
    "make_engine",
    "mask_url",
    "normalize_url",
    "with_retries",
]
