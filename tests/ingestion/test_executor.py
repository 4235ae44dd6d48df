"""Ingest with an executor: a Dask cluster (two worker processes) reads the PDFs and the store
ends up exactly as with local workers; a hung PDF is still stopped on the cluster."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw

CERES = "CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF"
CORPUS = ["crazyones.pdf", "bad1.pdf", "pdflatex-4-pages.pdf", "r4-aes-user-password.pdf"]
REPORT = ["name", "doc_id", "status", "pages", "chars", "chunks_total", "chunks_kept"]
REPORT += ["chunks_dropped", "chunks_added", "message"]
CHUNKS = ["chunk_id", "doc_id", "seq", "page_start", "page_end", "char_start", "char_end", "text"]


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Executor]:
    import distributed  # the test extra installs it

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()


@pytest.fixture(scope="module")
def inputs(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("executor")
    truth = lw.samples.make_contracts(folder / "pdf", n=4, seed=3)
    (folder / "note.txt").write_text("This Agreement is governed by the laws of Ontario.")
    corpus = [next(corpus_dir.rglob(name)) for name in CORPUS]
    return [*map(Path, truth["file"]), *corpus, folder / "note.txt"]


def _ingest(paths: list[Path], executor: Executor | None, **kwargs) -> tuple[pd.DataFrame, ...]:
    store = lw.LabelStore(":memory:")
    report = lw.ingest(
        paths,
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=400, overlap=40),
        keep=lw.filters.keywords(["law", "agreement", "crazy"]),
        password={"r4-aes-user-password.pdf": "asdfzxcv"},
        executor=executor,
        progress=False,
        **kwargs,
    )
    chunks = store.chunks()[CHUNKS]  # in labeling order
    documents = store.documents(with_text=True)[["doc_id", "name", "text", "n_pages"]]
    return report.df[REPORT], chunks, documents


def test_a_dask_cluster_ingests_the_same_documents_chunks_and_statuses(
    inputs: list[Path], dask_executor: Executor
) -> None:
    local = _ingest(inputs, None)
    on_cluster = _ingest(inputs, dask_executor)
    for here, there in zip(local, on_cluster, strict=True):
        pd.testing.assert_frame_equal(here, there)
    statuses = local[0].set_index("name")["status"]
    assert statuses["bad1.pdf"] == "broken" and statuses["r4-aes-user-password.pdf"] == "ok"
    assert (statuses == "ok").sum() == len(inputs) - 1 and len(local[1]) > 10


def test_a_hung_pdf_is_stopped_on_the_cluster_and_the_rest_is_read(
    corpus_dir: Path, inputs: list[Path], dask_executor: Executor
) -> None:
    ceres = corpus_dir / "cuad" / "pdf" / CERES  # ~2 minutes in pypdf: hangs for a 3.5 s budget
    report, chunks, _ = _ingest(
        [ceres, *inputs[:4]], dask_executor, backend="pypdf", timeout=2, page_timeout=0.01
    )
    assert report["status"].tolist() == ["timeout", "ok", "ok", "ok", "ok"]
    assert "longer than 3.54 s (2 s + 0.01 s per page x 154 pages)" in report["message"][0]
    assert set(chunks["doc_id"]) == set(report["doc_id"][1:])
    # the cluster's workers replaced their stopped extraction process and go on reading
    again, _, _ = _ingest([ceres], dask_executor)
    assert again["status"].tolist() == ["ok"] and again["pages"].tolist() == [154]


def test_a_thread_pool_executor_gives_the_same_store(inputs: list[Path]) -> None:
    # threads extracting at once each get a warm pool of their own
    with ThreadPoolExecutor(3) as threads:
        on_threads = _ingest(inputs, threads, workers=3)
    for here, there in zip(_ingest(inputs, None), on_threads, strict=True):
        pd.testing.assert_frame_equal(here, there)


def test_an_executor_must_be_an_executor() -> None:
    with pytest.raises(TypeError, match=r"executor must be a concurrent\.futures\.Executor"):
        lw.ingest(["some text"], lw.LabelStore(":memory:"), executor="dask", progress=False)
