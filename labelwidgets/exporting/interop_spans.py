"""Spans and evidence in Label Studio and Argilla, both ways.

Both tools show spans over the record's text, so offsets there are *chunk* coordinates; the store
keeps document coordinates (chunk offset + the chunk's ``char_start``).

- A ``spans`` question travels natively: Label Studio ``labels`` results
  (``{"start", "end", "text", "labels": [label]}``, one per span), Argilla ``span`` questions
  (``[{"start", "end", "label"}]``). In Label Studio a submitted annotation without spans for a
  spans question means "no spans" (``[]``).
- Evidence is shown as spans too, on a companion control named ``<question>__evidence`` with the
  one label ``"Evidence"``, so a reviewer in either tool sees it highlighted and can draw it. It is
  also kept exactly (document coordinates, spans outside the chunk included) in Label Studio's
  result ``meta["evidence"]`` and in Argilla's ``metadata["lw_evidence"]``; on import the exact
  copy wins, else the drawn spans are used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from labelwidgets.schema import UNKNOWN, Question, Task

EVIDENCE_SUFFIX = "__evidence"
EVIDENCE_LABEL = "Evidence"
NOT_IN_TEXT_SUFFIX = "__not_in_text"  # Label Studio: the "not in the text" choice of a question
NOT_IN_TEXT_CHOICE = "Not in the text"


def question_of(control: str) -> str:
    """The question a control belongs to (``<question>__evidence`` / ``__not_in_text``)."""
    return control.removesuffix(EVIDENCE_SUFFIX).removesuffix(NOT_IN_TEXT_SUFFIX)


def evidence_of(value: Any) -> list[list[int]] | None:
    """Evidence as a view holds it (None, NaN, or a list of pairs) -> a list of pairs or None."""
    if value is None or isinstance(value, float) or not len(value):
        return None
    return [[int(s), int(e)] for s, e in value]


def _offset(chunk: Mapping[str, Any]) -> int:
    start = chunk.get("char_start")
    return 0 if start is None or start != start else int(start)


def _inside(spans: Iterable[Any], chunk: Mapping[str, Any]) -> list[tuple[int, int, Any]]:
    """(start, end, label) in chunk coordinates of the spans that lie inside the chunk."""
    offset, size = _offset(chunk), len(chunk["text"])
    found = []
    for span in spans:
        start, end, label = (
            (span["start"], span["end"], span["label"])
            if isinstance(span, Mapping)
            else (*span, None)
        )
        if offset <= start and end <= offset + size:
            found.append((start - offset, end - offset, label))
    return found


def _to_document(start: Any, end: Any, chunk: Mapping[str, Any], where: str) -> tuple[int, int]:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        raise ValueError(f"{where}: span offsets must be whole numbers, got {start!r}, {end!r}")
    return start + _offset(chunk), end + _offset(chunk)


# -- Label Studio ---------------------------------------------------------------------------------
def _ls_region(name: str, start: int, end: int, label: str, text: str) -> dict[str, Any]:
    return {
        "from_name": name,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def ls_results(
    question: Question,
    value: Any,
    evidence: Any,
    chunk: Mapping[str, Any],
    plain: Callable[[Question, Any], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The Label Studio results of one answer (``plain`` makes the result of a non-span answer)."""
    text = chunk["text"]
    if question.kind == "spans":
        return [_ls_region(question.name, s, e, lab, text) for s, e, lab in _inside(value, chunk)]
    result = plain(question, value)
    evidence = evidence_of(evidence)
    if not evidence:
        return [result]
    result["meta"] = {**result.get("meta", {}), "evidence": evidence}
    name = question.name + EVIDENCE_SUFFIX
    regions = [_ls_region(name, s, e, EVIDENCE_LABEL, text) for s, e, _ in _inside(evidence, chunk)]
    return [result, *regions]


