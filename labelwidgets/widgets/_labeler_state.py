"""The Labeler's trait state, built from plain data: the task view, highlights, the model diff.

Plain functions without the widget, so each is tested and reused without a front end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from labelwidgets.schema import Task
from labelwidgets.schema.compare import word_diff
from labelwidgets.widgets._base import encode


def task_view(task: Task) -> dict[str, Any]:
    """What the front end needs of the task: questions, their kinds, choices and ``when=``."""
    return {
        "name": task.name,
        "guidelines": task.guidelines,
        "questions": [
            {
                "name": q.name,
                "kind": q.kind,
                "instructions": q.instructions or q.prompt,
                "choices": list(q.choices),
                "allow_unknown": q.allow_unknown,
                "when": None if q.when is None else _when_view(q.when),
                "scale": list(q.scale),
            }
            for q in task.questions
        ],
    }


def _when_view(when: tuple[str, Any]) -> dict[str, Any]:
    gate, expected = when
    values = expected if isinstance(expected, tuple) else (expected,)
    return {"question": gate, "values": [encode(v) for v in values]}


def highlighter(terms: tuple[str, ...]) -> Callable[[str], list[list[int]]]:
    """Character spans of the task's keywords in a text (rendered as spans, never as HTML)."""
    words = [w for w in terms if w.strip()]
    if not words:
        return lambda text: []
    pattern = re.compile(
        "|".join(r"\s+".join(map(re.escape, w.split())) for w in words), re.IGNORECASE
    )
    return lambda text: [[m.start(), m.end()] for m in pattern.finditer(text)]


def model_diff(
    suggestions: Mapping[str, Mapping[str, Any]], mine: Mapping[str, Any]
) -> dict[str, Any]:
    """The model's answer beside the labeler's, with a word diff, for each question both answered."""
    diff = {}
    for question, suggestion in suggestions.items():
        if question not in mine:
            continue
        diff[question] = {
            "model": suggestion["model"],
            "model_answer": encode(suggestion["answer"]),
            "labeler_answer": encode(mine[question]),
            "ops": word_diff(suggestion["answer"], mine[question]),
        }
    return diff
