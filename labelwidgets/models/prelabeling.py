"""Prelabeling: ask a model every question about every chunk and store its answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.models.base import Model, ModelAnswer, ask
from labelwidgets.models.prompt_versions import PromptVersion, resolve_versions
from labelwidgets.models.prompts import parse_answer, render
from labelwidgets.schema import UNKNOWN, Question, Task
from labelwidgets.schema.grounding import JUDGED_KINDS, ground, locate
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["prelabel", "resolve_versions"]

BATCH = 32
FAILED = "request failed: "


def prelabel(
    store: LabelStore,
    task: Task | str,
    model: Model,
    *,
    prompt_version: str | Mapping[str, str] | None = None,
    chunks: pd.DataFrame | Iterable[str] | None = None,
    questions: Iterable[str] | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Store the model's answer to each question about each chunk, as suggestions.

    Parameters
    ----------
    store
        The :class:`~labelwidgets.LabelStore`.
    task
        A Task or a task name.
    model
        Any :class:`~labelwidgets.models.Model` (``lw.models.Callable``, ``OpenAIChat``,
        ``Transformers``). Its ``name`` is recorded on each suggestion and is part of the cache
        key; its ``max_concurrency`` limits requests in flight.
    prompt_version
        ``None``: each question's default — the version promoted with
        ``store.promote_prompt``, else the task's own template (stored as a version, so the
        answers say which prompt produced them); never merely the newest version. A label such
        as ``"v2"`` or a version id for every question, or a dict ``{question: label | version
        id | template text}`` (a new template is stored as the next version, not promoted).
    chunks
        Chunk ids or a DataFrame with a ``chunk_id`` column (default: every chunk).
    questions
        Question names (default: all). Questions they depend on through ``when=`` are asked too.
    progress
        Show a tqdm progress bar.

    Answers already stored for the same prompt version, model and chunk are reused (re-running
    costs nothing). Chained questions (``when=``) are asked only where the model's own answer to
    the gating question meets the condition, and may use it as ``{previous}``; their suggestions
    record the ``chain_step`` (0 for the gate). A failed request (HTTP error, timeout, garbage)
    is retried with backoff by the adapter, then recorded with its reason; it never stops the
    run, and it is asked again on the next run. A reply that cannot be parsed is stored with
    ``parse_error`` and its raw text.

    Returns
    -------
    pandas.DataFrame
        Per question: question, prompt_version (label), asked, cached, ok, unknown,
        parse_errors, failed, skipped (chained questions whose condition did not hold).

    Examples
    --------
    >>> model = lw.models.Callable(lambda prompt: "the laws of Texas", name="rules")  # doctest: +SKIP
    >>> lw.prelabel(store, task, model)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    if not isinstance(model, Model):
        raise TypeError(
            f"prelabel: model must have a name and an answer(prompts) method, "
            f"got {type(model).__name__}"
        )
    task = store.task(task)
    if isinstance(questions, str):
        questions = [questions]
    wanted = set(questions) if questions is not None else set(task.question_names)
    unknown = wanted - set(task.question_names)
    if unknown:
        raise ValueError(f"task {task.name!r} has no question(s) {sorted(unknown)}")
    if isinstance(prompt_version, Mapping) and set(prompt_version) - set(task.question_names):
        raise ValueError(
            f"prompt_version: task {task.name!r} has no question(s) "
            f"{sorted(set(prompt_version) - set(task.question_names))}"
        )
    chunk_frame = store.chunks() if chunks is None else _chunk_frame(store, chunks)
    gates = _gates(task, wanted) - wanted  # asked first, so their dependents can be
    selected = [q for q in task.questions if q.name in wanted | gates]
    spec = {
        q.name: (
            prompt_version.get(q.name) if isinstance(prompt_version, Mapping) else prompt_version
        )
        for q in selected
        if q.name in wanted
    }
    spec |= _for_gates(store, task, gates, prompt_version)
    versions = resolve_versions(store, task, selected, spec)
    texts = dict(zip(chunk_frame["chunk_id"], chunk_frame["text"], strict=True))
    starts = dict(zip(chunk_frame["chunk_id"], chunk_frame["char_start"], strict=True))
    bar = tqdm(
        total=len(texts) * len(selected), desc="prelabel", unit="answer", disable=not progress
    )
    summary = []
    for question in selected:
        version_id, label, template = versions[question.name]
        done = _cached(store, task, question.name, version_id, model.name)
        todo, skipped, previous = _to_ask(store, task, question, model, versions, texts, done)
        counts = {
            "question": question.name,
            "prompt_version": label,
            "asked": len(todo),
            "cached": len(done & set(texts)),
            "ok": 0,
            "unknown": 0,
            "parse_errors": 0,
            "failed": 0,
            "skipped": skipped,
        }
        bar.update(counts["cached"] + skipped)
        size = max(BATCH, 4 * int(getattr(model, "max_concurrency", 1) or 1))
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            prompts = [
                render(question, texts[c], template, previous=previous.get(c)) for c in batch
            ]
            rows = [
                _suggestion(task, question, model, version_id, c, reply, counts, texts, starts)
                for c, reply in zip(batch, _ask(model, prompts, question), strict=True)
            ]
            for row in rows:
                row |= _evidence(question, row, texts[row["chunk_id"]], starts[row["chunk_id"]])
            store.add_suggestions(rows)
            bar.update(len(batch))
        summary.append(counts)
    bar.close()
    return pd.DataFrame(summary)


def _gates(task: Task, names: set[str]) -> set[str]:
    """Every question the ``names`` depend on, directly or through a chain."""
    found: set[str] = set()
    for name in names:
        question = task.question(name)
        while question.when is not None:
            found.add(question.when[0])
            question = task.question(question.when[0])
    return found


def _for_gates(
    store: LabelStore, task: Task, gates: set[str], prompt_version: str | Mapping[str, str] | None
) -> dict[str, str | None]:
    """Gates the caller did not ask for run with the version named for them, else their default."""
    stored = store.prompt_versions(task)
    chosen: dict[str, str | None] = {}
    for gate in gates:
        wanted = prompt_version.get(gate) if isinstance(prompt_version, Mapping) else prompt_version
        mine = stored[stored["question"] == gate]
        named = wanted is not None and (
            isinstance(prompt_version, Mapping)
            or bool(((mine["label"] == wanted) | (mine["version_id"] == wanted)).any())
        )
        chosen[gate] = wanted if named else None
    return chosen


def _ask(model: Model, prompts: list[str], question: Question) -> list[ModelAnswer]:
    """The model's answers; a model that raises or miscounts fails the batch, not the run."""
    try:
        answers = ask(model, prompts, question)
    except Exception as exc:
        return [ModelAnswer(None, f"{type(exc).__name__}: {exc}") for _ in prompts]
    if len(answers) != len(prompts):
        error = f"the model returned {len(answers)} answers for {len(prompts)} prompts"
        return [ModelAnswer(None, error) for _ in prompts]
    return answers


