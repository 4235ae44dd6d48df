"""Answer comparison: normalization, F1, kinds, UNKNOWN and word diffs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.compare import (
    answers_equal,
    exact,
    normalize,
    normalized_match,
    score,
    token_f1,
    word_diff,
)


def test_normalize_folds_case_accents_punctuation_and_articles() -> None:
    assert normalize("The  Laws of Québec.") == "laws of quebec"
    assert normalized_match("the laws of England", "Laws of England!")
    assert not normalized_match("laws of England", "laws of Wales")


def test_token_f1_is_squad_style() -> None:
    # "laws of new york" vs "laws of state of new york": 4 common tokens, precision 1, recall 4/6
    assert token_f1("the laws of New York", "laws of the State of New York") == pytest.approx(0.8)
    assert token_f1("Texas", "Delaware") == 0.0
    assert token_f1(lw.UNKNOWN, lw.UNKNOWN) == 1.0
    assert token_f1(lw.UNKNOWN, "Texas") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "kind", "equal"),
    [
        (["a", "b"], ["b", "a"], "multi_choice", True),
        ("yes", "yes", "choice", True),
        (12, "12.0", "number", True),
        (3, 4, "rating", False),
        ("2024-01-02", "2024-01-02", "date", True),
        (lw.UNKNOWN, lw.UNKNOWN, "text", True),
        (lw.UNKNOWN, "UNKNOWN", "text", False),
        ("The laws of Texas", "laws of texas", "text", True),
        (None, "x", "text", False),
    ],
)
def test_answers_equal_knows_the_question_kind(a, b, kind, equal) -> None:
    assert answers_equal(a, b, kind) is equal


def test_score_and_exact() -> None:
    assert score(["a", "b"], ["a"], "multi_choice") == 0.5
    assert score("x", None) == 0.0
    assert exact(lw.UNKNOWN, lw.UNKNOWN) and not exact("a", "A")


texts = st.text(alphabet=st.sampled_from(list("abc ABC.,'-é\n")), max_size=40)


@given(texts, texts)
def test_word_diff_reconstructs_both_sides(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert "".join(o["a"] for o in ops) == a
    assert "".join(o["b"] for o in ops) == b
    assert all(o["op"] in {"equal", "insert", "delete", "replace"} for o in ops)


@given(texts, texts)
def test_token_f1_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert token_f1(a, b) == pytest.approx(token_f1(b, a))
    assert 0.0 <= token_f1(a, b) <= 1.0
    if normalize(a).split() == normalize(b).split():
        assert token_f1(a, b) == 1.0


def test_word_diff_marks_the_changed_words() -> None:
    ops = word_diff("the laws of England", "the laws of the State of New York")
    assert ops[0] == {"op": "equal", "a": "the laws of ", "b": "the laws of "}
    assert any(o["op"] == "replace" and o["a"] == "England" for o in ops)
    assert word_diff(lw.UNKNOWN, "Texas")[0]["a"] == "(not in the text)"
