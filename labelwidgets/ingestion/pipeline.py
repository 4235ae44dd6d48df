"""Ingestion: documents → pages → chunks with provenance, into a :class:`LabelStore`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.ingestion.chunkers import Chunker, Paragraphs
from labelwidgets.ingestion.executors import check_executor, extractions
from labelwidgets.ingestion.extract import (
    BACKENDS,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    Extracted,
    default_backend,
    extract,
    finish_pages,
)
from labelwidgets.ingestion.filters import Filter, as_filter
from labelwidgets.ingestion.serve import PageBatch
from labelwidgets.ingestion.storing import Storer
from labelwidgets.ingestion.workers import DEFAULT_MEMORY_MB

if TYPE_CHECKING:
    from labelwidgets.schema import Task
    from labelwidgets.store import LabelStore

__all__ = ["IngestReport", "ingest"]

REPORT_COLUMNS = [
    "source",
    "name",
    "doc_id",
    "status",
    "pages",
    "chars",
    "chunks_total",
    "chunks_kept",
    "chunks_dropped",
    "chunks_added",
    "seconds",
    "message",
]


@dataclass
class _Input:
    source: str
    name: str
    path: Path | None = None
    text: str | None = None


@dataclass
class IngestReport:
    """What :func:`ingest` did: one row per input in ``df``, plus what the filters dropped.

    ``df`` columns: source, name, doc_id, status (ok / encrypted / broken / no_text / not_stored /
    low_quality_text / timeout / unsupported), pages, chars, chunks_total, chunks_kept,
    chunks_dropped (by the filters), chunks_added (new in the store), seconds, message.
    ``dropped_by`` maps each filter to the chunks it dropped (with several filters, a chunk is
    counted against the first one it fails). ``df.attrs`` holds the :meth:`summary`.
    ``questions``: with ``ingest(task=...)``, per question how many chunks it is asked on
    (``store.coverage(task)``: routing by ``Question(keep=...)``).

    A long PDF whose chunks were stored while it was read and that then failed (status
    ``timeout`` or ``broken``) keeps those chunks: its row counts them, and its message says so.
    """

    df: pd.DataFrame
    dropped_by: dict[str, int] = field(default_factory=dict)
    questions: pd.DataFrame | None = None

    @property
    def kept_fraction(self) -> float:
        """Share of chunks that passed the filters: how much of the corpus can answer."""
        total = int(self.df["chunks_total"].sum())
        return float(self.df["chunks_kept"].sum()) / total if total else 0.0

    def summary(self) -> dict[str, Any]:
        """Documents per status, chunk counts, the kept fraction and what each filter dropped."""
        counts = {str(k): int(v) for k, v in self.df["status"].value_counts().items()}
        totals = {
            c: int(self.df[c].sum())
            for c in ["chunks_total", "chunks_kept", "chunks_dropped", "chunks_added"]
        }
        return {
            "documents": len(self.df),
            "statuses": counts,
            **totals,
            "kept_fraction": round(self.kept_fraction, 4),
            "dropped_by": dict(self.dropped_by),
            **({} if self.questions is None else {"asked_on": self._asked_on()}),
        }

    def _asked_on(self) -> dict[str, int]:
        frame = self.questions if self.questions is not None else pd.DataFrame()
        return {str(q): int(n) for q, n in zip(frame["question"], frame["chunks"], strict=True)}

    def __repr__(self) -> str:
        return f"IngestReport({self.summary()})\n{self.df.to_string(max_colwidth=60)}"

    def _repr_html_(self) -> str:
        head = pd.DataFrame([self.summary()]).to_html(index=False)
        return head + self.df.to_html(index=False, max_rows=50)


def ingest(
    source: Any,
    store: LabelStore,
    *,
    chunker: Chunker | None = None,
    keep: Filter | Callable[[str], bool] | Sequence[Filter | Callable[[str], bool]] | None = None,
    backend: str | None = None,
    password: str | Mapping[str, str] | None = None,
    timeout: float = 60,
    page_timeout: float = 1.0,
    workers: int | None = None,
    progress: bool = True,
    text_column: str = "text",
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    executor: Executor | None = None,
    task: Task | None = None,
) -> IngestReport:
    """Read documents, cut them into chunks and add the chunks worth labeling to ``store``.

    Parameters
    ----------
    source
        A file or folder path (folders are read recursively), a list of paths, a DataFrame with
        a ``text`` column (and optionally ``name``), or plain strings.
    store
        The :class:`~labelwidgets.LabelStore` to add documents and chunks to.
    chunker
        How to cut documents (default: :class:`~labelwidgets.ingestion.chunkers.Paragraphs`).
    keep
        Signal filter(s) from :mod:`labelwidgets.ingestion.filters` (a list means all must pass). Dropped
        chunks are counted in the report, not stored.
    backend
        ``"pypdfium2"`` (the default when the ``[fast-pdf]`` extra is installed: 10-80x faster)
        or ``"pypdf"`` (the default otherwise). The two read slightly different text, so one
        file read by both is two documents.
    password
        Password for encrypted PDFs, or ``{file name: password}``.
    timeout, page_timeout
        A document may take ``timeout`` seconds plus ``page_timeout`` seconds per page to
        extract before it is stopped (status ``timeout``). The page part counts once the PDF is
        open and its page count known, so a 1,500-page contract gets its time while a parser
        stuck on one page of a short file is still stopped. ``page_timeout=0`` gives every
        document the same ``timeout``.
    workers
        Extraction processes (default: up to 4, at most one per PDF); with ``executor``, how
        many documents are handed to it at once (default 64).
    memory_mb
        Memory cap of each extraction process.
    executor
        A :class:`concurrent.futures.Executor` to read PDFs on, e.g. a Dask cluster's
        ``distributed.Client(...).get_executor()``: each task reads one PDF in an isolated
        process of the machine that runs it, under the same time budget and memory cap, and
        returns its pages; chunks and statuses are stored here, as without one. The paths must
        be readable there. Text files and strings are read here.
    task
        A task to add to the store once the chunks are stored: its questions' ``keep=``
        filters are run over the chunks, and the report's ``questions`` table shows per
        question how many chunks it is asked on.

    Returns
    -------
    IngestReport
        One row per input with its status, page/char/chunk counts and a plain-English message.

    Notes
    -----
    A long PDF's pages stream from its extraction process: with a built-in chunker, its first
    chunks are stored (and can be labeled) while its later pages are still being read. Until it
    is read to the end, ``store.documents()`` shows ``meta["ingest"] == {"status": "reading"}``
    for it; then its text is stored and the key removed. If it fails midway (timeout, crash,
    memory cap), the chunks already stored stay (labelers may have answered them), and its
    ``meta["ingest"]`` says ``status``, ``pages_read`` and ``message``; ingesting it again
    with a larger budget completes it. So that chunk ids are known before the whole text is,
    a PDF of more than 20 pages is identified by its file (bytes, backend and its version);
    shorter ones and texts by their text, as before.
    """
    backend = default_backend() if backend is None else backend
    _check_settings(backend, (timeout, page_timeout), workers, password, chunker)
    check_executor(executor)
    chunker = chunker or Paragraphs()
    filters = _filters(keep)
    inputs = _inputs(source, text_column)
    pdfs = [
        i for i, item in enumerate(inputs) if item.path and item.path.suffix.lower() in PDF_SUFFIXES
    ]
    in_workers = set(pdfs)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(inputs), desc="ingest", unit="doc", disable=not progress)
    storer = Storer(store, inputs, chunker, filters, done=bar.update)
    for index, item in enumerate(inputs):
        if index not in in_workers:
            started = time.perf_counter()
            storer.finish(index, _read_in_process(item), time.perf_counter() - started)
    if pdfs:
        jobs = [(str(inputs[i].path), backend, _password_for(password, inputs[i])) for i in pdfs]
        limits = (timeout, page_timeout, memory_mb)
        # Documents read are stored whenever the parent would otherwise wait for the workers,
        # so little is left to store once the last one is read.
        idle = partial(storer.store_ready, now=True)
        with closing(extractions(jobs, executor, workers, limits, idle)) as extracted:
            for job_index, event, seconds in extracted:
                if isinstance(event, PageBatch):
                    storer.read_on(pdfs[job_index], event)
                else:
                    storer.finish(pdfs[job_index], event, seconds)
    storer.store_ready(now=True)
    rows, dropped_by = storer.rows, storer.dropped_by
    bar.close()
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    questions = None
    if task is not None:
        questions = store.coverage(store.add_task(task))
    report = IngestReport(frame, dropped_by, questions)
    frame.attrs.update(report.summary())
    return report


def _check_settings(
    backend: Any, timeouts: tuple[Any, Any], workers: Any, password: Any, chunker: Any
) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {list(BACKENDS)}")
    timeout, page_timeout = timeouts
    if not _is_number(timeout) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if not _is_number(page_timeout) or not 0 <= page_timeout < float("inf"):
        raise ValueError(
            f"page_timeout must be a number of seconds per page >= 0, got {page_timeout!r}"
        )
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"workers must be a positive integer (or None), got {workers!r}")
    if password is not None and not isinstance(password, (str, Mapping)):
        raise TypeError(
            "password must be a string or a {file name: password} dict, "
            f"got {type(password).__name__}"
        )
    if isinstance(chunker, type) or (chunker is not None and not callable(chunker)):
        raise TypeError(
            f"chunker must be a chunker instance such as lw.chunkers.Paragraphs(), got {chunker!r}"
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _filters(keep: Any) -> list[Filter]:
    if keep is None:
        return []
    if isinstance(keep, (list, tuple)):
        return [as_filter(k) for k in keep]
    return [as_filter(keep)]


def _looks_like_path(text: str) -> bool:
    suffix = Path(text).suffix.lower()
    return "\n" not in text and (
        not any(c.isspace() for c in text) or suffix in PDF_SUFFIXES | TEXT_SUFFIXES
    )


def _inputs(source: Any, text_column: str) -> list[_Input]:
    if isinstance(source, pd.DataFrame):
        if text_column not in source.columns:
            raise ValueError(
                f"ingest: the DataFrame has no {text_column!r} column "
                f"(columns: {list(source.columns)}); pass text_column=..."
            )
        names = source["name"] if "name" in source.columns else [None] * len(source)
        return [
            _text_input(text, name, f"row {i}")
            for i, (text, name) in enumerate(zip(source[text_column], names, strict=True))
        ]
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    if not isinstance(source, Iterable):
        raise TypeError(
            f"ingest: cannot read a {type(source).__name__}; give paths, a DataFrame or strings"
        )
    found: list[_Input] = []
    for i, item in enumerate(source):
        if isinstance(item, str) and not item.strip():
            raise ValueError(f"ingest: item {i} of the source is an empty string")
        if isinstance(item, str) and not _looks_like_path(item):
            found.append(_text_input(item, None, f"text {i}"))
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            found += [_Input(str(p), str(p.relative_to(path)), path=p) for p in files]
        elif path.is_file():
            found.append(_Input(str(path), path.name, path=path))
        else:
            raise ValueError(f"ingest: no such file or folder: {str(path)!r}")
    if not found:
        raise ValueError("ingest: nothing to read (the source is empty)")
    return found


def _text_input(text: Any, name: Any, where: str) -> _Input:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"ingest: {where} has no text (empty or not a string: {text!r:.40})")
    return _Input(where, str(name) if name else "", text=text)


def _read_in_process(item: _Input) -> Extracted:
    if item.text is not None:
        return finish_pages(Extracted(pages=[item.text], n_pages=1))
    return extract(str(item.path))  # text files and unsupported types: no parser to fear


def _password_for(password: str | Mapping[str, str] | None, item: _Input) -> str | None:
    if password is None or isinstance(password, str):
        return password
    assert item.path is not None
    return password.get(item.path.name, password.get(str(item.path)))