def _chunk_frame(store: LabelStore, chunks: Any) -> pd.DataFrame:
    ids = list(chunks["chunk_id"]) if isinstance(chunks, pd.DataFrame) else list(chunks)
    frame = store.chunks(chunk_ids=ids)
    missing = set(ids) - set(frame["chunk_id"])
    if missing:
        raise ValueError(f"chunks: unknown chunk id(s), e.g. {sorted(missing)[0]!r}")
    return frame


def _cached(store: LabelStore, task: Task, question: str, version_id: str, model: str) -> set[str]:
    done = store.suggestions(task, question=question, prompt_version=version_id, model=model)
    failed = done["parse_error"].fillna("").str.startswith(FAILED)
    return set(done.loc[~failed, "chunk_id"])


def _to_ask(
    store: LabelStore,
    task: Task,
    question: Question,
    model: Model,
    versions: dict[str, PromptVersion],
    texts: dict[str, str],
    done: set[str],
) -> tuple[list[str], int, dict[str, Any]]:
    """Chunks to ask about, how many a chain condition ruled out, and the gating answers."""
    candidates = [c for c in texts if c not in done]
    if question.when is None:
        return candidates, 0, {}
    gate = question.when[0]
    given = with_unknown(
        store.suggestions(task, question=gate, model=model.name, prompt_version=versions[gate][0])
    )
    given = given[given["parse_error"].isna()]
    answers = dict(zip(given["chunk_id"], given["answer"], strict=True))
    asked = [c for c in candidates if c in answers and question.condition_met({gate: answers[c]})]
    return asked, len(candidates) - len(asked), {c: answers[c] for c in asked}


