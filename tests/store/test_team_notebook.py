"""The team-store notebook gives the same answers on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from labelwidgets.store import LabelStore
from tests.conftest import ROOT, drop_pg_schema

NOTEBOOK = ROOT / "notebooks" / "05_team_store.ipynb"
pytestmark = pytest.mark.slow


def run_notebook(workdir: Path, url: str, schema: str | None) -> None:
    shutil.copy(NOTEBOOK, workdir / NOTEBOOK.name)
    nb = nbformat.read(workdir / NOTEBOOK.name, as_version=4)
    env = {
        "LABELWIDGETS_STORE_URL": url,
        **({"LABELWIDGETS_STORE_SCHEMA": schema} if schema else {}),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
        ).execute()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def comparable(store: LabelStore) -> pd.DataFrame:
    answers = store.answers("team-contracts")
    columns = ["chunk_id", "doc_id", "question", "labeler", "answer", "is_unknown", "forced"]
    return answers[columns].sort_values(["chunk_id", "question", "labeler"], ignore_index=True)


def test_same_answers_on_both_backends(tmp_path: Path, pg_url: str) -> None:
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "pg").mkdir()
    sqlite_url = str(tmp_path / "sqlite" / "team.db")
    schema = f"lw_nb_{uuid.uuid4().hex[:10]}"
    try:
        run_notebook(tmp_path / "sqlite", sqlite_url, None)
        run_notebook(tmp_path / "pg", pg_url, schema)
        on_sqlite = comparable(LabelStore(sqlite_url))
        on_pg = comparable(LabelStore(pg_url, schema=schema))
    finally:
        drop_pg_schema(pg_url, schema)
    assert len(on_sqlite) == 24  # 6 chunks x 2 labelers x 2 questions
    pd.testing.assert_frame_equal(on_sqlite, on_pg)
