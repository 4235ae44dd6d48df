"""Prelabeling: ask a model every question about every chunk and store its answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from labelwidgets.models.base import Model
from labelwidgets.prompts import check_template, default_template, parse_answer, render
from labelwidgets.schema import UNKNOWN, Question, Task

__all__ = ["prelabel", "resolve_versions"]

BATCH = 32
FAILED = "request failed: "


def resolve_versions(store: Any, task: Task, questions: Iterable[Question],
                     prompt_version: str | Mapping[str, str] | None) -> dict[str, tuple[str, str, str]]:  # fmt: skip
    """``{question: (version_id, label, template)}``.

    ``prompt_version`` may be ``None`` (the newest stored version of each question, or the default
    template stored as one), a label such as ``"v2"`` or a version id (for every question), or a
    dict ``{question: label | version id | template text}``.
    """
    stored = store.prompt_versions(task)
    chosen = {}
    for question in questions:
        mine = stored[stored["question"] == question.name]
        wanted = (
            prompt_version.get(question.name)
            if isinstance(prompt_version, Mapping)
            else prompt_version
        )
        match = (
            mine
            if wanted is None
            else mine[(mine["label"] == wanted) | (mine["version_id"] == wanted)]
        )
        if len(match):
            row = match.iloc[-1]
            chosen[question.name] = (row["version_id"], row["label"], row["template"])
            continue
        if wanted is not None and "{" not in wanted:
            raise ValueError(f"no prompt version {wanted!r} for question {question.name!r}; "
                             f"stored: {mine['label'].tolist()}")  # fmt: skip
        template = (
            default_template(question) if wanted is None else wanted
        )  # else: a template given inline
        check_template(template)
        version_id = store.add_prompt_version(task, question.name, template,
                                              note="default template" if wanted is None else None)  # fmt: skip
        label = (
            store.prompt_versions(task, question.name)
            .set_index("version_id")
            .loc[version_id, "label"]
        )
        chosen[question.name] = (version_id, label, template)
    return chosen


def prelabel(
    store: Any,
    task: Task | str,
    model: Model,
    *,
    prompt_version: str | Mapping[str, str] | None = None,
    chunks: pd.DataFrame | Iterable[str] | None = None,
    questions: Iterable[str] | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Store the model's answer to each question about each chunk, as suggestions.

    Answers already stored for the same prompt version, model and chunk are reused (re-running
    costs nothing). Chained questions (``when=``) are asked only where the model's own answer to
    the gating question meets the condition, and may use it as ``{previous}``. A failed request
    is retried by the model adapter, then recorded; it never stops the run and is asked again on
    the next run.

    Returns
    -------
    pandas.DataFrame
        Per question: prompt_version, asked, cached, ok, unknown, parse_errors, failed, skipped
        (chained questions whose condition did not hold).
    """
    from tqdm.auto import tqdm

    task = store._task(task)
    wanted = set(questions) if questions is not None else set(task.question_names)
    unknown = wanted - set(task.question_names)
    if unknown:
        raise ValueError(f"task {task.name!r} has no question(s) {sorted(unknown)}")
    selected = [q for q in task.questions if q.name in wanted]
    versions = resolve_versions(store, task, selected, prompt_version)
    chunk_frame = store.chunks() if chunks is None else _chunk_frame(store, chunks)
    texts = dict(zip(chunk_frame["chunk_id"], chunk_frame["text"], strict=True))
    bar = tqdm(
        total=len(texts) * len(selected), desc="prelabel", unit="answer", disable=not progress
    )
    summary = []
    for question in selected:
        version_id, label, template = versions[question.name]
        done = _cached(store, task, question.name, version_id, model.name)
        todo, skipped, previous = _to_ask(store, task, question, model, versions, texts, done)
        counts = {"question": question.name, "prompt_version": label, "asked": len(todo),
                  "cached": len(done & set(texts)), "ok": 0, "unknown": 0, "parse_errors": 0,
                  "failed": 0, "skipped": skipped}  # fmt: skip
        bar.update(counts["cached"] + skipped)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            prompts = [
                render(question, texts[c], template, previous=previous.get(c)) for c in batch
            ]
            rows = [_suggestion(task, question, model, version_id, chunk_id, reply, counts)
                    for chunk_id, reply in zip(batch, model.answer(prompts), strict=True)]  # fmt: skip
            store.add_suggestions(rows)
            bar.update(len(batch))
        summary.append(counts)
    bar.close()
    return pd.DataFrame(summary)


def _chunk_frame(store: Any, chunks: Any) -> pd.DataFrame:
    ids = list(chunks["chunk_id"]) if isinstance(chunks, pd.DataFrame) else list(chunks)
    frame = store.chunks(chunk_ids=ids)
    missing = set(ids) - set(frame["chunk_id"])
    if missing:
        raise ValueError(f"chunks: unknown chunk id(s), e.g. {sorted(missing)[0]!r}")
    return frame


def _cached(store: Any, task: Task, question: str, version_id: str, model: str) -> set[str]:
    done = store.suggestions(task, question=question, prompt_version=version_id, model=model)
    failed = done["parse_error"].fillna("").str.startswith(FAILED)
    return set(done.loc[~failed, "chunk_id"])


def _to_ask(store: Any, task: Task, question: Question, model: Model,
            versions: dict[str, tuple[str, str, str]], texts: dict[str, str],
            done: set[str]) -> tuple[list[str], int, dict[str, Any]]:  # fmt: skip
    """Chunks to ask about, how many a chain condition ruled out, and the gating answers."""
    candidates = [c for c in texts if c not in done]
    if question.when is None:
        return candidates, 0, {}
    gate = question.when[0]
    gate_version = versions[gate][0] if gate in versions else None
    given = store.suggestions(task, question=gate, model=model.name, prompt_version=gate_version)
    given = given[given["parse_error"].isna()]
    answers = dict(zip(given["chunk_id"], given["answer"], strict=True))
    asked = [c for c in candidates if c in answers and question.condition_met({gate: answers[c]})]
    return asked, len(candidates) - len(asked), {c: answers[c] for c in asked}


def _suggestion(task: Task, question: Question, model: Model, version_id: str, chunk_id: str,
                reply: Any, counts: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    row = {"task": task.name, "chunk_id": chunk_id, "question": question.name, "model": model.name,
           "prompt_version": version_id, "raw": reply.text, "latency_ms": reply.latency_ms,
           "chain_step": _depth(task, question)}  # fmt: skip
    if reply.error is not None:
        counts["failed"] += 1
        return {**row, "answer": None, "parse_error": FAILED + reply.error}
    parsed = parse_answer(question, reply.text)
    if parsed.error:
        counts["parse_errors"] += 1
        return {**row, "answer": None, "parse_error": parsed.error}
    counts["ok"] += 1
    counts["unknown"] += int(parsed.value is UNKNOWN)
    return {**row, "answer": parsed.value, "parse_error": None}


def _depth(task: Task, question: Question) -> int:
    depth = 0
    while question.when is not None:
        question = task.question(question.when[0])
        depth += 1
    return depth
