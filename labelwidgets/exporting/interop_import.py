"""Importing Label Studio tasks and Argilla records: all or nothing.

An import reads the whole file first and checks every record (structure, who labeled it, that
each answer fits its question) without touching the store; if any record is bad, the error lists
every bad record (its index and why) and nothing is stored. Then every record is written in one
store transaction; a record the store refuses there is listed the same way and the transaction
is rolled back, so the store is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from labelwidgets.exporting import interop_argilla as _argilla
from labelwidgets.exporting import interop_files as _files
from labelwidgets.exporting import interop_spans as _spans
from labelwidgets.exporting.interop_ls import LS_TYPES
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.store import StoreError, ids

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["ImportRejected", "from_argilla", "from_label_studio"]

_SHOWN = 20  # bad records listed in the message (all are in .problems)


class ImportRejected(ValueError):
    """An import found bad records; nothing was stored. ``problems``: ``[(index, reason)]``."""

    def __init__(self, tool: str, unit: str, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        listed = "; ".join(f"{unit} {i}: {reason}" for i, reason in problems[:_SHOWN])
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        count = f"{len(problems)} bad record" + ("s" if len(problems) != 1 else "")
        super().__init__(f"{tool} import refused, nothing was stored; {count}: {listed}{more}")


class _Bad(ValueError):
    """One record's problem, found while planning it."""


@dataclass
class _Plan:
    """What one record will write: its chunk, model suggestions and labelers' answers."""

    chunk: dict[str, Any]
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)


