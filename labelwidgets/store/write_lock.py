"""Steady SQLite writes under concurrency: a kernel-queued write lock and checkpoints off the
commit path.

Two things made a durable write wait seconds when several processes wrote to one SQLite file:

* **Busy-handler polling.** A writer that finds the database locked sleeps and retries in
  growing steps (up to 100 ms a sleep), so it can miss every moment the lock was free while
  others, who happened to ask at the right instant, go ahead again and again. Here every
  writer first takes an exclusive lock on a side file (``<store>-lwlock``: ``fcntl.flock`` on
  POSIX, ``msvcrt.locking`` on Windows) and only then runs ``BEGIN IMMEDIATE``; a waiter blocks
  in the kernel and is woken as soon as the lock is released. The lock is released right
  after ``COMMIT`` (or ``ROLLBACK``) returns. It only orders writers: SQLite's own locking
  still guarantees correctness, so a process that does not take the side lock (an older
  version, the ``sqlite3`` shell) is simply waited for by SQLite's busy handler as before, and
  a writer that cannot get the side lock within the busy timeout goes ahead without it.
* **Checkpoints on the commit path.** SQLite copies the WAL back into the database
  (``wal_autocheckpoint``, every 1,000 pages) inside the ``COMMIT`` of whichever writer crossed
  the mark, so that writer's submit paid for everybody's pages, while holding the lock.
  Writing connections turn the automatic checkpoint off; every :data:`CHECKPOINT_EVERY`
  commits of a process, a background thread takes its turn at the side lock like a writer and
  runs a ``PASSIVE`` checkpoint (which never waits for readers), on its own connection, so no
  submit runs a checkpoint and writers only queue behind it as behind one more write. A
  connection that wrote runs one when it closes (``store.close()``), so short-lived writers
  leave no WAL to grow.

Durability is unchanged: WAL with ``synchronous=FULL``, and a write returns only once its
``COMMIT`` has returned.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from typing import Any

try:  # POSIX
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

except ImportError:  # Windows
    import msvcrt
    import time

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True

    def _lock(fd: int) -> None:
        # msvcrt has no wait without a deadline: LK_LOCK itself retries once a second.
        while not _try_lock(fd):
            time.sleep(0.001)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


# A PASSIVE checkpoint after this many commits of one process (the WAL's pages are copied into
# the database file; SQLite's own default is every 1,000 pages, a commit writes a handful).
CHECKPOINT_EVERY = 100
# How long the checkpoint waits for the side lock before it runs without it.
CHECKPOINT_WAIT_S = 10.0


class WriteLock:
    """An exclusive lock on ``path`` (a side file of the store), held by one connection."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = self._open()
        self.held = False

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)

    def acquire(self, timeout: float) -> bool:
        """Take the lock, waiting at most ``timeout`` seconds; whether it was taken."""
        if _try_lock(self.fd):
            self.held = True
            return True
        # Wait in the kernel on a helper thread, so the wait can end at the deadline.
        fd, got, guard, state = self.fd, threading.Event(), threading.Lock(), {"gone": False}

        def wait() -> None:
            _lock(fd)
            with guard:
                if not state["gone"]:
                    got.set()
                    return
            os.close(fd)  # the caller left: closing the descriptor releases its lock

        threading.Thread(target=wait, name="lw-write-lock", daemon=True).start()
        if got.wait(timeout):
            self.held = True
            return True
        with guard:
            if got.is_set():
                self.held = True
                return True
            state["gone"] = True
        self.fd = self._open()  # the old descriptor belongs to the waiting thread now
        return False

    def release(self) -> None:
        if self.held:
            self.held = False
            _unlock(self.fd)

    def close(self) -> None:
        self.release()
        with contextlib.suppress(OSError):
            os.close(self.fd)


def open_lock(path: str) -> WriteLock | None:
    """The side lock of the database file ``path``; ``None`` when its lock file cannot be
    opened (say, a folder shared read-write but a lock file made by another user): writers
    then rely on SQLite's busy handler alone, as before."""
    try:
        return WriteLock(f"{path}-lwlock")
    except OSError:
        return None


