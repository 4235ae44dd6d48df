"""Tasks, questions, UNKNOWN and validators."""

from __future__ import annotations

import copy
import json
import pickle
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.schema import KINDS, check_submission
from labelwidgets.schema import validators as v


def not_a_number(answer: object) -> str | None:
    """A module-level function validator (restorable from JSON once registered)."""
    return None if not str(answer).isdigit() else "numbers are not names"


def shouting(answer: object) -> bool:
    """Another module-level function, handed over without registering it."""
    return not str(answer).isupper()


def test_unknown_is_a_singleton_that_survives_copy_and_pickle() -> None:
    assert copy.deepcopy(lw.UNKNOWN) is lw.UNKNOWN
    assert pickle.loads(pickle.dumps(lw.UNKNOWN)) is lw.UNKNOWN
    assert repr(lw.UNKNOWN) == "UNKNOWN"
    assert lw.UNKNOWN != "UNKNOWN"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "q", "kind": "essay"}, "unknown kind 'essay'"),
        ({"name": "q", "kind": "choice"}, "needs choices"),
        ({"name": "q", "kind": "multi_choice", "choices": ["a", "a"]}, "duplicate choices"),
        ({"name": "q", "kind": "text", "choices": ["a"]}, "only apply to choice"),
        ({"name": "has space"}, "question name 'has space' is invalid"),
        ({"name": "q", "kind": "rating", "scale": (5, 1)}, "scale"),
        ({"name": "q", "validators": [42]}, "validators must be"),
        ({"name": "q", "validators": ["never_registered"]}, "is not registered in this process"),
    ],
)
def test_bad_questions_are_rejected_with_a_clear_message(kwargs: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        lw.Question(**kwargs)


def test_duplicate_question_names_and_forward_conditions_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate question name 'a'"):
        lw.Task("t", [lw.Question("a"), lw.Question("a")])
    with pytest.raises(ValueError, match="depends on 'b', which is later"):
        lw.Task("t", [lw.Question("a", when=("b", "yes")), lw.Question("b")])
    with pytest.raises(ValueError, match="depends on 'zzz', which is missing"):
        lw.Task("t", [lw.Question("a", when=("zzz", "yes"))])
    with pytest.raises(ValueError, match="at least one question"):
        lw.Task("t", [])


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (lw.Question("q"), "  the laws of England ", "the laws of England"),
        (lw.Question("q", kind="choice", choices=["a", "b"]), "b", "b"),
        (lw.Question("q", kind="multi_choice", choices=["a", "b", "c"]), ["c", "a"], ["a", "c"]),
        (lw.Question("q", kind="rating", scale=(1, 5)), "4", 4),
        (lw.Question("q", kind="number"), "1,250.5", 1250.5),
        (lw.Question("q", kind="number"), 12.0, 12),
        (lw.Question("q", kind="date"), "2024-02-29", "2024-02-29"),
    ],
)
def test_answers_are_coerced_to_the_canonical_form(question, answer, expected) -> None:
    assert question.coerce(answer) == expected
    assert question.validate(answer) == []


@pytest.mark.parametrize(
    ("question", "answer", "problem"),
    [
        (lw.Question("q"), "   ", "empty"),
        (lw.Question("q"), 12, "expects text"),
        (lw.Question("q", kind="choice", choices=["a", "b"]), "c", "'c' is not one of"),
        (lw.Question("q", kind="multi_choice", choices=["a"]), "a", "expects a list"),
        (lw.Question("q", kind="rating"), 7, "whole number 1–5"),
        (lw.Question("q", kind="number"), "twelve-ish", "'twelve-ish' is not a number"),
        (lw.Question("q", kind="number"), "1.500", "ambiguous without a locale"),
        (lw.Question("q", kind="date"), "31/13/2024", "is not a real date"),
        (lw.Question("q", kind="date"), "next spring", "is not a date"),
        (lw.Question("q", allow_unknown=False), lw.UNKNOWN, "does not allow 'not in the text'"),
        (lw.Question("q", validators=[v.none_of(["England"])]), "england", "not allowed"),
        (lw.Question("q", validators=[v.max_length(5)]), "too long", "at most 5"),
        (lw.Question("q", validators=[v.regex(r"\d{4}")]), "20x4", "does not match"),
        (lw.Question("q", kind="number", validators=[v.number_range(0, 10)]), 11, "above"),
        (lw.Question("q", validators=[v.date_format("%d/%m/%Y")]), "2024-01-01", "31/03/2024"),
        (lw.Question("q", validators=[v.one_of(["yes"])]), "no", "not one of"),
        (lw.Question("q", validators=[not_a_number]), "123", "numbers are not names"),
    ],
)
def test_validate_lists_human_readable_problems(question, answer, problem) -> None:
    problems = question.validate(answer)
    assert len(problems) == 1
    assert problem in problems[0]


