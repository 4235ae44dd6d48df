"""Fixtures shared by the whole suite: stores on both backends and the shared PDF corpus."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from labelwidgets.store import LabelStore

ROOT = Path(__file__).resolve().parents[1]
IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get(
    "LABELWIDGETS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def need(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing, but fail in CI: CI installs everything."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it; see .ci/run)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[LabelStore]:
    """A LabelStore on a fresh SQLite file."""
    store = LabelStore(tmp_path / "labels.db")
    yield store
    store.close()


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_url() -> str:
    need(_pg_available(), f"PostgreSQL is not reachable at {PG_URL}")
    return PG_URL


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[LabelStore]:
    """A LabelStore in a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"lw_test_{uuid.uuid4().hex[:12]}"
    store = LabelStore(pg_url, schema=schema)
    yield store
    store.close()
    drop_pg_schema(pg_url, schema)


def drop_pg_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> LabelStore:
    """The same store tests on both backends."""
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus of real and broken PDFs (never copied into the repo)."""
    path = Path(os.environ.get("LABELWIDGETS_CORPUS", ROOT.parent / "shared" / "corpus"))
    need(path.is_dir(), f"the PDF corpus is not at {path} (set LABELWIDGETS_CORPUS)")
    return path
