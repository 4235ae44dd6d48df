"""Abstention-aware scores: the one definition used by every figure that compares answers with a
reference (quality.labelers / models / trial_report, prompt_report, the PromptLab table).

"Not in the text" (UNKNOWN) is a real answer, so a single accuracy pooled over items where the
reference is UNKNOWN mixes two different skills and lets whichever kind of item is more
common decide. The figures keep them apart. Over the items that have a reference:

coverage
    Of the items whose reference is an answer, the share answered (not UNKNOWN).
accuracy_on_answered
    Of the items where both the reference and the answer are answers, the share that match
    (under the question's ``match=`` rule).
unknown_precision
    Of the answer's UNKNOWNs, the share where the reference is UNKNOWN too.
unknown_recall
    Of the items whose reference is UNKNOWN, the share answered UNKNOWN.
overall
    ½ · (share of answerable items answered correctly, i.e. coverage × accuracy_on_answered)
    + ½ · unknown_recall: a balanced accuracy over the two kinds of item, each weighing half
    however many there are. When the reference has only one kind of item, ``overall`` is that
    kind's share alone. It is the one number to rank by; read the four figures to see why.

A reply that could not be parsed counts as an answer (not UNKNOWN) that does not match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: opening a store or a Labeler needs neither
    import numpy as np
    import pandas as pd

__all__ = ["COUNTS", "FIGURES", "counts", "figures", "score"]

COUNTS = [
    "scored",
    "answerable",
    "answered",
    "right",
    "unanswerable",
    "said_unknown",
    "unknown_right",
]
FIGURES = ["coverage", "accuracy_on_answered", "unknown_precision", "unknown_recall", "overall"]


def counts(said_unknown: np.ndarray, ref_unknown: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """Per-item 0/1 columns of :data:`COUNTS` (sum them per group, then call :func:`figures`).

    Parameters
    ----------
    said_unknown, ref_unknown, correct : array of bool
        One entry per item with a reference: the answer is UNKNOWN, the reference is UNKNOWN,
        the answer matches the reference.
    """
    import numpy as np
    import pandas as pd

    said = np.asarray(said_unknown, dtype=bool)
    ref = np.asarray(ref_unknown, dtype=bool)
    right = np.asarray(correct, dtype=bool)
    answerable = ~ref
    answered = answerable & ~said
    return pd.DataFrame(
        {
            "scored": np.ones(len(said), dtype=np.int64),
            "answerable": answerable.astype(np.int64),
            "answered": answered.astype(np.int64),
            "right": (answered & right).astype(np.int64),
            "unanswerable": ref.astype(np.int64),
            "said_unknown": said.astype(np.int64),
            "unknown_right": (said & ref).astype(np.int64),
        }
    )


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype(float)
    return part.astype(float) / whole.where(whole > 0)


def figures(summed: pd.DataFrame) -> pd.DataFrame:
    """Add :data:`FIGURES` to a frame holding summed :data:`COUNTS` (NaN where a figure has no
    items to be computed over)."""
    import pandas as pd

    out = summed.copy()
    out["coverage"] = _share(out["answered"], out["answerable"])
    out["accuracy_on_answered"] = _share(out["right"], out["answered"])
    out["unknown_precision"] = _share(out["unknown_right"], out["said_unknown"])
    out["unknown_recall"] = _share(out["unknown_right"], out["unanswerable"])
    halves = pd.concat([_share(out["right"], out["answerable"]), out["unknown_recall"]], axis=1)
    out["overall"] = halves.mean(axis=1, skipna=True)
    return out


def score(
    said_unknown: np.ndarray, ref_unknown: np.ndarray, correct: np.ndarray
) -> dict[str, float]:
    """:data:`FIGURES` (and :data:`COUNTS`) of one set of items, as a dict."""
    summed = counts(said_unknown, ref_unknown, correct).sum().to_frame().T
    return {k: float(v) for k, v in figures(summed).iloc[0].items()}
