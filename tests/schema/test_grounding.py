"""Is an answer written in the text? locate / ground / is_supported on edge cases, by hypothesis,
and on real CUAD governing-law chunks (expectations computed independently in tests.cuad)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.schema.grounding import (
    content_words,
    ground,
    is_supported,
    locate,
    words,
)
from labelwidgets.schema.word_index import _TOKEN
from tests.cuad import (
    governing_law_contracts,
    ingest_contracts,
    main_place,
    squash,
    staged_contracts,
    written,
    wrong_state,
)

CLAUSE = (
    "13. GOVERNING LAW. This Agreement shall be governed by and construed in accordance with "
    "the laws of the State of\nNew York, without regard to its conflict of laws principles."
)


def found(answer: object, text: str, kind: str = "text") -> list[str]:
    return [text[s:e] for s, e in locate(answer, text, kind)]


# -- normalization: each case is (answer, text, the text it is found as) -----------------------
@pytest.mark.parametrize(
    ("answer", "text", "as_written"),
    [
        ("new york", "laws of NEW YORK.", "NEW YORK"),  # case
        ("Quebec", "les lois du Québec", "Québec"),  # accents
        ("Québec", "QUEBEC law", "QUEBEC"),
        ("financial statements", "the ﬁnancial statements", "ﬁnancial statements"),  # ligature
        ("Texas", "the laws of Ｔｅｘａｓ", "Ｔｅｘａｓ"),  # full-width
        ("New York", "State of New\n   York", "New\n   York"),  # line break, spaces
        ("New York", "State of New\u00a0York", "New\u00a0York"),  # no-break space
        ("Buyer's obligations", "the Buyer’s obligations", "Buyer’s obligations"),  # quotes
        ("Buyer’s obligations", "the Buyer's obligations", "Buyer's obligations"),
        ("Licensor", "“Licensor”", "Licensor"),
        ("2019-2021", "from 2019–2021", "2019–2021"),  # en dash
        ("governed", "shall be gov-\nerned by", "gov-\nerned"),  # hyphenated at a line break
        ("governed", "shall be gov\u00aderned by", "gov\u00aderned"),  # soft hyphen
        ("US law", "under U.S. law", "U.S. law"),  # dotted abbreviation
        ("1500 units", "1,500 units", "1,500 units"),  # thousands separator
        ("Straße", "STRASSE", "STRASSE"),  # casefold
        ("Øresund", "Oresund bridge", "Oresund"),  # letters NFKD does not split
        ("café", "Cafe\u0301 rules", "Cafe\u0301"),  # combining accent in the text
    ],
)
def test_normalization(answer: str, text: str, as_written: str) -> None:
    assert found(answer, text) == [as_written]
    assert is_supported(answer, text) is True


def test_a_lawyer_style_answer_is_found_by_its_place_and_law() -> None:
    assert found("the laws of the State of New York", CLAUSE) == [
        "the laws of the State of\nNew York"
    ]
    assert found("New York law", CLAUSE) == ["laws of the State of\nNew York"]
    assert found("the laws of New York", CLAUSE) == ["laws of the State of\nNew York"]
    assert found("New York", CLAUSE) == ["New York"]
    assert found("the State of New York", CLAUSE) == ["the State of\nNew York"]
    # the place is what must be written; boilerplate is located when near, not required
    assert found("New York law", "governed by the internal laws of New York") == [
        "laws of New York"
    ]
    assert content_words("the laws of the State of New York") == ["new", "york"]


@pytest.mark.parametrize(
    "answer",
    [
        "Delaware",
        "the laws of the State of Delaware",
        "New Jersey",  # "New" alone is not the place
        "York New",
        "the laws of England",
        "New York; Delaware",  # every part must be written
    ],
)
def test_a_place_that_is_not_written_is_not_found(answer: str) -> None:
    assert locate(answer, CLAUSE) == []
    assert is_supported(answer, CLAUSE) is False


def test_parts_apart_are_found_apart_and_the_best_occurrence_wins() -> None:
    text = "Seller: 5 Main St, New York, NY. ... This Agreement is governed by English law."
    assert found("England", text) == []
    law = "Notices go to New York, NY 10001.\nGoverned by the laws of the State of New York."
    # the bare place: its first occurrence; with the law: the occurrence near "laws"
    assert locate("New York", law)[0][0] == law.index("New York")
    assert found("New York law", law) == ["laws of the State of New York"]
    both = "the laws of England shall apply; the courts of Wales have jurisdiction"
    assert found("England and Wales", both) == ["England", "Wales"]
    assert found("Illinois; New York", "either Illinois or New York") == ["Illinois or New York"]


def test_numbers_by_value() -> None:
    text = "A fee of $1,500.00 within thirty (30) days; a cap of 2.5 million; a credit of -40."
    assert found(1500, text, "number") == ["1,500.00"]
    assert found("1,500", text, "number") == ["1,500.00"]
    assert found(30, text, "number") == ["30"]
    assert found(2_500_000, text, "number") == ["2.5 million"]
    assert found(2.5, text, "number") == ["2.5"]
    assert found(-40, text, "number") == ["-40"]
    assert is_supported(1501, text, "number") is False
    assert is_supported(31, text, "number") is False
    # a number answer that is not a number falls back to words
    assert found("thirty", text, "number") == ["thirty"]


@pytest.mark.parametrize(
    "text",
    [
        "dated March 4, 2021 by",
        "dated Mar. 4th, 2021 by",
        "made this 4th day of March, 2021",
        "dated 4 March 2021",
        "dated 2021-03-04",
        "dated 03/04/2021",
        "dated 04/03/2021",  # day/month order is not written: either reading supports
        "dated 3/4/21",
    ],
)
def test_dates_by_value(text: str) -> None:
    assert is_supported("2021-03-04", text, "date") is True
    written_as = found("2021-03-04", text, "date")
    assert len(written_as) == 1 and written_as[0] in text and "dated" not in written_as[0]
    assert is_supported("2021-03-05", text, "date") is False


def test_what_is_not_judged() -> None:
    for answer in (lw.UNKNOWN, None, float("nan"), "", "  ", "...", "—"):
        assert is_supported(answer, CLAUSE) is None
        assert locate(answer, CLAUSE) == []
    for kind in ("choice", "multi_choice", "rating", "spans"):
        assert is_supported("New York", CLAUSE, kind) is None
    assert ground(lw.UNKNOWN, CLAUSE) == (None, [], None)


def test_evidence_decides_when_present() -> None:
    start = 1_000  # the chunk's char_start in its document
    place = CLAUSE.index("New York")
    on_place = [(start + place, start + place + 8)]
    elsewhere = [(start, start + 12)]  # "13. GOVERNING"
    assert is_supported("New York", CLAUSE, evidence=on_place, chunk_start=start) is True
    # the chunk says New York, but the labeler's evidence does not
    assert is_supported("New York", CLAUSE, evidence=elsewhere, chunk_start=start) is False
    assert is_supported("New York", CLAUSE, evidence=[], chunk_start=start) is True  # none given
    # evidence outside the text given supports nothing
    assert is_supported("New York", CLAUSE, evidence=[(0, 8)], chunk_start=start) is False
    result = ground("New York", CLAUSE, evidence=on_place, chunk_start=start)
    assert result == (True, on_place, "evidence")
    located = ground("New York", CLAUSE, chunk_start=start)
    assert located.via == "text" and located.spans == on_place


@pytest.mark.parametrize(
    ("evidence", "error"),
    [
        ([(10, 5)], ValueError),  # end before start
        ([(-1, 5)], ValueError),
        ([(1.5, 5)], TypeError),
        ([("a", 5)], TypeError),
        ("10-20", TypeError),
        ([(1, 2, 3)], TypeError),
    ],
)
def test_bad_evidence_is_a_clear_error(evidence: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="evidence"):
        is_supported("New York", CLAUSE, evidence=evidence)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown question kind 'entity'"):
        is_supported("New York", CLAUSE, "entity")
    with pytest.raises(ValueError, match="unknown question kind"):
        locate("New York", CLAUSE, "place")
    with pytest.raises(TypeError, match="text must be a string"):
        is_supported("New York", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="chunk_start"):
        is_supported("New York", CLAUSE, chunk_start=True)


# -- hypothesis: offsets map back to the original text exactly ----------------------------------
LETTERS = st.characters(categories=["Lu", "Ll", "Lo", "Nd"])
WORD = st.text(LETTERS, min_size=1, max_size=8) | st.sampled_from(
    ["ﬁle", "Québec", "Cafe\u0301", "Buyer’s", "U.S.", "1,500", "ＮＹ", "Straße", "gov-\nerned"]
)
SEPARATOR = st.sampled_from([" ", "\n", "  ", ", ", " – ", ' "', '" ', "\t", "\u00a0", "; ", " ("])


@st.composite
def text_and_answer(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    pieces = draw(st.lists(WORD, min_size=1, max_size=30))
    gaps = draw(st.lists(SEPARATOR, min_size=len(pieces), max_size=len(pieces)))
    text = "".join(p + g for p, g in zip(pieces, gaps, strict=True))
    first = draw(st.integers(0, len(pieces) - 1))
    last = draw(st.integers(first, min(first + 5, len(pieces) - 1)))
    return text, " ".join(pieces[first : last + 1]), pieces


@settings(max_examples=300, deadline=None)
@given(text_and_answer())
def test_a_phrase_of_the_text_is_found_where_it_is_written(case: tuple[str, str, list]) -> None:
    text, answer, _ = case
    spans = locate(answer, text)
    assert spans, (answer, text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert spans == sorted(spans)
    inside = words("\n".join(text[s:e] for s, e in spans))
    assert set(content_words(answer)) <= set(inside)
    assert is_supported(answer, text) is True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.data())
def test_spans_cut_any_text_into_the_same_words(text: str, data: st.DataObject) -> None:
    """Any run of the text's own words is found, and the located text, cut out of its context,
    normalizes to the same words (the offsets are exact)."""
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    if not tokens:
        assert locate(text, text) == []
        return
    first = data.draw(st.integers(0, len(tokens) - 1))
    answer = " ".join(tokens[first : data.draw(st.integers(first + 1, len(tokens)))])
    spans = locate(answer, text)
    assert spans
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        cut = words(text[s:e])
        assert cut and " ".join(cut) in " ".join(words(text))
    assert set(content_words(answer)) <= set(words("\n".join(text[s:e] for s, e in spans)))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["{:,}", "{}", "${:,}.00", "USD {:,}"]))
def test_numbers_are_found_whatever_the_separators(value: int, form: str) -> None:
    text = f"the fee is {form.format(value)} per year"
    assert is_supported(value, text, "number") is True
    assert is_supported(value + 1, text, "number") is False


# -- real CUAD chunks --------------------------------------------------------------------------
def _check_contracts(contracts: list) -> dict[str, int]:
    """Each contract's CUAD answer, a lawyer-style answer and a wrong state against its clause
    chunk; returns the counts, after checking each one against the independent expectation."""
    counts = {"contracts": len(contracts), "cuad": 0, "lawyer": 0, "wrong": 0}
    for i, c in enumerate(contracts):
        text, place = c.chunk_text, main_place(c.answer)
        assert is_supported(c.answer, text) is written(c.answer, text), c.name
        counts["cuad"] += bool(is_supported(c.answer, text))
        if written(place, text):
            lawyer = f"the laws of the State of {place}"
            assert is_supported(lawyer, text) is True, (c.name, lawyer)
            counts["lawyer"] += 1
            where = locate(place, text)
            assert squash(place).replace("’", "'") in squash(" ".join(text[s:e] for s, e in where))
        wrong = wrong_state(text, i)
        counts["wrong"] += bool(is_supported(wrong, text))
        assert is_supported(f"the laws of the State of {wrong}", text) is False, (c.name, wrong)
    return counts


def test_cuad_clause_chunks(corpus_dir: Path, tmp_path: Path) -> None:
    """36 CUAD contracts rebuilt from their clause excerpts, ingested with a keyword filter."""
    contracts = governing_law_contracts(corpus_dir)
    store = lw.LabelStore(tmp_path / "cuad.db")
    chunked = ingest_contracts(store, contracts)
    assert len(contracts) == 36 and len(chunked) >= 33  # the filter keeps the clause chunks
    counts = _check_contracts(chunked)
    expected_cuad = sum(written(c.answer, c.chunk_text) for c in chunked)
    expected_lawyer = sum(written(main_place(c.answer), c.chunk_text) for c in chunked)
    assert counts == {
        "contracts": len(chunked),
        "cuad": expected_cuad,
        "lawyer": expected_lawyer,
        "wrong": 0,
    }
    # CUAD's answers are normalized ("England and Wales, UK"); most are written as such
    assert expected_cuad >= 0.85 * len(chunked) and expected_lawyer >= 0.9 * len(chunked)
    store.close()


def test_cuad_contracts_from_pdf_and_txt(corpus_dir: Path, tmp_path: Path) -> None:
    """The staged CUAD PDFs (pdfium) and full text: the clause chunk of each, as extracted."""
    staged = staged_contracts(corpus_dir)
    store = lw.LabelStore(tmp_path / "pdf.db")
    chunked = ingest_contracts(
        store, [c for _, c in staged], [p for p, _ in staged], backend="pypdfium2"
    )
    assert len(staged) == 9 and len(chunked) == 9
    counts = _check_contracts(chunked)
    assert counts["wrong"] == 0
    # Dynamex's answer adds "Canada", which its clause does not say
    assert counts["cuad"] == sum(written(c.answer, c.chunk_text) for c in chunked) == 8
    assert counts["lawyer"] == 9
    bluefly = next(c for c in chunked if c.name.startswith("BLUEFLY"))
    (span,) = locate("New York", bluefly.chunk_text)
    assert re.fullmatch(r"New\s+York", bluefly.chunk_text[span[0] : span[1]])
    store.close()
