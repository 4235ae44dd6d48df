"""Opening stores: schema versions, migrations, durability settings and hidden passwords."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from labelwidgets.store import LabelStore, SchemaVersionError
from labelwidgets.store.engine import mask_url
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
    assert migrated._schema_version() == 3
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
