"""Train / validation / test splits of export rows: whole documents go to one split.

Each group (a document, or a chunk with ``group_by="chunk_id"``) goes to the split that a seeded
hash of its key points at: the same group, seed and fractions always give the same split,
whatever else is exported and in whatever order, so a streaming export assigns rows without
holding any of them. Each split's share of the groups is its fraction on average (exactly only
for many groups).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from itertools import groupby
from operator import attrgetter
from typing import Any

from labelwidgets.exporting.formats import Row

__all__ = ["GroupSplitter", "fractions_of", "split_rows"]


_SPLIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_SCALE = float(2**64)


def _file_name(name: str) -> str:
    """A split name becomes a file name in the export folder: nothing that leaves it."""
    if not _SPLIT_NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"split name {name!r} must be a plain file name (letters, digits, '_', '-', '.'; "
            "no '/' or '..'), e.g. 'train' or 'dev-2': the export writes <name>.jsonl in its folder"
        )
    return name


def fractions_of(split: Any) -> dict[str, float]:
    """``split`` (None, a validation fraction, a 2/3-tuple or a dict) as ``{split: fraction}``."""
    if split is None:
        return {"train": 1.0}
    if isinstance(split, (int, float)):
        fractions = {"train": 1 - float(split), "validation": float(split)}
    elif isinstance(split, Mapping):
        fractions = {_file_name(str(k)): float(v) for k, v in split.items()}
    else:
        names = ["train", "validation", "test"][: len(split)]
        if len(split) not in (2, 3):
            raise ValueError("split as a tuple needs 2 or 3 fractions: (train, validation[, test])")
        fractions = dict(zip(names, map(float, split), strict=True))
    if any(f < 0 for f in fractions.values()) or abs(sum(fractions.values()) - 1) > 1e-6:
        raise ValueError(f"split fractions must be >= 0 and add up to 1, got {fractions}")
    return fractions


class GroupSplitter:
    """The split of each group key: ``blake2b(seed, key)`` read as a number in [0, 1) falls
    into one split's share of the interval (splits in the order given).

    Keeps only a bounded cache of recent answers (rows of one group arrive together).
    """

    def __init__(self, fractions: dict[str, float], seed: int) -> None:
        self.names = list(fractions)
        self._seed = f"{int(seed)}\x1f".encode()
        bounds, total = [], 0.0
        for name in self.names:
            total += fractions[name]
            bounds.append(total)
        self._bounds = bounds
        # the last split with a share takes what rounding leaves above its bound
        self._last = max(i for i, name in enumerate(self.names) if fractions[name] > 0)
        self._cache: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= 100_000:
                self._cache.clear()
            found = self._cache[key] = self._assign(key)
        return found

    def _assign(self, key: str) -> str:
        digest = hashlib.blake2b(self._seed + str(key).encode(), digest_size=8).digest()
        point = int.from_bytes(digest, "big") / _SCALE
        for index, bound in enumerate(self._bounds):
            if point < bound and bound > (self._bounds[index - 1] if index else 0.0):
                return self.names[index]
        return self.names[self._last]


def split_rows(
    rows: list[Row], fractions: dict[str, float], group_by: str, seed: int
) -> dict[str, list[Row]]:
    """Rows by split (each split keeps the rows' order): whole groups go to one split."""
    split_of = GroupSplitter(fractions, seed)
    splits: dict[str, list[Row]] = {name: [] for name in fractions}
    for key, run in groupby(rows, attrgetter(group_by)):  # a group's rows come together
        splits[split_of(key)].extend(run)
    return splits
