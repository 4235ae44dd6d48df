"""First use stays light: what a fresh interpreter loads to open a store, a Labeler or an
extraction worker (timings live in tests/benchmarks/bench_first_use.py; this checks the cause)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import labelwidgets as lw

HEAVY = ["pandas", "numpy", "pyarrow", "sqlalchemy.dialects.postgresql"]


def loaded_after(code: str, cwd: Path) -> dict[str, bool]:
    probe = f"import json, sys\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY}}}))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=cwd
    )
    return json.loads(out.stdout)


def test_opening_a_store_and_a_labeler_loads_no_pandas(tmp_path: Path) -> None:
    store = lw.LabelStore(tmp_path / "labels.db")
    store.add_chunks([{"text": "This Agreement is governed by the laws of Texas."}])
    store.add_task(lw.Task("t", questions=[lw.Question("law", kind="text")]))
    store.close()
    code = (
        "import labelwidgets as lw\n"
        f"store = lw.LabelStore({str(tmp_path / 'labels.db')!r})\n"
        "widget = lw.Labeler(store, store.task('t'), labeler='ann')\n"
        "assert 'Texas' in widget.item['text']"
    )
    assert loaded_after(code, tmp_path) == dict.fromkeys(HEAVY, False)
    # The first DataFrame brings pandas in, and the store's column types with it.
    then = loaded_after(code + "\nassert len(store.chunks()) == 1", tmp_path)
    assert then["pandas"] and not then["sqlalchemy.dialects.postgresql"]


def test_an_extraction_worker_loads_neither_pandas_nor_the_store(tmp_path: Path) -> None:
    code = "import labelwidgets.ingestion.workers\nassert 'sqlalchemy' not in sys.modules"
    assert loaded_after(code, tmp_path) == dict.fromkeys(HEAVY, False)
