"""The label store: SQLAlchemy Core over a SQLite file (default) or PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelwidgets.store.engine import mask_url
from labelwidgets.store.errors import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreReadOnly,
    StoreUnavailable,
)
from labelwidgets.store.events import AnswerRejected
from labelwidgets.store.inputs import InvalidInput, InvalidInputType
from labelwidgets.store.migrations import SchemaVersionError
from labelwidgets.store.search import SearchResult, Where
from labelwidgets.store.store import LabelStore
from labelwidgets.store.tasks import UnknownTaskError

if TYPE_CHECKING:
    from labelwidgets.store.frames import ValueArray, answer_values, with_unknown

__all__ = [
    "AnswerRejected",
    "InvalidInput",
    "InvalidInputType",
    "LabelStore",
    "SchemaVersionError",
    "SearchResult",
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
    "StoreUnavailable",
    "UnknownTaskError",
    "ValueArray",
    "Where",
    "answer_values",
    "mask_url",
    "with_unknown",
]


def __getattr__(name: str) -> Any:
    # The pandas column types load with pandas, on first use (opening a store needs neither).
    if name in ("ValueArray", "answer_values", "with_unknown"):
        from labelwidgets.store import frames

        return getattr(frames, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
