"""The submission rule (schema.check_submission): one table of cases, and the shared
``when=`` cases the front end is tested on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import labelwidgets as lw
from labelwidgets.schema import UNKNOWN, AnswerRejected, Submission, check_submission
from labelwidgets.schema import validators as v
from labelwidgets.schema.submission import MISSING
from tests.schema.test_when_cases import when_from_json

Q = lw.Question
TASK = lw.Task(
    "facts",
    [
        Q("has_clause", kind="choice", choices=["yes", "no"]),
        Q("governing_law", when=("has_clause", "yes"), validators=[v.none_of(["England"])]),
        Q("topics", kind="multi_choice", choices=["law", "money", "dates"], allow_unknown=False),
        Q("amount", kind="number", when=("topics", "money"), validators=[v.number_range(0, 1000)]),
        Q("signed", kind="date", when=("topics", ["dates", "law"])),
        Q("why_unknown", when=("has_clause", UNKNOWN)),
        Q("place", when=("governing_law", "the laws of Ontario")),
    ],
)
NAMES = ", ".join(repr(q.name) for q in TASK.questions)
DONE = {"has_clause": "no", "topics": ["law"], "signed": "2024-01-31"}

# (case, answers, prior, options, expected fields of the Submission)
CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, bool], dict[str, Any]]] = [
    (
        "a gate answered 'no' does not ask its dependent question",
        DONE,
        None,
        {},
        {
            "applicable": ("has_clause", "topics", "signed"),
            "missing": (),
            "problems": {},
            "complete": True,
            "accepted": True,
        },
    ),
    (
        "a gate answered 'yes' asks it: missing, but a partial write is fine",
        {**DONE, "has_clause": "yes"},
        None,
        {},
        {
            "applicable": ("has_clause", "governing_law", "topics", "signed"),
            "missing": ("governing_law",),
            "problems": {},
            "complete": False,
            "accepted": True,
        },
    ),
    (
        "required complete: a missing answer is a forceable problem",
        {**DONE, "has_clause": "yes"},
        None,
        {"require_complete": True},
        {"problems": {"governing_law": [MISSING]}, "forceable": True, "accepted": False},
    ),
    (
        "force stores an incomplete submission; the chunk stays incomplete",
        {**DONE, "has_clause": "yes"},
        None,
        {"require_complete": True, "force": True},
        {"accepted": True, "complete": False, "missing": ("governing_law",)},
    ),
    (
        "an answer to a question whose condition is unmet is never forceable",
        {"has_clause": "no", "governing_law": "the laws of Texas"},
        None,
        {"force": True},
        {
            "problems": {"governing_law": ["only asked when 'has_clause' is 'yes' (it is 'no')"]},
            "forceable": False,
            "accepted": False,
        },
    ),
    (
        "the condition is evaluated on the prior answers merged with the new ones",
        {"governing_law": "the laws of Ontario"},
        {"has_clause": "yes"},
        {},
        {
            "answers": {"has_clause": "yes", "governing_law": "the laws of Ontario"},
            "applicable": ("has_clause", "governing_law", "topics", "place"),
            "missing": ("topics", "place"),
            "problems": {},
        },
    ),
    (
        "a chain two deep: the third question follows the second's answer",
        {"place": "Toronto"},
        {"has_clause": "yes", "governing_law": "the laws of Ontario", "topics": ["money"]},
        {},
        {"problems": {}, "missing": ("amount",), "retracted": ()},
    ),
    (
        "changing a gate retracts the answer that depended on it",
        {"has_clause": "no"},
        {"has_clause": "yes", "governing_law": "the laws of Texas", "topics": ["law"]},
        {},
        {
            "retracted": ("governing_law",),
            "answers": {"has_clause": "no", "topics": ["law"]},
            "missing": ("signed",),
        },
    ),
    (
        "a new answer replaces the prior one",
        {"topics": ["dates"]},
        {"has_clause": "no", "topics": ["money"], "amount": 3},
        {},
        {"answers": {"has_clause": "no", "topics": ["dates"]}, "retracted": ("amount",)},
    ),
    (
        "a multi-choice gate opens when any picked choice is the one asked for",
        {"topics": ["money", "law"]},
        None,
        {},
        {
            "values": {"topics": ["law", "money"]},
            "applicable": ("has_clause", "topics", "amount", "signed"),
        },
    ),
    (
        "a multi-choice gate without the choice keeps the question closed",
        {"topics": ["law"], "amount": 5},
        None,
        {},
        {
            "problems": {"amount": ["only asked when 'topics' is 'money' (it is ['law'])"]},
            "forceable": False,
        },
    ),
    (
        "a condition on several values opens on any of them",
        {"topics": ["dates"]},
        None,
        {},
        {"applicable": ("has_clause", "topics", "signed")},
    ),
    (
        "numbers and dates are coerced to their canonical form",
        {"topics": ["money", "dates"], "amount": "1,000.00", "signed": dt.date(2024, 1, 31)},
        None,
        {},
        {
            "values": {"topics": ["money", "dates"], "amount": 1000, "signed": "2024-01-31"},
            "problems": {},
        },
    ),
    (
        "a fractional number stays a float; a date string is trimmed",
        {"topics": ["money", "dates"], "amount": "12.5", "signed": " 2024-02-29 "},
        None,
        {},
        {"values": {"topics": ["money", "dates"], "amount": 12.5, "signed": "2024-02-29"}},
    ),
    (
        "a validator's complaint is forceable, and force stores the value",
        {"topics": ["money"], "amount": 5000},
        None,
        {"force": True},
        {
            "problems": {"amount": ["5000 is above the maximum 1000"]},
            "forceable": True,
            "accepted": True,
            "values": {"topics": ["money"], "amount": 5000},
        },
    ),
    (
        "a wrong kind is not forceable, and the value is left out",
        {"topics": ["money"], "amount": "soon"},
        None,
        {"force": True},
        {
            "problems": {"amount": ["question 'amount': 'soon' is not a number"]},
            "forceable": False,
            "accepted": False,
            "values": {"topics": ["money"]},
        },
    ),
    (
        "a validator complaint beside a wrong kind: not forceable as a whole",
        {"has_clause": "yes", "governing_law": "England", "topics": "law"},
        None,
        {"force": True},
        {
            "problems": {
                "governing_law": ["'England' is not allowed here"],
                "topics": ["question 'topics' expects a list of choices, got str"],
            },
            "forceable": False,
        },
    ),
    (
        "UNKNOWN is an answer: it opens a condition that asks for it",
        {"has_clause": UNKNOWN},
        None,
        {},
        {
            "values": {"has_clause": UNKNOWN},
            "applicable": ("has_clause", "topics", "why_unknown"),
        },
    ),
    (
        "validators never run on UNKNOWN",
        {"has_clause": "yes", "governing_law": UNKNOWN},
        None,
        {},
        {"problems": {}, "values": {"has_clause": "yes", "governing_law": UNKNOWN}},
    ),
    (
        "UNKNOWN where the question does not allow it",
        {"topics": UNKNOWN},
        None,
        {"force": True},
        {
            "problems": {"topics": ["question 'topics' does not allow 'not in the text'"]},
            "forceable": False,
        },
    ),
    (
        "UNKNOWN for a gate closes a condition asking for a value",
        {"has_clause": UNKNOWN, "governing_law": "the laws of Texas"},
        None,
        {},
        {"problems": {"governing_law": ["only asked when 'has_clause' is 'yes' (it is UNKNOWN)"]}},
    ),
    (
        "an unknown question name is named, with the known ones",
        {"nope": "x"},
        None,
        {"force": True},
        {
            "problems": {"nope": [f"task 'facts' has no question 'nope'; questions: [{NAMES}]"]},
            "forceable": False,
            "values": {},
        },
    ),
    (
        "an answer that does not coerce gets its own problem, not 'needs an answer'",
        {"has_clause": "perhaps"},
        None,
        {"require_complete": True},
        {
            "problems": {
                "has_clause": ["question 'has_clause': 'perhaps' is not one of ['yes', 'no']"],
                "topics": ["needs an answer: pick one or more of the choices"],  # no UNKNOWN
            },
            "missing": ("has_clause", "topics"),
        },
    ),
    (
        "an empty submission says what the prior answers amount to",
        {},
        DONE,
        {"require_complete": True},
        {"values": {}, "answers": DONE, "complete": True, "accepted": True, "problems": {}},
    ),
]


def as_plain(result: Submission, field: str) -> Any:
    value = getattr(result, field)
    if field == "problems":
        return {name: list(found) for name, found in value.items()}
    if field in ("values", "answers"):
        return dict(value)
    return value


@pytest.mark.parametrize(
    ("answers", "prior", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check_submission(
    answers: dict[str, Any],
    prior: dict[str, Any] | None,
    options: dict[str, bool],
    expected: dict[str, Any],
) -> None:
    result = check_submission(TASK, answers, prior, **options)
    assert {field: as_plain(result, field) for field in expected} == expected
    assert result.complete == (not result.missing)
    if not result.problems:
        assert result.accepted and not result.forceable


def test_problems_are_raised_only_when_not_accepted() -> None:
    held = check_submission(TASK, {"has_clause": "yes", "governing_law": "England"})
    with pytest.raises(AnswerRejected, match="pass force=True") as caught:
        held.raise_for_problems()
    assert caught.value.problems == {"governing_law": ["'England' is not allowed here"]}
    assert caught.value.forceable and isinstance(caught.value, ValueError)
    forced = check_submission(TASK, {"has_clause": "yes", "governing_law": "England"}, force=True)
    forced.raise_for_problems()  # accepted: nothing raised


def test_the_result_cannot_be_changed_and_the_inputs_are_left_alone() -> None:
    answers, prior = {"has_clause": "no"}, {"has_clause": "yes", "governing_law": "x"}
    result = check_submission(TASK, answers, prior)
    with pytest.raises(AttributeError):
        result.accepted = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.answers["has_clause"] = "yes"  # type: ignore[index]
    assert answers == {"has_clause": "no"}
    assert prior == {"has_clause": "yes", "governing_law": "x"}


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="answers must be a mapping"):
        check_submission(TASK, ["has_clause", "yes"])  # type: ignore[arg-type]


WHEN_CASES = json.loads((Path(__file__).parent / "when_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", WHEN_CASES, ids=[case["name"] for case in WHEN_CASES])
def test_the_rule_agrees_with_the_shared_when_cases(case: dict[str, Any]) -> None:
    """The cases the front end's conditionMet runs on (``js/test/when_cases.test.js``)."""
    when = when_from_json(case["when"])
    gate = when[0] if when else "gate"
    task = lw.Task("when-cases", [Q(gate), Q("dependent", when=when)])
    form = {name: lw.schema.answer_from_json(value) for name, value in case["form"].items()}
    asked = check_submission(task, {}, form)
    assert ("dependent" in asked.applicable) is case["expected"]
    answered = check_submission(task, {"dependent": "an answer"}, form)
    assert answered.accepted is case["expected"]
    assert ("dependent" in answered.problems) is not case["expected"]
