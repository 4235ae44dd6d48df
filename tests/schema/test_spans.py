"""Spans questions and evidence in the schema: coercion, JSON, comparison."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.schema import answer_from_json, answer_to_json, compare
from labelwidgets.schema.spans import check_within, coerce_evidence, coerce_spans, span_f1

LABELS = ["Governing Law", "Parties", "Term"]
CLAUSES = lw.Question("clauses", kind="spans", labels=LABELS)


def test_a_spans_answer_is_sorted_labeled_spans_and_the_empty_list_is_an_answer() -> None:
    given_spans = [(120, 180, "Governing Law"), {"start": 0, "end": 40, "label": "Parties"}]
    assert CLAUSES.coerce(given_spans) == [
        {"start": 0, "end": 40, "label": "Parties"},
        {"start": 120, "end": 180, "label": "Governing Law"},
    ]
    # overlapping and nested spans, and one phrase under two labels, are all allowed
    nested = [(0, 40, "Parties"), (0, 40, "Term"), (10, 20, "Parties")]
    assert len(CLAUSES.coerce(nested)) == 3
    assert CLAUSES.coerce([]) == []
    assert CLAUSES.validate([]) == []


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ([(5, 5, "Term")], "not after its start"),
        ([(9, 5, "Term")], "not after its start"),
        ([(-1, 5, "Term")], "before the document"),
        ([(0, 5, "Price")], "label 'Price'"),
        ([(0, 5, "Term"), (0, 5, "Term")], "given twice"),
        ([(0.5, 5, "Term")], "whole number"),
        ([(True, 5, "Term")], "got a bool"),
        ([{"start": 0, "end": 5}], "missing \\['label'\\]"),
        ([{"start": 0, "end": 5, "label": "Term", "text": "x"}], "unknown \\['text'\\]"),
        ("Governing Law", "expects a list of spans"),
        ([("a", "b")], "expected"),
        (lw.UNKNOWN, "empty list"),
    ],
)
def test_bad_spans_are_named(answer: object, problem: str) -> None:
    with pytest.raises((TypeError, ValueError), match=problem):
        CLAUSES.coerce(answer)
    assert CLAUSES.validate(answer)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "spans"}, "needs labels"),
        ({"kind": "spans", "labels": ["a", "a"]}, "duplicate labels"),
        ({"kind": "spans", "labels": [""]}, "non-empty strings"),
        ({"kind": "spans", "labels": "abc"}, "list of strings"),
        ({"kind": "text", "labels": ["a"]}, "only apply to spans"),
        ({"kind": "spans", "labels": ["a"], "allow_unknown": True}, "empty list"),
        ({"kind": "spans", "labels": ["a"], "evidence": True}, "already spans"),
        ({"kind": "text", "evidence": "yes"}, "True or False"),
    ],
)
def test_bad_spans_questions_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        lw.Question("q", **kwargs)


def test_evidence_is_on_by_default_for_text_questions_only() -> None:
    assert lw.Question("law").evidence is True
    assert lw.Question("law", evidence=False).evidence is False
    assert lw.Question("n", kind="number").evidence is False
    assert lw.Question("kind", kind="choice", choices=["a"], evidence=True).evidence is True
    assert CLAUSES.evidence is False and CLAUSES.allow_unknown is False


def test_task_json_written_before_spans_and_evidence_keeps_its_hash() -> None:
    """Defaults are left out of the JSON, so stored tasks do not change definition."""
    question = lw.Question("law", prompt="What law?")
    assert "evidence" not in question.to_dict() and "labels" not in question.to_dict()
    old = {
        "name": "t",
        "guidelines": "",
        "labelers_per_chunk": 1,
        "highlight": [],
        "questions": [
            {
                "name": "law",
                "kind": "text",
                "prompt": "What law?",
                "instructions": "",
                "choices": [],
                "allow_unknown": True,
                "validators": [],
                "when": None,
                "scale": [1, 5],
            }
        ],
    }
    assert lw.Task("t", [question]).to_json() == json.dumps(old, sort_keys=True)
    marked = lw.Question("n", kind="number", evidence=True)
    assert lw.Question.from_dict(marked.to_dict()) == marked
    assert lw.Question.from_dict(CLAUSES.to_dict()) == CLAUSES


def test_evidence_is_coerced_and_checked_against_the_question_and_answer() -> None:
    law = lw.Question("law")
    assert law.coerce_evidence(None) is None
    assert law.coerce_evidence([]) is None
    assert law.coerce_evidence((12, 40)) == [[12, 40]]
    assert law.coerce_evidence([[50, 60], (12, 40), {"start": 1, "end": 2}]) == [
        [1, 2],
        [12, 40],
        [50, 60],
    ]
    with pytest.raises(ValueError, match="'not in the text' answer cannot have evidence"):
        law.coerce_evidence([(1, 2)], lw.UNKNOWN)
    with pytest.raises(ValueError, match="takes no evidence"):
        lw.Question("law", evidence=False).coerce_evidence([(1, 2)])
    with pytest.raises(ValueError, match="takes no evidence"):
        CLAUSES.coerce_evidence([(1, 2)])
    for bad, message in [
        ([(5, 2)], "not after its start"),
        ([(1, 2), (1, 2)], "given twice"),
        ("12-40", "list of \\(start, end\\) pairs"),
        ([(1, 2, 3)], "expected a \\(start, end\\) pair"),
        ([("1", 2)], "whole number"),
    ]:
        with pytest.raises((TypeError, ValueError), match=message):
            law.coerce_evidence(bad)


def test_check_within_names_the_span_and_the_region() -> None:
    check_within([[10, 20]], 10, 20, "evidence", "the chunk")
    with pytest.raises(ValueError, match=r"span 1 \[15, 21\) lies outside the chunk \[10, 20\)"):
        check_within([[10, 12], [15, 21]], 10, 20, "evidence", "the chunk")
    with pytest.raises(ValueError, match="outside the document"):
        check_within([{"start": 9, "end": 12, "label": "x"}], 10, 20, "q", "the document")


def test_spans_compare_as_sets_and_score_by_span_f1() -> None:
    a = [{"start": 0, "end": 40, "label": "Parties"}, {"start": 50, "end": 60, "label": "Term"}]
    b = [(50, 60, "Term"), (0, 40, "Parties")]
    assert compare.answers_equal(a, b, "spans")
    assert compare.answers_equal([], [], "spans")
    assert not compare.answers_equal([], a, "spans")
    assert not compare.answers_equal(a, [(0, 40, "Term"), (50, 60, "Term")], "spans")
    assert compare.answer_key(a, "spans") == frozenset({(0, 40, "Parties"), (50, 60, "Term")})
    assert compare.answer_key(None, "spans") is None
    assert compare.score(a, a[:1], "spans") == pytest.approx(2 / 3)
    assert compare.score([], [], "spans") == 1.0
    diff = compare.word_diff(a, a[:1])
    assert "".join(d["a"] for d in diff) == "Parties 0–40, Term 50–60"


def test_span_f1_by_hand() -> None:
    """Labeler A marks 3 spans, B marks 2: one exact match, one that overlaps, one missed."""
    a = [(0, 10, "Parties"), (20, 30, "Term"), (40, 50, "Term")]
    b = [(0, 10, "Parties"), (25, 35, "Term")]
    # exact: 1 common span; P = 1/3, R = 1/2, F1 = 2 * (1/6) / (5/6) = 0.4
    assert span_f1(a, b) == pytest.approx(0.4)
    # overlap: A's (0,10) and (20,30) are found in B (2 of 3), both of B's are found in A
    # P = 2/3, R = 1, F1 = 2 * (2/3) / (5/3) = 0.8
    assert span_f1(a, b, mode="overlap") == pytest.approx(0.8)
    # a span with another label never matches, even on the same characters
    assert span_f1([(0, 10, "Parties")], [(0, 10, "Term")], mode="overlap") == 0.0
    # touching is not overlapping: [0, 10) and [10, 20) share no character
    assert span_f1([(0, 10, "Term")], [(10, 20, "Term")], mode="overlap") == 0.0
    assert span_f1([], []) == 1.0 and span_f1([], b) == 0.0
    with pytest.raises(ValueError, match="mode"):
        span_f1(a, b, mode="fuzzy")
    with pytest.raises(TypeError, match="two lists of spans"):
        span_f1("Parties", b)


span = st.tuples(st.integers(0, 60), st.integers(1, 20), st.sampled_from(LABELS)).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)
answers = st.lists(span, max_size=8, unique=True)


@given(answers, st.randoms())
def test_spans_coercion_is_canonical_and_travels_as_json(spans: list, rnd) -> None:
    shuffled = list(spans)
    rnd.shuffle(shuffled)
    value = CLAUSES.coerce(shuffled)
    assert value == CLAUSES.coerce(spans) == CLAUSES.coerce(value)  # order-free, idempotent
    assert [(s["start"], s["end"]) for s in value] == sorted((s["start"], s["end"]) for s in value)
    again = answer_from_json(json.loads(json.dumps(answer_to_json(value))))
    assert again == value
    assert compare.answers_equal(again, shuffled, "spans")


@given(answers, answers, st.sampled_from(["exact", "overlap"]))
def test_span_f1_is_symmetric_bounded_and_one_on_itself(a: list, b: list, mode: str) -> None:
    assert span_f1(a, b, mode) == pytest.approx(span_f1(b, a, mode))
    assert 0.0 <= span_f1(a, b, mode) <= 1.0
    assert span_f1(a, a, mode) == 1.0
    assert span_f1(a, b, "overlap") >= span_f1(a, b, "exact") - 1e-12


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 30)), max_size=6))
def test_evidence_coercion_is_sorted_and_unique(pairs: list) -> None:
    spans = [(s, s + n) for s, n in pairs]
    if len(set(spans)) != len(spans):
        with pytest.raises(ValueError, match="given twice"):
            coerce_evidence(spans)
        return
    value = coerce_evidence(spans)
    assert value == (sorted([list(p) for p in spans]) or None)
    assert coerce_evidence(value) == value


def test_a_spans_gate_opens_on_a_label() -> None:
    task = lw.Task(
        "t",
        [CLAUSES, lw.Question("law", when=("clauses", "Governing Law"))],
    )
    law = task.question("law")
    assert law.condition_met({"clauses": [{"start": 0, "end": 9, "label": "Governing Law"}]})
    assert not law.condition_met({"clauses": [{"start": 0, "end": 9, "label": "Term"}]})
    assert not law.condition_met({"clauses": []})


def test_coerce_spans_accepts_numpy_integers() -> None:
    assert coerce_spans([(np.int64(3), np.int32(7), "Term")], LABELS) == [
        {"start": 3, "end": 7, "label": "Term"}
    ]