def test_unknown_is_a_valid_answer_when_allowed() -> None:
    q = lw.Question("q", validators=[v.regex(r"\d+")])
    assert q.validate(lw.UNKNOWN) == []
    assert q.coerce(lw.UNKNOWN) is lw.UNKNOWN


def test_chained_question_conditions() -> None:
    gate = lw.Question("has_clause", kind="choice", choices=["yes", "no"])
    law = lw.Question("law", when=("has_clause", "yes"))
    either = lw.Question("x", when=("has_clause", ("yes", "no")))
    task = lw.Task("t", [gate, law, either])
    assert [q.name for q in task.applicable({})] == ["has_clause"]
    assert [q.name for q in task.applicable({"has_clause": "yes"})] == ["has_clause", "law", "x"]
    assert [q.name for q in task.applicable({"has_clause": "no"})] == ["has_clause", "x"]
    assert not law.condition_met({"has_clause": lw.UNKNOWN})


def test_lambda_validators_cannot_be_restored_and_say_why() -> None:
    task = lw.Task("t", [lw.Question("q", validators=[lambda a: None])])
    with pytest.raises(ValueError, match="lambda or local function"):
        lw.Task.from_json(task.to_json())


def test_unknown_validator_type_and_unknown_fields_are_named() -> None:
    with pytest.raises(ValueError, match="unknown validator type 'shout'"):
        v.from_dict({"type": "shout"})
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['colour'\]"):
        lw.Question.from_dict({"name": "q", "colour": "red"})


names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
texts = st.text(max_size=40)
declarative = st.one_of(
    st.lists(texts, min_size=1, max_size=3).map(v.one_of),
    st.lists(texts, max_size=3).map(lambda xs: v.none_of(xs, message="no")),
    st.sampled_from([r"\d+", r"[A-Z][a-z]+", r".*"]).map(v.regex),
    st.integers(1, 500).map(v.max_length),
    st.tuples(st.integers(-5, 0), st.integers(1, 5)).map(lambda r: v.number_range(*r)),
    st.sampled_from(["%Y-%m-%d", "%d.%m.%Y"]).map(v.date_format),
    st.sampled_from(v.entity.KINDS).map(v.entity),
)


@st.composite
def tasks(draw: st.DrawFn) -> lw.Task:
    question_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    questions = []
    for i, name in enumerate(question_names):
        kind = draw(st.sampled_from(KINDS))
        choices = (
            draw(st.lists(texts, min_size=1, max_size=4, unique=True)) if "choice" in kind else ()
        )
        labels = (
            draw(st.lists(texts.filter(str.strip), min_size=1, max_size=4, unique=True))
            if kind == "spans"
            else ()
        )
        evidence = False if kind == "spans" else draw(st.sampled_from([None, True, False]))
        when = None
        if i and draw(st.booleans()):
            gate = questions[draw(st.integers(0, i - 1))]
            when = (
                gate.name,
                draw(st.one_of(texts, st.lists(texts, min_size=1, max_size=2).map(tuple))),
            )
        questions.append(
            lw.Question(
                name,
                kind=kind,
                prompt=draw(texts),
                instructions=draw(texts),
                choices=choices,
                allow_unknown=False if kind == "spans" else draw(st.booleans()),
                validators=draw(st.lists(declarative, max_size=3)),
                when=when,
                scale=draw(st.sampled_from([(1, 5), (0, 10)])),
                labels=labels,
                evidence=evidence,
            )
        )
    return lw.Task(
        draw(names),
        questions,
        guidelines=draw(texts),
        labelers_per_chunk=draw(st.integers(1, 5)),
        highlight=tuple(draw(st.lists(texts, max_size=3))),
    )


@given(tasks())
def test_tasks_round_trip_through_json_losslessly(task: lw.Task) -> None:
    again = lw.Task.from_json(task.to_json())
    assert again == task
    assert again.to_json() == task.to_json()
    assert again.content_hash == task.content_hash


def test_function_validators_round_trip_by_registered_name() -> None:
    assert v.register(not_a_number, name="not_a_number") == "not_a_number"
    for validator in (not_a_number, "not_a_number"):
        task = lw.Task("t", [lw.Question("q", validators=[validator])])
        stored = task.to_dict()["questions"][0]["validators"]
        assert stored == [{"type": "callable", "name": "not_a_number"}]
        again = lw.Task.from_json(task.to_json())
        assert again == task
        assert again.question("q").validate("42") == ["numbers are not names"]


