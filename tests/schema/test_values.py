"""One reader per value type: written numbers and dates read the same way by the Labeler (its
Python path: the widget's submit command, check_submission and the store), the prompt parser
and answers_equal — every case accepted by all three with the same value, or refused by all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.schema import check_submission
from labelwidgets.schema.compare import answer_key, answers_equal
from labelwidgets.schema.values import AmbiguousValue, number_format, read_date, read_number


class Refused:
    """The expected refusal: ``why`` is in the error of every path."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Refused({self.why!r})"


AMBIGUOUS = Refused("ambiguous")
NOT_A_NUMBER = Refused("not a number")
NOT_A_DATE = Refused("not a date")
NOT_REAL = Refused("not a real date")

# (written form, locale, expected value or refusal)
NUMBERS = [
    ("1500", None, 1500),
    ("1,500.00", None, 1500),
    ("1.500,00", None, 1500),
    ("1 500", None, 1500),
    ("1\u00a0500,50", None, 1500.5),
    ("1\u202f500", None, 1500),
    ("1'500.50", None, 1500.5),
    ("EUR 2.000,50", None, 2000.5),
    ("2.000,50 €", None, 2000.5),
    ("€ 2.000,50", None, 2000.5),
    ("$1,500.00", None, 1500),
    ("USD 2,000,000", None, 2_000_000),
    ("1,500,000", None, 1_500_000),
    ("1.500.000", None, 1_500_000),
    ("1.500.000,75", None, 1_500_000.75),
    ("10 million", None, 10_000_000),
    ("1.5 million", None, 1_500_000),
    ("EUR 2.5 million", None, 2_500_000),
    ("2.5bn", None, 2_500_000_000),
    ("750k", None, 750_000),
    ("12,25", None, 12.25),
    ("0,500", None, 0.5),
    ("0.25", None, 0.25),
    (".5", None, 0.5),
    ("-3.5", None, -3.5),
    ("−40", None, -40),
    ("-$1,500.00", None, -1500),
    ("15%", None, 15),
    ("twelve", None, 12),
    ("thirty-six", None, 36),
    ("one hundred and five", None, 105),
    ("thirty (30)", None, 30),
    ("1.500", None, AMBIGUOUS),
    ("1,500", None, AMBIGUOUS),
    ("$1,500", None, AMBIGUOUS),
    ("12.345", None, AMBIGUOUS),
    ("EUR 2.000", None, AMBIGUOUS),
    ("1,000", None, AMBIGUOUS),
    ("1.500", "de", 1500),
    ("1.500", "en", 1.5),
    ("1,500", "en", 1500),
    ("$1,500", "en_US", 1500),
    ("1,500", "de", 1.5),
    ("1,500", "fr", 1.5),
    ("1.500", "fr", AMBIGUOUS),
    ("1 500,50", "fr", 1500.5),
    ("1'500.50", "de_CH", 1500.5),
    ("1.500,00", "en", 1500),
    ("1,500.00", "de", 1500),
    ("1,5,0", None, NOT_A_NUMBER),
    ("1.2.3", None, NOT_A_NUMBER),
    ("1,50,000", None, NOT_A_NUMBER),
    ("soon", None, NOT_A_NUMBER),
    ("twelve-ish", None, NOT_A_NUMBER),
    ("12 or 24", None, Refused("one number")),
    ("NaN", None, NOT_A_NUMBER),
]

DATES = [
    ("2021-03-04", None, "2021-03-04"),
    ("2021-03-04T10:30:00Z", None, "2021-03-04"),
    ("2021/03/04", None, "2021-03-04"),
    ("March 4th, 2021", None, "2021-03-04"),
    ("March 4, 2021", None, "2021-03-04"),
    ("March 4 2021", None, "2021-03-04"),
    ("Mar. 4, 2021", None, "2021-03-04"),
    ("Mar 4, 2021", None, "2021-03-04"),
    ("Thursday, March 4, 2021", None, "2021-03-04"),
    ("4 March 2021", None, "2021-03-04"),
    ("4th March 2021", None, "2021-03-04"),
    ("4 Mar 2021", None, "2021-03-04"),
    ("4 March, 2021", None, "2021-03-04"),
    ("the 4th day of March, 2021", None, "2021-03-04"),
    ("4th day of March 2021", None, "2021-03-04"),
    ("04.03.2021", None, "2021-03-04"),
    ("4.3.2021", None, "2021-03-04"),
    ("13/04/2021", None, "2021-04-13"),
    ("04/13/2021", None, "2021-04-13"),
    ("1/14/02", None, "2002-01-14"),
    ("31-12-2024", None, "2024-12-31"),
    ("September 30, 2020", None, "2020-09-30"),
    ("Sept 30, 2020", None, "2020-09-30"),
    ("March 2020", None, "2020-03"),
    ("Mar. 2020", None, "2020-03"),
    ("March, 2020", None, "2020-03"),
    ("2020-03", None, "2020-03"),
    ("03/2020", None, "2020-03"),
    ("[__] March 2020", None, "2020-03"),
    ("March [ ], 2020", None, "2020-03"),
    ("the [●] day of March, 2020", None, "2020-03"),
    ("2020", None, "2020"),
    ("[ ]/[ ]/2020", None, "2020"),
    ("__/__/2020", None, "2020"),
    ("[●]/[●]/2020", None, "2020"),
    ("03/04/2021", None, AMBIGUOUS),
    ("3/4/2021", None, AMBIGUOUS),
    ("05-06-2020", None, AMBIGUOUS),
    ("[ ]/03/2020", None, AMBIGUOUS),
    ("03/04/2021", "en_US", "2021-03-04"),
    ("03/04/2021", "en", "2021-03-04"),
    ("03/04/2021", "en_GB", "2021-04-03"),
    ("03/04/2021", "de", "2021-04-03"),
    ("13/04/2021", "en_US", "2021-04-13"),
    ("2021-02-30", None, NOT_REAL),
    ("February 29, 2021", None, NOT_REAL),
    ("31/13/2024", None, NOT_REAL),
    ("2021-13", None, NOT_REAL),
    ("next spring", None, NOT_A_DATE),
    ("yesterday", None, NOT_A_DATE),
]


