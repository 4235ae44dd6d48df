"""Views built a column at a time from the cursor's rows (issue 17, "fast views").

A million-row view is read with the driver's ``fetchall`` (plain tuples, no Row objects) and
turned into one 2-D ``object`` array by pandas' C routine; every column is then converted as a
whole: numbers with one ``to_numeric``/``astype``, booleans with one ``astype``, timestamps with
one ``to_datetime``. Answers are decoded once per *distinct* stored text (answers repeat a lot)
and taken back to the rows; containers (lists, dicts) are decoded per row so that no two rows
share one mutable value. Nothing here loops over every value in Python except the containers.

The frames are the ones the views always gave (same columns, dtypes and values); only the way
they are built changed. :func:`pick` checks the ``columns=`` a view takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.store.codec import decode_json
from labelwidgets.store.frames import ValueArray

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select

__all__ = ["Table", "decode_coded", "decode_values", "fetch", "pick"]

_decode = decode_json

try:  # pandas' tuples -> 2-D object array in C (a private module; the public fallback is slower)
    from pandas._libs.lib import to_object_array_tuples as _to_array
except ImportError:  # pragma: no cover - a pandas without it

    def _to_array(rows: list[tuple[Any, ...]]) -> np.ndarray:
        return np.array(rows, dtype=object)


class Table:
    """The rows of one query as ``object`` columns, by name."""

    def __init__(self, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        self.names = list(names)
        if rows:
            self.array = _to_array(rows if isinstance(rows, list) else list(rows))
        else:
            self.array = np.empty((0, len(self.names)), dtype=object)
        self._index = {name: i for i, name in enumerate(self.names)}

    def __len__(self) -> int:
        return self.array.shape[0]

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def rows(self, keep: Any) -> Table:
        """The rows where ``keep`` (a boolean mask) is true."""
        kept = Table(self.names, [])
        kept.array = self.array[np.asarray(keep, dtype=bool)]
        return kept

    def column(self, name: str) -> np.ndarray:
        """The column ``name`` (a 1-d ``object`` array)."""
        return self.array[:, self._index[name]]

    def plain(self, name: str) -> np.ndarray:
        """The column ``name`` as the views always typed it: numbers when its first non-null
        value among the first 64 rows is a number, else ``object``."""
        values = self.column(name)
        sample = next((v for v in values[:64] if v is not None), None)
        if isinstance(sample, (int, float)) and not isinstance(sample, bool):
            if isinstance(sample, float) and not np.equal(values, None).any():
                try:  # all floats (the common case): one C cast
                    return values.astype(np.float64)
                except (TypeError, ValueError):
                    pass
            return pd.to_numeric(values)
        return values

    def flags(self, name: str) -> np.ndarray:
        """A boolean column (0/1 on SQLite, ``bool`` on PostgreSQL)."""
        return self.column(name).astype(bool)

    def timestamps(self, name: str) -> pd.Series:
        """Seconds since the epoch -> UTC datetimes."""
        return pd.to_datetime(np.asarray(self.plain(name), dtype="float64"), unit="s", utc=True)

    def json(self, name: str, empty: Any = None) -> np.ndarray:
        """Each stored JSON text decoded, a fresh object per row: ``None`` where NULL, or a new
        ``empty()`` where NULL or empty when ``empty`` is given (``meta`` -> ``{}``)."""
        values = self.column(name)
        if empty is None:
            out = np.empty(len(values), dtype=object)
        else:  # a new one per row (a dict literal is ~3x cheaper to make than a call)
            fresh = ({} for _ in values) if empty is dict else (empty() for _ in values)
            out = np.fromiter(fresh, dtype=object, count=len(values))
        for i in np.flatnonzero(np.not_equal(values, None)):  # mostly NULL: decode the rest
            out[i] = _decode(values[i]) if empty is None else _decode(values[i]) or empty()
        return out


def fetch(conn: Connection, query: Select[Any]) -> Table:
    """Run ``query`` and read its rows as a :class:`Table` (the driver's tuples, no Row
    objects: building one per row costs more than the query)."""
    result = conn.execute(query)
    names = list(result.keys())
    rows = result.cursor.fetchall() if result.cursor is not None else []
    return Table(names, rows)


def decode_values(texts: np.ndarray) -> ValueArray:
    """Stored answer texts -> answer values (``None`` where NULL, as for "not in the text");
    each distinct text is parsed once (:func:`decode_coded`)."""
    codes, distinct = pd.factorize(texts, use_na_sentinel=True)
    return decode_coded(codes, list(distinct))


def decode_coded(codes: np.ndarray, distinct: Sequence[str | None]) -> ValueArray:
    """Rows' answer values from ``codes`` into ``distinct`` stored texts (code -1 or a
    ``None`` text: NULL).

    All distinct texts are parsed with one JSON parse and taken back to their rows: equal
    texts give equal values, and strings and numbers are immutable, so sharing them is safe.
    A row whose text decodes to a list or dict gets its own parse (no two rows share one
    mutable value).
    """
    texts = [t if isinstance(t, str) else "null" for t in distinct]
    values = _decode("[" + ",".join(texts) + "]") if texts else []
    table = np.empty(len(values) + 1, dtype=object)  # the last slot: NULL (code -1)
    table[: len(values)] = values
    out = table[codes]
    shared = [i for i, v in enumerate(values) if isinstance(v, (list, dict))]
    if shared:
        for row in np.flatnonzero(np.isin(codes, shared)):
            out[row] = _decode(texts[codes[row]])
    return ValueArray(out)


def build(table: Table, layout: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    """A view's DataFrame from ``table``: ``layout`` lists ``(column, query column, how)`` in
    the view's column order, ``how`` one of ``plain`` (numbers when they are numbers, else as
    read), ``int64``, ``bool``, ``time`` (epoch seconds -> UTC datetimes), ``answer`` (stored
    answer text -> values, a :class:`ValueArray`), ``json`` (decoded, ``None`` where NULL),
    ``meta`` (decoded or ``{}``, a :class:`ValueArray`), ``list`` (decoded or ``[]``, a
    :class:`ValueArray`), or ``empty-null`` (``""`` read as ``None``)."""
    columns: dict[str, Any] = {}
    for name, source, how in layout:
        columns[name] = _convert(table, source, how)
    return frame(columns, len(table))


def _convert(table: Table, source: str, how: str) -> Any:
    if how == "plain":
        return table.plain(source)
    if how == "int64":  # an integer column without NULLs (ids): one C cast
        return table.column(source).astype(np.int64)
    if how == "bool":
        return table.flags(source)
    if how == "time":
        return table.timestamps(source)
    if how == "answer":
        return decode_values(table.column(source))
    if how == "json":
        return table.json(source)
    if how == "meta":
        return ValueArray(table.json(source, dict))
    if how == "list":
        return ValueArray(table.json(source, list))
    if how == "empty-null":
        values = table.column(source).copy()
        values[values == ""] = None
        return values
    raise ValueError(f"unknown column conversion {how!r}")


def frame(columns: dict[str, Any], length: int) -> pd.DataFrame:
    """A DataFrame of ``columns`` (arrays keep their dtype; ``object`` arrays stay ``object``,
    never inferred as strings)."""
    data = {
        name: pd.Series(values, dtype=object, copy=False)
        if isinstance(values, np.ndarray) and values.dtype == object
        else values
        for name, values in columns.items()
    }
    return pd.DataFrame(data, index=pd.RangeIndex(length), copy=False)


def pick(view: str, available: Sequence[str], columns: Iterable[str] | None) -> list[str]:
    """The columns a view returns for ``columns=`` (all when ``None``), in the order asked;
    a name the view does not have is a ``ValueError`` naming it and the ones it has."""
    if columns is None:
        return list(available)
    if isinstance(columns, str):
        columns = [columns]
    wanted = list(columns)
    unknown = [c for c in wanted if c not in available]
    if unknown:
        raise ValueError(
            f"{view}(columns=...): no column {', '.join(map(repr, unknown))}; "
            f"the columns are {list(available)}"
        )
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"{view}(columns=...): a column is named twice in {wanted}")
    return wanted
