"""Krippendorff's α at the interval and ordinal levels: the ratings as numbers (interval) or
mid-ranks (ordinal), and per-group sums of squared deviations (:mod:`.reliability`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_numbers", "midranks", "sum_of_squares"]


def sum_of_squares(groups: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Σ (x - mean)² per group, two-pass (no cancellation between large sums)."""
    mean = np.bincount(groups, weights=x, minlength=len(m)) / m
    deviation = x - mean[groups]
    return np.bincount(groups, weights=deviation * deviation, minlength=len(m))


def as_numbers(values: np.ndarray) -> np.ndarray:
    """The ratings as floats (interval α); ``TypeError`` naming the first that is not one."""
    try:
        return values.astype(float)
    except (TypeError, ValueError):
        bad = next(v for v in values.tolist() if not _is_number(v))
        raise TypeError(f"interval alpha needs numbers, got {bad!r}") from None


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def midranks(values: np.ndarray) -> np.ndarray:
    """Ordinal distance is the squared difference of mid-ranks: value c sits at
    Σ_{g<c} n_g + n_c / 2 in the sorted pairable ratings (Krippendorff 2011, ordinal metric)."""
    if values.dtype == object and all(_is_number(v) for v in values.tolist()):
        values = values.astype(float)
    codes, uniques = pd.factorize(values)  # hashing, then sorting only the distinct values
    try:
        order = np.argsort(np.asarray(uniques), kind="stable")
    except TypeError:
        raise TypeError("ordinal alpha needs values that sort (numbers, or strings only)") from None
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    counts = np.bincount(rank[codes], minlength=len(uniques)).astype(float)
    return (np.cumsum(counts) - counts / 2)[rank[codes]]
