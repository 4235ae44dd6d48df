"""Agreement measures match the reference implementations to 1e-9, with missing data."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

import labelwidgets as lw
from labelwidgets.quality import reliability as agreement
from labelwidgets.quality.reliability import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    mean_pairwise_f1,
    percent_agreement,
    reliability_matrix,
    summary,
)


def random_matrix(seed: int, raters: int, items: int, values: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, values, size=(raters, items)).astype(float)
    # raters agree more than chance on some items, so alpha is not ~0 everywhere
    data[:, : items // 2] = data[0, : items // 2]
    flip = rng.random((raters, items)) < 0.3
    data[flip] = rng.integers(0, values, size=flip.sum())
    data[rng.random((raters, items)) < missing] = np.nan
    return data


def as_lists(data: np.ndarray) -> list[list[object]]:
    return [[None if math.isnan(v) else v for v in row] for row in data.tolist()]


def as_long(data: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"item": f"i{j}", "rater": f"r{i}", "value": v}
            for i, row in enumerate(data.tolist())
            for j, v in enumerate(row)
            if not math.isnan(v)
        ]
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_krippendorff_alpha_matches_the_reference(seed: int, level: str) -> None:
    data = random_matrix(
        seed, raters=2 + seed % 4, items=20 + 30 * seed, values=3 + seed, missing=0.3
    )
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(reference, abs=1e-9)
    assert krippendorff_alpha(as_lists(data), level) == pytest.approx(reference, abs=1e-9)
    assert krippendorff_alpha(as_long(data), level) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("dense_limit", [0, 1 << 24])  # 0: sparse per-item counts
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_with_many_distinct_values_and_large_offsets(
    level: str, dense_limit: int, monkeypatch
) -> None:
    monkeypatch.setattr(agreement, "_DENSE_LIMIT", dense_limit)
    # continuous values far from zero: no values x values table, no cancellation
    rng = np.random.default_rng(1)
    truth = 1e6 + rng.normal(size=60)
    data = truth + rng.normal(scale=0.3, size=(3, 60))
    data[rng.random(data.shape) < 0.2] = np.nan
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(reference, abs=1e-9)
    rounded = data.round(1)
    as_text = np.where(np.isnan(rounded), None, rounded.astype(str))
    assert percent_agreement(rounded) == pytest.approx(percent_agreement(as_text), abs=1e-12)


def test_alpha_on_string_values() -> None:
    data = random_matrix(3, raters=3, items=50, values=4, missing=0.2)
    words = [[None if math.isnan(v) else "abcd"[int(v)] for v in row] for row in data.tolist()]
    for level in ("nominal", "ordinal"):  # "a" < "b" < ... keeps the order of 0 < 1 < ...
        assert krippendorff_alpha(words, level) == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=1e-9
        )
    with pytest.raises(TypeError, match=r"interval alpha needs numbers, got '[a-d]'"):
        krippendorff_alpha(words, "interval")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_scikit_learn(seed: int, weights: str | None) -> None:
    data = random_matrix(seed, raters=2, items=80, values=4, missing=0.15)
    both = ~np.isnan(data).any(axis=0)
    reference = cohen_kappa_score(data[0, both], data[1, both], weights=weights)
    assert cohen_kappa(data[0], data[1], weights=weights) == pytest.approx(reference, abs=1e-9)
    assert cohen_kappa(as_long(data), weights=weights) == pytest.approx(reference, abs=1e-9)
    if weights is None:
        labels = [[None if math.isnan(v) else "wxyz"[int(v)] for v in row] for row in data.tolist()]
        assert cohen_kappa(*labels) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_kappa_matches_statsmodels(seed: int) -> None:
    data = random_matrix(seed, raters=3 + seed % 3, items=50, values=4, missing=0.0)
    data[:, -5:] = np.nan  # unrated items are left out
    table = np.stack([(data == v).sum(axis=0) for v in range(4)], axis=1)[:-5]
    reference = sm_fleiss(table, method="fleiss")
    assert fleiss_kappa(data) == pytest.approx(reference, abs=1e-9)
    labels = [[None if math.isnan(v) else f"label {int(v)}" for v in row] for row in data.tolist()]
    assert fleiss_kappa(labels) == pytest.approx(reference, abs=1e-9)


def brute_force_alpha(data: list[list[object]], delta) -> float:
    """Krippendorff's definition, literally: coincidences over pairable units."""
    units = [[row[j] for row in data if row[j] is not None] for j in range(len(data[0]))]
    units = [u for u in units if len(u) >= 2]
    pairable = [v for u in units for v in u]
    n = len(pairable)
    observed = sum(
        delta(u[i], u[k], pairable) / (len(u) - 1)
        for u in units
        for i in range(len(u))
        for k in range(len(u))
        if i != k
    )
    expected = sum(delta(x, y, pairable) for x in pairable for y in pairable) / (n - 1)
    return 1 - observed / expected


def ordinal_delta(x: float, y: float, pairable: list[float]) -> float:
    low, high = min(x, y), max(x, y)
    between = sum(low <= v <= high for v in pairable)
    return (between - (pairable.count(x) + pairable.count(y)) / 2) ** 2


