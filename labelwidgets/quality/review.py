"""Review as plain functions: the queue of items to adjudicate, what to show for one item, and
what review changed for a labeler. The Reviewer and Feedback widgets are views over these.

Answers are grouped under each question's ``match=`` rule: "the laws of the State of New York"
and "New York law" are one answer to a question with ``match="entity"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.models.prompt_versions import default_version_ids
from labelwidgets.quality.data import load
from labelwidgets.schema import UNKNOWN, Task, answer_to_json
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.compare import score, word_diff
from labelwidgets.schema.grounding import ground
from labelwidgets.schema.matching import cluster
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["NO_DECISION", "QUEUE_COLUMNS", "feedback_items", "review_item", "review_queue"]

QUEUE_COLUMNS = [
    "chunk_id",
    "question",
    "labelers",
    "answers_distinct",
    "validator_failures",
    "unsupported",
    "disagreement",
    "model_disagreement",
    "needs",
    "reviewed",
]
INCLUDE = ("needs_decision", "all")
NO_DECISION = "no decision yet"


def _unsupported(store: LabelStore, task: Task) -> pd.Series:
    """Labeler answers not found in their chunk's text, per (chunk_id, question)."""
    try:
        from labelwidgets.quality.support import support
    except ImportError:  # the support check is not part of this install
        return pd.Series(dtype=int)
    found = support(store, task).answers
    found = found[(found["source"] == "labeler") & found["supported"].eq(False)]
    return found.groupby(["chunk_id", "question"]).size()


def _item_table(store: LabelStore, task: Task, check_support: bool) -> pd.DataFrame:
    data = load(store, task)
    a, m = data.answers, data.model
    if a.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS[:-2])
    pairs = a.groupby(["chunk_id", "question", "key"], sort=False).size().rename("n")
    pairs = pairs.reset_index().assign(agree=lambda f: f["n"] * (f["n"] - 1) / 2)
    items = pairs.groupby(["chunk_id", "question"], sort=False).agg(
        labelers=("n", "sum"), answers_distinct=("key", "size"), agree=("agree", "sum")
    )
    total = items["labelers"] * (items["labelers"] - 1) / 2
    items["disagreement"] = (1 - items["agree"] / total.where(total > 0)).fillna(0.0).round(6)
    failing = a[a["problem"].notna() & ~a["unknown"]]
    items["validator_failures"] = failing.groupby(["chunk_id", "question"]).size()
    # the model's answer against the labelers': the share that differ (the worst model)
    both = a[["chunk_id", "question", "key"]].merge(
        m[["chunk_id", "question", "model", "key"]],
        on=["chunk_id", "question"],
        suffixes=("", "_m"),
    )
    differ = (
        (both["key"] != both["key_m"])
        .groupby([both["chunk_id"], both["question"], both["model"]])
        .mean()
    )
    items["model_disagreement"] = differ.groupby(level=[0, 1]).max().round(6)
    items["unsupported"] = _unsupported(store, task) if check_support else 0
    for column in ("validator_failures", "unsupported", "model_disagreement"):
        items[column] = items[column].fillna(0)
    items[["validator_failures", "unsupported"]] = items[
        ["validator_failures", "unsupported"]
    ].astype(int)
    return items.drop(columns="agree").reset_index()


def _needs(items: pd.DataFrame) -> pd.Series:
    reasons = [
        ("validator failure", items["validator_failures"] > 0),
        ("disagreement", items["answers_distinct"] > 1),
        ("unsupported answer", items["unsupported"] > 0),
        ("model mismatch", items["model_disagreement"] > 0),
    ]
    text = pd.Series("", index=items.index, dtype=object)
    for name, mask in reasons:
        text = text.where(~mask, text.where(text == "", text + ", ") + name)
    return text


def review_queue(
    store: LabelStore,
    task: Task | str,
    *,
    include: str = "needs_decision",
    include_reviewed: bool = False,
    check_support: bool = True,
) -> pd.DataFrame:
    """Items (chunk × question) to review, most suspicious first.

    Parameters
    ----------
    include : {"needs_decision", "all"}
        ``"needs_decision"`` (default): only items that need a reviewer — labelers disagree (under
        the question's ``match=`` rule), an answer fails a validator, an answer is not found in
        the chunk text, or the model's answer differs from the labelers'. ``"all"``: every
        answered item, agreed ones included.
    include_reviewed : bool
        Keep items that already have a review decision.
    check_support : bool
        Look for answers not found in the chunk text (:func:`labelwidgets.quality.support`;
        reads every answer's chunk).

    Returns
    -------
    DataFrame
        chunk_id, question, labelers, answers_distinct (different answers under the rule),
        validator_failures, unsupported, disagreement (share of labeler pairs that disagree),
        model_disagreement (share of labelers the model differs from), needs (why it needs a
        decision; empty when it does not), reviewed. Failing answers first, then by
        disagreement with each other and with the model.
    """
    if include not in INCLUDE:
        raise ValueError(f"include must be one of {list(INCLUDE)}, got {include!r}")
    task = store.task(task)
    items = _item_table(store, task, check_support)
    gold = store.gold(task)
    reviewed = gold[gold["source"] == "review"]
    done = set(zip(reviewed["chunk_id"], reviewed["question"], strict=True))
    items["reviewed"] = [
        (c, q) in done for c, q in zip(items["chunk_id"], items["question"], strict=True)
    ]
    items["needs"] = _needs(items) if len(items) else pd.Series(dtype=object)
    if include == "needs_decision":
        items = items[items["needs"] != ""]
    if not include_reviewed:
        items = items[~items["reviewed"]]
    order = items.assign(
        _failing=items["validator_failures"] > 0,
        _total=items["disagreement"] + items["model_disagreement"],
    ).sort_values(["_failing", "_total", "disagreement"], ascending=False, kind="stable")
    return order[QUEUE_COLUMNS].reset_index(drop=True)


