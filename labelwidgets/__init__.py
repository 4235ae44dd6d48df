"""labelwidgets: Jupyter-native labeling widgets for fine-tuning LLMs on your own documents.

Everything is imported lazily, so ``import labelwidgets`` stays cheap and the core
(store, ingestion, schema, quality, export) never loads the widget stack.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> (layer package or module, attribute or None for the module itself). Each layer's
# package is its public door; this table only re-exports what the doors offer.
_LAZY: dict[str, tuple[str, str | None]] = {
    "UNKNOWN": ("labelwidgets.schema", "UNKNOWN"),
    "Task": ("labelwidgets.schema", "Task"),
    "Question": ("labelwidgets.schema", "Question"),
    "validators": ("labelwidgets.schema", "validators"),
    "LabelStore": ("labelwidgets.store", "LabelStore"),
    "answer_values": ("labelwidgets.store", "answer_values"),
    "Where": ("labelwidgets.store", "Where"),
    "ingest": ("labelwidgets.ingestion", "ingest"),
    "IngestReport": ("labelwidgets.ingestion", "IngestReport"),
    "chunkers": ("labelwidgets.ingestion", "chunkers"),
    "filters": ("labelwidgets.ingestion", "filters"),
    "samples": ("labelwidgets.ingestion", "samples"),
    "models": ("labelwidgets.models", None),
    "prelabel": ("labelwidgets.models", "prelabel"),
    "prompt_report": ("labelwidgets.models", "prompt_report"),
    "compare": ("labelwidgets.schema", "compare"),
    "register_match": ("labelwidgets.schema", "register_match"),
    "quality": ("labelwidgets.quality", None),
    "review": ("labelwidgets.quality", "review"),
    "agreement": ("labelwidgets.quality", "reliability"),
    "prompts": ("labelwidgets.models", "prompts"),
    "export": ("labelwidgets.exporting", "export"),
    "ExportReport": ("labelwidgets.exporting", "ExportReport"),
    "export_documents": ("labelwidgets.exporting", "export_documents"),
    "DocumentExportReport": ("labelwidgets.exporting", "DocumentExportReport"),
    "redact": ("labelwidgets.exporting", "redact"),
    "interop": ("labelwidgets.exporting", "interop"),
    "store": ("labelwidgets.store", None),
    "Labeler": ("labelwidgets.widgets.labeler", "Labeler"),
    "Reviewer": ("labelwidgets.widgets.reviewer", "Reviewer"),
    "PromptLab": ("labelwidgets.widgets.promptlab", "PromptLab"),
    "Feedback": ("labelwidgets.widgets.feedback", "Feedback"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'labelwidgets' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
