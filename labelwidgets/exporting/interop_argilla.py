"""Argilla 2.x: dataset settings generated from a task, and one record per chunk.

The shapes are the Argilla SDK's own: settings as ``rg.Settings.serialize()`` writes them (so
``rg.Settings.from_json`` / ``rg.Dataset.from_disk`` read them), records as
``rg.Record.to_dict()`` writes them (``rg.Record.from_dict`` reads them), with each response's
``status``. What Argilla requires and how it is met:

- **Names are lowercase** (``[a-z0-9_-]``) in Argilla: a question ``governingLaw`` is
  ``governinglaw`` there and comes back by the task's own name (two names that differ only in
  case are refused).
- **Users are UUIDs.** A labeler's ``user_id`` is :func:`labeler_id` (``uuid5`` of a fixed
  namespace and the name: the same labeler gets the same id in every export); the names are in
  each record's ``metadata["lw_labelers"]`` (``{user_id: name}``) and come back on import.
- **"Not in the text"** (:data:`~labelwidgets.UNKNOWN`) is not a value Argilla takes, so the
  dataset has one more question, ``not_in_text``: a multi-label question whose labels are the
  questions that allow UNKNOWN. A labeler ticks the questions the text does not answer (and
  leaves those questions empty); a model's UNKNOWN answers are its suggestion there (one score
  per ticked question). With one such question, a second label ``"(answered)"`` is added
  (Argilla's label questions need two), which means nothing on import. A choice question with
  a single choice is a text question there, for the same reason.
- **Numbers and dates** are text questions (Argilla has no number or date question), written so
  the value reader reads them back exactly ("1.1250", never the ambiguous "1.125"). A rating
  scale inside 0..10 is a rating question (Argilla's range), else a text question.
- **Suggestions**: Argilla keeps one per question, its ``agent`` in ``[A-Za-z0-9-_:./ ]`` and
  scores in 0..1 (one per item of a list value): the agent is the model and prompt version with
  other characters as ``_``, and the exact model, prompt version and score of each question's
  suggestion are in ``metadata["lw_suggestions"]`` (they win on import).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from labelwidgets.exporting import interop_spans as _spans
from labelwidgets.exporting.interop_ls import offsets
from labelwidgets.schema import UNKNOWN, Question, Task

__all__ = ["NOT_IN_TEXT", "argilla_record", "argilla_settings", "labeler_id"]

NOT_IN_TEXT = "not_in_text"
LABELER_NAMESPACE = uuid.UUID("6f1d3c1e-4b4f-5f0e-9a59-6c6162656c77")  # fixed: ids stay stable
_TITLE_MAX, _DESCRIPTION_MAX, _OPTION_MAX = 500, 1000, 200  # Argilla's limits
ANSWERED = "(answered)"  # a second not_in_text option when one question alone can be unknown


def labeler_id(name: str) -> str:
    """The Argilla ``user_id`` of a labeler: a UUID derived from the name (stable)."""
    return str(uuid.uuid5(LABELER_NAMESPACE, name))


def _rating_as_text(question: Question) -> bool:
    return question.scale[0] < 0 or question.scale[1] > 10


def unknown_questions(task: Task) -> list[Question]:
    """The questions that can be answered "not in the text" (the ``not_in_text`` labels)."""
    return [q for q in task.questions if q.allow_unknown and q.kind != "spans"]


def names(task: Task) -> dict[str, str]:
    """Argilla question name -> task question name (the task's own names, lowercased in Argilla,
    with the evidence companions); refuses names Argilla cannot tell apart."""
    found: dict[str, str] = {}
    wanted = [(q.name, q.name) for q in task.questions]
    wanted += [
        (q.name + _spans.EVIDENCE_SUFFIX, q.name + _spans.EVIDENCE_SUFFIX)
        for q in task.questions
        if q.evidence
    ]
    if unknown_questions(task):
        wanted.append((NOT_IN_TEXT, NOT_IN_TEXT))
    for ours, theirs in wanted:
        key = theirs.lower()
        if key in found:
            raise ValueError(
                f"task {task.name!r}: questions {found[key]!r} and {ours!r} are the same name in "
                f"Argilla ({key!r}; Argilla names are lowercase, and {NOT_IN_TEXT!r} holds the "
                "'not in the text' answers); rename one of them"
            )
        found[key] = ours
    return found


# -- settings -------------------------------------------------------------------------------------
def _options(values: Any, texts: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    return [{"value": v, "text": (texts or {}).get(v, v), "description": None} for v in values]


def _check_labels(question: Question) -> None:
    long = [c for c in (*question.choices, *question.labels) if len(c) > _OPTION_MAX]
    if long:
        raise ValueError(
            f"question {question.name!r}: Argilla takes labels of at most {_OPTION_MAX} "
            f"characters, {long[0][:40]!r}... has {len(long[0])}"
        )


def _question_settings(question: Question) -> dict[str, Any]:
    if question.kind in ("choice", "multi_choice") and len(question.choices) < 2:
        return {"type": "text", "use_markdown": False}  # Argilla needs two labels or more
    if question.kind == "choice":
        return {"type": "label_selection", "options": _options(question.choices)}
    if question.kind == "multi_choice":
        return {
            "type": "multi_label_selection",
            "options": _options(question.choices),
            "options_order": "natural",
        }
    if question.kind == "rating" and not _rating_as_text(question):
        low, high = question.scale
        return {"type": "rating", "options": [{"value": v} for v in range(low, high + 1)]}
    return {"type": "text", "use_markdown": False}


def _question(name: str, title: str, description: str, settings: dict) -> dict[str, Any]:
    title = (title.strip().splitlines() or [name])[0]
    return {
        "name": name.lower(),
        "title": title[:_TITLE_MAX],
        "description": (description or None) and description[:_DESCRIPTION_MAX],
        "required": False,
        "settings": settings,
    }


def argilla_settings(task: Task) -> dict[str, Any]:
    """Argilla dataset settings for ``task`` in ``rg.Settings.serialize()`` form: the chunk text
    field, one question per task question (spans questions and evidence as span questions),
    ``not_in_text``, and ``doc_id`` / ``char_start`` / ``char_end`` metadata properties."""
    names(task)  # refuses names Argilla cannot hold
    for q in task.questions:
        _check_labels(q)
    questions = [
        _question(q.name, q.prompt or q.name, q.instructions, _question_settings(q))
        for q in task.questions
        if q.kind != "spans"
    ]
    for span in _spans.argilla_questions(task):
        settings = {
            "type": "span",
            "field": "text",
            "options": _options(span["labels"]),
            "allow_overlapping": True,
        }
        questions.append(_question(span["name"], span["title"], span["description"], settings))
    unknowable = unknown_questions(task)
    if unknowable:
        titles = {q.name.lower(): (q.prompt or q.name).splitlines()[0][:200] for q in unknowable}
        if len(titles) == 1:  # Argilla's label questions need two labels
            titles[ANSWERED] = "(the text answers it)"
        settings = {
            "type": "multi_label_selection",
            "options": _options(list(titles), titles),
            "options_order": "natural",
        }
        questions.append(
            _question(
                NOT_IN_TEXT,
                "Not in the text",
                "Tick each question the text does not answer (and leave that question empty).",
                settings,
            )
        )
    return {
        "guidelines": task.guidelines or None,
        "fields": [
            {
                "name": "text",
                "title": "text",
                "required": True,
                "description": None,
                "settings": {"type": "text", "use_markdown": False},
            }
        ],
        "questions": questions,
        "metadata": [
            {"name": "doc_id", "title": "doc_id", "settings": {"type": "terms", "values": None}},
            *(
                {"name": n, "title": n, "settings": {"type": "integer", "min": None, "max": None}}
                for n in ("char_start", "char_end")
            ),
        ],
        "vectors": [],
        "allow_extra_metadata": True,
        "distribution": {"strategy": "overlap", "min_submitted": 1},
        "mapping": None,
    }


# -- values ---------------------------------------------------------------------------------------
_GROUPING_LOOKALIKE = re.compile(r"-?\d{1,3}[.,]\d{3}")


def number_text(value: Any) -> str:
    """A number as text the value reader reads back exactly, in any locale setting."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if _GROUPING_LOOKALIKE.fullmatch(text):
        text += "0"  # "1.125" reads as 1125 or 1.125; "1.1250" only as 1.125
    return text


