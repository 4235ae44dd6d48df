"""Label Studio: the labeling config generated from a task, and one task JSON per chunk.

Each question becomes the Label Studio control of its kind, over one ``<Text name="text">``:

============== ===============================================================================
``text``       ``<TextArea>`` (one answer)
``choice``     ``<Choices choice="single">``
``multi_choice`` ``<Choices choice="multiple">``
``rating``     ``<Rating maxRating=high>`` (``<Number min max>`` when the scale starts below 0)
``number``     ``<Number>``
``date``       ``<DateTime only="date">`` (a partial date, "2020-03", rides as its string)
``spans``      ``<Labels>`` with the question's labels
============== ===============================================================================

Label Studio has no "not in the text" answer, so every question that allows one gets a companion
``<Choices name="<question>__not_in_text">`` with the one choice ``"Not in the text"``: an
annotation says :data:`~labelwidgets.UNKNOWN` by ticking it (and giving no answer to the
question). Questions taking evidence get a ``<Labels name="<question>__evidence">`` with the one
label ``"Evidence"`` (see :mod:`labelwidgets.exporting.interop_spans`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from labelwidgets.exporting import interop_spans as _spans
from labelwidgets.schema import UNKNOWN, Question, Task

__all__ = ["NOT_IN_TEXT_CHOICE", "NOT_IN_TEXT_SUFFIX", "label_studio_config", "ls_task"]

NOT_IN_TEXT_SUFFIX = _spans.NOT_IN_TEXT_SUFFIX
NOT_IN_TEXT_CHOICE = _spans.NOT_IN_TEXT_CHOICE

# question kind -> (Label Studio result type, key of its value)
LS_TYPES = {
    "text": ("textarea", "text"),
    "choice": ("choices", "choices"),
    "multi_choice": ("choices", "choices"),
    "rating": ("rating", "rating"),
    "number": ("number", "number"),
    "date": ("datetime", "datetime"),
}


def _attr(value: Any) -> str:
    """An XML attribute value in double quotes (newlines kept; a leading ``$`` would name a
    data field in Label Studio, so static text never starts with one)."""
    text = str(value)
    if text.startswith("$"):
        text = " " + text
    return '"' + escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}) + '"'


def _rating_as_number(question: Question) -> bool:
    return question.scale[0] < 0


def _control(question: Question) -> list[str]:
    name, to = _attr(question.name), 'toName="text"'
    kind = question.kind
    if kind == "text":
        return [f'<TextArea name={name} {to} maxSubmissions="1" editable="true"/>']
    if kind in ("choice", "multi_choice"):
        mode = "multiple" if kind == "multi_choice" else "single"
        options = [f"  <Choice value={_attr(c)}/>" for c in question.choices]
        return [f'<Choices name={name} {to} choice="{mode}">', *options, "</Choices>"]
    if kind == "rating" and not _rating_as_number(question):
        return [f"<Rating name={name} {to} maxRating={_attr(question.scale[1])}/>"]
    if kind == "rating":
        low, high = question.scale
        return [f"<Number name={name} {to} min={_attr(low)} max={_attr(high)}/>"]
    if kind == "number":
        return [f"<Number name={name} {to}/>"]
    if kind == "date":
        return [f'<DateTime name={name} {to} only="date"/>']
    labels = [f"  <Label value={_attr(label)}/>" for label in question.labels]
    return [f"<Labels name={name} {to}>", *labels, "</Labels>"]


def _companions(question: Question) -> list[str]:
    lines = []
    if question.allow_unknown and question.kind != "spans":
        name = _attr(question.name + NOT_IN_TEXT_SUFFIX)
        lines += [
            f'<Choices name={name} toName="text" choice="single">',
            f"  <Choice value={_attr(NOT_IN_TEXT_CHOICE)}/>",
            "</Choices>",
        ]
    if question.evidence:
        name = _attr(question.name + _spans.EVIDENCE_SUFFIX)
        lines += [
            f'<Labels name={name} toName="text">',
            f"  <Label value={_attr(_spans.EVIDENCE_LABEL)}/>",
            "</Labels>",
        ]
    return lines


def _check_names(task: Task) -> None:
    names = [q.name for q in task.questions]
    taken = set(names) | {"text"}
    for q in task.questions:
        for suffix in (NOT_IN_TEXT_SUFFIX, _spans.EVIDENCE_SUFFIX):
            if q.name + suffix in taken - {q.name}:
                raise ValueError(
                    f"task {task.name!r}: question {q.name + suffix!r} clashes with the Label "
                    f"Studio control made for {q.name!r}; rename one of them"
                )
    if "text" in names:
        raise ValueError(
            f"task {task.name!r}: a question named 'text' clashes with Label Studio's text "
            "object; rename the question"
        )


def label_studio_config(task: Task) -> str:
    """The Label Studio labeling config (XML) of ``task``: the chunk text and one control per
    question, a ``"Not in the text"`` choice beside each question that allows it, an
    ``Evidence`` labels control beside each question that takes evidence.

    Paste it into a project's *Labeling Interface* (or pass it as ``label_config`` when creating
    a project with ``label-studio-sdk``); :func:`~labelwidgets.exporting.interop.to_label_studio`
    writes it beside the tasks file.
    """
    _check_names(task)
    lines = ["<View>"]
    if task.guidelines:
        lines.append(f'  <Header value={_attr(task.guidelines)} size="6"/>')
    lines.append('  <Text name="text" value="$text"/>')
    for q in task.questions:
        lines.append(f'  <Header value={_attr(q.prompt or q.name)} size="5"/>')
        if q.instructions:
            lines.append(f'  <Header value={_attr(q.instructions)} size="6"/>')
        lines += ["  " + line for line in _control(q) + _companions(q)]
    lines.append("</View>")
    return "\n".join(lines) + "\n"


# -- results --------------------------------------------------------------------------------------
def _ls_result(question: Question, value: Any) -> dict[str, Any]:
    if value is UNKNOWN:
        return {
            "from_name": question.name + NOT_IN_TEXT_SUFFIX,
            "to_name": "text",
            "type": "choices",
            "value": {"choices": [NOT_IN_TEXT_CHOICE]},
        }
    kind, key = LS_TYPES[question.kind]
    if question.kind == "text":
        shown: dict[str, Any] = {"text": [value]}
    elif question.kind in ("choice", "multi_choice"):
        shown = {"choices": value if isinstance(value, list) else [value]}
    elif question.kind == "rating" and _rating_as_number(question):
        kind, shown = "number", {"number": value}
    else:
        shown = {key: value}
    return {"from_name": question.name, "to_name": "text", "type": kind, "value": shown}


def _results(
    task: Task, rows: list[Any], chunk: Mapping[str, Any], *, scored: bool = False
) -> list[dict[str, Any]]:
    """The results of answer rows, or of suggestion rows (``scored``: each result carries its
    suggestion's own score; the prediction's ``score`` is their mean)."""
    found = []
    for r in rows:
        results = _spans.ls_results(
            task.question(r.question), r.answer, getattr(r, "evidence", None), chunk, _ls_result
        )
        score = _score(r.score) if scored else None
        found += (
            [{**result, "score": score} for result in results] if score is not None else results
        )
    return found


def _score(score: Any) -> float | None:
    return None if score is None or score != score else float(score)


def offsets(chunk: Mapping[str, Any]) -> dict[str, int]:
    """``char_start`` / ``char_end`` of a chunk, when it has them."""
    start, end = chunk.get("char_start"), chunk.get("char_end")
    if start is None or end is None or start != start or end != end:  # NaN: no offsets
        return {}
    return {"char_start": int(start), "char_end": int(end)}


def model_version(model: str, version: Any) -> str:
    """``model@prompt_version`` (just the model without a prompt version)."""
    return f"{model}@{version}" if isinstance(version, str) and version else model


def _mean(values: list[float]) -> float | None:
    """The prediction's score (Label Studio takes 0..1; each result keeps its own score)."""
    mean = sum(values) / len(values) if values else None
    return mean if mean is not None and 0 <= mean <= 1 else None


def ls_task(
    task: Task, chunk: Mapping[str, Any], answers: list[Any], suggestions: list[Any]
) -> dict[str, Any]:
    """One Label Studio task: ``data`` (text and ids), ``predictions`` (one per model and prompt
    version, with ``model_version`` and ``score``) and ``annotations`` (one per labeler)."""
    by_model: dict[str, list[Any]] = defaultdict(list)
    for s in suggestions:
        by_model[model_version(s.model, s.prompt_version)].append(s)
    by_labeler: dict[str, list[Any]] = defaultdict(list)
    for a in answers:
        by_labeler[a.labeler].append(a)
    return {
        "data": {
            "text": chunk["text"],
            "chunk_id": chunk["chunk_id"],
            "doc_id": chunk["doc_id"],
            **offsets(chunk),
        },
        "predictions": [
            {
                "model_version": version,
                "score": _mean([_score(s.score) for s in rows if _score(s.score) is not None]),
                "result": _results(task, rows, chunk, scored=True),
            }
            for version, rows in by_model.items()
        ],
        "annotations": [
            {
                "completed_by": {"email": labeler},
                "was_cancelled": False,
                "result": _results(task, rows, chunk),
            }
            for labeler, rows in by_labeler.items()
        ],
    }
