"""The notebooks are the user docs: each runs top to bottom (tier 4)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# The kernel does the work while pytest waits on it: two kernels at a time keep two cores busy.
AT_A_TIME = 2
pytestmark = pytest.mark.slow


def run_notebook(path: Path, folder: Path) -> nbformat.NotebookNode:
    """Run a copy of ``path`` in ``folder`` (its working directory) in a fresh kernel."""
    shutil.copy(path, folder / path.name)
    nb = nbformat.read(folder / path.name, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


@pytest.fixture(scope="module")
def executed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Path, Future]]:
    """The selected notebooks, each in its own folder and kernel, run in the background from
    the first test that asks; each test waits for its own."""
    selected = [
        item.callspec.params["path"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_notebook_runs_top_to_bottom"
        and item.path == request.path
    ]
    pool = ThreadPoolExecutor(AT_A_TIME, thread_name_prefix="notebook")
    yield {
        path: pool.submit(run_notebook, path, tmp_path_factory.mktemp(path.stem))
        for path in selected
    }
    pool.shutdown(wait=True, cancel_futures=True)


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS][:1] == ["01_quickstart.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, executed: dict[Path, Future]) -> None:
    nb = executed[path].result()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
    if path.name == "01_quickstart.ipynb":
        (cell,) = [c for c in nb.cells if c.source.startswith("lw.Labeler(")]
        assert any(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs
        )  # the Labeler is displayed
