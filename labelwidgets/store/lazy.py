"""Heavy libraries loaded on first use: opening a store and labeling need no pandas.

``import pandas`` costs about half a second in a fresh kernel; a labeler who opens a store and a
Labeler never builds a DataFrame. Modules whose DataFrame work sits inside functions write::

    if TYPE_CHECKING:
        import pandas as pd
    else:
        from labelwidgets.store.lazy import pandas as pd
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LazyModule", "is_frame", "pandas", "value_series"]


class LazyModule:
    """Stands for the module ``name`` and imports it when an attribute is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):  # copy, pickle and doctest probes: not the module's business
            raise AttributeError(attr)
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)  # later reads skip this method
        return value

    def __repr__(self) -> str:
        state = "loaded" if self._name in sys.modules else "not loaded yet"
        return f"<lazy module {self._name!r} ({state})>"


pandas = LazyModule("pandas")


def is_frame(value: Any) -> bool:
    """Whether ``value`` is a pandas DataFrame, without importing pandas to find out (before
    pandas is imported, no DataFrame exists)."""
    module = sys.modules.get("pandas")
    return module is not None and isinstance(value, module.DataFrame)


def value_series(values: Iterable[Any], index: pd.Index) -> pd.Series:
    """:func:`labelwidgets.store.frames.value_series`, loading pandas and the column types on
    first use."""
    from labelwidgets.store.frames import value_series

    return value_series(values, index)
