"""Inter-annotator agreement: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α and mean
pairwise token F1.

Inputs
------
Every measure takes a *reliability matrix*: one row per rater, one column per item, missing
ratings as ``None``/``NaN`` (a list of lists, a numpy array or a wide DataFrame), or a *long*
DataFrame with columns ``item``, ``rater``, ``value`` (one row per rating; see
:func:`reliability_matrix`). Values may be any hashable (strings, numbers, ``UNKNOWN``) for the
nominal measures; Krippendorff's α at the ordinal level needs sortable values and at the interval
level numbers.

Results match scikit-learn (Cohen), statsmodels (Fleiss) and the ``krippendorff`` package (α) to
1e-9, with missing data (the test suite checks it). α is computed in O(ratings) from per-item
sums (no items × values table, no values × values coincidence matrix), so it stays fast with
many items and many distinct values.

Edge cases
----------
Defined results rather than exceptions (:func:`summary` says which applies in ``note``):

- no item with two or more ratings (one rater, all missing, every item rated once): ``NaN`` —
  there is nothing to agree on;
- every rating identical (chance agreement is total, so κ and α are 0/0): ``1.0``, because
  observed agreement is perfect (the ``krippendorff`` package raises here, scikit-learn
  returns NaN);
- a single item rated twice or more: computed as usual (α is 0 when its ratings differ).

Fleiss' κ needs the same number of ratings on every rated item and raises ``ValueError``
otherwise; Cohen's κ needs exactly two raters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from labelwidgets.quality.distances import as_numbers, midranks, sum_of_squares

__all__ = [
    "LEVELS",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "mean_pairwise_f1",
    "percent_agreement",
    "reliability_matrix",
    "summary",
]

LEVELS = ("nominal", "ordinal", "interval")
_LONG = ("item", "rater", "value")
# above this many cells an items x values count table is not worth allocating
_DENSE_LIMIT = 1 << 24


def reliability_matrix(
    frame: pd.DataFrame, *, item: str = "item", rater: str = "rater", value: str = "value"
) -> pd.DataFrame:
    """A long table of ratings as a raters × items DataFrame (missing ratings are ``NaN``).

    Parameters
    ----------
    frame : DataFrame
        One row per rating.
    item, rater, value : str
        Column names of the item, the rater and the rating.

    Raises
    ------
    ValueError
        When a column is missing or a rater rated the same item twice.
    """
    missing = [c for c in (item, rater, value) if c not in frame.columns]
    if missing:
        raise ValueError(f"reliability_matrix: missing column(s) {missing}")
    twice = frame.duplicated([item, rater])
    if twice.any():
        who, what = (frame.loc[twice, c].tolist()[0] for c in (rater, item))
        raise ValueError(f"rater {who!r} rated item {what!r} more than once")
    items = pd.unique(frame[item])
    raters = pd.unique(frame[rater])
    numeric = pd.api.types.is_numeric_dtype(frame[value]) and not pd.api.types.is_bool_dtype(
        frame[value]
    )
    cells = np.full((len(raters), len(items)), np.nan, dtype=float if numeric else object)
    rows = pd.Index(raters).get_indexer(frame[rater])
    cols = pd.Index(items).get_indexer(frame[item])
    cells[rows, cols] = frame[value].to_numpy(dtype=float if numeric else object)
    return pd.DataFrame(cells, index=raters, columns=items)


def _as_array(data: Any) -> np.ndarray:
    """Raters × items numpy array (float when numeric, else object)."""
    if isinstance(data, pd.DataFrame):
        if set(_LONG) <= set(data.columns):
            data = reliability_matrix(data)
        data = data.to_numpy()
    elif not isinstance(data, np.ndarray):
        rows = [list(row) for row in data]
        if len({len(r) for r in rows}) > 1:
            raise ValueError(
                "every rater's row must have one entry per item (use None for missing)"
            )
        data = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
        for i, row in enumerate(rows):  # fromiter: a tuple answer is one value, not a row
            data[i, :] = np.fromiter(row, dtype=object, count=len(row))
    if data.ndim != 2:
        raise ValueError(f"a reliability matrix is 2-D (raters × items), got {data.ndim}-D")
    if data.dtype.kind in "iub":
        data = data.astype(float)
    return data


def _present(data: np.ndarray) -> np.ndarray:
    if data.dtype.kind == "f":
        return ~np.isnan(data)
    return ~pd.isna(data)


def _pairable(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(item index, rating) of every rating on an item with >= 2 ratings, and m per such item
    (items renumbered 0..k-1)."""
    present = _present(data)
    per_item = present.sum(axis=0)
    keep = per_item >= 2
    mask = present & keep[None, :]
    renumber = np.cumsum(keep) - 1
    # column-major order groups each item's ratings together (bincount does not need it)
    cols = np.broadcast_to(np.arange(data.shape[1]), data.shape)[mask]
    return renumber[cols], data[mask], per_item[keep].astype(float)


