"""SQLite writers queue on a side lock, and checkpoints happen off the commit path
(labelwidgets.store.write_lock)."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from labelwidgets.store import LabelStore, StoreLocked, engine
from labelwidgets.store.write_lock import CHECKPOINT_EVERY
from tests.conftest import ROOT
from tests.store.helpers import CONTRACT_TASK, fill

HOLD = """
import sys, time
from labelwidgets.store import LabelStore
from tests.store.helpers import CONTRACT_TASK
store = LabelStore(sys.argv[1])
chunk_id = store.chunk_order()[0]
with store.transaction():
    store.record_answer(CONTRACT_TASK, chunk_id, "renewal_months", 1, labeler="holder")
    print("holding", flush=True)
    time.sleep(1.0)
print("committed", flush=True)
"""


def _events_in_main_file(path: Path, tmp_path: Path) -> int:
    """Events stored in the database file itself (a copy without its WAL)."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_writer_waits_for_another_process_and_both_writes_are_stored(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    ids = fill(store)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    # the other process holds the write lock inside its transaction: this write waits for it
    mine = store.record_answer(CONTRACT_TASK, ids[1], "renewal_months", 2, labeler="waiter")
    assert holder.stdout.readline().strip() == "committed"
    assert holder.wait(timeout=30) == 0
    events = store.events(CONTRACT_TASK)
    assert events["labeler"].tolist() == ["holder", "waiter"]  # the holder's commit came first
    assert events["event_id"].tolist()[-1] == mine
    store.close()


def test_a_side_lock_held_elsewhere_never_stops_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    ids = fill(store)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.5)
    fd = os.open(f"{path}-lwlock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a stuck process holds the side lock, not SQLite's
    try:
        first = store.record_answer(CONTRACT_TASK, ids[0], "renewal_months", 6, labeler="ann")
        second = store.record_answer(CONTRACT_TASK, ids[1], "renewal_months", 7, labeler="ann")
    finally:
        os.close(fd)
    assert store.events(CONTRACT_TASK)["event_id"].tolist() == [first, second]
    third = store.record_answer(CONTRACT_TASK, ids[2], "renewal_months", 8, labeler="ann")
    assert third > second
    store.close()


def test_checkpoints_move_labels_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    reader = LabelStore(path)  # another open connection: SQLite alone would not checkpoint
    ids = fill(store, n=10)
    assert reader.count_chunks() == 10
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    for i in range(2 * CHECKPOINT_EVERY + 1):
        store.record_answer(CONTRACT_TASK, ids[i % 10], "renewal_months", i % 100, labeler="ann")
    deadline = time.monotonic() + 30  # the background checkpoint catches up
    while _events_in_main_file(path, tmp_path) < CHECKPOINT_EVERY:
        assert time.monotonic() < deadline, "no checkpoint reached the database file"
        time.sleep(0.1)
    for i in range(5):  # fewer than CHECKPOINT_EVERY: closing the store checkpoints them
        store.record_answer(CONTRACT_TASK, ids[i], "has_clause", "no", labeler="bob")
    store.close()
    assert _events_in_main_file(path, tmp_path) == 2 * CHECKPOINT_EVERY + 6
    assert len(reader.events(CONTRACT_TASK)) == 2 * CHECKPOINT_EVERY + 6
    reader.close()


def test_a_transaction_that_cannot_begin_says_the_store_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    ids = fill(store)
    event.listen(store._engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=50"))
    store._engine.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds SQLite's write lock
    try:
        with pytest.raises(StoreLocked), store.transaction():
            store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.transaction():  # the lock is free again, and the side lock was let go
        store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")
    assert len(store.events(CONTRACT_TASK)) == 1
    store.close()


def _commit_setting(store: LabelStore, durable: bool) -> str:
    """How the write transaction commits: SQLite's synchronous level, PostgreSQL's
    synchronous_commit."""
    sql = "PRAGMA synchronous" if store.dialect == "sqlite" else "SHOW synchronous_commit"
    return str(store._write(lambda conn: conn.exec_driver_sql(sql).scalar(), durable=durable))


def test_only_a_write_marked_lenient_skips_waiting_for_the_disk(store: LabelStore) -> None:
    full, off = ("2", "1") if store.dialect == "sqlite" else ("on", "off")
    assert _commit_setting(store, durable=True) == full
    assert _commit_setting(store, durable=False) == off  # a lease: a crash may lose it
    # the next writes on the same connections are durable again
    assert [_commit_setting(store, durable=True) for _ in range(3)] == [full] * 3
    ids = fill(store)
    store._write(lambda conn: None, durable=False)
    assert store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="ann") > 0
    assert _commit_setting(store, durable=True) == full


def test_a_lock_file_that_cannot_be_opened_leaves_writes_to_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    Path(f"{path}-lwlock").mkdir()  # not a file we can open (as another user's would be)
    store = LabelStore(path)
    ids = fill(store)
    assert store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="ann") > 0
    store.close()
    assert len(LabelStore(path).events(CONTRACT_TASK)) == 1
