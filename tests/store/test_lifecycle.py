"""Opening stores: schema versions, migrations, durability settings and hidden passwords."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from labelwidgets.store import LabelStore, SchemaVersionError
from labelwidgets.store import engine as engine_module
from labelwidgets.store.engine import mask_url
from labelwidgets.store.errors import StoreCorrupt, StoreFull, StoreLocked
from tests.store.helpers import CONTRACT_TASK, fill


def test_sqlite_store_is_durable_by_configuration(tmp_path: Path) -> None:
    store = LabelStore(tmp_path / "labels.db")
    with store._read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_a_store_from_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    fill(LabelStore(path))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE lw_schema SET version = 99")
    with pytest.raises(SchemaVersionError, match="newer labelwidgets \\(schema version 99\\)"):
        LabelStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM lw_schema").fetchone() == (99,)
        assert db.execute("SELECT count(*) FROM chunks").fetchone() == (5,)


def test_a_version_1_store_is_migrated_and_keeps_its_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    ids = fill(store)
    store.record_answers(
        CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 6}, labeler="alice"
    )
    store.close()
    with sqlite3.connect(path) as db:  # what a version-1 store looked like
        db.execute("DROP TABLE progress")
        db.execute("DROP TABLE leases")
        for table in ("events", "current_answers", "suggestions"):  # evidence came in v3
            db.execute(f"ALTER TABLE {table} DROP COLUMN evidence")
        db.execute("UPDATE lw_schema SET version = 1")
    migrated = LabelStore(path)
    assert migrated._schema_version() == 4
    assert {"progress", "leases"} <= set(migrated._table_names())
    assert migrated.progress(CONTRACT_TASK, "alice")["done"] == 1
    assert migrated.next_chunk(CONTRACT_TASK, "alice") == ids[1]


def test_a_foreign_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (x)")
    with pytest.raises(SchemaVersionError, match="not written by labelwidgets"):
        LabelStore(path)


def test_in_memory_and_directory_paths(tmp_path: Path) -> None:
    memory = LabelStore(":memory:")
    memory.add_chunks([{"text": "hello"}])
    assert memory.count_chunks() == 1
    with pytest.raises(ValueError, match="is a directory"):
        LabelStore(tmp_path)


def test_passwords_never_show(
    pg_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cr3t-Pa55"
    host_url = pg_url.replace("postgres@", f"postgres:{secret}@")
    caplog.set_level(logging.DEBUG)
    store = LabelStore(host_url)  # trust auth: the password is accepted and ignored
    shown = [repr(store), str(store), store.url]
    print(store)
    bad_port = host_url.replace(":5432/", ":1/")
    with pytest.raises(RuntimeError) as failure:
        LabelStore(bad_port)
    shown += [str(failure.value), repr(failure.value), caplog.text, *capsys.readouterr()]
    assert all(secret not in text for text in shown)
    assert "***" in repr(store)
    store.close()


def test_mask_url_hides_passwords_inside_text() -> None:
    text = "could not open postgresql+psycopg://bob:hunter2@db:5432/x, retrying"
    assert mask_url(text) == "could not open postgresql+psycopg://bob:***@db:5432/x, retrying"


# -- opening what is not a healthy, writable store ----------------------------------------------------
@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://"])
def test_a_sqlite_url_without_a_file_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="names no file, so the store would live in memory"):
        LabelStore(url)
    assert LabelStore(":memory:").count_chunks() == 0  # the explicit in-memory form


def test_a_damaged_file_is_refused_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    store.add_chunks([{"text": f"Clause {i}: " + "words " * 60} for i in range(800)])
    store.close()
    with path.open("r+b") as f:  # overwrite one b-tree page in the middle of the file
        f.seek(4096 * 6)
        f.write(bytes(range(256)) * 16)
    with pytest.raises(StoreCorrupt, match="the store's database file is damaged") as failure:
        LabelStore(path)
    assert "restore it from a backup" in str(failure.value)
    with path.open("r+b") as f:  # and a file that is not a database at all
        f.write(b"not a database" * 10)
    with pytest.raises(StoreCorrupt, match="file is not a database"):
        LabelStore(path)


def test_a_damaged_schema_version_row_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    fill(LabelStore(path))
    for statement in ("UPDATE lw_schema SET version = 0", "DELETE FROM lw_schema"):
        with sqlite3.connect(path) as db:
            db.execute(statement)
        with pytest.raises(SchemaVersionError, match="schema version row is damaged"):
            LabelStore(path)


_READ_ONLY_PROBE = """
import sys
from labelwidgets.store import LabelStore
from labelwidgets.store.errors import StoreReadOnly
store = LabelStore(sys.argv[1])
print(store.count_chunks(), store.chunks()["text"].tolist())
try:
    store.add_chunks([{"text": "one more"}])