# -- shared steps ---------------------------------------------------------------------------------------
def _dict(value: Any, what: str, *, required: bool = True) -> Mapping[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise _Bad(f"{what} is {_kind(value)}, expected a dict")
    return value


def _list(value: Any, what: str) -> list[Mapping[str, Any]]:
    """A list of dicts (``None`` is an empty list)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{what} is {_kind(value)}, expected a list")
    return [_dict(item, f"{what}[{i}]") for i, item in enumerate(value)]


def _kind(value: Any) -> str:
    return "missing" if value is None else f"a {type(value).__name__} ({value!r:.40})"


def _chunk(chunk_id: Any, doc_id: Any, text: Any, offsets: Mapping[str, Any]) -> dict[str, Any]:
    """The chunk row, with ids as ``add_chunks`` makes them (content-derived when not given)."""
    if not isinstance(text, str) or not text.strip():
        raise _Bad("has no text")
    document = str(doc_id) if doc_id else ids.doc_id_for_text(text)
    start, end = (None, None) if doc_id else (0, len(text))
    if doc_id and offsets.get("char_start") is not None:
        start, end = offsets["char_start"], offsets.get("char_end")
    chunk_id = str(chunk_id) if chunk_id else ids.chunk_id(document, start, end, text)
    return {
        "chunk_id": chunk_id,
        "doc_id": document,
        "text": text,
        "char_start": start,
        "char_end": end,
    }


def _check_answers(task: Task, answers: Mapping[str, Any], who: str) -> None:
    """Each answer must fit its question's kind (validators do not block an import)."""
    for name, value in answers.items():
        try:
            task.question(str(name)).coerce(value)
        except KeyError as exc:
            raise _Bad(f"{who}: {exc.args[0]}") from None
        except (TypeError, ValueError) as exc:
            raise _Bad(f"{who}: {exc}") from None


def _plan_all(
    records: list[Any], plan: Callable[[Any], _Plan], tool: str, unit: str
) -> list[tuple[int, _Plan]]:
    plans, problems = [], []
    for index, record in enumerate(records):
        try:
            plans.append((index, plan(record)))
        except _Bad as exc:
            problems.append((index, str(exc)))
        except (TypeError, ValueError, KeyError) as exc:  # from the span readers and the schema
            problems.append((index, str(exc.args[0] if isinstance(exc, KeyError) else exc)))
    if problems:
        raise ImportRejected(tool, unit, problems)
    return plans


def _write_all(
    store: LabelStore,
    task: Task,
    plans: list[tuple[int, _Plan]],
    tool: str,
    unit: str,
    progress: bool = False,
) -> dict[str, int]:
    """Every plan in one transaction; any record the store refuses rolls all of them back.

    Chunks and suggestions go in bulk (one ``add_chunks`` / ``add_suggestions`` call per
    batch); if the store refuses any of it, that attempt is undone (a savepoint) and the
    records are written one at a time to name each one it refuses.
    """
    counts = {"chunks": 0, "suggestions": 0, "answers": 0}
    problems: list[tuple[int, str]] = []
    with store.transaction():
        task = store.add_task(task) if isinstance(task, Task) else store.task(task)
        try:
            with store.transaction():
                bar = tqdm(total=len(plans), desc=f"{tool} import", unit=unit, disable=not progress)
                with bar:
                    return _write_bulk(store, task, [plan for _, plan in plans], bar.update)
        except StoreError:
            raise
        except (TypeError, ValueError):
            pass  # named below, record by record
        for index, plan in plans:
            try:
                _write(store, task, plan, counts)
            except StoreError:
                raise
            except (TypeError, ValueError) as exc:
                problems.append((index, str(exc)))
        if problems:
            raise ImportRejected(tool, unit, problems)
    return counts


_BULK = 5_000


def _write_bulk(
    store: LabelStore, task: Task, plans: list[_Plan], done: Callable[[int], Any]
) -> dict[str, int]:
    counts = {"chunks": 0, "suggestions": 0, "answers": 0}
    for at in range(0, len(plans), _BULK):
        counts["chunks"] += store.add_chunks([p.chunk for p in plans[at : at + _BULK]])
    rows = {  # a later record's suggestion replaces an earlier one, as one at a time would
        (p.chunk["chunk_id"], row["question"], row.get("prompt_version"), row["model"]): {
            "task": task.name,
            "chunk_id": p.chunk["chunk_id"],
            **row,
        }
        for p in plans
        for row in p.suggestions
    }
    given = list(rows.values())
    for at in range(0, len(given), _BULK):
        store.add_suggestions(given[at : at + _BULK])
    counts["suggestions"] = sum(len(p.suggestions) for p in plans)
    for plan in plans:
        for labeler, answers, evidence in plan.answers:
            counts["answers"] += len(
                store.record_answers(
                    task,
                    plan.chunk["chunk_id"],
                    answers,
                    labeler=labeler,
                    force=True,
                    evidence=evidence or None,
                )
            )
        done(1)
    return counts


def _write(store: LabelStore, task: Task, plan: _Plan, counts: dict[str, int]) -> None:
    chunk_id = plan.chunk["chunk_id"]
    counts["chunks"] += store.add_chunks([plan.chunk])
    if plan.suggestions:
        rows = [{"task": task.name, "chunk_id": chunk_id, **row} for row in plan.suggestions]
        counts["suggestions"] += store.add_suggestions(rows)
    for labeler, answers, evidence in plan.answers:
        counts["answers"] += len(
            store.record_answers(
                task, chunk_id, answers, labeler=labeler, force=True, evidence=evidence or None
            )
        )


def _task(store: LabelStore, task: Task | str) -> Task:
    """The definition to check records against (stored with the records when it is a Task)."""
    return task if isinstance(task, Task) else store.task(task)


# -- Label Studio ---------------------------------------------------------------------------------
def _from_ls_result(task: Task, result: Mapping[str, Any]) -> tuple[str, Any]:
    question = task.question(str(result.get("from_name")))
    if (result.get("meta") or {}).get("unknown"):
        return question.name, UNKNOWN
    value = _dict(result.get("value"), f"the value of {question.name!r}", required=False)
    if question.kind == "text":
        texts = value.get("text") or []
        return question.name, texts[0] if len(texts) == 1 else "\n".join(texts)
    if question.kind == "choice":
        return question.name, (value.get("choices") or [None])[0]
    if question.kind == "multi_choice":
        return question.name, value.get("choices") or []
    if question.kind == "rating" and "rating" not in value:  # a scale below 0: a Number control
        return question.name, value.get("number")
    return question.name, value.get(LS_TYPES[question.kind][1])


def _ls_labeler(who: Any, where: str) -> str:
    if isinstance(who, Mapping):
        who = who.get("email") or who.get("username") or who.get("id")
    if who is None or isinstance(who, bool) or not str(who).strip():
        raise _Bad(f"{where} has no completed_by: who made it? (a user email, name or id)")
    return str(who)


def _ls_plan(task: Task, item: Any, stored: Callable[[dict], Mapping[str, Any]]) -> _Plan:
    item = _dict(item, "the task")
    data = _dict(item.get("data"), "data")
    if not isinstance(data.get("text"), str):
        raise _Bad("has no data.text")
    plan = _Plan(_chunk(data.get("chunk_id"), data.get("doc_id"), data["text"], data))
    chunk = stored(plan.chunk)
    for p, prediction in enumerate(_list(item.get("predictions"), "predictions")):
        model, _, version = str(prediction.get("model_version") or "label-studio").partition("@")
        results = _list(prediction.get("result"), f"prediction {p} result")
        given, evidence = _spans.ls_read(task, results, chunk, _from_ls_result, annotation=False)
        scores = {  # each result's own score, where the prediction has them
            _spans.question_of(str(r.get("from_name"))): r["score"]
            for r in results
            if r.get("score") is not None
        }
        plan.suggestions += [
            {
                "question": q,
                "answer": value,
                "model": model,
                "prompt_version": version or None,
                "score": scores.get(q, None if scores else prediction.get("score")),
                "evidence": evidence.get(q),
            }
            for q, value in given.items()
        ]
    for a, annotation in enumerate(_list(item.get("annotations"), "annotations")):
        if annotation.get("was_cancelled"):
            continue
        labeler = _ls_labeler(annotation.get("completed_by"), f"annotation {a}")
        results = _list(annotation.get("result"), f"annotation {a} result")
        answers, evidence = _spans.ls_read(task, results, chunk, _from_ls_result, annotation=True)
        _check_answers(task, answers, f"annotation {a} by {labeler!r}")
        if answers:
            plan.answers.append((labeler, answers, evidence))
    return plan


def from_label_studio(
    store: LabelStore,
    task: Task | str,
    tasks: list[dict[str, Any]] | str | Path,
    *,
    progress: bool = True,
) -> dict[str, int]:
    """Import Label Studio tasks (a list, or a JSON file) into ``store``: chunks, predictions as
    suggestions, annotations as answers of their ``completed_by`` labeler.

    All or nothing: every task is checked first and written in one transaction. A
    :class:`Task` given here is stored with ``store.add_task`` (a changed definition becomes a
    new version); a task name must name a stored task. ``progress``: a progress bar while the
    tasks are written.

    Raises
    ------
    ImportRejected
        (a ``ValueError``) listing every bad task by index and why; nothing was stored.
    """
    items = _files.load(tasks, "Label Studio")
    if not isinstance(items, list):
        raise ValueError(
            f"Label Studio import refused, nothing was stored: a Label Studio export is a JSON "
            f"list of tasks, got {_kind(items)}"
        )
    definition = _task(store, task)
    stored = _files.as_stored(store, _files.named_ids(items, lambda item: item["data"]["chunk_id"]))
    plans = _plan_all(
        items, lambda item: _ls_plan(definition, item, stored), "Label Studio", "task"
    )
    return _write_all(store, task, plans, "Label Studio", "task", progress)


# -- Argilla ----------------------------------------------------------------------------------------
def _argilla_plan(
    task: Task,
    record: Any,
    stored: Callable[[dict], Mapping[str, Any]],
    labelers: Mapping[str, str],
) -> _Plan:
    record = _dict(record, "the record")
    fields = _dict(record.get("fields"), "fields")
    if not isinstance(fields.get("text"), str):
        raise _Bad("has no fields.text")
    metadata = _dict(record.get("metadata"), "metadata", required=False)
    marked = metadata.get("lw_unknown") or []
    if not isinstance(marked, list):
        raise _Bad(f"metadata.lw_unknown is {_kind(marked)}, expected a list")
    suggestions = _dict(record.get("suggestions"), "suggestions", required=False)
    for name, suggestion in suggestions.items():
        _dict(suggestion, f"suggestion {name!r}")
    responses = _dict(record.get("responses"), "responses", required=False)
    for name, given in responses.items():
        for r, response in enumerate(_list(given, f"responses[{name!r}]")):
            user = response.get("user_id")
            if response.get("status", "submitted") == "submitted" and user in (None, ""):
                raise _Bad(f"response {r} to {name!r} has no user_id: who answered it?")
    plan = _Plan(_chunk(record.get("id"), metadata.get("doc_id"), fields["text"], metadata))
    not_in_text = suggestions.get(_argilla.NOT_IN_TEXT, {}).get("value")
    if not_in_text is not None and not isinstance(not_in_text, list):
        raise _Bad(
            f"the {_argilla.NOT_IN_TEXT!r} suggestion is {_kind(not_in_text)}, expected a list"
        )
    record = _argilla.canonical_record(task, record, labelers)
    unknown, chunk = set(record["metadata"]["lw_unknown"]), stored(plan.chunk)
    plan.suggestions = _spans.argilla_suggestions(task, record, chunk, unknown)
    exact = record["metadata"].get("lw_suggestions") or {}
    for row in plan.suggestions:  # the exact model, prompt version and score where exported
        given = exact.get(row["question"]) if isinstance(exact, Mapping) else None
        if isinstance(given, Mapping):
            row.update({k: given.get(k) for k in ("model", "prompt_version", "score")})
        elif isinstance(row["score"], list):  # one score per item: the suggestion's is the mean
            row["score"] = sum(row["score"]) / len(row["score"]) if row["score"] else None
    per_user, evidence = _spans.argilla_responses(task, record, chunk, unknown)
    for user, answers in per_user.items():
        _check_answers(task, answers, f"the responses of {user!r}")
        plan.answers.append((user, answers, evidence.get(user) or {}))
    return plan


def from_argilla(
    store: LabelStore,
    task: Task | str,
    dataset: dict[str, Any] | list[dict[str, Any]] | str | Path,
    *,
    labelers: Mapping[str, str] | None = None,
    progress: bool = True,
) -> dict[str, int]:
    """Import an Argilla 2.x dataset into ``store``: what :func:`to_argilla` wrote (a dict, a
    JSON file or an ``rg.Dataset.to_disk`` directory), or records in ``rg.Record.to_dict()``
    form (e.g. ``[r.to_dict() for r in dataset.records(with_suggestions=True)]``).

    Parameters
    ----------
    labelers
        ``{user_id: name}`` for users the records do not name (Argilla users who labeled
        there, e.g. ``{str(u.id): u.username for u in client.users}``); ids exported by
        :func:`to_argilla` are named by the record's ``metadata["lw_labelers"]``. Unnamed
        users are stored under their id.
    progress
        A progress bar while the records are written.

    All or nothing, like :func:`from_label_studio`: every record is checked first and written
    in one transaction; :class:`ImportRejected` lists every bad record and nothing is stored.
    """
    dataset = _files.load(dataset, "Argilla")
    records = dataset.get("records") if isinstance(dataset, Mapping) else dataset
    if not isinstance(records, list):
        raise ValueError(
            "Argilla import refused, nothing was stored: an Argilla export needs a list of "
            f"records, got {_kind(records)}"
        )
    definition = _task(store, task)
    stored = _files.as_stored(store, _files.named_ids(records, lambda record: record["id"]))
    names = dict(labelers or {})
    plans = _plan_all(
        records, lambda r: _argilla_plan(definition, r, stored, names), "Argilla", "record"
    )
    return _write_all(store, task, plans, "Argilla", "record", progress)
