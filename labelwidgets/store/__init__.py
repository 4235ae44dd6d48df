"""The label store: SQLAlchemy Core over a SQLite file (default) or PostgreSQL."""

from __future__ import annotations

from labelwidgets.store.events import AnswerRejected
from labelwidgets.store.migrations import SchemaVersionError
from labelwidgets.store.store import LabelStore
from labelwidgets.store.tasks import UnknownTaskError

__all__ = ["AnswerRejected", "LabelStore", "SchemaVersionError", "UnknownTaskError"]
