"""Rendering prompts and parsing every kind of model reply."""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.models.prompts import (
    NOT_IN_TEXT,
    check_template,
    default_template,
    parse_answer,
    render,
)

TEXT = lw.Question("governing_law", prompt="Which law governs this agreement?")
CHOICE = lw.Question("kind", kind="choice", choices=["supply", "license", "other"])
YES_NO = lw.Question("has_clause", kind="choice", choices=["yes", "no"])
MULTI = lw.Question("topics", kind="multi_choice", choices=["price", "term", "law"])
MULTI_LONG = lw.Question(
    "parts", kind="multi_choice", choices=["terms and conditions", "terms", "schedule A"]
)
NUMBER = lw.Question("months", kind="number")
RATING = lw.Question("clarity", kind="rating", scale=(1, 5))
DATE = lw.Question("effective", kind="date")
US_DATE = lw.Question("effective", kind="date", locale="en_US")
STRICT = lw.Question("must", allow_unknown=False)


@pytest.mark.parametrize(
    "reply",
    [
        "NOT_IN_TEXT",
        "not_in_text",
        "Not in the text.",
        "N/A",
        "n/a",
        "Unknown",
        "none",
        "NULL",
        NOT_IN_TEXT,
        "The document does not say.",
        "The text does not specify the governing law.",
        "The provided text doesn’t mention a governing law.",
        "The agreement is silent on this.",
        "not specified",
        "Not stated in the text.",
        "It is not mentioned.",
        "Not applicable",
        "There is no mention of governing law.",
        "No information is provided about the law.",
        "I don't know",
        "Cannot be determined from the text.",
        "I could not find it in the text.",
        "```\nNOT_IN_TEXT\n```",
        "Answer: not mentioned",
        '"NOT_IN_TEXT"',
        "**N/A**",
        '{"answer": "NOT_IN_TEXT"}',
        "The contract contains no information about this.",
    ],
)
@pytest.mark.parametrize("question", [TEXT, CHOICE, NUMBER, DATE], ids=lambda q: q.kind)
def test_unknown_phrasings_become_unknown(question, reply: str) -> None:
    parsed = parse_answer(question, reply)
    assert parsed.value is lw.UNKNOWN and parsed.error is None
    assert parsed.raw == reply


@pytest.mark.parametrize(
    "reply",
    [
        "Unknown Holdings LLC",
        "None of the above apply to the licensee",
        "This Agreement does not permit assignment without consent",
        "the laws of the State of New York",
    ],
)
def test_answers_that_merely_contain_refusal_words_are_kept(reply: str) -> None:
    assert parse_answer(TEXT, reply).value == reply


@pytest.mark.parametrize(
    ("question", "reply", "value"),
    [
        (TEXT, 'Answer: "the laws of the State of New York"', "the laws of the State of New York"),
        (TEXT, "```text\nthe laws of England\n```", "the laws of England"),
        (TEXT, "the laws of Ohio\n\nExplanation: section 12 says so.", "the laws of Ohio"),
        (TEXT, '{"answer": "the laws of Ohio"}', "the laws of Ohio"),
        (TEXT, "**Answer:** “the laws of Ohio”", "the laws of Ohio"),
        (CHOICE, " Supply. ", "supply"),
        (CHOICE, "LICENSE agreement", "license"),
        (CHOICE, "The answer is: license.", "license"),
        (CHOICE, "'Other'", "other"),
        (YES_NO, "Yes.", "yes"),
        (YES_NO, "No, there is a clause on payment only.", "no"),
        (MULTI, "law, price", ["price", "law"]),
        (MULTI, "- term\n- law", ["term", "law"]),
        (MULTI, "Price and Term.", ["price", "term"]),
        (MULTI, '["law", "term"]', ["term", "law"]),
        (MULTI, "law", ["law"]),
        (MULTI_LONG, "Terms and Conditions; Schedule A", ["terms and conditions", "schedule A"]),
        (MULTI_LONG, "terms, terms and conditions", ["terms and conditions", "terms"]),
        (NUMBER, "12", 12),
        (NUMBER, "1,250.50", 1250.5),
        (NUMBER, "$12", 12),
        (NUMBER, "USD 2,000,000", 2000000),
        (NUMBER, "$1.5 million", 1500000),
        (NUMBER, "5k", 5000),
        (NUMBER, "thirty (30) days", 30),
        (NUMBER, "twelve", 12),
        (NUMBER, "Twelve months", 12),
        (NUMBER, "thirty-six", 36),
        (NUMBER, "one hundred and five", 105),
        (NUMBER, "two thousand five hundred", 2500),
        (NUMBER, "-3.5", -3.5),
        (NUMBER, "Answer: 0.25", 0.25),
        (RATING, "4", 4),
        (RATING, "4/5", 4),
        (RATING, "5 out of 5", 5),
        (RATING, "three", 3),
        (DATE, "2021-03-03", "2021-03-03"),
        (DATE, "2021-03-03T00:00:00Z", "2021-03-03"),
        (DATE, "March 3rd, 2021", "2021-03-03"),
        (DATE, "Mar. 3 2021", "2021-03-03"),
        (DATE, "3 March 2021", "2021-03-03"),
        (DATE, "the 3rd day of March, 2021", "2021-03-03"),
        (DATE, "The agreement is effective as of Sept 30, 2020.", "2020-09-30"),
        (US_DATE, "03/04/2021", "2021-03-04"),
        (DATE, "March 2020", "2020-03"),
        (NUMBER, "1.250,50", 1250.5),
        (DATE, "13/04/2021", "2021-04-13"),
        (DATE, "30.09.2020", "2020-09-30"),
        (DATE, "2020/09/30", "2020-09-30"),
    ],
)
def test_replies_are_mapped_onto_the_answer_kind(question, reply, value) -> None:
    parsed = parse_answer(question, reply)
    assert parsed.error is None, parsed.error
    assert parsed.value == value and type(parsed.value) is type(value)
    assert parsed.raw == reply


