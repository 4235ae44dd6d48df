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

__all__ = ["labelers_consensus", "others_consensus"]


def _top_three(items: np.ndarray, keys: np.ndarray) -> pd.DataFrame:
    """Per item: k1, c1, k2, c2, c3 (the most given keys and their counts; -1 / 0 if none)."""
    counts = (
        pd.DataFrame({"item": items, "key": keys})
        .groupby(["item", "key"], sort=False)
        .size()
        .reset_index(name="n")
        .sort_values(["item", "n", "key"], ascending=[True, False, True], kind="stable")
    )
    counts["rank"] = counts.groupby("item", sort=False).cumcount()
    top = counts[counts["rank"] < 3].pivot(index="item", columns="rank", values=["key", "n"])
    out = pd.DataFrame(index=top.index)
    for rank in range(3):
        key = ("key", rank)
        out[f"k{rank + 1}"] = top[key].fillna(-1).astype(np.int64) if key in top else -1
        out[f"c{rank + 1}"] = top[("n", rank)].fillna(0).astype(np.int64) if key in top else 0
    return out


def others_consensus(items: pd.Series, keys: pd.Series, min_support: int = 2) -> np.ndarray:
    """For each answer (one per labeler and item), the key the other labelers agree on, or -1.

    Parameters
    ----------
    items : Series of int
        The item (chunk × question) of each answer.
    keys : Series of int
        The answer's key (-1: missing, left out).
    min_support : int
        How many other labelers must give the consensus answer.
    """
    item, key = items.to_numpy(), keys.to_numpy()
    result = np.full(len(key), -1, dtype=np.int64)
    usable = key >= 0
    if not usable.any():
        return result
    top = _top_three(item[usable], key[usable]).reindex(item).fillna(0).astype(np.int64)
    k1, c1, k2, c2, c3 = (top[c].to_numpy() for c in ("k1", "c1", "k2", "c2", "c3"))
    is1, is2 = key == k1, key == k2
    # the leader and the runner-up once this labeler's own answer is taken away
    overtaken = is1 & (c1 - 1 < c2)  # a tie for first place: the other key now leads
    lead_key = np.where(overtaken, k2, k1)
    lead = np.where(is1, np.maximum(c1 - 1, c2), c1)
    second = np.where(
        is1,
        np.where(overtaken, np.maximum(c1 - 1, c3), c2),
        np.where(is2, np.maximum(c2 - 1, c3), c2),
    )
    found = usable & (lead >= min_support) & (lead > second)
    result[found] = lead_key[found]
    return result


def labelers_consensus(
    answers: pd.DataFrame, other: pd.DataFrame, min_support: int = 2
) -> np.ndarray:
    """For rows of ``other`` (e.g. model answers: chunk_id, question), the key all labelers agree
    on (at least ``min_support`` of them and more than on any other answer), or -1."""
    result = np.full(len(other), -1, dtype=np.int64)
    usable = answers[answers["key"] >= 0]
    if usable.empty or other.empty:
        return result
    top = _top_three(usable["qi"].to_numpy(), usable["key"].to_numpy())
    qi_of = usable.drop_duplicates(["chunk_id", "question"]).set_index(["chunk_id", "question"])
    qi = qi_of["qi"].reindex(pd.MultiIndex.from_arrays([other["chunk_id"], other["question"]]))
    found = top.reindex(qi.to_numpy()).fillna(0).astype(np.int64)
    ok = ((found["c1"] >= min_support) & (found["c1"] > found["c2"])).to_numpy()
    result[ok] = found["k1"].to_numpy()[ok]
    return result
