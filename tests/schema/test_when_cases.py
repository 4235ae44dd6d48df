"""The `when=` rule on the shared cases that the front end's conditionMet is also tested on.

``when_cases.json`` holds each case as the Labeler sends it to the browser (``task_view``): the
gate question and its accepted values as JSON answers, ``{"unknown": true}`` for UNKNOWN. The
Python rule decides ``expected``; ``js/test/when_cases.test.js`` runs the JavaScript mirror over
the same file, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from labelwidgets.schema import Question, Task, answer_from_json, answer_to_json

CASES = json.loads((Path(__file__).parent / "when_cases.json").read_text(encoding="utf-8"))


def when_from_json(when: dict[str, Any] | None) -> tuple[str, Any] | None:
    """The ``when=`` that the Labeler encodes as ``when``: one value, or a tuple of several."""
    if when is None:
        return None
    values = [answer_from_json(v) for v in when["values"]]
    return when["question"], values[0] if len(values) == 1 else tuple(values)


def when_to_json(question: Question) -> dict[str, Any] | None:
    """How the Labeler's task view encodes a question's condition for the front end."""
    if question.when is None:
        return None
    gate, value = question.when
    values = value if isinstance(value, tuple) else (value,)
    return {"question": gate, "values": [answer_to_json(v) for v in values]}


def test_the_cases_cover_every_kind_of_condition() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert {case["expected"] for case in CASES} == {True, False}
    assert any(case["when"] is None for case in CASES)
    values = [v for case in CASES if case["when"] for v in case["when"]["values"]]
    given = [v for case in CASES for v in case["form"].values()]
    assert {"unknown": True} in values and {"unknown": True} in given
    assert any(isinstance(v, list) for v in given), "a multi-choice gate"
    assert any(isinstance(v, bool) for v in values) and any(isinstance(v, float) for v in values)
    assert any(case["when"] and len(case["when"]["values"]) > 1 for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_python_rule_gives_the_expected_answer(case: dict[str, Any]) -> None:
    when = when_from_json(case["when"])
    gate = when[0] if when else "gate"
    dependent = Question("dependent", when=when)
    task = Task("when-cases", [Question(gate), dependent])
    assert when_to_json(task.question("dependent")) == case["when"]  # the fixture is the wire form
    answers = {name: answer_from_json(value) for name, value in case["form"].items()}
    assert dependent.condition_met(answers) is case["expected"]
    asked = [q.name for q in task.applicable(answers)]
    assert ("dependent" in asked) is case["expected"]