@pytest.mark.parametrize(
    ("question", "reply", "error"),
    [
        (CHOICE, "a lease", "not one of the choices"),
        (CHOICE, "supply or license", "more than one of the choices"),
        (MULTI, "price, warranty", "none of the choices"),
        (NUMBER, "12 or 24", "expected one number"),
        (NUMBER, "a few", "expected a number"),
        (NUMBER, "1.250", "ambiguous without a locale"),
        (DATE, "03/04/2021", "ambiguous without a locale"),
        (RATING, "9", "from 1 to 5"),
        (RATING, "3.5", "from 1 to 5"),
        (DATE, "sometime in spring", "not a date"),
        (DATE, "from 2021-01-01 to 2022-01-01", "more than one date"),
        (DATE, "February 30, 2021", "not a real date"),
        (TEXT, "   ", "replied with nothing"),
        (TEXT, None, "replied with nothing"),
        (TEXT, "``````", "no answer in it"),
        (STRICT, "NOT_IN_TEXT", "needs an answer"),
    ],
)
def test_unparseable_replies_keep_the_reason(question, reply, error) -> None:
    parsed = parse_answer(question, reply)
    assert parsed.value is None and error in parsed.error
    assert parsed.raw == (reply or "")


def test_render_tells_the_model_how_to_say_it_does_not_know() -> None:
    prompt = render(CHOICE, "This Supply Agreement ...")
    assert NOT_IN_TEXT in prompt and "supply, license, other" in prompt
    assert "This Supply Agreement" in prompt
    # the reply the prompt asks for is itself read back as UNKNOWN
    assert parse_answer(CHOICE, NOT_IN_TEXT).value is lw.UNKNOWN


@pytest.mark.parametrize(
    "question", [TEXT, CHOICE, MULTI, NUMBER, RATING, DATE], ids=lambda q: q.kind
)
def test_each_kind_is_told_its_answer_format(question) -> None:
    prompt = render(question, "some text")
    expected = {
        "text": "worded as in the text",
        "choice": "exactly one of: supply, license, other",
        "multi_choice": "one or more of: price, term, law",
        "number": "the number only",
        "rating": "from 1 to 5",
        "date": "YYYY-MM-DD",
    }[question.kind]
    assert expected in prompt


def test_template_fields() -> None:
    question = lw.Question(
        "law", prompt="Which law governs?", instructions="As a lawyer writes it."
    )
    template = (
        "{instructions}|{question}|{answer_format}|{not_in_text}|{previous}|{choices}|{chunk}"
    )
    out = render(question, "TEXT", template, previous="yes")
    assert out.split("|") == [
        "As a lawyer writes it.",
        "Which law governs?",
        "Reply with the answer only, worded as in the text.",
        NOT_IN_TEXT,
        "yes",
        "",
        "TEXT",
    ]
    assert render(MULTI, "t", "{previous} {chunk}", previous=["price", "law"]) == "price, law t"
    assert render(TEXT, "t", "{previous} {chunk}", previous=lw.UNKNOWN) == "not in the text t"
    assert render(TEXT, "t", "{previous} {chunk}") == " t"  # the line also holds the chunk
    # without a prompt the question falls back to its name
    assert render(lw.Question("notice_days"), "t", "{question}{chunk}") == "notice dayst"


def test_templates_are_checked() -> None:
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['chunkk'\]"):
        check_template("Read {chunkk}")
    with pytest.raises(ValueError, match="must include \\{chunk\\}"):
        check_template("What law?")
    with pytest.raises(ValueError, match="malformed"):
        check_template("Read {chunk")
    with pytest.raises(ValueError, match=r"unknown field.*write \{\{ and \}\} for a literal brace"):
        check_template('{chunk}\nReply as {"answer": "..."}')
    check_template('{chunk}\nReply as {{"answer": "..."}}')


def test_a_chained_question_sees_the_answer_it_depends_on() -> None:
    gated = lw.Question("law", prompt="Which law governs?", when=("has_clause", "yes"))
    prompt = render(gated, "TEXT", default_template(gated), previous="yes")
    assert "Already answered (has clause): yes\nQuestion: Which law governs?" in prompt
    # rendered without the earlier answer (e.g. for export), the line is left out, not left empty
    assert "Already answered" not in render(gated, "TEXT")
    assert render(gated, "TEXT") == render(
        TEXT.__class__("law", prompt="Which law governs?"), "TEXT"
    )
    placed = lw.Question("law", prompt="Given {previous}, which law?", when=("has_clause", "yes"))
    assert default_template(placed) == default_template(TEXT)
    assert "Question: Given yes, which law?" in render(placed, "TEXT", previous="yes")
