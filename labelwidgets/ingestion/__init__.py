"""Documents in, chunks out: PDF and text files become chunks that keep page and character
provenance, and filters drop the chunks that cannot answer the questions.

- ``pipeline``: :func:`ingest` and its :class:`IngestReport`;
- ``extract`` and ``workers``: text from PDFs in subprocess workers with time and memory limits;
- ``chunkers`` and ``filters``: how a document is cut and which chunks are kept;
- ``samples``: synthetic contract PDFs with known answers, for quickstarts and tests.
"""

from __future__ import annotations

from labelwidgets.ingestion import chunkers, filters, samples
from labelwidgets.ingestion.pipeline import IngestReport, ingest

__all__ = ["IngestReport", "chunkers", "filters", "ingest", "samples"]
