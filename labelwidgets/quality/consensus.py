"""The reference an answer is compared with when there is no gold: the consensus of the others.

For a labeler's answer to an item (chunk × question), the *consensus of the others* is the
answer given by the most of the **other** labelers on that item, when at least
``min_support`` of them give it and strictly more give it than any other answer (a tie has no
consensus). UNKNOWN ("not in the text") is an answer like any other here. Answers are compared
by key, so equivalent answers under the question's ``match=`` rule count together.

A labeler is never part of their own reference, so a labeler who misreads a question cannot
pull the reference their way; with gold missing, three careful labelers out of five are enough
for every one of them to be scored.

Computed in O(answers) with array operations: per item, the two most given answers and the
counts of the first three are enough to know the consensus without any one labeler.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["item_key_pairs", "labelers_consensus", "others_consensus"]


def item_key_pairs(
    items: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's (item, key) pair as a code, and each pair's item and key (keys >= 0)."""
    width = int(keys.max()) + 1
    codes, pairs = pd.factorize(items.astype(np.int64) * width + keys)
    return codes, pairs // width, pairs % width


def _top_three(
    items: np.ndarray | None,
    keys: np.ndarray,
    size: int,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Per item (0 <= item < size): k1, c1, k2, c2, c3 — the most given keys and their counts
    (-1 / 0 where there are none) — as a (size, 5) array. ``pairs``: :func:`item_key_pairs` of the
    rows when already computed."""
    top = np.zeros((size, 5), dtype=np.int64)
    top[:, 0] = top[:, 2] = -1
    if not len(keys):
        return top
    codes, item, key = pairs if pairs is not None else item_key_pairs(items, keys)
    counts = np.bincount(codes)
    order = np.lexsort((key, -counts, item))  # per item: most given first, ties by key
    item, key, counts = item[order], key[order], counts[order]
    start = np.r_[0, np.flatnonzero(item[1:] != item[:-1]) + 1]
    rank = np.arange(len(item)) - np.repeat(start, np.diff(np.r_[start, len(item)]))
    for r, (k, c) in enumerate(((0, 1), (2, 3), (None, 4))):
        at = rank == r
        if k is not None:
            top[item[at], k] = key[at]
        top[item[at], c] = counts[at]
    return top


def others_consensus(
    items: np.ndarray,
    keys: np.ndarray,
    min_support: int = 2,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """For each answer (one per labeler and item), the key the other labelers agree on, or -1.

    Parameters
    ----------
    items : array of int
        The item (chunk × question) of each answer (non-negative codes).
    keys : array of int
        The answer's key (-1: missing, left out).
    min_support : int
        How many other labelers must give the consensus answer.
    pairs : tuple of arrays, optional
        :func:`item_key_pairs` of ``items`` and ``keys`` when already computed (every key
        non-negative).
    """
    result = np.full(len(keys), -1, dtype=np.int64)
    usable = keys >= 0
    if not usable.any():
        return result
    # computed once per distinct (item, key) pair, then spread to the answers giving it
    if pairs is None:
        pairs = item_key_pairs(items[usable], keys[usable])
    codes, pair_item, pair_key = pairs
    top = _top_three(None, pair_key, int(items.max()) + 1, pairs)[pair_item]
    k1, c1, k2, c2, c3 = (top[:, i] for i in range(5))
    is1, is2 = pair_key == k1, pair_key == k2
    # the leader and the runner-up once this labeler's own answer is taken away
    overtaken = is1 & (c1 - 1 < c2)  # a tie for first place: the other key now leads
    lead_key = np.where(overtaken, k2, k1)
    lead = np.where(is1, np.maximum(c1 - 1, c2), c1)
    second = np.where(
        is1,
        np.where(overtaken, np.maximum(c1 - 1, c3), c2),
        np.where(is2, np.maximum(c2 - 1, c3), c2),
    )
    found = (lead >= min_support) & (lead > second)
    result[usable] = np.where(found, lead_key, -1)[codes]
    return result


def labelers_consensus(
    answers: pd.DataFrame, other: pd.DataFrame, min_support: int = 2
) -> np.ndarray:
    """For rows of ``other`` (e.g. model answers, with the same ``qi`` codes as ``answers``),
    the key the labelers agree on (at least ``min_support`` of them and more than on any other
    answer), or -1."""
    result = np.full(len(other), -1, dtype=np.int64)
    keys = answers["key"].to_numpy()
    usable = keys >= 0
    wanted = other["qi"].to_numpy()
    if not usable.any() or not len(wanted):
        return result
    items = answers["qi"].to_numpy()
    size = int(max(items.max(), wanted.max())) + 1
    top = _top_three(items[usable], keys[usable], size)[np.maximum(wanted, 0)]
    ok = (wanted >= 0) & (top[:, 1] >= min_support) & (top[:, 1] > top[:, 3])
    result[ok] = top[ok, 0]
    return result
