"""Agreement measures match the reference implementations to 1e-9, with missing data."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from labelwidgets.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement


def random_matrix(seed: int, raters: int, items: int, values: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, values, size=(raters, items)).astype(float)
    # raters agree more than chance on some items, so alpha is not ~0 everywhere
    data[:, : items // 2] = data[0, : items // 2]
    flip = rng.random((raters, items)) < 0.3
    data[flip] = rng.integers(0, values, size=flip.sum())
    data[rng.random((raters, items)) < missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_krippendorff_alpha_matches_the_reference(seed: int, level: str) -> None:
    data = random_matrix(seed, raters=2 + seed % 4, items=60, values=5, missing=0.25)
    ours = krippendorff_alpha(data, level)
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert ours == pytest.approx(reference, abs=1e-9)
    as_lists = [[None if math.isnan(v) else v for v in row] for row in data.tolist()]
    assert krippendorff_alpha(as_lists, level) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_cohen_kappa_matches_scikit_learn(seed: int) -> None:
    data = random_matrix(seed, raters=2, items=80, values=4, missing=0.0)
    labels = np.array(["a", "b", "c", "d"])[data.astype(int)]
    assert cohen_kappa(labels[0], labels[1]) == pytest.approx(
        cohen_kappa_score(labels[0], labels[1]), abs=1e-9
    )


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_kappa_matches_statsmodels(seed: int) -> None:
    data = random_matrix(seed, raters=3 + seed % 3, items=50, values=4, missing=0.0)
    table = np.stack([(data == v).sum(axis=0) for v in range(4)], axis=1)
    assert fleiss_kappa(data) == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-9)


def test_percent_agreement_by_hand() -> None:
    # rows are raters, columns items. Item 1: x, x, x (3 of 3 pairs agree); item 2: y, y, w
    # (1 of 3 pairs); item 3: a single rating, left out
    matrix = [["x", "y", "z"], ["x", "y", None], ["x", "w", None]]
    assert percent_agreement(matrix) == pytest.approx((1 + 1 / 3) / 2)


def test_edge_cases_are_defined() -> None:
    one_labeler = [["a", "b", "c"]]
    assert math.isnan(krippendorff_alpha(one_labeler)) and math.isnan(
        percent_agreement(one_labeler)
    )
    all_missing = [[None, None], [None, None]]
    assert math.isnan(krippendorff_alpha(all_missing)) and math.isnan(fleiss_kappa(all_missing))
    identical = [["a", "a", "a"], ["a", "a", "a"]]
    assert krippendorff_alpha(identical) == 1.0
    assert cohen_kappa(identical[0], identical[1]) == 1.0
    assert fleiss_kappa(identical) == 1.0
    assert percent_agreement(identical) == 1.0
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([["a", "b"], ["a", None]])
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(identical, "ratio")