cells = st.one_of(st.none(), st.integers(0, 3))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda r: st.lists(st.lists(cells, min_size=r, max_size=r), min_size=2, max_size=8)
    )
)
def test_alpha_is_krippendorffs_definition(columns: list[list[object]]) -> None:
    data = [list(row) for row in zip(*columns, strict=True)]  # raters x items
    values = {v for u in columns if sum(x is not None for x in u) >= 2 for v in u if v is not None}
    if len(values) < 2:  # 0/0: see the edge-case test
        return
    for level, delta in (
        ("nominal", lambda x, y, _: float(x != y)),
        ("interval", lambda x, y, _: float(x - y) ** 2),
        ("ordinal", ordinal_delta),
    ):
        assert krippendorff_alpha(data, level) == pytest.approx(
            brute_force_alpha(data, delta), abs=1e-9
        )


def test_percent_agreement_by_hand() -> None:
    # rows are raters, columns items. Item 1: x, x, x (3 of 3 pairs agree); item 2: y, y, w
    # (1 of 3 pairs); item 3: a single rating, left out
    matrix = [["x", "y", "z"], ["x", "y", None], ["x", "w", None]]
    assert percent_agreement(matrix) == pytest.approx((1 + 1 / 3) / 2)


def test_tuples_and_unknown_are_single_values() -> None:
    matrix = [[("a", "b"), lw.UNKNOWN, "x"], [("a", "b"), lw.UNKNOWN, "y"]]
    assert percent_agreement(matrix) == pytest.approx(2 / 3)


def test_mean_pairwise_f1_by_hand() -> None:
    matrix = [
        ["the laws of England", "Texas", "x"],
        ["laws of England", "laws of Texas", None],
        [None, "Texas", None],
    ]
    # item 1: one pair, F1 1; item 2: pairs (Texas, laws of Texas) 0.5, (Texas, Texas) 1,
    # (laws of Texas, Texas) 0.5 -> 2/3; item 3 has one answer
    assert mean_pairwise_f1(matrix) == pytest.approx((1 + 2 / 3) / 2)


def test_long_table() -> None:
    frame = pd.DataFrame(
        {
            "item": [1, 1, 2, 2, 3],
            "rater": ["a", "b", "a", "b", "a"],
            "value": ["x", "x", "y", "z", "w"],
        }
    )
    wide = reliability_matrix(frame)
    assert wide.shape == (2, 3) and pd.isna(wide.loc["b", 3])
    assert percent_agreement(frame) == 0.5
    with pytest.raises(ValueError, match="rater 'a' rated item 1 more than once"):
        reliability_matrix(pd.concat([frame, frame.iloc[:1]]))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['rater'\]"):
        reliability_matrix(frame.drop(columns="rater"))


def test_edge_cases_are_defined() -> None:
    nan_measures = (percent_agreement, krippendorff_alpha, fleiss_kappa, mean_pairwise_f1)
    one_labeler = [["a", "b", "c"]]
    all_missing = [[None, None], [None, None]]
    each_once = [["a", None], [None, "b"]]
    for matrix in (one_labeler, all_missing, each_once):
        assert all(math.isnan(f(matrix)) for f in nan_measures)
    assert math.isnan(cohen_kappa(*all_missing))
    identical = [["a", "a", "a"], ["a", "a", "a"]]
    assert krippendorff_alpha(identical) == 1.0
    assert krippendorff_alpha([[2, 2], [2, 2]], "interval") == 1.0
    assert cohen_kappa(identical[0], identical[1]) == 1.0
    assert fleiss_kappa(identical) == 1.0
    assert percent_agreement(identical) == 1.0
    single_item = [["a"], ["b"]]
    assert krippendorff_alpha(single_item) == 0.0 and percent_agreement(single_item) == 0.0
    assert krippendorff_alpha([["a"], ["a"]]) == 1.0


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="same number of ratings on every item, got \\[1, 2\\]"):
        fleiss_kappa([["a", "b"], ["a", None]])
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha([["a"], ["a"]], "ratio")
    with pytest.raises(ValueError, match="one entry per item"):
        percent_agreement([["a", "b"], ["a"]])
    with pytest.raises(ValueError, match="exactly two raters, got 3"):
        cohen_kappa([["a"], ["a"], ["b"]])
    with pytest.raises(ValueError, match="2-D"):
        percent_agreement(np.zeros(3))


def test_summary_explains_every_nan_and_every_forced_one() -> None:
    nothing = summary([["a", "b"]])
    assert nothing["items"] == 0 and nothing["note"] == "only one labeler"
    assert math.isnan(nothing["krippendorff_alpha"]) and math.isnan(nothing["percent_agreement"])
    assert summary([["a", None], [None, "b"]])["note"] == "no item has two or more answers"
    same = summary([["a", "a"], ["a", "a"], ["a", "a"]])
    assert same["krippendorff_alpha"] == 1.0 and same["fleiss_kappa"] == 1.0
    assert (
        "every answer is the same" in same["note"]
        and "Cohen's kappa needs exactly two" in same["note"]
    )
    ragged = summary([["a", "b"], ["a", "c"], ["a", None]], text=True)
    assert (
        math.isnan(ragged["fleiss_kappa"])
        and "Fleiss' kappa needs the same number" in ragged["note"]
    )
    assert ragged["items"] == 2 and ragged["raters"] == 3 and ragged["ratings"] == 5
    assert ragged["mean_token_f1"] == pytest.approx((1 + 0) / 2)
    two = summary([["a", "b", "a"], ["a", "b", "b"]])
    assert two["cohen_kappa"] == pytest.approx(cohen_kappa_score(["a", "b", "a"], ["a", "b", "b"]))
    assert two["note"] == ""