def _squares_per_item(
    items: np.ndarray, codes: np.ndarray, n_items: int, n_values: int
) -> np.ndarray:
    """Σ_c n_uc² per item u, where n_uc counts ratings c on item u."""
    key = items.astype(np.int64) * n_values + codes
    if n_items * n_values <= max(_DENSE_LIMIT, 8 * len(key)):
        counts = np.bincount(key, minlength=n_items * n_values).reshape(n_items, n_values)
        # in integers (exact, as the float sums of these integer squares were), no temporaries
        return np.einsum("ij,ij->i", counts, counts).astype(float)
    pairs, counts = np.unique(key, return_counts=True)
    return np.bincount(pairs // n_values, weights=counts.astype(float) ** 2, minlength=n_items)


_Nominal = tuple[np.ndarray, np.ndarray, int, np.ndarray]


def _nominal(matrix: np.ndarray) -> _Nominal | None:
    """The pairable ratings of ``matrix`` as the nominal measures use them (``None`` when no
    item has two): ratings per item (m), value codes, how many values, Σ n_uc² per item.
    Computed once for percent agreement, nominal α and Fleiss' κ in :func:`summary`."""
    items, values, m = _pairable(matrix)
    if not len(m):
        return None
    codes, uniques = pd.factorize(values)
    return m, codes, len(uniques), _squares_per_item(items, codes, len(m), len(uniques))


def _percent(parts: _Nominal) -> float:
    m, _, _, squares = parts
    return float(np.mean((squares - m) / (m * (m - 1))))


def percent_agreement(data: Any) -> float:
    """Mean share of agreeing rater pairs, over items with at least two ratings.

    Returns ``NaN`` when no item has two ratings.
    """
    parts = _nominal(_as_array(data))
    return float("nan") if parts is None else _percent(parts)


def _kappa(observed: float, expected: float) -> float:
    if expected >= 1.0 - 1e-15:
        return 1.0 if observed >= 1.0 - 1e-15 else float("nan")
    return float((observed - expected) / (1 - expected))


def cohen_kappa(a: Any, b: Sequence[Any] | None = None, *, weights: str | None = None) -> float:
    """Cohen's κ of two raters over the items both rated.

    Parameters
    ----------
    a, b : sequences
        The two raters' ratings, item by item (``None``/``NaN`` = missing). Or pass a two-row
        reliability matrix / long DataFrame as ``a`` alone.
    weights : None, "linear" or "quadratic"
        Weighted κ for ordered ratings, as scikit-learn's ``cohen_kappa_score`` (categories in
        sorted order).

    Returns
    -------
    float
        ``NaN`` when no item has both ratings; ``1.0`` when both raters always give the same
        single value.
    """
    if b is None:
        matrix = _as_array(a)
        if matrix.shape[0] != 2:
            raise ValueError(f"Cohen's kappa needs exactly two raters, got {matrix.shape[0]}")
    else:
        left, right = _as_array([list(a)]), _as_array([list(b)])
        if left.shape[1] != right.shape[1]:
            raise ValueError(f"the two raters rated {left.shape[1]} and {right.shape[1]} items")
        matrix = np.concatenate([left.astype(object), right.astype(object)])
    both = _present(matrix).all(axis=0)
    if not both.any():
        return float("nan")
    pairs = matrix[:, both]
    codes, labels = pd.factorize(pairs.ravel(), sort=weights is not None)
    k = len(labels)
    codes = codes.reshape(pairs.shape)
    table = np.bincount(codes[0] * k + codes[1], minlength=k * k).reshape(k, k).astype(float)
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    if weights is None:
        return _kappa(float(np.trace(table)) / n, float(np.trace(expected)) / n)
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    distance = np.abs(np.subtract.outer(np.arange(k), np.arange(k))).astype(float)
    if weights == "quadratic":
        distance **= 2
    disagreement = float((distance * expected).sum())
    if disagreement == 0:
        return 1.0
    return float(1 - (distance * table).sum() / disagreement)


def fleiss_kappa(data: Any) -> float:
    """Fleiss' κ; every rated item must have the same number of ratings (unrated items are
    ignored).

    Returns ``NaN`` with fewer than two ratings per item; ``1.0`` when every rating is the same.

    Raises
    ------
    ValueError
        When items have different numbers of ratings.
    """
    matrix = _as_array(data)
    present = _present(matrix)
    per_item = present.sum(axis=0)
    rated = per_item > 0
    if not rated.any():
        return float("nan")
    if not np.all(per_item[rated] == per_item[rated][0]):
        raise ValueError(
            "Fleiss' kappa needs the same number of ratings on every item, got "
            f"{sorted(set(per_item[rated].tolist()))}"
        )
    if per_item[rated][0] < 2:
        return float("nan")
    # every rated item has the same n >= 2 ratings: all are pairable
    parts = _nominal(matrix)
    return float("nan") if parts is None else _fleiss(parts)


def _fleiss(parts: _Nominal) -> float:
    """Fleiss' κ of ratings with the same number on every item."""
    m, codes, n_values, squares = parts
    n, n_items = float(m[0]), len(m)
    p_bar = float(np.mean((squares - n) / (n * (n - 1))))
    p_cat = np.bincount(codes, minlength=n_values) / (n_items * n)
    return _kappa(p_bar, float((p_cat * p_cat).sum()))


def krippendorff_alpha(data: Any, level: str = "nominal") -> float:
    """Krippendorff's α at ``level`` "nominal", "ordinal" or "interval"; missing data allowed.

    Returns
    -------
    float
        ``NaN`` when no item has two ratings; ``1.0`` when all pairable ratings are identical.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {level!r}")
    if level == "nominal":
        parts = _nominal(_as_array(data))
        return float("nan") if parts is None else _nominal_alpha(parts)
    items, values, m = _pairable(_as_array(data))
    if not len(m):
        return float("nan")
    n = float(m.sum())
    x = as_numbers(values) if level == "interval" else midranks(values)
    # Σ_{i≠j in u} (x_i - x_j)² = 2 m_u Σ_u (x - mean_u)²; the same over all ratings for D_e
    observed = float(np.sum(2 * m * sum_of_squares(items, x, m) / (m - 1)))
    expected = 2 * n * float(sum_of_squares(np.zeros(len(x), dtype=np.int64), x, np.array([n]))[0])
    return _alpha(n, observed, expected)


def _nominal_alpha(parts: _Nominal) -> float:
    m, codes, n_values, squares = parts
    n = float(m.sum())
    # pairs (ordered, within an item) of different values, weighted 1/(m_u - 1)
    observed = float(np.sum((m * m - squares) / (m - 1)))
    totals = np.bincount(codes, minlength=n_values).astype(float)
    return _alpha(n, observed, n * n - float(totals @ totals))


def _alpha(n: float, observed: float, expected: float) -> float:
    if expected <= 0:
        return 1.0 if observed <= 0 else float("nan")
    return float(1 - (n - 1) * observed / expected)


def mean_pairwise_f1(data: Any, f1: Callable[[Any, Any], float] | None = None) -> float:
    """Mean token F1 between raters on the same item (free text).

    Each item with two or more ratings contributes the mean F1 over its rater pairs; the result
    is the mean over those items (``NaN`` if there are none). ``f1`` defaults to
    :func:`labelwidgets.schema.compare.token_f1`.
    """
    if f1 is None:
        from labelwidgets.schema.compare import token_f1 as f1
    matrix = _as_array(data)
    present = _present(matrix)
    codes = np.full(matrix.shape, -1, dtype=np.int64)
    codes[present], uniques = pd.factorize(matrix[present])
    firsts, seconds, items = [], [], []
    for i in range(matrix.shape[0]):  # rater pairs: labelers are few, items many
        for j in range(i + 1, matrix.shape[0]):
            both = np.flatnonzero(present[i] & present[j])
            firsts.append(codes[i, both])
            seconds.append(codes[j, both])
            items.append(both)
    if not items or not sum(len(x) for x in items):
        return float("nan")
    first, second, item = (np.concatenate(x) for x in (firsts, seconds, items))
    # F1 once per distinct pair of answers (they repeat), then averaged per item
    width = len(uniques) + 1
    inverse, pairs = pd.factorize(first * width + second)  # hashing: no sort of every pair
    values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    scores = np.array(
        [f1(values[p // width], values[p % width]) for p in pairs.tolist()], dtype=float
    )
    per_item = np.bincount(item, weights=scores[inverse], minlength=matrix.shape[1])
    n_pairs = np.bincount(item, minlength=matrix.shape[1])
    rated = n_pairs > 0
    return float(np.mean(per_item[rated] / n_pairs[rated]))


def summary(
    data: Any, level: str = "nominal", *, alpha_data: Any = None, text: bool = False
) -> dict[str, Any]:
    """Every measure that applies to one reliability matrix, and a ``note`` saying why any is
    ``NaN`` or set to 1.0.

    Parameters
    ----------
    data : reliability matrix or long DataFrame
        Nominal values (comparison keys) for percent agreement and the κs.
    level : str
        Krippendorff α level.
    alpha_data : optional
        The matrix α is computed on when it differs from ``data`` (e.g. numbers for the
        interval level while ``data`` holds UNKNOWN as a category).
    text : bool
        Also compute :func:`mean_pairwise_f1` (free-text answers).

    Returns
    -------
    dict
        items (with >= 2 ratings), raters, ratings, percent_agreement, cohen_kappa,
        fleiss_kappa, krippendorff_alpha, alpha_level, mean_token_f1, note.
    """
    matrix = _as_array(data)
    present = _present(matrix)
    pairable = present.sum(axis=0) >= 2
    raters = int((present[:, pairable]).any(axis=1).sum())
    nan = float("nan")
    out: dict[str, Any] = {
        "items": int(pairable.sum()),
        "raters": raters,
        "ratings": int(present[:, pairable].sum()),
        "percent_agreement": nan,
        "cohen_kappa": nan,
        "fleiss_kappa": nan,
        "krippendorff_alpha": nan,
        "alpha_level": level,
        "mean_token_f1": nan,
    }
    notes = []
    if not pairable.any():
        notes.append(
            "only one labeler" if matrix.shape[0] < 2 else "no item has two or more answers"
        )
        return {**out, "note": "; ".join(notes)}
    # an item is pairable: the parts are not None; shared by the three nominal measures
    parts: Any = _nominal(matrix)
    out["percent_agreement"] = _percent(parts)
    nominal = alpha_data is None and level == "nominal"
    alpha_on = matrix if alpha_data is None else alpha_data
    out["krippendorff_alpha"] = (
        _nominal_alpha(parts) if nominal else krippendorff_alpha(alpha_on, level)
    )
    if text:
        out["mean_token_f1"] = mean_pairwise_f1(matrix)
    if matrix.shape[0] == 2:
        out["cohen_kappa"] = cohen_kappa(matrix)
    else:
        notes.append(f"Cohen's kappa needs exactly two labelers ({matrix.shape[0]})")
    per_item = present.sum(axis=0)
    if len(set(per_item[per_item > 0].tolist())) == 1:  # then every rated item is pairable
        out["fleiss_kappa"] = _fleiss(parts)
    else:
        notes.append("Fleiss' kappa needs the same number of answers on every item")
    no_alpha = math.isnan(out["krippendorff_alpha"])
    if len(pd.unique(matrix[present & pairable[None, :]])) == 1:
        measures = "kappa is" if no_alpha else "kappa and alpha are"
        notes.append(f"every answer is the same: {measures} 1.0 (no chance disagreement)")
    if no_alpha:
        notes.append(f"alpha: no item has two or more usable answers at the {level} level")
    return {**out, "note": "; ".join(notes)}
