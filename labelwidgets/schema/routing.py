"""Per-question routing: ``Question(keep=filter)`` asks a question only where its filter keeps
the chunk text. The schema holds the filter as an opaque callable and its name (filters live
in :mod:`labelwidgets.ingestion.filters`, a layer above); the store runs it and saves where
the question applies (see :mod:`labelwidgets.store.routing`)."""

from __future__ import annotations

from typing import Any


def keep_filter(question: str, keep: Any) -> tuple[Any, str | None]:
    """``(callable or None, name or None)`` for a question's ``keep=``.

    A string is the name a stored task carries (its filter is not stored: routes already
    computed stay valid). A callable is named by its ``name`` (lw.filters) or qualified name.
    """
    if keep is None:
        return None, None
    if isinstance(keep, str):
        if not keep.strip():
            raise ValueError(f"question {question!r}: keep= is an empty name")
        return None, keep[:500]
    if not callable(keep):
        raise TypeError(
            f"question {question!r}: keep= must be a filter (a callable on the chunk text, "
            f"e.g. lw.filters.keywords([...])), got {keep!r:.60}"
        )
    name = getattr(keep, "name", None) or getattr(keep, "__qualname__", None)
    name = name if isinstance(name, str) and name else type(keep).__name__
    return keep, name[:500]