def _suggestion(
    task: Task,
    question: Question,
    model: Model,
    version_id: str,
    chunk_id: str,
    reply: Any,
    counts: dict[str, Any],
    texts: dict[str, str],
    starts: dict[str, Any],
) -> dict[str, Any]:
    row = {
        "task": task.name,
        "chunk_id": chunk_id,
        "question": question.name,
        "model": model.name,
        "prompt_version": version_id,
        "raw": reply.text,
        "latency_ms": reply.latency_ms,
        "chain_step": _depth(task, question),
    }
    if reply.error is not None:
        counts["failed"] += 1
        return {**row, "answer": None, "parse_error": FAILED + reply.error}
    start = starts[chunk_id]
    offset = 0 if start is None or start != start else int(start)  # NaN: no provenance
    parsed = parse_answer(question, reply.text, chunk_text=texts[chunk_id], chunk_start=offset)
    # how it was asked (structured output, or text after the server refused it)
    how = {"structured": reply.structured} if getattr(reply, "structured", None) is not None else {}
    if getattr(reply, "note", None):
        how["note"] = reply.note
    if parsed.quote is not None or how:
        row["meta"] = {**how, **({"quote": parsed.quote} if parsed.quote is not None else {})}
    if parsed.error:
        counts["parse_errors"] += 1
        return {**row, "answer": None, "parse_error": parsed.error}
    counts["ok"] += 1
    counts["unknown"] += int(parsed.value is UNKNOWN)
    return {**row, "answer": parsed.value, "parse_error": None}


def _evidence(question: Question, row: dict[str, Any], text: str, start: Any) -> dict[str, Any]:
    """Where the model's answer is written in the chunk: ``evidence`` (document offsets, for
    questions that take evidence) and ``in_text`` in ``meta`` (``False``: not found, a likely
    invention). The model's quote is the evidence when it is in the chunk and contains the
    answer; else the answer as located in the chunk. Nothing for failed replies, UNKNOWN and
    answers that are not written in the text (choices, ratings, spans)."""
    answer = row.get("answer")
    if answer is None or answer is UNKNOWN or question.kind not in JUDGED_KINDS:
        return {}
    offset = 0 if start is None or start != start else int(start)  # NaN: no provenance
    meta = row.get("meta") or {}
    quoted = [(offset + s, offset + e) for s, e in locate(meta.get("quote"), text)]
    found = ground(answer, text, question.kind, quoted, offset)  # no quote: located in the text
    if quoted and not found.supported:  # a quote elsewhere, or one that lacks the answer
        found = ground(answer, text, question.kind, chunk_start=offset)
    if found.supported is None:
        return {}
    extra: dict[str, Any] = {"meta": {**meta, "in_text": found.supported}}
    if getattr(question, "evidence", True):
        extra["evidence"] = [list(span) for span in found.spans] or None
    return extra


def _depth(task: Task, question: Question) -> int:
    depth = 0
    while question.when is not None:
        question = task.question(question.when[0])
        depth += 1
    return depth