def test_a_function_handed_over_is_registered_under_its_module_and_name() -> None:
    task = lw.Task("t2", [lw.Question("q", validators=[shouting])])
    name = f"{__name__}:shouting"
    assert task.to_dict()["questions"][0]["validators"] == [{"type": "callable", "name": name}]
    again = lw.Task.from_json(task.to_json()).question("q")
    assert again.validate("LOUD") == [f"'LOUD' was rejected by {name}"]


@pytest.mark.parametrize(
    "reference",
    [
        {"type": "callable", "ref": "builtins:len"},  # as stored before the registry
        {"type": "callable", "name": "os:system"},
        {"type": "callable", "name": "this:s"},  # importing 'this' would print the Zen
        {"type": "callable", "name": f"{__name__}:not_a_number"},  # importable, unregistered
    ],
)
def test_a_stored_task_never_imports_or_calls_what_it_names(
    reference: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = dict(v._FUNCTIONS)
    v._FUNCTIONS.clear()  # a fresh process: nothing registered
    modules = set(sys.modules)
    stored = {"name": "t", "questions": [{"name": "q", "validators": [reference]}]}
    try:
        name = reference.get("name", reference.get("ref"))
        with pytest.raises(ValueError, match=f"validator '{name}' is not registered") as failure:
            lw.Task.from_dict(stored)
        assert "code is never imported" in str(failure.value)
        assert set(sys.modules) == modules
        assert capsys.readouterr().out == ""
    finally:
        v._FUNCTIONS.update(registry)


def test_register_refuses_what_cannot_be_a_name() -> None:
    with pytest.raises(ValueError, match="lambda or local function; give it a name"):
        v.register(lambda a: None)
    assert v.register(lambda a: None, name="always_fine") == "always_fine"
    with pytest.raises(ValueError, match="built-in validator type"):
        v.register(not_a_number, name="regex")
    with pytest.raises(TypeError, match="must be callable"):
        v.register("not_a_number")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is malformed"):
        v.from_dict({"type": "regex"})


def test_a_gate_on_not_in_the_text_survives_json_and_the_store(sqlite_store) -> None:
    """``when=(gate, UNKNOWN)`` (ask only when the gate is "not in the text") is stored and read
    back as UNKNOWN, alone or among accepted values; other gates keep their JSON and hash."""
    task = lw.Task(
        "gates",
        [
            lw.Question("law"),
            lw.Question("why_missing", when=("law", lw.UNKNOWN)),
            lw.Question("kind", kind="choice", choices=["supply", "licence"]),
            lw.Question("term", when=("kind", ("supply", lw.UNKNOWN))),
        ],
    )
    back = lw.Task.from_json(task.to_json())
    assert back == task and back.content_hash == task.content_hash
    assert back.question("why_missing").when == ("law", lw.UNKNOWN)
    assert back.question("term").when == ("kind", ("supply", lw.UNKNOWN))
    asked = [q.name for q in back.applicable({"law": lw.UNKNOWN, "kind": "licence"})]
    assert asked == ["law", "why_missing", "kind"]
    sqlite_store.add_task(task)
    stored = sqlite_store.task("gates")
    assert stored.question("why_missing").when[1] is lw.UNKNOWN
    plain = lw.Task("plain", [lw.Question("a"), lw.Question("b", when=("a", ("x", "y")))])
    assert json.loads(plain.to_json())["questions"][1]["when"] == ["a", ["x", "y"]]


def test_a_chain_of_gates_closes_when_its_first_gate_changes() -> None:
    """a -> b -> c: answering a "no" hides b, and c with it, although b's old answer was
    "yes"; a submission retracts both stale answers."""
    task = lw.Task(
        "chain",
        [
            lw.Question("a", kind="choice", choices=["yes", "no"]),
            lw.Question("b", kind="choice", choices=["yes", "no"], when=("a", "yes")),
            lw.Question("c", when=("b", "yes")),
        ],
    )
    stale = {"a": "no", "b": "yes", "c": "the laws of Texas"}
    assert [q.name for q in task.applicable(stale)] == ["a"]
    assert [q.name for q in task.applicable({**stale, "a": "yes"})] == ["a", "b", "c"]
    prior = {"a": "yes", "b": "yes", "c": "the laws of Texas"}
    changed = check_submission(task, {"a": "no"}, prior)
    assert changed.accepted and set(changed.retracted) == {"b", "c"}
    assert dict(changed.answers) == {"a": "no"}
    refused = check_submission(task, {"a": "no", "c": "the laws of Texas"}, prior)
    assert "'b' itself is not asked now" in refused.problems["c"][0]