class Checkpointer:
    """Runs a PASSIVE checkpoint of one database file in the background every
    :data:`CHECKPOINT_EVERY` commits of this process (one thread per store, started lazily)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.commits = 0
        self.pending = False  # commits since the last checkpoint began
        self.wanted = threading.Event()
        self.thread: threading.Thread | None = None
        self.guard = threading.Lock()

    def committed(self) -> None:
        self.commits += 1
        self.pending = True
        if self.commits % CHECKPOINT_EVERY == 0:
            with self.guard:
                if self.thread is None:
                    self.thread = threading.Thread(
                        target=self._run, name="lw-checkpoint", daemon=True
                    )
                    self.thread.start()
            self.wanted.set()

    def _run(self) -> None:
        lock = open_lock(self.path)
        while True:
            self.wanted.wait()
            self.wanted.clear()
            self.pending = False
            # First alongside the writers (the bulk of the copying and the database file's
            # fsync), then again under the writers' side lock for the few frames written
            # meanwhile: with no writer appending, the checkpoint reaches the WAL's end and the
            # next writer starts it over (a PASSIVE checkpoint racing a stream of writers
            # never catches up, and the WAL would only grow).
            checkpoint(self.path)
            if lock is not None:
                lock.acquire(CHECKPOINT_WAIT_S)
            try:
                checkpoint(self.path)
            finally:
                if lock is not None:
                    lock.release()


def checkpoint(path: str) -> None:
    """A PASSIVE checkpoint of the database file ``path`` on a connection of its own (none
    stays open between rounds, so the store's last connection to close still removes the WAL
    as SQLite does); a failure is left to the next round."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()


class LockingConnection(sqlite3.Connection):
    """A sqlite3 connection that releases the store's write lock once COMMIT or ROLLBACK
    returned (the lock is taken by the engine's ``begin`` hook, before ``BEGIN IMMEDIATE``)."""

    lw_lock: WriteLock | None = None
    lw_checkpointer: Checkpointer | None = None
    lw_relaxed = False  # this transaction commits with synchronous=NORMAL (begin_write)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._lw_restore()
            self._lw_release(committed=True)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._lw_restore()
            self._lw_release(committed=False)

    def _lw_restore(self) -> None:
        if self.lw_relaxed:
            self.lw_relaxed = False
            self.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        checkpointer = self.lw_checkpointer
        if checkpointer is not None and checkpointer.pending:
            checkpointer.pending = False
            with contextlib.suppress(sqlite3.Error):
                self.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        try:
            super().close()
        finally:
            if self.lw_lock is not None:
                self.lw_lock.close()

    def _lw_release(self, *, committed: bool) -> None:
        lock = self.lw_lock
        if lock is not None and lock.held:
            lock.release()
            if committed and self.lw_checkpointer is not None:
                self.lw_checkpointer.committed()


def begin_write(dbapi_connection: Any, begin: Any, timeout: float, *, durable: bool = True) -> None:
    """Take the write lock (if this connection has one), then run ``begin()``
    (``BEGIN IMMEDIATE``); the lock is let go again if BEGIN fails.

    ``durable=False``: this transaction's COMMIT does not wait for the disk
    (``synchronous=NORMAL`` until it ends). In WAL mode its frames still precede every later
    commit's, and the next durable COMMIT's fsync of the WAL makes them durable too, so a crash
    can only lose such writes (a lease, which expires anyway), never a later acknowledged one.
    """
    lock = getattr(dbapi_connection, "lw_lock", None)
    if lock is not None and not lock.held:
        lock.acquire(timeout)
    try:
        if not durable and isinstance(dbapi_connection, LockingConnection):
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
            dbapi_connection.lw_relaxed = True
        begin()
    except BaseException:
        if isinstance(dbapi_connection, LockingConnection):
            dbapi_connection._lw_restore()
        if lock is not None:
            lock.release()
        raise


__all__ = [
    "CHECKPOINT_EVERY",
    "Checkpointer",
    "LockingConnection",
    "WriteLock",
    "begin_write",
    "open_lock",
]
