"""Rendering prompts and parsing every kind of model reply."""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.prompts import NOT_IN_TEXT, check_template, parse_answer, render

TEXT = lw.Question("governing_law", prompt="Which law governs this agreement?")
CHOICE = lw.Question("kind", kind="choice", choices=["supply", "license", "other"])
MULTI = lw.Question("topics", kind="multi_choice", choices=["price", "term", "law"])
NUMBER = lw.Question("months", kind="number")
RATING = lw.Question("clarity", kind="rating", scale=(1, 5))
DATE = lw.Question("effective", kind="date")
STRICT = lw.Question("must", allow_unknown=False)


@pytest.mark.parametrize("reply", ["NOT_IN_TEXT", "not in the text.", "N/A", "Unknown", "none",
                                   "The document does not say.", "not specified", "```\nNOT_IN_TEXT\n```",
                                   "Answer: not mentioned", "I don't know"])  # fmt: skip
def test_unknown_phrasings_become_unknown(reply: str) -> None:
    assert parse_answer(TEXT, reply).value is lw.UNKNOWN
    assert parse_answer(TEXT, reply).raw == reply


@pytest.mark.parametrize(
    ("question", "reply", "value"),
    [
        (TEXT, 'Answer: "the laws of the State of New York"', "the laws of the State of New York"),
        (CHOICE, " Supply. ", "supply"),
        (CHOICE, "LICENSE agreement", "license"),
        (MULTI, "law, price", ["price", "law"]),
        (MULTI, "- term\n- law", ["term", "law"]),
        (NUMBER, "1,250.50", 1250.5),
        (NUMBER, "$12", 12),
        (RATING, "4", 4),
        (DATE, "March 3rd, 2021", "2021-03-03"),
        (DATE, "2021-03-03", "2021-03-03"),
        (DATE, "03/04/2021", "2021-03-04"),
    ],
)
def test_replies_are_mapped_onto_the_answer_kind(question, reply, value) -> None:
    parsed = parse_answer(question, reply)
    assert parsed.error is None and parsed.value == value


@pytest.mark.parametrize(
    ("question", "reply", "error"),
    [
        (CHOICE, "a lease", "not one of the choices"),
        (NUMBER, "12 or 24", "expected one number"),
        (RATING, "9", "from 1 to 5"),
        (DATE, "sometime in spring", "not a date"),
        (TEXT, "   ", "replied with nothing"),
        (STRICT, "NOT_IN_TEXT", "needs an answer"),
    ],
)
def test_unparseable_replies_keep_the_reason(question, reply, error) -> None:
    parsed = parse_answer(question, reply)
    assert parsed.value is None and error in parsed.error


def test_render_tells_the_model_how_to_say_it_does_not_know() -> None:
    prompt = render(CHOICE, "This Supply Agreement ...")
    assert (
        NOT_IN_TEXT in prompt
        and "supply, license, other" in prompt
        and "This Supply Agreement" in prompt
    )
    chained = render(TEXT, "text", "Given {previous}: {question}\n{chunk}", previous="yes")
    assert chained.startswith("Given yes: Which law governs")


def test_templates_are_checked() -> None:
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['chunkk'\]"):
        check_template("Read {chunkk}")
    with pytest.raises(ValueError, match="must include \\{chunk\\}"):
        check_template("What law?")
