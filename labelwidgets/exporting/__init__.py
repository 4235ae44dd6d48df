"""Labels out: fine-tuning files (OpenAI chat, TRL SFT, DPO pairs, Alpaca, Parquet, CSV, HF
datasets) with document-grouped splits and redaction, and interop with Label Studio and Argilla.

- ``pipeline``: :func:`export` and its :class:`ExportReport`;
- ``documents``: :func:`export_documents`, one record per document (all questions as one JSON
  object, the evidence chunks as context) and its :class:`DocumentExportReport`;
- ``formats``: one writer per output format;
- ``redact``: redactors applied to prompts and targets;
- ``interop``: to and from Label Studio and Argilla.
"""

from __future__ import annotations

from labelwidgets.exporting import interop, redact
from labelwidgets.exporting.documents import DocumentExportReport, export_documents
from labelwidgets.exporting.pipeline import ExportReport, export

__all__ = [
    "DocumentExportReport",
    "ExportReport",
    "export",
    "export_documents",
    "interop",
    "redact",
]
