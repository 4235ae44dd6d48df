"""Checking and normalizing rows given to the store as DataFrames or iterables of dicts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from labelwidgets.store.lazy import is_frame

if TYPE_CHECKING:
    import pandas as pd
else:
    from labelwidgets.store.lazy import pandas as pd


def as_records(rows: Any, what: str) -> list[dict[str, Any]]:
    """A list of plain dicts from a DataFrame, a dict of one row, or an iterable of dicts."""
    if is_frame(rows):
        frame = rows.reset_index(drop=True) if _has_default_index(rows) else rows.reset_index()
        return [
            {k: _plain(v) for k, v in record.items()} for record in frame.to_dict(orient="records")
        ]
    if isinstance(rows, Mapping):
        return [dict(rows)]
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise TypeError(
            f"{what}: expected a DataFrame or an iterable of dicts, got {type(rows).__name__}"
        )
    records = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"{what}: row {i} is a {type(row).__name__}, expected a dict")
        records.append(dict(row))
    return records


def _has_default_index(frame: pd.DataFrame) -> bool:
    return frame.index.name is None and not isinstance(frame.index, pd.MultiIndex)


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars; NaN/NA -> None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 1) == 0:
        value = item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def require_columns(records: list[dict[str, Any]], required: Iterable[str], what: str) -> None:
    """Raise ``ValueError`` naming the first missing required field."""
    for i, record in enumerate(records):
        for name in required:
            if record.get(name) is None:
                present = sorted(record)
                raise ValueError(
                    f"{what}: row {i} has no {name!r} (a required field); fields given: {present}"
                )


def optional_int(record: dict[str, Any], name: str, index: int, what: str) -> int | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not float(value).is_integer():
        raise ValueError(f"{what}: row {index}: {name!r} must be a whole number, got {value!r}")
    return int(value)
