"""Answer comparison: normalization, F1, kinds, UNKNOWN and word diffs."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.schema.compare import (
    answer_key,
    answers_equal,
    exact,
    normalize,
    normalized_match,
    score,
    token_f1,
    tokens,
    word_diff,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("The  Laws of Québec.", "laws of quebec"),
        ("  the laws of ENGLAND and wales ", "laws of england and wales"),
        ("Schedule A", "schedule a"),  # only a leading article goes
        ("A", "a"),  # an answer that is only an article keeps it
        ("Buyer's rights", "buyers rights"),
        ("U.S.A.", "usa"),
        ("$1,500.50", "$ 1500.50"),
        ("5%", "5 %"),
        ("Straße, Øresund", "strasse oresund"),
        ("ﬁnance “clause”—(b)", "finance clause b"),
        ("Ｔｅｘａｓ", "texas"),  # full-width letters (NFKC)
    ],
)
def test_normalize(raw: str, normalized: str) -> None:
    assert normalize(raw) == normalized


def test_normalized_match() -> None:
    assert normalized_match("the laws of England", "Laws of England!")
    assert not normalized_match("laws of England", "laws of Wales")
    assert not normalized_match("$5", "€5")
    assert not normalized_match("Schedule A", "Schedule")


def test_token_f1_is_squad_style() -> None:
    # "laws of new york" vs "laws of the state of new york": 4 common tokens, precision 1,
    # recall 4/7 -> F1 = 2 * 4/7 / (1 + 4/7) = 8/11
    assert token_f1("the laws of New York", "laws of the State of New York") == pytest.approx(
        8 / 11
    )
    assert token_f1("Texas", "Delaware") == 0.0
    assert token_f1("of of", "of") == pytest.approx(2 / 3)  # counts are a multiset
    assert token_f1(lw.UNKNOWN, lw.UNKNOWN) == 1.0
    assert token_f1(lw.UNKNOWN, "Texas") == 0.0
    assert token_f1("...", "") == 1.0 and token_f1("...", "x") == 0.0
    assert token_f1(None, None) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "kind", "equal"),
    [
        (["a", "b"], ["b", "a"], "multi_choice", True),
        (["a", "b"], ["a"], "multi_choice", False),
        ("yes", "Yes", "choice", True),
        ("yes", "no", "choice", False),
        (12, "12.0", "number", True),
        ("1,500.00", 1500, "number", True),
        ("1,500", 1500, "number", False),  # 1500 or 1.5: ambiguous without a locale
        ("1.500,00", 1500, "number", True),
        (0.1 + 0.2, 0.3, "number", True),
        (3, 4, "rating", False),
        (True, 1, "number", False),  # a bool is not a number
        ("2024-01-02", "2024-01-02", "date", True),
        ("2024-01-02", dt.date(2024, 1, 2), "date", True),
        ("January 2, 2024", "2024-01-02", "date", True),
        ("2024-01-02", "2024-02-01", "date", False),
        (lw.UNKNOWN, lw.UNKNOWN, "text", True),
        (lw.UNKNOWN, lw.UNKNOWN, "number", True),
        (lw.UNKNOWN, "UNKNOWN", "text", False),
        (lw.UNKNOWN, None, "text", False),
        ("The laws of Texas", "laws of texas", "text", True),
        (None, "x", "text", False),
        (None, None, "text", False),
        (float("nan"), float("nan"), "number", False),
        ("n/a", "N/A", "number", True),  # unreadable numbers fall back to text
    ],
)
def test_answers_equal_knows_the_question_kind(a, b, kind, equal) -> None:
    assert answers_equal(a, b, kind) is equal
    assert answers_equal(b, a, kind) is equal


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown question kind 'colour'"):
        answers_equal("a", "b", "colour")


def test_score_and_exact() -> None:
    assert score(["a", "b"], ["a"], "multi_choice") == 0.5
    assert score("x", None) == 0.0
    assert score(lw.UNKNOWN, lw.UNKNOWN, "number") == 1.0
    assert score(3, 3.0, "rating") == 1.0 and score(3, 4, "rating") == 0.0
    assert score("the laws of Texas", "laws of Texas") == 1.0
    assert exact(lw.UNKNOWN, lw.UNKNOWN) and not exact("a", "A") and not exact(None, None)


any_text = st.text(max_size=40)
words = st.lists(
    st.sampled_from(
        [
            "the",
            "a",
            "Law",
            "law",
            "of",
            "É",
            "e",
            "1,000",
            "5.5",
            "'s",
            " ",
            "  ",
            ".",
            ",",
            "\n",
            "$",
            "-",
            "State",
        ]
    ),
    max_size=12,
)
texts = any_text | words.map("".join)


@given(texts, texts)
def test_word_diff_reconstructs_both_sides(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert "".join(o["a"] for o in ops) == a
    assert "".join(o["b"] for o in ops) == b
    assert all(o["op"] in {"equal", "insert", "delete", "replace"} for o in ops)
    assert all(o["a"] == o["b"] for o in ops if o["op"] == "equal")
    assert all(o["a"] == "" for o in ops if o["op"] == "insert")
    assert all(o["b"] == "" for o in ops if o["op"] == "delete")
    assert all(ops[i]["op"] != ops[i + 1]["op"] for i in range(len(ops) - 1))
    assert json.loads(json.dumps(ops)) == ops


@given(texts, texts)
def test_token_f1_is_symmetric_bounded_and_one_iff_same_tokens(a: str, b: str) -> None:
    f1 = token_f1(a, b)
    assert f1 == token_f1(b, a)
    assert 0.0 <= f1 <= 1.0
    assert (f1 == 1.0) == (Counter(tokens(a)) == Counter(tokens(b)))
    assert token_f1(a, a) == 1.0


@given(texts, texts)
def test_normalized_match_agrees_with_text_equality_and_score(a: str, b: str) -> None:
    assert normalized_match(a, b) == answers_equal(a, b, "text") == (normalize(a) == normalize(b))
    if normalized_match(a, b):
        assert score(a, b) == 1.0
    assert normalize(normalize(a)) == normalize(a) or normalize(a).startswith(("the ", "a ", "an "))


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_numbers_compare_by_value(x: float, y: float) -> None:
    # (near-equal values such as 0.1 + 0.2 and 0.3 are checked above: keys round to 12 digits)
    assert answers_equal(x, repr(x), "number") and answers_equal(x, f"{x:,}", "number")
    if not math.isclose(x, y, rel_tol=1e-10):
        assert not answers_equal(x, y, "number")


kinds = st.sampled_from(["text", "choice", "multi_choice", "number", "rating", "date"])
answers = st.one_of(
    texts,
    finite,
    st.integers(),
    st.lists(st.sampled_from(["a", "B", "b "]), max_size=3),
    st.just(lw.UNKNOWN),
    st.none(),
    st.dates(),
    st.dates().map(str),
)


@given(answers, answers, kinds)
def test_keys_decide_equality(a, b, kind: str) -> None:
    equal = answers_equal(a, b, kind)
    assert equal == answers_equal(b, a, kind)
    key = answer_key(a, kind)
    assert equal == (key is not None and key == answer_key(b, kind))
    hash(key)
    if a is not None and not (isinstance(a, float) and math.isnan(a)):
        assert answers_equal(a, a, kind)


def test_word_diff_marks_the_changed_words() -> None:
    ops = word_diff("the laws of England", "the laws of the State of New York")
    assert ops[0] == {"op": "equal", "a": "the laws of ", "b": "the laws of "}
    assert any(o["op"] == "replace" and o["a"] == "England" for o in ops)
    assert word_diff("Laws of England", "laws of England")[0] == {
        "op": "replace",
        "a": "Laws",
        "b": "laws",
    }
    assert word_diff(lw.UNKNOWN, "Texas") == [
        {"op": "replace", "a": "(not in the text)", "b": "Texas"}
    ]
    assert word_diff(["a", "b"], None) == [{"op": "delete", "a": "a, b", "b": ""}]