def _questions(
    cases: list[tuple[str, str | None, object]], kind: str
) -> dict[str | None, lw.Question]:
    return {
        locale: lw.Question(f"{kind}_{locale or 'any'}", kind=kind, locale=locale)
        for locale in dict.fromkeys(locale for _, locale, _ in cases)
    }


def _labeler_path(tmp_path: Path, kind: str, cases: list) -> list[tuple[bool, object]]:
    """Each case submitted in a real Labeler (its submit command; a SQLite store): (ok, what
    was stored or the message shown)."""
    questions = _questions(cases, kind)
    task = lw.Task(f"{kind}-table", questions=list(questions.values()))
    store = lw.LabelStore(tmp_path / f"{kind}.db")
    store.add_chunks([{"text": f"case {i}"} for i in range(len(cases))])
    store.add_task(task)
    widget = lw.Labeler(store, task, labeler="ann")
    outcomes = []
    for seq, (written, locale, _) in enumerate(cases, start=1):
        name = questions[locale].name
        chunk = widget.chunk_id
        others = {q.name: lw.UNKNOWN for q in questions.values() if q.name != name}
        ack = widget.send_command("submit", seq, answers={name: written, **others})
        if not ack["ok"]:
            outcomes.append((False, ack["message"]))
            widget.send_command("skip", seq + 10_000, comment="refused")
            continue
        stored = store.answers(task, chunk_id=chunk, question=name)["answer"].tolist()
        outcomes.append((True, stored[0]))
    store.close()
    return outcomes


@pytest.mark.parametrize(("kind", "cases"), [("number", NUMBERS), ("date", DATES)])
def test_every_written_form_reads_the_same_in_every_path(tmp_path: Path, kind: str, cases) -> None:
    assert len([c for c in cases if not isinstance(c[2], Refused)]) >= 40
    questions = _questions(cases, kind)
    labeled = _labeler_path(tmp_path, kind, cases)
    for (written, locale, expected), (stored_ok, stored) in zip(cases, labeled, strict=True):
        question = questions[locale]
        task = lw.Task("t", questions=[question])
        checked = check_submission(task, {question.name: written})
        parsed = lw.prompts.parse_answer(question, written)
        case = f"{written!r} (locale {locale})"
        if isinstance(expected, Refused):
            assert not stored_ok and expected.why in stored, case
            assert question.name in checked.problems, case
            assert expected.why in " ".join(checked.problems[question.name]), case
            assert parsed.value is None and expected.why in parsed.error, case
            # answers_equal does not read it as a value either: it compares as text
            key = answer_key(written, kind, locale)
            iso = re.fullmatch(r"\d{4}(-\d\d){0,2}", key) if kind == "date" else None
            assert isinstance(key, str) and not iso, case
            with pytest.raises(ValueError, match=expected.why):
                question.coerce(written)
            continue
        assert stored_ok and stored == expected and type(stored) is type(expected), case
        assert checked.values == {question.name: expected} and not checked.problems, case
        assert parsed.error is None and parsed.value == expected, case
        assert answers_equal(written, expected, kind, locale=locale), case
        assert answers_equal(expected, written, kind, locale=locale), case
        assert question.matcher.agree(written, expected), case


def test_ambiguous_values_carry_both_readings() -> None:
    with pytest.raises(AmbiguousValue) as number:
        read_number("1.500")
    assert number.value.readings == (1.5, 1500)
    assert "1.5 (with '.' the decimal mark) or 1500 (with '.' grouping thousands)" in str(
        number.value
    )
    with pytest.raises(AmbiguousValue) as day:
        read_date("03/04/2021")
    assert day.value.readings == ("2021-03-04", "2021-04-03")
    for written, other in (("1.500", 1.5), ("1,500", 1.5), ("03/04/2021", "2021-04-03")):
        kind = "number" if isinstance(other, float) else "date"
        assert not answers_equal(written, other, kind)


def test_partial_dates_are_values_of_their_own() -> None:
    assert not answers_equal("March 2020", "2020-03-01", "date")
    assert answers_equal("March 2020", "2020-03", "date")
    assert not answers_equal("2020", "2020-03", "date")
    assert lw.Question("d", kind="date").coerce("[ ]/[ ]/2020") == "2020"


def test_locales_are_checked_where_the_question_is_made() -> None:
    assert number_format("de_DE")[0] == "," and number_format("en-GB")[0] == "."
    with pytest.raises(ValueError, match="not a locale name"):
        lw.Question("fee", kind="number", locale="1,5")
    question = lw.Question("fee", kind="number", locale="de")
    assert lw.Question.from_dict(question.to_dict()) == question
    assert lw.Question("fee", kind="number").to_dict().get("locale") is None
