"""Documents in, chunks out: PDF and text files become chunks that keep page and character
provenance, and filters drop the chunks that cannot answer the questions.

- ``pipeline``: :func:`ingest` and its :class:`IngestReport`;
- ``extract``, ``workers`` and ``serve``: text from PDFs in subprocess workers with time and
  memory limits, a long PDF's pages sent on as they are read;
- ``storing``: chunks into the store in input order, a long PDF's while it is still read;
- ``chunkers`` and ``filters``: how a document is cut and which chunks are kept;
- ``samples``: synthetic contract PDFs with known answers, for quickstarts and tests.

Names load on first use: an extraction worker imports only ``extract`` and ``workers`` (no
pandas, no store), so it starts in a fraction of the time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labelwidgets.ingestion import chunkers, filters, samples
    from labelwidgets.ingestion.pipeline import IngestReport, ingest

__all__ = ["IngestReport", "chunkers", "filters", "ingest", "samples"]

_LAZY = {
    "IngestReport": "labelwidgets.ingestion.pipeline",
    "ingest": "labelwidgets.ingestion.pipeline",
    "chunkers": None,
    "filters": None,
    "samples": None,
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = _LAZY[name]
    value = (
        getattr(importlib.import_module(home), name)
        if home
        else importlib.import_module(f"{__name__}.{name}")
    )
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
