"""What an export checks before it writes, and the warnings its report carries."""

from __future__ import annotations

import warnings

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting.formats import FORMATS
from labelwidgets.schema import Task

ANSWER_SOURCES = ("adjudicated", "agreed", "all")
UNKNOWN_TOO_MANY, UNKNOWN_TOO_FEW = 0.5, 0.05
SPANS_ONLY = ("spans", "token-classification")  # no "not in the text": [] plays that part


def check_arguments(fmt: str, answers: str, group_by: str) -> None:
    """Refuse an unknown format, answer source or grouping before anything is read."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {list(FORMATS)}")
    if answers not in ANSWER_SOURCES:
        raise ValueError(f"answers must be one of {list(ANSWER_SOURCES)}, got {answers!r}")
    if group_by not in ("doc_id", "chunk_id"):
        raise ValueError(f"group_by must be 'doc_id' or 'chunk_id', got {group_by!r}")


def require_rows(chosen: int, task: Task, answers: str) -> None:
    """A clear error when nothing is left to export (``chosen`` answers)."""
    if not chosen:
        raise ValueError(
            f"nothing to export from task {task.name!r} with answers={answers!r}: "
            + (
                "no reviewed or gold answers yet (review first, or use answers='all')"
                if answers == "adjudicated"
                else "no answers match"
            )
        )


def report_warnings(
    fmt: str, unknown: int, total: int, empty: list[str], group_by: str, lost: list[str]
) -> list[str]:
    """The report's warnings: refusal share, empty splits, what a span format lost."""
    found = [] if fmt in SPANS_ONLY else unknown_warnings(unknown, total, stacklevel=4)
    found += [
        f"split {name!r} is empty (too few {group_by}s to split); no file written" for name in empty
    ]
    return found + lost


def unknown_warnings(unknown: int, total: int, stacklevel: int = 3) -> list[str]:
    """Warn when refusals are too many or too few of the targets."""
    if not total:
        return []
    share = unknown / total
    found = []
    if share > UNKNOWN_TOO_MANY:
        found.append(
            f"{share:.0%} of the targets are refusals: the model may learn to answer "
            "'not in the text' too often (filter chunks harder, or subsample refusals)"
        )
    elif share < UNKNOWN_TOO_FEW:
        found.append(
            f"only {share:.0%} of the targets are refusals: the model may learn to answer "
            "even when the text does not say (label chunks that do not contain the answer)"
        )
    for message in found:
        warnings.warn(message, LabelwidgetsWarning, stacklevel=stacklevel)
    return found