def _value(question: Question, value: Any, chunk: Mapping[str, Any]) -> Any:
    if question.kind == "number" or (question.kind == "rating" and _rating_as_text(question)):
        return number_text(value)
    return _spans.argilla_value(question, value, chunk)


# -- records --------------------------------------------------------------------------------------
_AGENT_UNSAFE = re.compile(r"[^A-Za-z0-9\-_:./\s]")


def agent_name(model: Any, version: Any = None) -> str:
    """An Argilla suggestion ``agent`` (its server allows letters, digits, ``-_:./`` and spaces,
    at most 200): the model and prompt version; the exact ones are in
    ``metadata["lw_suggestions"]``."""
    text = str(model) + (f" {version}" if isinstance(version, str) and version else "")
    text = _AGENT_UNSAFE.sub("_", text)[:200]
    return text if re.search(r"[A-Za-z0-9]", text) else "model"


def _score(score: Any) -> float | None:
    return None if score is None or score != score else float(score)


def _argilla_score(score: float | None, value: Any) -> Any:
    """Argilla takes scores in 0..1, one per item of a list value (none for an empty list)."""
    if score is None or not 0 <= score <= 1:
        return None
    if isinstance(value, list):
        return [score] * len(value) if value else None
    return score


def _suggestions(
    task: Task, rows: list[Any], chunk: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's suggestions, and their exact model, prompt version and score per question
    (``lw_suggestions``: Argilla's agent and score cannot hold every model name or score)."""
    found: dict[str, Any] = {}
    exact: dict[str, Any] = {}
    unknown: list[tuple[str, Any, str]] = []
    last = {s.question: s for s in rows}  # Argilla holds one suggestion per question
    for s in last.values():
        agent, score = agent_name(s.model, s.prompt_version), _score(s.score)
        version = s.prompt_version if isinstance(s.prompt_version, str) else None
        exact[s.question] = {"model": s.model, "prompt_version": version, "score": score}
        if s.answer is UNKNOWN:
            unknown.append((s.question.lower(), _argilla_score(score, None), agent))
            continue
        value = _value(task.question(s.question), s.answer, chunk)
        found[s.question] = {
            "value": value,
            "score": _argilla_score(score, value),
            "agent": agent,
            "type": "model",
        }
    if unknown:
        order = {q.name.lower(): i for i, q in enumerate(task.questions)}
        unknown.sort(key=lambda u: order[u[0]])
        scores = [score for _, score, _ in unknown]
        found[NOT_IN_TEXT] = {
            "value": [name for name, _, _ in unknown],
            "score": None if None in scores else scores,
            "agent": unknown[0][2],
            "type": "model",
        }
    return found, exact


def argilla_record(
    task: Task, chunk: Mapping[str, Any], answers: list[Any], suggestions: list[Any]
) -> dict[str, Any]:
    """One Argilla record (``rg.Record.to_dict()`` form, responses with ``status``)."""
    record_suggestions, exact = _suggestions(task, suggestions, chunk)
    responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unknown: dict[str, list[str]] = defaultdict(list)
    labelers = {}
    for a in answers:
        labelers[labeler_id(a.labeler)] = a.labeler
        if a.answer is UNKNOWN:
            unknown[a.labeler].append(a.question.lower())
            continue
        value = _value(task.question(a.question), a.answer, chunk)
        responses[a.question].append({"value": value, "user_id": a.labeler, "status": "submitted"})
    order = {q.name.lower(): i for i, q in enumerate(task.questions)}
    for labeler, questions in unknown.items():
        questions.sort(key=order.__getitem__)
        responses[NOT_IN_TEXT].append(
            {"value": questions, "user_id": labeler, "status": "submitted"}
        )
    evidence = _spans.argilla_add_evidence(
        record_suggestions, responses, suggestions, chunk, labeled=False
    )
    evidence |= _spans.argilla_add_evidence(
        record_suggestions, responses, answers, chunk, labeled=True
    )
    metadata: dict[str, Any] = {"doc_id": chunk["doc_id"], **offsets(chunk)}
    if labelers:
        metadata["lw_labelers"] = labelers
    if evidence:
        metadata["lw_evidence"] = evidence
    if exact:
        metadata["lw_suggestions"] = exact
    for suggestion in record_suggestions.values():  # evidence suggestions name the bare model
        suggestion["agent"] = agent_name(suggestion["agent"])
    return {
        "id": chunk["chunk_id"],
        "fields": {"text": chunk["text"]},
        "metadata": metadata,
        "suggestions": {name.lower(): s for name, s in record_suggestions.items()},
        "responses": {
            name.lower(): [{**r, "user_id": labeler_id(r["user_id"])} for r in given]
            for name, given in responses.items()
        },
    }


# -- reading records back -------------------------------------------------------------------------
def _user_names(record: Mapping[str, Any], labelers: Mapping[str, str]) -> dict[str, str]:
    metadata = record.get("metadata") or {}
    given = metadata.get("lw_labelers") or {}
    if not isinstance(given, Mapping):
        raise ValueError(f"metadata.lw_labelers is a {type(given).__name__}, expected a dict")
    return {
        **{str(k): str(v) for k, v in labelers.items()},
        **{str(k): str(v) for k, v in given.items()},
    }


def canonical_record(
    task: Task, record: Mapping[str, Any], labelers: Mapping[str, str]
) -> dict[str, Any]:
    """An Argilla record with the task's own question names, labeler names for user ids
    (``metadata["lw_labelers"]``, then ``labelers``, else the id itself) and the
    ``not_in_text`` answers turned into ``metadata["lw_unknown"]`` marks (with a suggestion
    row per question a model said is not in the text)."""
    known = names(task)
    users = _user_names(record, labelers)
    metadata = dict(record.get("metadata") or {})
    marks = list(metadata.get("lw_unknown") or [])
    suggestions: dict[str, Any] = {}
    for name, suggestion in (record.get("suggestions") or {}).items():
        ours = known.get(str(name).lower(), str(name))
        if ours != NOT_IN_TEXT:
            suggestions[ours] = suggestion
            continue
        values, scores = suggestion.get("value") or [], suggestion.get("score")
        for i, question in enumerate(values):
            if question == ANSWERED:
                continue
            question = _unknowable(task, known, question, "suggestion")
            score = scores[i] if isinstance(scores, list) and i < len(scores) else scores
            suggestions[question] = {
                "value": None,
                "score": score,
                "agent": suggestion.get("agent"),
            }
            marks.append(f"suggestion:{question}")
    responses: dict[str, list[Any]] = defaultdict(list)
    ticked: list[tuple[str, str]] = []
    for name, given in (record.get("responses") or {}).items():
        ours = known.get(str(name).lower(), str(name))
        for response in given:
            user = str(response.get("user_id")) if response.get("user_id") is not None else None
            response = {**response, "user_id": users.get(user, user) if user else None}
            if ours != NOT_IN_TEXT:
                responses[ours].append(response)
            elif response.get("status", "submitted") == "submitted":
                ticked += [
                    (_unknowable(task, known, q, "response"), response["user_id"])
                    for q in response.get("value") or []
                    if q != ANSWERED
                ]
    for question, user in ticked:
        if any(r.get("user_id") == user for r in responses.get(question, [])):
            raise ValueError(
                f"{user!r} both answered {question!r} and ticked it in {NOT_IN_TEXT!r}: "
                "which one is meant?"
            )
        responses[question].append({"value": None, "user_id": user, "status": "submitted"})
        marks.append(f"response:{question}:{user}")
    metadata["lw_unknown"] = marks
    return {
        **record,
        "metadata": metadata,
        "suggestions": suggestions,
        "responses": dict(responses),
    }


def _unknowable(task: Task, known: Mapping[str, str], value: Any, what: str) -> str:
    question = known.get(str(value).lower())
    if question is None or question == NOT_IN_TEXT or not task.question(question).allow_unknown:
        raise ValueError(
            f"the {NOT_IN_TEXT!r} {what} names {value!r}, not a question that can be "
            "'not in the text'"
        )
    return question
