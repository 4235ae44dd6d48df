"""Inter-annotator agreement: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α.

Inputs are reliability matrices: one row per rater, one column per item, missing ratings as
``NaN``/``None``. Results match scikit-learn (Cohen), statsmodels (Fleiss) and the
``krippendorff`` package (α) to 1e-9 (the test suite checks it).

Edge cases have defined results rather than exceptions:

- fewer than two ratings on every item (one labeler, or all missing): ``NaN`` — there is nothing
  to agree on;
- every rating identical (no variation, so chance agreement is total): κ and α are ``1.0`` when
  observed agreement is perfect.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "percent_agreement"]

LEVELS = ("nominal", "ordinal", "interval")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _codes(matrix: Sequence[Sequence[Any]], *, numeric: bool) -> tuple[np.ndarray, np.ndarray]:
    """(raters × items integer codes with -1 for missing, the sorted distinct values)."""
    if isinstance(matrix, np.ndarray) and matrix.dtype.kind in "fiu":
        data = matrix.astype(float)
        present = ~np.isnan(data)
        values, inverse = np.unique(data[present], return_inverse=True)
        codes = np.full(data.shape, -1, dtype=np.int64)
        codes[present] = inverse
        return codes, values
    flat = [v for row in matrix for v in row if not _missing(v)]
    values = (
        np.array(sorted(set(flat)), dtype=float)
        if numeric
        else np.array(sorted(set(flat), key=repr), dtype=object)
    )
    lookup = {v: i for i, v in enumerate(values.tolist())}
    codes = np.array([[-1 if _missing(v) else lookup[float(v) if numeric else v] for v in row] for row in matrix],
                     dtype=np.int64).reshape(len(matrix), -1)  # fmt: skip
    return codes, values


def _unit_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Items × values count matrix."""
    items = codes.shape[1]
    present = codes >= 0
    unit = np.broadcast_to(np.arange(items), codes.shape)[present]
    flat = unit * n_values + codes[present]
    return np.bincount(flat, minlength=items * n_values).reshape(items, n_values).astype(float)


def percent_agreement(matrix: Sequence[Sequence[Any]]) -> float:
    """Mean share of agreeing rater pairs over items with at least two ratings."""
    codes, values = _codes(matrix, numeric=False)
    counts = _unit_counts(codes, len(values))
    m = counts.sum(axis=1)
    usable = m >= 2
    if not usable.any():
        return float("nan")
    agreeing = (counts[usable] * (counts[usable] - 1)).sum(axis=1)
    return float(np.mean(agreeing / (m[usable] * (m[usable] - 1))))


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's κ of two raters over the items both rated."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not _missing(x) and not _missing(y)]
    if not pairs:
        return float("nan")
    labels = sorted({v for p in pairs for v in p}, key=repr)
    index = {v: i for i, v in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)))
    for x, y in pairs:
        table[index[x], index[y]] += 1
    n = table.sum()
    observed = np.trace(table) / n
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / n**2
    if expected == 1.0:
        return 1.0 if observed == 1.0 else float("nan")
    return float((observed - expected) / (1 - expected))


def fleiss_kappa(matrix: Sequence[Sequence[Any]]) -> float:
    """Fleiss' κ; every item must have the same number of ratings (items with none are ignored)."""
    codes, values = _codes(matrix, numeric=False)
    counts = _unit_counts(codes, len(values))
    counts = counts[counts.sum(axis=1) > 0]
    if not len(counts):
        return float("nan")
    per_item = counts.sum(axis=1)
    if not np.all(per_item == per_item[0]):
        raise ValueError("Fleiss' kappa needs the same number of ratings on every item")
    n = per_item[0]
    if n < 2:
        return float("nan")
    p_item = ((counts * counts).sum(axis=1) - n) / (n * (n - 1))
    p_bar = p_item.mean()
    p_cat = counts.sum(axis=0) / counts.sum()
    p_e = float((p_cat * p_cat).sum())
    if p_e == 1.0:
        return 1.0 if p_bar == 1.0 else float("nan")
    return float((p_bar - p_e) / (1 - p_e))


def krippendorff_alpha(matrix: Sequence[Sequence[Any]], level: str = "nominal") -> float:
    """Krippendorff's α at ``level`` "nominal", "ordinal" or "interval" (missing data allowed)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {level!r}")
    codes, values = _codes(matrix, numeric=level != "nominal")
    counts = _unit_counts(codes, len(values))
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    if not len(counts):
        return float("nan")
    weighted = counts / (m - 1)[:, None]
    coincidence = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    delta = _distance(level, values, n_c)
    observed = float((coincidence * delta).sum())
    expected = float((np.outer(n_c, n_c) * delta).sum()) / (n - 1)
    if expected == 0:
        return 1.0 if observed == 0 else float("nan")
    return 1 - observed / expected


def _distance(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        v = values.astype(float)
        return (v[:, None] - v[None, :]) ** 2
    cumulative = np.cumsum(n_c)
    low = np.minimum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    high = np.maximum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    between = cumulative[high] - np.where(low > 0, cumulative[low - 1], 0)
    return (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
