"""A long PDF's pages stream from its worker: its first chunks are in the store (seen from
another connection) while later pages are still being read, they are the chunks the whole
document gives, and a document stopped midway keeps them and says it is incomplete."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import labelwidgets as lw
from labelwidgets.ingestion import storing
from labelwidgets.ingestion.chunkers import Chunker, Pages, Paragraphs, Window
from labelwidgets.ingestion.extract import extract
from labelwidgets.ingestion.storing import join_pages

CERES = "CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF"  # 154 pages


@pytest.fixture(scope="module")
def ceres(corpus_dir: Path) -> Path:
    return corpus_dir / "cuad" / "pdf" / CERES


@pytest.fixture(scope="module")
def ceres_pages(ceres: Path) -> list[str]:
    """CERES read whole, in this process, as ingest reads it."""
    return extract(str(ceres), "pypdfium2").pages


class _Watcher:
    """Polls a store file through its own connection while ingest writes to it."""

    def __init__(self, path: Path) -> None:
        self.store = lw.LabelStore(path)
        self.seen: list[tuple[str | None, list[str], int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def look(self) -> None:
        """What the other connection sees now."""
        # chunks first: a document still marked as being read after them means they were
        # read before its last write (which adds the last chunks and the mark at once)
        chunks, documents = self.store.chunks(), self.store.documents()
        if len(documents):
            status = documents["meta"][0].get("ingest", {}).get("status")
            last_page = int(chunks["page_end"].max()) if len(chunks) else 0
            self.seen.append((status, chunks["chunk_id"].tolist(), last_page))

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.look()
            time.sleep(0.005)

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.store.close()


@pytest.fixture
def watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[lw.LabelStore, _Watcher]]:
    """A store being ingested into, and a watcher polling it through another connection. The
    watcher also looks each time a batch of pages has been stored: on a loaded machine the
    parent may store a batch and the document's end moments apart, between two polls."""
    store = lw.LabelStore(tmp_path / "labels.db")
    with _Watcher(tmp_path / "labels.db") as watcher:
        read_on = storing.Storer.read_on

        def read_on_then_look(self: storing.Storer, index: int, batch: Any) -> None:
            read_on(self, index, batch)
            watcher.look()

        monkeypatch.setattr(storing.Storer, "read_on", read_on_then_look)
        yield store, watcher
    store.close()


def _whole_document_spans(pages: list[str], chunker: Chunker) -> list[tuple[int, int]]:
    text, offsets = join_pages(pages)
    return chunker(text, offsets)


def test_a_long_pdfs_first_chunks_are_stored_while_its_later_pages_are_read(
    ceres: Path, ceres_pages: list[str], watched: tuple[lw.LabelStore, _Watcher]
) -> None:
    store, watcher = watched
    report = lw.ingest(ceres, store, backend="pypdfium2", workers=1, progress=False)
    row = report.df.iloc[0]
    assert (row["status"], row["pages"], row["message"]) == ("ok", 154, "")
    final = store.chunks()["chunk_id"].tolist()
    # seen from the other connection: some chunks, the document marked as being read, no chunk
    # from its last page yet; each time the first chunks of the final list, in order
    reading = [(ids, last) for status, ids, last in watcher.seen if status == "reading"]
    assert any(ids for ids, _ in reading)
    for ids, last_page in reading:
        assert ids == final[: len(ids)] and len(ids) < len(final) and last_page < 154
    assert store.documents()["meta"].tolist() == [{}]  # read to the end: complete
    spans = _whole_document_spans(ceres_pages, Paragraphs())
    stored = store.chunks()
    assert list(zip(stored["char_start"], stored["char_end"], strict=True)) == spans
    assert row["chunks_added"] == row["chunks_total"] == len(spans)
    text = store.document_text(row["doc_id"])
    assert all(text[c.char_start : c.char_end] == c.text for c in stored.itertuples())


@pytest.mark.parametrize("chunker", [Window(size=700, overlap=70), Pages()], ids=repr)
def test_streamed_chunks_are_those_of_the_whole_document(
    ceres: Path, ceres_pages: list[str], tmp_path: Path, chunker: Chunker
) -> None:
    store = lw.LabelStore(tmp_path / "labels.db")
    keep = lw.filters.keywords(["agreement", "party"])
    report = lw.ingest(
        ceres, store, backend="pypdfium2", chunker=chunker, keep=keep, workers=1, progress=False
    )
    row = report.df.iloc[0]
    text, offsets = join_pages(ceres_pages)
    spans = chunker(text, offsets)
    kept = [s for s in spans if keep(text[s[0] : s[1]])]
    stored = store.chunks()
    assert list(zip(stored["char_start"], stored["char_end"], strict=True)) == kept
    assert (row["chunks_total"], row["chunks_kept"]) == (len(spans), len(kept))
    assert row["chunks_dropped"] == report.dropped_by[keep.name] == len(spans) - len(kept)
    assert store.document_text(row["doc_id"]) == text


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 dense pages (five per list item): pypdf needs about 4 s for them on a quiet machine
    of this kind, so a 1 s budget stops it midway even on a faster one."""
    line = "The Supplier shall deliver the Products under the laws of the State of New York. " * 4
    path = tmp_path_factory.mktemp("long") / "long.pdf"
    lw.samples.write_pdf(path, [], pages=[[f"{i}. {line}" for i in range(46)]] * 300)
    return path


def test_a_document_stopped_midway_keeps_its_chunks_and_says_it_is_incomplete(
    long_pdf: Path, watched: tuple[lw.LabelStore, _Watcher]
) -> None:
    store, watcher = watched
    stopped = lw.ingest(
        long_pdf, store, backend="pypdf", timeout=1, page_timeout=0, workers=1, progress=False
    )
    row = stopped.df.iloc[0]
    assert row["status"] == "timeout"
    assert "longer than 1 s and was stopped" in row["message"]
    assert "were stored and stay" in row["message"] and "marked incomplete" in row["message"]
    assert any(status == "reading" and ids for status, ids, _ in watcher.seen)
    (meta,) = store.documents()["meta"]
    read = meta["ingest"]["pages_read"]
    assert meta["ingest"]["status"] == "timeout" and 2 <= read < row["pages"]
    partial = store.chunks()
    assert len(partial) == row["chunks_added"] > 0 and partial["page_end"].max() <= read
    text = store.document_text(row["doc_id"])  # the text of the pages read: offsets hold
    assert all(text[c.char_start : c.char_end] == c.text for c in partial.itertuples())
    # read again with a budget per page: the same document, completed, nothing stored twice
    again = lw.ingest(long_pdf, store, backend="pypdf", timeout=1, workers=1, progress=False)
    done = again.df.iloc[0]
    assert (done["status"], done["doc_id"], done["pages"]) == ("ok", row["doc_id"], row["pages"])
    chunks = store.chunks()
    assert len(chunks) == done["chunks_kept"] == len(partial) + done["chunks_added"]
    assert chunks["chunk_id"].tolist()[: len(partial)] == partial["chunk_id"].tolist()
    assert store.documents()["meta"].tolist() == [{}]
    text = store.document_text(done["doc_id"])
    assert all(text[c.char_start : c.char_end] == c.text for c in chunks.itertuples())
