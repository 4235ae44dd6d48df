"""Which documents a document-level export writes, and with which answer per question.

A document is left out, and counted under its reason, when a question has no answer in it, its
answers conflict (unless ``keep_conflicting``: the most supported answer becomes the target), an
answer's roll-up status is not among those asked for, or an answer fails its question's
validators (unless ``keep_failing``). Keeping what the defaults leave out warns.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.schema import Task

__all__ = [
    "CONFLICTING",
    "DOCUMENT_FORMATS",
    "FAILING",
    "KEPT_STATUSES",
    "UNANSWERED",
    "check",
    "choose",
    "question_names",
]

DOCUMENT_FORMATS = ("openai-chat", "trl-sft", "jsonl", "parquet")
KEPT_STATUSES = ("adjudicated", "agreed", "single", "unknown")
CONFLICTING = "answers conflict"
UNANSWERED = "a question has no answer in the document"
FAILING = "an answer fails its question's validators"


def check(fmt: Any, max_chars: Any, statuses: Any, unknown_text: Any) -> tuple[str, int, set[str]]:
    """Refuse a bad request before anything is read."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(
            f"unknown document export format {fmt!r}; choose one of {list(DOCUMENT_FORMATS)}"
        )
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ValueError(
            f"max_chars must be a positive whole number of characters, got {max_chars!r}"
        )
    if isinstance(statuses, str):
        statuses = [statuses]
    kept = set(statuses)
    wrong = sorted(map(str, kept - set(KEPT_STATUSES)))
    if wrong or not kept:
        raise ValueError(
            f"statuses must be some of {list(KEPT_STATUSES)} (conflicts are kept with "
            f"keep_conflicting=True), got {wrong or 'nothing'}"
        )
    if unknown_text is not None and (not isinstance(unknown_text, str) or not unknown_text.strip()):
        raise ValueError(
            f"unknown_text must be None (JSON null) or a non-empty string, got {unknown_text!r}"
        )
    return fmt, max_chars, kept


def question_names(task: Task, questions: Iterable[str] | None) -> list[str]:
    if questions is None:
        return [q.name for q in task.questions if q.kind != "spans"]
    given = [questions] if isinstance(questions, str) else list(questions)
    names = []
    for name in given:
        try:
            names.append(task.question(str(name)).name)
        except KeyError:
            raise ValueError(
                f"task {task.name!r} has no question {name!r}; its questions are {task.question_names}"
            ) from None
    return names


def most_supported(conflicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Of conflicting answers, the one most people gave, then the one on most chunks."""
    real = [c for c in conflicts if not c["is_unknown"]] or conflicts
    return max(real, key=lambda c: (len(c["by"]), len(c["chunk_ids"])))


def choose(
    task: Task,
    table: pd.DataFrame,
    names: list[str],
    kept: set[str],
    keep_conflicting: bool,
    keep_failing: bool,
) -> tuple[list[tuple[str, str, dict[str, dict[str, Any]]]], list[tuple[str, int]], list[str]]:
    """The documents to export, each with its answer per question; the documents left out and
    why; warnings for what was kept against the defaults."""
    chosen, counts, conflicting, failing = [], Counter(), 0, 0
    by_doc: dict[str, dict[str, dict[str, Any]]] = {}
    for row in table.to_dict("records"):  # one conversion: a DataFrame per document is slow
        by_doc.setdefault(row["doc_id"], {})[row["question"]] = row
    for doc_id, answers in by_doc.items():
        if any(q not in answers for q in names):
            counts[UNANSWERED] += 1
            continue
        in_conflict = any(a["status"] == "conflict" for a in answers.values())
        if in_conflict and not keep_conflicting:
            counts[CONFLICTING] += 1
            continue
        for a in answers.values():
            if a["status"] == "conflict":
                pick = most_supported(a["conflicts"])
                a.update(
                    answer=pick["answer"],
                    is_unknown=pick["is_unknown"],
                    chunk_ids=pick["chunk_ids"],
                )
        outside = sorted({a["status"] for a in answers.values()} - kept - {"conflict"})
        if outside:
            counts[f"status {', '.join(outside)} not in statuses"] += 1
            continue
        bad = any(
            not a["is_unknown"] and task.question(q).validate(a["answer"])
            for q, a in answers.items()
        )
        if bad and not keep_failing:
            counts[FAILING] += 1
            continue
        failing += bad
        conflicting += in_conflict
        name = next(iter(answers.values()))["name"]
        chosen.append((str(doc_id), str(name if name is not None else doc_id), answers))
    notes = []
    for n, what, parameter in (
        (
            conflicting,
            "whose answers conflict (the most supported answer is the target)",
            "keep_conflicting",
        ),
        (failing, "with an answer failing its question's validators", "keep_failing"),
    ):
        if n:
            message = f"kept {n} document(s) {what} ({parameter}=True)"
            warnings.warn(message, LabelwidgetsWarning, stacklevel=3)
            notes.append(message)
    return chosen, list(counts.items()), notes
