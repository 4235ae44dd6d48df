"""Database failures in plain words: what went wrong with the store and what to do about it.

Driver exceptions (``sqlite3``, ``psycopg``) and SQLAlchemy's wrappers around them carry the
SQL statement and its parameters, which may hold labels, document text or secrets. They never
reach users: :func:`translate` turns each into a :class:`StoreError` subclass whose message
names the store (password masked), the cause and the fix.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
    "StoreUnavailable",
    "translate",
]


class StoreError(RuntimeError):
    """The database could not do what was asked; the message says why and what to do."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened, or the connection to it was lost."""


class StoreLocked(StoreError):
    """Other writers held the store for longer than the retry deadline."""


class StoreFull(StoreError):
    """The disk (or the database server's disk) is full."""


class StoreReadOnly(StoreError):
    """The store can be read but not written here."""


class StoreCorrupt(StoreError):
    """The database file is damaged."""


_FULL = (StoreFull, "the disk holding the store is full", "free some space, then do it again")
_LOCKED = (
    StoreLocked,
    "the store stayed locked by other writers",
    "close other notebooks or programs writing to it, then try again",
)
_READ_ONLY = (
    StoreReadOnly,
    "the store is read-only here (reading works, writing does not)",
    "open a writable copy, or make the file and its folder writable (or get write permission)",
)
_CORRUPT = (
    StoreCorrupt,
    "the store's database file is damaged",
    "restore it from a backup; `sqlite3 labels.db .recover` can save what is left",
)
_UNAVAILABLE = (
    StoreUnavailable,
    "the database cannot be reached or opened",
    "check that the server is running (or the file and its folder exist) and try again",
)
_LOST = (
    StoreUnavailable,
    "the connection to the database was lost",
    "check the network and the server, then do it again (a write either completed or left "
    "nothing behind)",
)
_OTHER = (StoreError, "the database refused the operation", "see the database's message")

# SQLite reports causes in its messages only; the order matters (first match wins).
_SQLITE_CAUSES = [
    (r"database or disk is full|disk quota", _FULL),
    (r"database is locked|database is busy|database table is locked", _LOCKED),
    (r"readonly database|read-only", _READ_ONLY),
    (r"malformed|file is not a database|file is encrypted|corrupt", _CORRUPT),
    (r"unable to open database|disk i/o error|no such file", _UNAVAILABLE),
]

# PostgreSQL error classes (SQLSTATE), longest prefix first.
_PG_STATES = {
    "53100": _FULL,
    "53": _UNAVAILABLE,  # out of memory, too many connections
    "55P03": _LOCKED,
    "57014": _LOCKED,  # cancelled by lock_timeout
    "40001": _LOCKED,
    "40P01": _LOCKED,
    "25006": _READ_ONLY,
    "42501": _READ_ONLY,  # insufficient privilege
    "08": _LOST,
    "57P": _LOST,  # admin shutdown, crash shutdown, cannot connect now
    "XX001": _CORRUPT,
    "XX002": _CORRUPT,
}
_LOST_MESSAGES = re.compile(
    r"server closed the connection|terminating connection|connection is closed|"
    r"connection already closed|ssl syscall|consuming input failed|connection (?:was )?lost",
    re.IGNORECASE,
)


def _pg_cause(state: str | None, message: str) -> tuple[type[StoreError], str, str] | None:
    if state:
        for prefix in sorted(_PG_STATES, key=len, reverse=True):
            if state.startswith(prefix):
                return _PG_STATES[prefix]
    if message.startswith("connection failed") or "could not connect" in message:
        return _UNAVAILABLE
    if _LOST_MESSAGES.search(message):
        return _LOST
    return None


def translate(
    error: BaseException, shown_url: str, *, mask: Any, disconnect: bool = False
) -> StoreError:
    """The :class:`StoreError` for a driver (or SQLAlchemy) ``error`` on the store at ``shown_url``.

    ``mask`` hides secrets in the database's own message; ``disconnect`` says SQLAlchemy judged
    the error a lost connection.
    """
    orig = getattr(error, "orig", None) or error
    said = mask(str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__)
    lowered = said.lower()
    cause = None
    if shown_url.startswith("sqlite"):
        cause = next((c for pattern, c in _SQLITE_CAUSES if re.search(pattern, lowered)), None)
    else:
        cause = _pg_cause(getattr(orig, "sqlstate", None), lowered)
    if cause is None and disconnect:
        cause = _LOST
    cls, headline, fix = cause or _OTHER
    return cls(f"{headline} ({shown_url}): {fix}. The database said: {said}")
