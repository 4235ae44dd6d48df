"""Which answers become training targets: the answer source, bad targets left out, DPO pairs and
de-duplication — all under each question's ``match=`` rule.

Nothing silently changes meaning: by default a target that fails its question's validators, or
an item whose labelers' answers conflict (``answers="all"``: two answers that are not the same
answer under the rule), is left out and counted in the export report; ``keep_failing=True`` /
``keep_conflicting=True`` keep them, with a warning.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.formats import Row
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.matching import cluster
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["CONFLICTING", "FAILING", "dedup", "select", "with_rejected"]

FAILING = "fails the question's validators"
CONFLICTING = "labelers' answers conflict"


def select(
    store: LabelStore,
    task: Task,
    answers: str,
    min_agreement: float | None,
    questions: list[str] | None,
    *,
    keep_failing: bool = False,
    keep_conflicting: bool = False,
) -> tuple[pd.DataFrame, list[tuple[str, int]], list[str]]:
    """The answers to export: (frame, dropped (reason, rows), warnings)."""
    dropped: list[tuple[str, int]] = []
    if answers == "adjudicated":
        frame = with_unknown(store.gold(task))
        frame = frame.assign(source=frame["source"] + ":" + frame["by"].astype(str))
    else:
        frame = with_unknown(store.answers(task)).assign(source=lambda f: f["labeler"])
    if questions is not None:
        frame = frame[frame["question"].isin(questions)]
    frame, failing = _valid(task, frame, keep_failing)
    found = [] if keep_failing or not failing else [(FAILING, failing)]
    notes = _kept(failing, FAILING, "keep_failing") if keep_failing else []
    if answers == "agreed":
        frame, lost = _agreed(task, frame, 1.0 if min_agreement is None else min_agreement)
        dropped += lost
    elif answers == "all":
        frame, conflicts = _consistent(task, frame, keep_conflicting)
        found += [] if keep_conflicting or not conflicts else [(CONFLICTING, conflicts)]
        notes += _kept(conflicts, CONFLICTING, "keep_conflicting") if keep_conflicting else []
    columns = ["chunk_id", "doc_id", "question", "source", "answer"]
    columns += ["evidence"] if "evidence" in frame else []
    return frame[columns].reset_index(drop=True), found + dropped, notes


def _kept(rows: int, reason: str, parameter: str) -> list[str]:
    if not rows:
        return []
    message = (
        f"kept {rows} target(s) whose {reason.replace('fails', 'answer fails')} ({parameter}=True)"
    )
    warnings.warn(message, LabelwidgetsWarning, stacklevel=4)
    return [message]


def _valid(task: Task, frame: pd.DataFrame, keep: bool) -> tuple[pd.DataFrame, int]:
    """Drop answers failing their question's validators (unless ``keep``); return how many."""
    checks = {q.name: q for q in task.questions if q.validators}
    if frame.empty or not checks:
        return frame, 0
    verdicts: dict[tuple[str, Any], bool] = {}
    failing = []
    for question, answer in zip(frame["question"], frame["answer"], strict=True):
        q = checks.get(question)
        if q is None or answer is UNKNOWN:
            failing.append(False)
            continue
        token = (question, repr(answer))
        if token not in verdicts:
            verdicts[token] = bool(_validators.run(q.validators, answer))
        failing.append(verdicts[token])
    mask = pd.Series(failing, index=frame.index, dtype=bool)
    return (frame if keep else frame[~mask]), int(mask.sum())


def _groups(task: Task, question: str, values: list[Any]) -> list[int]:
    return cluster(values, task.question(question).matcher)


def _consistent(task: Task, frame: pd.DataFrame, keep: bool) -> tuple[pd.DataFrame, int]:
    """Drop items whose answers are not all the same answer (unless ``keep``): rows left out."""
    conflicting = pd.Series(False, index=frame.index)
    for (_, question), group in frame.groupby(["chunk_id", "question"], sort=False):
        if len(group) > 1 and len(set(_groups(task, question, list(group["answer"])))) > 1:
            conflicting[group.index] = True
    return (frame if keep else frame[~conflicting]), int(conflicting.sum())


def _agreed(
    task: Task, frame: pd.DataFrame, minimum: float
) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    kept, single, disagree = [], 0, 0
    for (chunk_id, question), group in frame.groupby(["chunk_id", "question"], sort=False):
        if len(group) < 2:
            single += 1
            continue
        values = list(group["answer"])
        groups = _groups(task, question, values)
        top, count = Counter(groups).most_common(1)[0]
        support = count / len(values)
        if support + 1e-12 < minimum:
            disagree += 1
            continue
        # the wording most of the agreeing labelers used
        best = Counter(repr(v) for v, g in zip(values, groups, strict=True) if g == top)
        chosen = next(v for v in values if repr(v) == best.most_common(1)[0][0])
        kept.append(
            {
                "chunk_id": chunk_id,
                "doc_id": group["doc_id"].iloc[0],
                "question": question,
                "source": f"agreed:{support:.2f}",
                "answer": chosen,
                "evidence": _spans.agreed_evidence(group, chosen, task.question(question).kind),
            }
        )
    columns = ["chunk_id", "doc_id", "question", "source", "answer", "evidence"]
    frame = pd.DataFrame(kept, columns=columns)
    return frame, [("only one labeler answered", single), ("labelers disagree", disagree)]


def with_rejected(
    store: LabelStore, task: Task, rows: list[Row], text: Any
) -> tuple[list[Row], int]:
    """DPO pairs: each row gets the newest model answer that is not the same answer as its label
    (``text(answer)`` is the reply); rows without one are left out."""
    suggestions = with_unknown(store.suggestions(task))
    suggestions = suggestions[suggestions["parse_error"].isna()]
    by_item: dict[tuple[str, str], list[Any]] = {}
    for s in suggestions.itertuples():
        by_item.setdefault((s.chunk_id, s.question), []).append(s.answer)
    paired = []
    for row in rows:
        rule = task.question(row.question).matcher
        wrong = [
            a
            for a in by_item.get((row.chunk_id, row.question), [])
            if not rule.agree(a, row.answer)
        ]
        if wrong:
            row.rejected = text(wrong[-1])
            paired.append(row)
    return paired, len(rows) - len(paired)


def dedup(task: Task, rows: list[Row]) -> tuple[list[Row], int]:
    """One row per prompt and answer: rows with the same prompt (and rejected reply) whose
    answers are the same answer under the question's rule keep the first of them."""
    by_prompt: dict[tuple[str, str, str | None], list[Row]] = {}
    for row in rows:
        by_prompt.setdefault((row.question, row.prompt, row.rejected), []).append(row)
    kept_ids = set()
    for (question, _, _), group in by_prompt.items():
        groups = _groups(task, question, [r.answer for r in group])
        seen: set[int] = set()
        for row, number in zip(group, groups, strict=True):
            if number not in seen:
                seen.add(number)
                kept_ids.add(id(row))
    kept = [row for row in rows if id(row) in kept_ids]
    return kept, len(rows) - len(kept)
