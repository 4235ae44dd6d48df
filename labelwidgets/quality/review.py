"""Review as plain functions: the queue of items to adjudicate, what to show for one item, and
what review changed for a labeler. The Reviewer and Feedback widgets are views over these."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.schema import UNKNOWN, Task, answer_to_json
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.compare import answers_equal, score, word_diff

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["feedback_items", "review_item", "review_queue"]


def review_queue(
    store: LabelStore, task: Task | str, *, include_reviewed: bool = False
) -> pd.DataFrame:
    """Items (chunk × question) to review, most suspicious first.

    Order: answers failing a validator first, then by disagreement between labelers and with the
    model (``disagreement`` in [0, 1]). Columns: chunk_id, question, labelers, validator_failures,
    disagreement, model_disagreement, reviewed.
    """
    task = store.task(task)
    answers = store.answers(task)
    model = store.suggestions(task)
    model = model[model["parse_error"].isna()]
    latest_model = {(r.chunk_id, r.question): r.answer for r in model.itertuples()}
    reviewed = set(
        zip(
            *[store.gold(task).query("source == 'review'")[c] for c in ("chunk_id", "question")],
            strict=True,
        )
    )
    rows = []
    for (chunk_id, qname), group in answers.groupby(["chunk_id", "question"], sort=False):
        question = task.question(qname)
        values = list(group["answer"])
        failures = sum(
            bool(v is not UNKNOWN and _validators.run(question.validators, v)) for v in values
        )
        pairs = list(itertools.combinations(values, 2))
        disagreement = (
            1 - sum(score(a, b, question.kind) for a, b in pairs) / len(pairs) if pairs else 0.0
        )
        suggestion = latest_model.get((chunk_id, qname))
        model_gap = (
            1 - sum(score(v, suggestion, question.kind) for v in values) / len(values)
            if suggestion is not None
            else 0.0
        )
        rows.append(
            {
                "chunk_id": chunk_id,
                "question": qname,
                "labelers": len(values),
                "validator_failures": failures,
                "disagreement": round(disagreement, 6),
                "model_disagreement": round(model_gap, 6),
                "reviewed": (chunk_id, qname) in reviewed,
            }
        )
    queue = pd.DataFrame(
        rows,
        columns=[
            "chunk_id",
            "question",
            "labelers",
            "validator_failures",
            "disagreement",
            "model_disagreement",
            "reviewed",
        ],
    )
    if not include_reviewed:
        queue = queue[~queue["reviewed"]]
    queue = queue.assign(
        _failing=queue["validator_failures"] > 0,
        _total=queue["disagreement"] + queue["model_disagreement"],
    )
    queue = queue.sort_values(
        ["_failing", "_total", "disagreement"], ascending=False, kind="stable"
    )
    return queue.drop(columns=["_failing", "_total"]).reset_index(drop=True)


def review_item(
    store: LabelStore, task: Task | str, chunk_id: str, question: str
) -> dict[str, Any]:
    """Everything the reviewer sees for one item: the chunk, each labeler's and the model's
    answer (diffed against the model's answer, or the first labeler's), scores, problems, and the
    current final answer if any. JSON-ready; UNKNOWN is ``{"unknown": true}``."""
    task = store.task(task)
    q = task.question(question)
    chunk = store.chunk(chunk_id)
    mine = store.answers(task, chunk_id=chunk_id, question=question)
    model = store.latest_suggestions(task, chunk_id).get(question)
    reference = model["answer"] if model else (mine["answer"].iloc[0] if len(mine) else None)
    sources = [("labeler", r.labeler, r.answer) for r in mine.itertuples()]
    if model:
        sources.append(("model", model["model"], model["answer"]))
    entries = []
    for kind, who, answer in sources:
        entries.append(
            {
                "kind": kind,
                "who": who,
                "answer": answer_to_json(answer),
                "ops": word_diff(reference, answer) if reference is not None else [],
                "score_vs_reference": score(answer, reference, q.kind)
                if reference is not None
                else None,
                "problems": [] if answer is UNKNOWN else _validators.run(q.validators, answer),
            }
        )
    gold = store.gold(task, question=question)
    final = gold[gold["chunk_id"] == chunk_id]
    return {
        "chunk_id": chunk_id,
        "doc_name": chunk["doc_name"],
        "page_start": chunk["page_start"],
        "page_end": chunk["page_end"],
        "text": chunk["text"],
        "question": {
            "name": q.name,
            "kind": q.kind,
            "instructions": q.instructions or q.prompt,
            "choices": list(q.choices),
        },
        "reference": "model" if model else "first labeler",
        "answers": entries,
        "final": answer_to_json(final["answer"].iloc[0]) if len(final) else None,
        "final_by": final["by"].iloc[0] if len(final) else None,
    }


def feedback_items(store: LabelStore, task: Task | str, labeler: str) -> pd.DataFrame:
    """Where review changed ``labeler``'s answer, and the notes reviewers left them.

    Columns: chunk_id, question, your_answer, final_answer, ops (word diff from yours to the
    final one), reviewer, note.
    """
    task = store.task(task)
    mine = store.answers(task, labeler=labeler)
    gold = store.gold(task)
    final = {(r.chunk_id, r.question): r for r in gold[gold["source"] == "review"].itertuples()}
    notes = store.events(task, kind="feedback")
    notes = notes[notes["subject"] == labeler]
    note_for = {(r.chunk_id, r.question): (r.labeler, r.comment) for r in notes.itertuples()}
    rows = []
    for r in mine.itertuples():
        key = (r.chunk_id, r.question)
        decision = final.get(key)
        changed = decision is not None and not answers_equal(
            r.answer, decision.answer, task.question(r.question).kind
        )
        if not changed and key not in note_for:
            continue
        reviewer, note = note_for.get(key, (decision.by if decision is not None else None, None))
        rows.append(
            {
                "chunk_id": r.chunk_id,
                "question": r.question,
                "your_answer": r.answer,
                "final_answer": decision.answer if decision is not None else None,
                "ops": word_diff(r.answer, decision.answer) if decision is not None else [],
                "reviewer": reviewer,
                "note": note,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["chunk_id", "question", "your_answer", "final_answer", "ops", "reviewer", "note"],
    )
