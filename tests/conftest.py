"""Fixtures shared by the whole suite: stores on both backends and the shared PDF corpus."""

from __future__ import annotations

import os
import subprocess
import sys
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


MAKE_SCHEMAS = """
import sys
from labelwidgets.store import LabelStore
for line in sys.stdin:
    LabelStore(sys.argv[1], schema=line.strip()).close()
    print(line.strip(), flush=True)
"""


class SchemaMaker:
    """Fresh, migrated PostgreSQL schemas, each made while the test before it runs.

    Creating a store's schema is most of a PostgreSQL test's setup (about 0.5 s of DDL and
    commits; opening it again takes 0.06 s). A helper process makes the next one ahead; being
    another process, it never runs into a test's monkeypatches or warning filters.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.process = subprocess.Popen(
            [sys.executable, "-c", MAKE_SCHEMAS, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.pending = self._order()

    def _order(self) -> str:
        schema = f"lw_test_{uuid.uuid4().hex[:12]}"
        assert self.process.stdin is not None
        self.process.stdin.write(schema + "\n")
        self.process.stdin.flush()
        return schema

    def take(self) -> str:
        """A schema holding an empty store, no test's but the caller's."""
        assert self.process.stdout is not None
        made = self.process.stdout.readline().strip()
        if made != self.pending:
            raise RuntimeError(f"the schema maker stopped (exit code {self.process.poll()})")
        self.pending = self._order()
        return made

    def close(self) -> None:
        """Stop the helper and drop the schema it made ahead."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(60)
        self.process.stdout.close()
        drop_pg_schema(self.url, self.pending)


@pytest.fixture(scope="session")
def pg_schemas(pg_url: str) -> Iterator[SchemaMaker]:
    """The session's maker of fresh PostgreSQL store schemas."""
    maker = SchemaMaker(pg_url)
    yield maker
    maker.close()


@pytest.fixture
def pg_store(pg_url: str, pg_schemas: SchemaMaker) -> Iterator[LabelStore]:
    """A LabelStore in a fresh PostgreSQL schema, dropped afterwards."""
    schema = pg_schemas.take()
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
