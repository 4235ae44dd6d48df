"""Train / validation / test splits of export rows: whole documents go to one split."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from labelwidgets.exporting.formats import Row

__all__ = ["fractions_of", "split_rows"]


_SPLIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


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


def split_rows(
    rows: list[Row], fractions: dict[str, float], group_by: str, seed: int
) -> dict[str, list[Row]]:
    """Whole groups (documents) go to one split; groups are shuffled deterministically."""
    sizes = Counter(getattr(r, group_by) for r in rows)
    groups = sorted(sizes)
    random.Random(seed).shuffle(groups)
    names = list(fractions)
    targets = {name: fractions[name] * len(rows) for name in names}
    assigned: dict[str, str] = {}
    filled = dict.fromkeys(names, 0)
    for group in groups:
        # the split that is furthest below its target takes the next document
        name = max(
            names,
            key=lambda n: (targets[n] - filled[n]) / max(targets[n], 1e-9) if targets[n] else -1e9,
        )
        assigned[group] = name
        filled[name] += sizes[group]
    splits: dict[str, list[Row]] = {name: [] for name in names}
    for row in rows:
        splits[assigned[getattr(row, group_by)]].append(row)
    return splits
