"""Question(match=...): every built-in rule, registered rules, and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.schema import matching
from labelwidgets.schema.compare import answers_equal
from labelwidgets.schema.matching import read_date, read_number, register_match, resolve

U = lw.UNKNOWN


def rule(name: str, kind: str = "text") -> matching.Matcher:
    return lw.Question("q", kind=kind, match=name).matcher


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("the laws of the State of New York", "New York law"),
        ("the laws of the State of New York", "New York"),
        ("New York law", "New York State"),
        ("English law", "the laws of England"),
        ("the laws of England and Wales", "England; Wales"),
        ("England, United Kingdom; Wales, United Kingdom", "English and Welsh law"),
        ("Ontario, Canada", "the laws of the Province of Ontario"),
        ("the laws of the Province of Ontario and the federal laws of Canada", "Ontario"),
        ("Federal Republic of Germany", "German law"),
        ("People's Republic of China", "the laws of the PRC"),
        ("the State of Texas, U.S.A.", "Texas"),
        ("the Commonwealth of Massachusetts", "Massachusetts law"),
        ("the District of Columbia", "Washington, D.C."),
        ("Georgia", "the laws of the State of Georgia"),
        ("Viet Nam", "Vietnam"),
    ],
)
def test_entity_reads_jurisdictions_in_their_everyday_forms(a: str, b: str) -> None:
    entity = rule("entity")
    assert entity.agree(a, b) and entity.agree(b, a)
    assert entity.matches(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("New York", "New Jersey"),
        ("West Virginia", "Virginia"),  # the longest name wins
        ("New Mexico", "Mexico"),
        ("United Kingdom", "England"),  # there is no "UK law": the nations differ
        ("the courts of New York", "New York"),  # a forum is not a governing law
        ("England", "England and Wales"),
        ("Acme Corp", "Beta LLC"),
        (U, "New York"),
    ],
)
def test_entity_keeps_different_places_apart(a: object, b: object) -> None:
    assert not rule("entity").agree(a, b)


def test_entity_falls_back_to_normalized_text_without_a_place() -> None:
    entity = rule("entity")
    assert entity.agree("Acme  Corp.", "the ACME corp")
    assert entity.key("Acme Corp") == "acme corp"


@pytest.mark.parametrize(
    ("name", "a", "b", "equal"),
    [
        ("exact", "New York", "New York", True),
        ("exact", "New York", "new york", False),
        ("normalized", "New York", "the new york.", True),
        ("normalized", "New York", "the laws of New York", False),
        ("token_f1>=0.5", "laws of New York", "New York", True),
        ("token_f1>=0.9", "laws of New York", "New York", False),
        ("number", "$1,500", "1500 USD", True),
        ("number", "1.5 million", "1,500,000", True),
        ("number", "1.5 thousand", "$1,500.00", True),
        ("number", "1500", "1501", False),
        ("number", "about", "About.", True),  # not a number: compared as text
        ("date", "1/14/02", "2002-01-14", True),
        ("date", "January 14th, 2002", "the 14th day of January, 2002", True),
        ("date", "14 January 2002", "2002-01-14", True),
        ("date", "11/20/95", "1995-11-20", True),
        ("date", "1/2/02", "2002-02-01", False),  # month first, as CUAD writes dates
    ],
)
def test_each_rule(name: str, a: str, b: str, equal: bool) -> None:
    assert rule(name).agree(a, b) is equal
    assert answers_equal(a, b, match=name) is equal


def test_contains_is_directed_for_accuracy_and_either_way_between_labelers() -> None:
    contains = rule("contains")
    precise, reference = "the laws of the State of New York", "New York"
    assert contains.matches(precise, reference)  # the more precise answer is right
    assert not contains.matches(reference, precise)  # a partial answer is not
    assert contains.agree(reference, precise) and contains.agree(precise, reference)
    assert not contains.matches("York", "New York") or contains.matches("New York", "York")
    assert not contains.matches("New Yorker", "York")  # whole words only
    assert not contains.symmetric


@pytest.mark.parametrize("name", ["exact", "normalized", "entity", "contains", "number"])
def test_unknown_only_matches_unknown_and_missing_matches_nothing(name: str) -> None:
    m = rule(name)
    assert m.matches(U, U) and not m.matches(U, "New York") and not m.matches("New York", U)
    assert not m.matches(None, None) and not m.matches(float("nan"), "x")


def test_kinds_take_the_rules_that_fit_them() -> None:
    assert rule("number", "number").agree("1,500", 1500)
    assert rule("date", "date").agree("2002-01-14", "2002-01-14")
    picks = lw.Question("p", kind="multi_choice", choices=["a", "b"], match="exact").matcher
    assert picks.agree(["a", "b"], ["a", "b"]) and not picks.agree(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="compares text answers"):
        lw.Question("n", kind="number", match="entity")
    with pytest.raises(ValueError, match="token F1 bar must be in"):
        lw.Question("t", match="token_f1>=1.5")
    with pytest.raises(ValueError, match="not registered in this process"):
        lw.Question("t", match="my_rule_nobody_registered")
    with pytest.raises(ValueError, match="unknown match rule"):
        lw.Question("t", match="not a name!")
    with pytest.raises(TypeError, match="register the function first"):
        lw.Question("t", match=lambda a, b: True)


def test_registered_rules_by_pair_and_by_key() -> None:
    def digits(value: object) -> str:
        return "".join(c for c in str(value) if c.isdigit())

    register_match("test_same_digits", digits, key=True)
    register_match("test_prefix", lambda a, b: str(a).startswith(str(b)), symmetric=False)
    by_key = lw.Question("account", match="test_same_digits")
    assert by_key.matcher.keyed and by_key.matcher.agree("AC-12 34", "1234")
    assert lw.Question("x", match=digits).match == "test_same_digits"  # the function itself
    prefix = lw.Question("p", match="test_prefix").matcher
    assert prefix.matches("New York City", "New York") and not prefix.matches("New", "New York")
    assert prefix.agree("New", "New York")
    with pytest.raises(ValueError, match="is a built-in rule"):
        register_match("entity", digits)
    with pytest.raises(TypeError, match="must be callable"):
        register_match("nothing", "not a function")


def test_the_task_keeps_only_the_rule_name_and_never_loads_code() -> None:
    task = lw.Task("t", [lw.Question("law", match="entity"), lw.Question("x")])
    data = task.to_dict()
    assert data["questions"][0]["match"] == "entity"
    assert "match" not in data["questions"][1]  # the default leaves stored hashes unchanged
    assert lw.Task.from_json(task.to_json()) == task
    # a stored name nobody registered in this process loads, and says so when used
    data["questions"][1]["match"] = "os.system"
    loaded = lw.Task.from_dict(data)
    with pytest.raises(ValueError, match="is not registered in this process"):
        loaded.question("x").matcher  # noqa: B018
    with pytest.raises(ValueError, match="is not registered"):
        resolve("builtins.eval")


def test_readers() -> None:
    assert read_number("USD 10m") == 10_000_000 and read_number("-3.5") == -3.5
    assert read_number("ten") == 10 and read_number("ten or so") is None
    assert str(read_date("the 1st day of March, 2021")) == "2021-03-01"
    assert read_date("13/13/2020") is None


answers = st.one_of(
    st.just(U),
    st.text(max_size=30),
    st.sampled_from(
        [
            "New York",
            "the laws of the State of New York",
            "New York law",
            "English law",
            "the laws of England",
            "ENGLAND",
            "Delaware",
            "$1,500",
            "1500",
            "January 14, 2002",
            "2002-01-14",
        ]
    ),
)
SYMMETRIC = ["exact", "normalized", "token_f1>=0.5", "number", "date", "entity"]


@settings(max_examples=300, deadline=None)
@given(a=answers, b=answers, name=st.sampled_from(SYMMETRIC))
def test_symmetric_rules_are_symmetric(a: object, b: object, name: str) -> None:
    m = rule(name)
    assert m.matches(a, b) == m.matches(b, a)
    assert m.matches(a, a) or a is None


@settings(max_examples=300, deadline=None)
@given(a=answers, b=answers)
def test_exact_within_normalized_within_entity_and_the_others(a: object, b: object) -> None:
    if rule("exact").agree(a, b):
        assert rule("normalized").agree(a, b)
    if rule("normalized").agree(a, b):
        for name in ("entity", "number", "date", "contains", "token_f1>=0.8"):
            assert rule(name).agree(a, b), name


@settings(max_examples=200, deadline=None)
@given(values=st.lists(answers, max_size=8))
def test_cluster_puts_agreeing_answers_together(values: list) -> None:
    m = rule("entity")
    groups = matching.cluster(values, m)
    for value, group in zip(values, groups, strict=True):
        first = values[groups.index(group)]
        assert m.agree(value, first) or m.key(value) == m.key(first)
