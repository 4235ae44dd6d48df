"""lw.quality.support: is each labeler and model answer written in its chunk? On real CUAD
chunks (expected counts computed independently in tests.cuad) and on small hand-made stores."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.quality.support import ANSWER_COLUMNS
from tests.cuad import (
    Contract,
    governing_law_contracts,
    ingest_contracts,
    main_place,
    squash,
    written,
    wrong_state,
)

TASK = lw.Task(
    "cuad-law",
    [
        lw.Question("governing_law", prompt="Which law governs this agreement?"),
        lw.Question("kind", kind="choice", choices=["clause", "other"]),
    ],
)


def _place_span(contract: Contract, place: str) -> list[tuple[int, int]]:
    """Where ``place`` is written in the clause chunk, in document offsets, by plain regex."""
    words = r"\W+".join(map(re.escape, place.split()))
    match = re.search(rf"(?<!\w){words}(?!\w)", contract.chunk_text, re.IGNORECASE)
    assert match is not None
    return [(contract.char_start + match.start(), contract.char_start + match.end())]


def _label(store: lw.LabelStore, contracts: list[Contract]) -> dict[str, dict[str, int]]:
    """Three labelers and a model answer every clause chunk; returns the expected summary
    (answers, judged, unsupported per who), computed from the chunk texts alone."""
    expected = {w: {"answers": 0, "judged": 0, "unsupported": 0} for w in ("careful", "bare")}
    expected |= {w: {"answers": 0, "judged": 0, "unsupported": 0} for w in ("constant", "m1")}

    def count(who: str, supported: bool | None, answers: int = 1) -> None:
        expected[who]["answers"] += answers
        expected[who]["judged"] += supported is not None
        expected[who]["unsupported"] += supported is False

    suggestions = []
    for i, c in enumerate(contracts):
        place = main_place(c.answer)
        if written(place, c.chunk_text):  # the careful labeler cites where the place is written
            store.record_answers(
                TASK,
                c.chunk_id,
                {"governing_law": f"the laws of the State of {place}", "kind": "clause"},
                labeler="careful",
                evidence={"governing_law": _place_span(c, place)},
            )
            count("careful", True)
            count("careful", None)  # the choice answer is not judged
        else:
            store.record_answer(TASK, c.chunk_id, "governing_law", lw.UNKNOWN, labeler="careful")
        store.record_answer(TASK, c.chunk_id, "governing_law", c.answer, labeler="bare")
        count("bare", written(c.answer, c.chunk_text))
        store.record_answer(
            TASK, c.chunk_id, "governing_law", "the laws of Delaware", labeler="constant"
        )
        count("constant", written("Delaware", c.chunk_text))
        model_answer = c.answer if i % 2 == 0 else wrong_state(c.chunk_text, i)
        suggestions.append(
            {
                "task": TASK.name,
                "chunk_id": c.chunk_id,
                "question": "governing_law",
                "model": "m1",
                "answer": model_answer,
            }
        )
        count("m1", written(model_answer, c.chunk_text))
    store.add_suggestions(suggestions)
    return expected


def test_support_on_cuad_clause_chunks(store: lw.LabelStore, corpus_dir: Path) -> None:
    contracts = ingest_contracts(store, governing_law_contracts(corpus_dir))
    assert len(contracts) >= 33
    store.add_task(TASK)
    expected = _label(store, contracts)
    answers, summary = lw.quality.support(store, TASK)

    got = summary.set_index("who")[["answers", "judged", "unsupported"]].to_dict("index")
    assert got == expected
    assert summary.set_index("who").loc["m1", "source"] == "model"
    assert expected["careful"]["unsupported"] == 0
    assert expected["m1"]["unsupported"] >= len(contracts) // 2  # every wrong state, at least
    assert expected["constant"]["unsupported"] >= len(contracts) - 6  # few are Delaware contracts
    rates = summary.set_index("who")["unsupported_rate"]
    assert rates["careful"] == 0 < rates["bare"] < rates["m1"] < rates["constant"]

    assert list(answers.columns) == ANSWER_COLUMNS
    careful = answers[(answers["who"] == "careful") & (answers["question"] == "governing_law")]
    assert (careful["via"] == "evidence").all() and careful["supported"].all()
    bare = answers[answers["who"] == "bare"].set_index("chunk_id")
    for c in contracts:  # a supported bare answer's span shows the place in the document text
        row = bare.loc[c.chunk_id]
        if row["supported"]:
            shown = " ".join(
                c.chunk_text[s - c.char_start : e - c.char_start] for s, e in row["span"]
            )
            assert squash(main_place(c.answer)) in squash(shown).replace("’", "'")
        else:
            assert row["span"] == [] and row["via"] == "text"
    # UNKNOWN answers are not in the table
    assert not any(a is lw.UNKNOWN for a in answers["answer"])


def _two_chunk_store(store: lw.LabelStore) -> tuple[list[str], str]:
    text = (
        "GOVERNING LAW. This Agreement is governed by the laws of the State of Texas.\n\n"
        + "Payment terms follow. " * 8
    )
    lw.ingest(
        [text], store, chunker=lw.chunkers.Paragraphs(max_chars=120, overlap=0), progress=False
    )
    store.add_task(TASK)
    return store.chunk_order(), text


def test_evidence_in_the_documents_context_counts(sqlite_store: lw.LabelStore) -> None:
    ids, text = _two_chunk_store(sqlite_store)
    texas = text.index("Texas")
    # answered on the second chunk, with evidence in the first: read in the document
    sqlite_store.record_answer(
        TASK, ids[1], "governing_law", "Texas", labeler="ann", evidence=[(texas, texas + 5)]
    )
    # evidence that does not say what the answer says
    sqlite_store.record_answer(
        TASK, ids[0], "governing_law", "Delaware", labeler="bob", evidence=[(texas, texas + 5)]
    )
    sqlite_store.record_answer(TASK, ids[1], "governing_law", "Texas", labeler="cy")  # no evidence
    rows = lw.quality.support(sqlite_store, TASK).answers.set_index("who")
    assert rows.loc["ann", ["supported", "via"]].tolist() == [True, "evidence"]
    assert rows.loc["ann", "span"] == [(texas, texas + 5)]
    assert rows.loc["bob", ["supported", "via"]].tolist() == [False, "evidence"]
    assert rows.loc["cy", ["supported", "via"]].tolist() == [False, "text"]  # not in its chunk


def test_choices_unknown_filters_and_the_empty_store(sqlite_store: lw.LabelStore) -> None:
    sqlite_store.add_task(TASK)
    empty = lw.quality.support(sqlite_store, TASK)
    assert empty.answers.empty and list(empty.answers.columns) == ANSWER_COLUMNS
    assert empty.summary.empty and "unsupported_rate" in empty.summary.columns
    ids, _ = _two_chunk_store(sqlite_store)
    sqlite_store.record_answers(
        TASK, ids[0], {"governing_law": "the laws of Texas", "kind": "clause"}, labeler="ann"
    )
    sqlite_store.record_answers(
        TASK, ids[1], {"governing_law": lw.UNKNOWN, "kind": "other"}, labeler="ann"
    )
    report = lw.quality.support(sqlite_store, TASK)
    assert len(report.answers) == 3  # the UNKNOWN answer is left out
    row = report.summary.iloc[0]
    assert (row["who"], row["answers"], row["judged"], row["unsupported"]) == ("ann", 3, 1, 0)
    per_question = lw.quality.support(sqlite_store, TASK, per_question=True).summary
    kinds = per_question.set_index("question")
    assert kinds.loc["kind", "judged"] == 0 and pd.isna(kinds.loc["kind", "unsupported_rate"])
    only = lw.quality.support(sqlite_store, TASK, questions=["governing_law"]).answers
    assert set(only["question"]) == {"governing_law"}
    assert "1 answers" in repr(lw.quality.support(sqlite_store, TASK, questions="governing_law"))
    with pytest.raises(ValueError, match=r"no question\(s\) \['law'\]"):
        lw.quality.support(sqlite_store, TASK, questions=["law"])


def test_numbers_and_dates_are_checked_by_value(sqlite_store: lw.LabelStore) -> None:
    task = lw.Task("terms", [lw.Question("fee", kind="number"), lw.Question("signed", kind="date")])
    lw.ingest(
        ["The fee is $1,500.00, signed on the 4th day of March, 2021."],
        sqlite_store,
        progress=False,
    )
    (chunk,) = sqlite_store.chunk_order()
    sqlite_store.add_task(task)
    for who, fee, day in [("ann", 1500, "2021-03-04"), ("bob", 15000, "2021-04-03")]:
        sqlite_store.record_answers(task, chunk, {"fee": fee, "signed": day}, labeler=who)
    rows = lw.quality.support(sqlite_store, task).answers
    assert rows.set_index(["who", "question"])["supported"].to_dict() == {
        ("ann", "fee"): True,
        ("ann", "signed"): True,
        ("bob", "fee"): False,
        ("bob", "signed"): False,
    }
