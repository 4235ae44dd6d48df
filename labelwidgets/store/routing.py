"""Per-question routing: a question with ``keep=`` is asked only on chunks its filter keeps."""

from __future__ import annotations

from typing import Any

from labelwidgets.schema import Task


class RoutingMixin:
    """Routing (mixed into :class:`LabelStore`)."""


def routed_clauses(task: Task) -> list[Any]:
    """Clauses on ``chunks``: some question of the task applies to the chunk."""
    return []
