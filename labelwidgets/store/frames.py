"""DataFrame columns of free-form values that travel to Parquet, ``datasets`` and Polars.

Answers, ``meta`` and similar columns hold JSON-like Python values of several types in one
column (a text answer next to a number, a list of spans next to nothing). pandas keeps them as
they are; Arrow needs one type per column. :class:`ValueArray` is a pandas extension array
whose values are the plain Python objects, and which tells Arrow how to store them: with the
type Arrow infers when the values share one Parquet-writable type, else as JSON text.

"Not in the text" is never a value in these columns: views give UNKNOWN answers as
``is_unknown=True`` with a null ``answer``. :func:`answer_values` puts :data:`UNKNOWN` back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray, ExtensionDtype, take

from labelwidgets.schema import UNKNOWN

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ValueArray", "ValueDtype", "answer_values", "with_unknown"]


class ValueDtype(ExtensionDtype):
    """dtype of :class:`ValueArray`: any JSON-like Python value, ``None`` when missing."""

    name = "lw_value"
    type = object
    kind = "O"
    na_value = None

    def __str__(self) -> str:
        # what pyarrow writes into a Parquet file's pandas metadata: "object" lets pandas read
        # the file back where labelwidgets is not installed
        return "object"

    @classmethod
    def construct_array_type(cls) -> type[ValueArray]:
        return ValueArray


def _object_array(values: Iterable[Any]) -> np.ndarray:
    """A 1-d object array holding each value as is (lists stay lists, never a 2-d array)."""
    if isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1:
        return values
    values = list(values)
    return np.fromiter(values, dtype=object, count=len(values))


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _key(value: Any) -> Any:
    """A hashable stand-in for factorizing: containers by their canonical JSON text."""
    if isinstance(value, (list, dict, tuple)):
        return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    return value


def _from_key(key: Any) -> Any:
    if isinstance(key, tuple) and len(key) == 2 and key[0] == "json":
        return json.loads(key[1])
    return key


def _parquet_writable(kind: pa.DataType) -> bool:
    """Whether Parquet can store ``kind`` (it refuses structs without fields, e.g. ``{}``)."""
    import pyarrow as pa  # only Arrow calls this, so it is installed

    if pa.types.is_struct(kind):
        return kind.num_fields > 0 and all(_parquet_writable(f.type) for f in kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _parquet_writable(kind.value_type)
    return not pa.types.is_union(kind)


class ValueArray(ExtensionArray):
    """A column of JSON-like Python values (``str``, numbers, lists, dicts; ``None``: missing).

    Behaves like an ``object`` column (items are the plain values, ``==``, ``map``,
    ``groupby``, ``factorize`` and ``drop_duplicates`` work, lists included) and converts to
    Arrow for ``to_parquet``, ``datasets.Dataset.from_pandas`` and ``polars.from_pandas``: with
    the inferred Arrow type when every value fits one (all text, all numbers, all lists of
    text, ...), otherwise as each value's JSON text (a column mixing a number question's
    ``1500`` with a text question's ``"England"`` is stored as ``"1500"`` and ``"\\"England\\""``).
    """

    def __init__(self, values: Iterable[Any]) -> None:
        self._data = _object_array(values)

    @classmethod
    def _from_sequence(
        cls, scalars: Sequence[Any], *, dtype: Any = None, copy: bool = False
    ) -> ValueArray:
        data = _object_array(scalars)
        return cls(data.copy() if copy else data)

    @classmethod
    def _from_scalars(cls, scalars: Sequence[Any], *, dtype: Any) -> ValueArray:
        # what map(), apply() and groupby().agg(fn) compute is a plain result (True/False, a
        # count, ...): let pandas infer its dtype as it would for an object column
        raise TypeError("the result of a computation on values is not itself a value column")

    @classmethod
    def _from_factorized(cls, values: np.ndarray, original: ValueArray) -> ValueArray:
        return cls([_from_key(v) for v in values])

    @property
    def dtype(self) -> ValueDtype:
        return ValueDtype()

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, np.integer)):
            return self._data[item]
        if not isinstance(item, slice):
            item = pd.api.indexers.check_array_indexer(self, item)
        return type(self)(self._data[item])

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, (int, np.integer)):
            self._data[key] = value
            return
        if not isinstance(key, slice):
            key = pd.api.indexers.check_array_indexer(self, key)
        if isinstance(value, ValueArray):
            value = value._data
        self._data[key] = value

    def __eq__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        if isinstance(other, (pd.Series, pd.Index, pd.DataFrame)):
            return NotImplemented
        if isinstance(other, (ValueArray, np.ndarray)) and len(other) == len(self):
            return np.array([a == b for a, b in zip(self._data, other, strict=True)], dtype=bool)
        return np.array([v == other for v in self._data], dtype=bool)

    def __ne__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else ~equal

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is None or np.dtype(dtype) == object:
            return self._data.copy() if copy else self._data
        return np.asarray(self._data.tolist(), dtype=dtype)

    def __arrow_array__(self, type: pa.DataType | None = None) -> pa.Array:
        import pyarrow as pa  # only Arrow calls this, so it is installed

        values = [None if _missing(v) else v for v in self._data]
        if type is not None:
            return pa.array(values, type=type, from_pandas=True)
        try:
            inferred = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            inferred = None
        if inferred is not None and _parquet_writable(inferred.type):
            return inferred
        texts = pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in values],
            type=pa.string(),
        )
        # Arrow's JSON type (pyarrow >= 19): datasets decodes it back to the values
        json_type = getattr(pa, "json_", None)
        return texts if json_type is None else pa.ExtensionArray.from_storage(json_type(), texts)

    def isna(self) -> np.ndarray:
        return np.fromiter((_missing(v) for v in self._data), dtype=bool, count=len(self._data))

    def take(self, indices: Sequence[int], *, allow_fill: bool = False, fill_value: Any = None):
        taken = take(self._data, indices, allow_fill=allow_fill, fill_value=fill_value)
        return type(self)(taken)

    def copy(self) -> ValueArray:
        return type(self)(self._data.copy())

    @classmethod
    def _concat_same_type(cls, to_concat: Sequence[ValueArray]) -> ValueArray:
        return cls(np.concatenate([a._data for a in to_concat]) if to_concat else [])

    def _values_for_factorize(self) -> tuple[np.ndarray, Any]:
        keys = _object_array(None if _missing(v) else _key(v) for v in self._data)
        return keys, None

    def _values_for_argsort(self) -> np.ndarray:
        return self._values_for_factorize()[0]

    def tolist(self) -> list[Any]:
        return self._data.tolist()


def value_series(values: Iterable[Any], index: pd.Index) -> pd.Series:
    """A :class:`ValueArray` Series of ``values`` on ``index`` (a view column)."""
    return pd.Series(ValueArray(values), index=index)


def answer_values(frame: pd.DataFrame) -> pd.Series:
    """The ``answer`` column of a view with :data:`UNKNOWN` put back where ``is_unknown``.

    Store views (``answers()``, ``gold()``, ``suggestions()``, ``events()``) give "not in the
    text" as ``is_unknown=True`` and a null ``answer``, so they convert to Arrow; this is the
    way back to the values :meth:`LabelStore.record_answer` takes.

    Parameters
    ----------
    frame
        A DataFrame with ``answer`` and ``is_unknown`` columns.

    Returns
    -------
    pandas.Series
        ``object`` Series on ``frame``'s index: each answer, or :data:`UNKNOWN`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"answer": ["the laws of England", None],
    ...                       "is_unknown": [False, True]})
    >>> answer_values(frame).tolist()
    ['the laws of England', UNKNOWN]
    """
    for column in ("answer", "is_unknown"):
        if column not in frame.columns:
            raise ValueError(
                f"answer_values: the frame has no {column!r} column (it takes a store view "
                f"such as store.answers(); columns given: {list(frame.columns)})"
            )
    unknown = frame["is_unknown"].to_numpy(dtype=bool, na_value=False)
    values = np.array(frame["answer"].to_numpy(dtype=object), dtype=object, copy=True)
    values[unknown] = UNKNOWN  # one assignment, not a loop over every answer
    return pd.Series(values, index=frame.index, dtype=object, name="answer")


def with_unknown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a view whose ``answer`` column holds :data:`UNKNOWN` where ``is_unknown``
    (plain ``object`` dtype: for code that compares answers in Python). A frame without an
    ``is_unknown`` column is taken to hold UNKNOWN already and returned as it is."""
    if "is_unknown" not in frame.columns:
        return frame
    return frame.assign(answer=answer_values(frame))
