"""Group-by over integer codes with numpy: the quality tables sum a few columns over a million
answers per labeler (and question), where pandas' general group-by spends most of its time
hashing strings and building intermediate frames."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["Groups", "grouping", "same_count", "stable_order"]

# integer codes already computed by quality.data for these columns
_CODED = {"labeler": "who", "question": "q"}


class Groups(NamedTuple):
    """Rows' group numbers (``codes``, sorted by the group labels) and the labels (``index``)."""

    codes: np.ndarray
    index: pd.Index

    @property
    def size(self) -> int:
        return len(self.index)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Per group sum of ``values`` (booleans count)."""
        weights = np.asarray(values, dtype=float)
        return np.bincount(self.codes, weights=weights, minlength=self.size)

    def count(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.size).astype(np.int64)

    def distinct(self, values: np.ndarray) -> np.ndarray:
        """Per group, how many different non-negative integers ``values`` holds."""
        values = np.asarray(values, dtype=np.int64)
        width = int(values.max()) + 1 if len(values) else 1
        if self.size * width <= 50_000_000:  # a bitmap is cheaper than sorting or hashing
            seen = np.zeros((self.size, width), dtype=bool)
            seen[self.codes, values] = True
            return seen.sum(axis=1).astype(np.int64)
        pairs = pd.unique(self.codes.astype(np.int64) * width + values)
        return np.bincount(pairs // width, minlength=self.size).astype(np.int64)


def stable_order(codes: np.ndarray, size: int) -> np.ndarray:
    """``np.argsort(codes, kind="stable")`` for codes in ``0..size-1``: as 16-bit integers
    when they fit, which numpy sorts by radix (several times faster for a million rows)."""
    if size <= np.iinfo(np.int16).max:
        codes = codes.astype(np.int16)
    return np.argsort(codes, kind="stable")


def _codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes numbered in sorted label order, and the labels."""
    coded = _CODED.get(column)
    if coded in frame and len(frame):
        codes = frame[coded].to_numpy()
        rows = np.flatnonzero(codes >= 0)
        present = np.flatnonzero(np.bincount(codes[rows])) if len(rows) else rows
        # any row of a code has its label: one per code (no sort of a million codes)
        some = np.zeros(len(present) and int(present[-1]) + 1, dtype=np.int64)
        some[codes[rows]] = rows
        labels = frame[column].to_numpy()[some[present]]
        order = np.argsort(labels, kind="stable")
        remap = np.full(int(present.max()) + 1 if len(present) else 1, -1, dtype=np.int64)
        remap[present[order]] = np.arange(len(order))
        return remap[codes], labels[order]
    codes, labels = pd.factorize(frame[column], sort=True)
    return codes.astype(np.int64), np.asarray(labels)


def grouping(frame: pd.DataFrame, columns: list[str]) -> Groups:
    """Groups of ``frame`` by ``columns`` (like ``groupby(columns, sort=True)``)."""
    combined = np.zeros(len(frame), dtype=np.int64)
    levels = []
    for column in columns:
        codes, labels = _codes(frame, column)
        combined = combined * max(len(labels), 1) + codes
        levels.append(labels)
    inverse, groups = pd.factorize(combined)
    order = np.argsort(groups, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    inverse, groups = rank[inverse], groups[order]
    parts = []
    for labels in reversed(levels):
        parts.append(labels[groups % max(len(labels), 1)] if len(labels) else labels)
        groups = groups // max(len(labels), 1)
    arrays = list(reversed(parts))
    if len(columns) == 1:
        index = pd.Index(arrays[0], name=columns[0])
    else:
        index = pd.MultiIndex.from_arrays(arrays, names=columns)
    return Groups(inverse.reshape(-1).astype(np.int64), index)


def same_count(
    items: np.ndarray, keys: np.ndarray, codes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each row: how many rows share its item, and how many share its item and key.
    ``codes``: each row's (item, key) pair as a code, when already computed."""
    items = np.asarray(items, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    if not len(items):
        return items, items
    if codes is None:
        width = int(keys.max()) + 2
        codes = pd.factorize(items * width + keys + 1)[0]
    return np.bincount(items)[items], np.bincount(codes)[codes]