def ls_read(
    task: Task,
    results: Iterable[Mapping[str, Any]],
    chunk: Mapping[str, Any],
    plain: Callable[[Task, Mapping[str, Any]], tuple[str, Any]],
    *,
    annotation: bool,
) -> tuple[dict[str, Any], dict[str, list[list[int]]]]:
    """Answers and evidence (document coordinates) of one annotation or prediction.

    ``annotation``: a submitted annotation says "no spans" for a spans question it has no
    region for (a prediction says nothing about it).
    """
    answers: dict[str, Any] = {}
    evidence: dict[str, list[list[int]]] = {}
    drawn: dict[str, list[list[int]]] = defaultdict(list)
    names = {q.name: q for q in task.questions}
    unknown: set[str] = set()
    for i, result in enumerate(results):
        name = str(result.get("from_name"))
        value = result.get("value") or {}
        where = f"Label Studio result {i} ({name})"
        base = name.removesuffix(EVIDENCE_SUFFIX)
        if name.removesuffix(NOT_IN_TEXT_SUFFIX) in names and name.endswith(NOT_IN_TEXT_SUFFIX):
            if NOT_IN_TEXT_CHOICE in (value.get("choices") or []):
                unknown.add(name.removesuffix(NOT_IN_TEXT_SUFFIX))
        elif name != base and base in names:
            drawn[base].append(
                list(_to_document(value.get("start"), value.get("end"), chunk, where))
            )
        elif name in names and names[name].kind == "spans":
            start, end = _to_document(value.get("start"), value.get("end"), chunk, where)
            spans = answers.setdefault(name, [])
            spans += [{"start": start, "end": end, "label": lab} for lab in value.get("labels", [])]
        else:
            question, answer = plain(task, result)
            answers[question] = answer
            exact = (result.get("meta") or {}).get("evidence")
            if exact:
                evidence[question] = exact
    for name in sorted(unknown):
        if answers.get(name, UNKNOWN) is not UNKNOWN:
            raise ValueError(
                f"Label Studio {name!r} has both an answer ({answers[name]!r:.40}) and "
                f"{NOT_IN_TEXT_CHOICE!r} ticked: which one is meant?"
            )
        answers[name] = UNKNOWN
    for name, spans in drawn.items():
        if name not in evidence and answers.get(name, UNKNOWN) is not UNKNOWN:
            evidence[name] = spans
    if annotation:
        for q in task.questions:
            if q.kind == "spans" and q.when is None:
                answers.setdefault(q.name, [])
    return answers, evidence


# -- Argilla ----------------------------------------------------------------------------------------
def argilla_questions(task: Task) -> list[dict[str, Any]]:
    """Argilla ``span`` questions: each spans question, and one per question taking evidence."""
    found = []
    for q in task.questions:
        if q.kind == "spans":
            found.append(_span_question(q.name, q.prompt or q.name, q.instructions, q.labels))
        elif q.evidence:
            title = f"Evidence for: {q.prompt or q.name}"
            found.append(
                _span_question(
                    q.name + EVIDENCE_SUFFIX,
                    title,
                    "Where in the text the answer is written.",
                    [EVIDENCE_LABEL],
                )
            )
    return found


def _span_question(name: str, title: str, description: str, labels: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": "span",
        "field": "text",
        "title": title,
        "description": description,
        "labels": list(labels),
        "allow_overlapping": True,
        "required": False,
    }


def argilla_value(question: Question, value: Any, chunk: Mapping[str, Any]) -> Any:
    """The Argilla response value of an answer (spans in chunk coordinates)."""
    if question.kind != "spans" or value is UNKNOWN:
        return None if value is UNKNOWN else value
    return [{"start": s, "end": e, "label": lab} for s, e, lab in _inside(value, chunk)]