except StoreReadOnly as exc:
    print("refused:", exc)
print(store.count_chunks())
"""


def _read_only_command(folder: Path, database: Path) -> list[str]:
    """Run the probe where ``folder`` cannot be written: root writes anywhere, so for root the
    folder is bind-mounted read-only in a private mount namespace; anyone else gets chmod."""
    probe = [sys.executable, "-c", _READ_ONLY_PROBE, str(database)]
    if os.geteuid() != 0:
        database.chmod(0o444)
        folder.chmod(0o555)
        return probe
    remount = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    return ["unshare", "--mount", "sh", "-c", remount, "sh", str(folder), *probe]


def test_a_store_in_a_read_only_folder_opens_for_reading(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    store = LabelStore(folder / "labels.db")
    store.add_chunks([{"text": "The laws of England apply."}])
    store.close()
    try:
        result = subprocess.run(
            _read_only_command(folder, folder / "labels.db"),
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            timeout=120,
            check=True,
        )
    finally:
        folder.chmod(0o755)
    lines = result.stdout.splitlines()
    assert lines[0] == "1 ['The laws of England apply.']"
    assert lines[1].startswith("refused: the store is read-only here")
    assert "make the file and its folder writable" in lines[1]
    assert lines[2] == "1"
    assert LabelStore(folder / "labels.db").count_chunks() == 1  # untouched


def test_a_full_disk_is_a_clear_error_and_nothing_is_half_written(tmp_path: Path) -> None:
    store = LabelStore(tmp_path / "labels.db")
    ids = fill(store)
    # SQLite's page limit gives the very error a full disk gives (SQLITE_FULL).
    event.listen(store._engine, "connect", lambda c, _r: c.execute("PRAGMA max_page_count=40"))
    store._engine.dispose()
    before = store.count_chunks(), len(store.events())
    with pytest.raises(StoreFull, match="the disk holding the store is full") as failure:
        store.add_chunks([{"text": f"Clause {i} " + "text " * 200} for i in range(400)])
    assert "free some space, then do it again" in str(failure.value)
    assert "INSERT" not in str(failure.value)
    assert (store.count_chunks(), len(store.events())) == before
    store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")  # still works


def test_a_store_locked_past_the_deadline_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    ids = fill(store)
    monkeypatch.setattr(engine_module, "_RETRY_DEADLINE_S", 0.3)
    event.listen(store._engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=50"))
    store._engine.dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(StoreLocked, match="the store stayed locked by other writers"):
            store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice") > 0


@pytest.mark.parametrize(
    "schema",
    [
        'x"; CREATE TABLE public.lw_pwned (id int); --',
        "x; CREATE TABLE lw_pwned (id int)",
        "public.lw_pwned",
        "lw pwned",
        "9lives",
        "a" * 64,
        "",
    ],
)
def test_a_schema_name_is_a_plain_identifier_and_never_pasted_into_sql(
    pg_url: str, schema: str
) -> None:
    import psycopg

    def names() -> set[str]:
        with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
            rows = conn.execute(
                "SELECT nspname FROM pg_namespace UNION ALL "
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            ).fetchall()
        return {r[0] for r in rows}

    # (other sessions create and drop schemas on this server meanwhile: compare what we touch)
    with pytest.raises(ValueError, match="schema must be a plain identifier"):
        LabelStore(pg_url, schema=schema)
    after = names()
    assert schema not in after
    assert not any("pwned" in name for name in after)


def test_a_valid_schema_name_is_quoted_by_sqlalchemy(pg_url: str) -> None:
    from tests.conftest import drop_pg_schema

    schema = "LW_Case_Test"  # needs quoting to keep its case
    try:
        store = LabelStore(pg_url, schema=schema)
        store.add_chunks([{"text": "The laws of England apply."}])
        assert LabelStore(pg_url, schema=schema).count_chunks() == 1
        store.close()
    finally:
        drop_pg_schema(pg_url, schema)