def _where(question: Any, chunk: dict[str, Any], answer: Any, evidence: Any) -> dict[str, Any]:
    """Where an answer is in its chunk, in chunk coordinates (offsets into ``chunk["text"]``):
    ``evidence`` (its evidence spans, else where its words occur), ``supported`` (``False``:
    not found in the text, or not in its evidence; ``None``: not judged) and ``via``; a spans
    answer's ``spans``."""
    start = chunk["char_start"] or 0
    if question.kind == "spans":
        spans = answer if isinstance(answer, list) else []
        moved = [{**s, "start": s["start"] - start, "end": s["end"] - start} for s in spans]
        return {"spans": moved, "evidence": [], "supported": None, "via": None}
    pairs = evidence.tolist() if hasattr(evidence, "tolist") else evidence
    pairs = pairs if isinstance(pairs, list) else []
    found = ground(answer, chunk["text"], question.kind, pairs or None, start)
    shown = found.spans if found.via else pairs  # a choice with evidence: shown, not judged
    return {
        "evidence": [[int(s) - start, int(e) - start] for s, e in shown],
        "supported": found.supported,
        "via": found.via,
    }


def review_item(
    store: LabelStore, task: Task | str, chunk_id: str, question: str
) -> dict[str, Any]:
    """Everything the reviewer sees for one item: the chunk, each labeler's and the model's
    answer (diffed against the model's answer, or the first labeler's), scores, problems, the
    group of equivalent answers each belongs to (under the question's ``match=`` rule), where
    each answer is in the chunk (its evidence, else where it occurs; ``supported`` is ``False``
    for an answer not found in the text), and the current final answer if any. JSON-ready;
    UNKNOWN is ``{"unknown": true}``; offsets count from the chunk's first character."""
    task = store.task(task)
    q = task.question(question)
    chunk = store.chunk(chunk_id)
    mine = with_unknown(store.answers(task, chunk_id=chunk_id, question=question))
    model = store.latest_suggestions(task, chunk_id, prefer=default_version_ids(store, task)).get(
        question
    )
    reference = model["answer"] if model else (mine["answer"].iloc[0] if len(mine) else None)
    sources = [("labeler", r.labeler, r.answer) for r in mine.itertuples()]
    if model:
        sources.append(("model", model["model"], model["answer"]))
    evidence = [*mine["evidence"], *([model.get("evidence")] if model else [])]
    groups = cluster([answer for _, _, answer in sources], q.matcher)
    entries = []
    for (kind, who, answer), group, spans in zip(sources, groups, evidence, strict=True):
        entries.append(
            {
                "kind": kind,
                "who": who,
                "answer": answer_to_json(answer),
                "group": group,
                "ops": word_diff(reference, answer) if reference is not None else [],
                "score_vs_reference": score(answer, reference, q.kind)
                if reference is not None
                else None,
                "problems": [] if answer is UNKNOWN else _validators.run(q.validators, answer),
                **_where(q, chunk, answer, spans),
            }
        )
    gold = with_unknown(store.gold(task, question=question))
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
            "match": q.match,
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

    Columns: chunk_id, question, your_answer, final_answer (``None`` while there is no
    decision), decision ("changed", "kept" when review agreed but left a note, or "no decision
    yet"), ops (word diff from yours to the final one), reviewer, note.
    """
    task = store.task(task)
    mine = with_unknown(store.answers(task, labeler=labeler))
    gold = with_unknown(store.gold(task))
    final = {(r.chunk_id, r.question): r for r in gold[gold["source"] == "review"].itertuples()}
    notes = store.events(task, kind="feedback")
    notes = notes[notes["subject"] == labeler]
    note_for = {(r.chunk_id, r.question): (r.labeler, r.comment) for r in notes.itertuples()}
    rows = []
    for r in mine.itertuples():
        key = (r.chunk_id, r.question)
        decision = final.get(key)
        rule = task.question(r.question).matcher
        changed = decision is not None and not rule.agree(r.answer, decision.answer)
        if not changed and key not in note_for:
            continue
        reviewer, note = note_for.get(key, (decision.by if decision is not None else None, None))
        rows.append(
            {
                "chunk_id": r.chunk_id,
                "question": r.question,
                "your_answer": r.answer,
                "final_answer": decision.answer if decision is not None else None,
                "decision": NO_DECISION if decision is None else ("changed" if changed else "kept"),
                "ops": word_diff(r.answer, decision.answer) if decision is not None else [],
                "reviewer": reviewer,
                "note": note,
            }
        )
    columns = ["chunk_id", "question", "your_answer", "final_answer", "decision", "ops"]
    columns += ["reviewer", "note"]
    frame = pd.DataFrame(rows, columns=columns)
    # object columns: a missing decision stays None (a number column would turn it into NaN)
    for column in ("your_answer", "final_answer"):
        frame[column] = pd.Series([r[column] for r in rows], index=frame.index, dtype=object)
    return frame