def argilla_evidence(evidence: Any, chunk: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Evidence as the value of an Argilla ``<question>__evidence`` span question."""
    return [
        {"start": s, "end": e, "label": EVIDENCE_LABEL}
        for s, e, _ in _inside(evidence_of(evidence) or [], chunk)
    ]


def argilla_read(
    task: Task, question: str, value: Any, chunk: Mapping[str, Any]
) -> tuple[str, str, Any]:
    """``(kind, question, value)`` of one Argilla response or suggestion: kind ``"answer"`` or
    ``"evidence"`` (value in document coordinates), or ``"other"`` for a question the task does
    not have."""
    names = {q.name: q for q in task.questions}
    base = question.removesuffix(EVIDENCE_SUFFIX)
    where = f"Argilla {question!r}"
    if question != base and base in names:
        return (
            "evidence",
            base,
            [list(_to_document(s["start"], s["end"], chunk, where)) for s in value or []],
        )
    if question in names and names[question].kind == "spans" and isinstance(value, list):
        spans = []
        for span in value:
            start, end = _to_document(span.get("start"), span.get("end"), chunk, where)
            spans.append({"start": start, "end": end, "label": span.get("label")})
        return "answer", question, spans
    return ("answer" if question in names else "other"), question, value


def argilla_add_evidence(
    suggestions: dict[str, Any],
    responses: dict[str, list[dict[str, Any]]],
    rows: Iterable[Any],
    chunk: Mapping[str, Any],
    *,
    labeled: bool,
) -> dict[str, list[list[int]]]:
    """Add the evidence of suggestion rows (``labeled=False``) or answer rows to an Argilla
    record as ``<question>__evidence`` spans; returns the exact copy for ``lw_evidence``."""
    exact = {}
    for row in rows:
        evidence = evidence_of(getattr(row, "evidence", None))
        if not evidence:
            continue
        name = row.question + EVIDENCE_SUFFIX
        value = argilla_evidence(evidence, chunk)
        if labeled:
            exact[f"response:{row.question}:{row.labeler}"] = evidence
            responses[name].append({"value": value, "user_id": row.labeler, "status": "submitted"})
        else:
            exact[f"suggestion:{row.question}"] = evidence
            suggestions[name] = {"value": value, "agent": row.model, "type": "model"}
    return exact


def argilla_responses(
    task: Task, record: Mapping[str, Any], chunk: Mapping[str, Any], unknown: set[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Per user: the answers and the evidence (document coordinates) of an Argilla record."""
    exact = (record.get("metadata") or {}).get("lw_evidence") or {}
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    drawn: dict[str, dict[str, Any]] = defaultdict(dict)
    for question, responses in (record.get("responses") or {}).items():
        for response in responses:
            if response.get("status", "submitted") != "submitted":
                continue
            user = str(response.get("user_id"))
            kind, name, value = argilla_read(task, question, response.get("value"), chunk)
            if kind == "evidence":
                drawn[user][name] = value
            else:
                answers[user][name] = UNKNOWN if f"response:{name}:{user}" in unknown else value
    evidence: dict[str, dict[str, Any]] = defaultdict(dict)
    for user, given in answers.items():
        for name, value in given.items():
            spans = exact.get(f"response:{name}:{user}") or drawn[user].get(name)
            if spans and value is not UNKNOWN:
                evidence[user][name] = spans
    return answers, evidence


def argilla_suggestions(
    task: Task, record: Mapping[str, Any], chunk: Mapping[str, Any], unknown: set[str]
) -> list[dict[str, Any]]:
    """Suggestion rows (``question``, ``answer``, ``model``, ``score``, ``evidence``) of a record."""
    exact = (record.get("metadata") or {}).get("lw_evidence") or {}
    given = record.get("suggestions") or {}
    drawn = {}
    rows = []
    for question, suggestion in given.items():
        kind, name, value = argilla_read(task, question, suggestion.get("value"), chunk)
        if kind == "evidence":
            drawn[name] = value
            continue
        rows.append(
            {
                "question": name,
                "answer": UNKNOWN if f"suggestion:{name}" in unknown else value,
                "model": suggestion.get("agent") or "argilla",
                "score": suggestion.get("score"),
            }
        )
    for row in rows:
        spans = exact.get(f"suggestion:{row['question']}") or drawn.get(row["question"])
        if spans and row["answer"] is not UNKNOWN:
            row["evidence"] = spans
    return rows
