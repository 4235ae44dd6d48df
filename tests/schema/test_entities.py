"""Typed-entity checks: a country is not a city, an amount needs a currency, a date needs a day."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.schema.entities import entity_problem, entity_type

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("city", "United Kingdom", "'United Kingdom' is a country, not a city"),
        ("city", "England", "'England' is a country, not a city"),
        ("city", "Texas", "'Texas' is a US state, not a city"),
        ("city", "$5,000", "'$5,000' is an amount of money, not a city"),
        ("city", "12345", "'12345' is a number, not a city"),
        ("city", "London", None),
        ("city", "München", None),
        ("city", "New York", None),  # a state and a city
        ("city", "Singapore", None),  # a country and a city
        ("city", "Little Snoring", None),  # not in the gazetteer: not rejected
        ("country", "the Netherlands", None),
        ("country", "Korea, Republic of", None),
        ("country", "Republic of Korea", None),
        ("country", "Russia", None),
        ("country", "U.S.", None),
        ("country", "GBR", None),
        ("country", "Scotland", None),
        ("country", "London", "'London' is not a country (it is a city)"),
        ("country", "Texas", "'Texas' is not a country (it is a US state)"),
        ("us_state", "Delaware", None),
        ("us_state", "CA", None),
        ("us_state", "Bavaria", "'Bavaria' is not a US state"),
        ("us_state", "Canada", "'Canada' is not a US state (it is a country)"),
        ("money", "$1,500", None),
        ("money", "USD 2,000.00", None),
        ("money", "EUR 2.000,50", None),
        ("money", "1.5 million dollars", None),
        ("money", "£20", None),
        ("money", "One Thousand Five Hundred Dollars ($1,500)", None),
        ("money", "1500", "'1500' is not an amount of money (e.g. '$1,500' or 'EUR 2,000')"),
        ("money", "100 abc", "'100 abc' is not an amount of money (e.g. '$1,500' or 'EUR 2,000')"),
        (
            "money",
            "Delaware",
            "'Delaware' is not an amount of money (e.g. '$1,500' or 'EUR 2,000')",
        ),
        ("date", "2021-03-04", None),
        ("date", "3 March 2021", None),
        ("date", "the 3rd day of March, 2021", None),
        ("date", "March 2021", "'March 2021' is not a full date (day, month and year)"),
        ("date", "2021-02-30", "'2021-02-30' is not a full date (day, month and year)"),
        ("date", "Delaware", "'Delaware' is not a full date (day, month and year)"),
        ("city", "  ", "the answer is empty, expected a city"),
    ],
)
def test_entity_problem(kind: str, value: str, problem: str | None) -> None:
    assert entity_problem(kind, value) == problem


def test_unknown_is_not_an_entity_problem_and_kinds_are_checked() -> None:
    assert entity_problem("city", lw.UNKNOWN) is None
    with pytest.raises(ValueError, match="unknown entity kind 'planet'"):
        entity_problem("planet", "")
    assert entity_type("Georgia") == "country" and entity_type("Ohio") == "us_state"


def test_the_validator_rejects_wrong_types_and_survives_json() -> None:
    question = lw.Question("city", validators=[lw.validators.entity("city")])
    assert question.validate("United Kingdom") == ["'United Kingdom' is a country, not a city"]
    assert question.validate("Paris") == [] and question.validate(lw.UNKNOWN) == []
    assert lw.Question.from_dict(question.to_dict()) == question


def test_a_missing_extra_is_named() -> None:
    code = (
        "import sys; sys.modules['pycountry'] = None\n"
        "from labelwidgets.schema.entities import entity_problem\n"
        "try:\n    entity_problem('country', 'France')\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "pip install 'labelwidgets[entities]'" in out and "pycountry is missing" in out
