"""The label store: SQLAlchemy Core over a SQLite file (default) or PostgreSQL."""

from __future__ import annotations

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
from labelwidgets.store.frames import ValueArray, answer_values, with_unknown
from labelwidgets.store.inputs import InvalidInput, InvalidInputType
from labelwidgets.store.migrations import SchemaVersionError
from labelwidgets.store.store import LabelStore
from labelwidgets.store.tasks import UnknownTaskError

__all__ = [
    "AnswerRejected",
    "InvalidInput",
    "InvalidInputType",
    "LabelStore",
    "SchemaVersionError",
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreLocked",
    "StoreReadOnly",
    "StoreUnavailable",
    "UnknownTaskError",
    "ValueArray",
    "answer_values",
    "mask_url",
    "with_unknown",
]
