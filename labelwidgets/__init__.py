"""labelwidgets: Jupyter-native labeling widgets for fine-tuning LLMs on your own documents.

Everything is imported lazily, so ``import labelwidgets`` stays cheap and the core
(store, ingestion, schema, quality, export) never loads the widget stack.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> (module, attribute or None for the module itself). Functions never share a name
# with their module (ingest lives in ingestion.py): importing a submodule sets the package
# attribute of the same name, which would shadow the function.
_LAZY: dict[str, tuple[str, str | None]] = {
    "UNKNOWN": ("labelwidgets.schema", "UNKNOWN"),
    "Task": ("labelwidgets.schema", "Task"),
    "Question": ("labelwidgets.schema", "Question"),
    "validators": ("labelwidgets.validators", None),
    "LabelStore": ("labelwidgets.store", "LabelStore"),
    "ingest": ("labelwidgets.ingestion", "ingest"),
    "IngestReport": ("labelwidgets.ingestion", "IngestReport"),
    "chunkers": ("labelwidgets.chunkers", None),
    "filters": ("labelwidgets.filters", None),
    "samples": ("labelwidgets.samples", None),
    "models": ("labelwidgets.models", None),
    "prelabel": ("labelwidgets.prelabeling", "prelabel"),
    "prompt_report": ("labelwidgets.prompt_scoring", "prompt_report"),
    "compare": ("labelwidgets.compare", None),
    "quality": ("labelwidgets.quality", None),
    "review": ("labelwidgets.review", None),
    "agreement": ("labelwidgets.agreement", None),
    "prompts": ("labelwidgets.prompts", None),
    "export": ("labelwidgets.exporting", "export"),
    "ExportReport": ("labelwidgets.exporting", "ExportReport"),
    "redact": ("labelwidgets.redact", None),
    "interop": ("labelwidgets.interop", None),
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
