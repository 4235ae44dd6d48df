"""Evidence spans and spans answers in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.store import LabelStore

DOC = (
    "MASTER SUPPLY AGREEMENT between ACME Corp and Beta LLC. "
    "This Agreement shall be governed by the laws of the State of New York. "
    "The term is five (5) years from the Effective Date."
)
SPLIT = DOC.index("The term")
LAW = (DOC.index("the laws"), DOC.index("New York") + len("New York"))
TERM = (DOC.index("five"), DOC.index("years") + len("years"))
TASK = lw.Task(
    "contract",
    [
        lw.Question("governing_law", prompt="What law governs this agreement?"),
        lw.Question("term_years", kind="number", evidence=True),
        lw.Question("summary", evidence=False),
        lw.Question("clauses", kind="spans", labels=["Governing Law", "Term", "Party"]),
    ],
)


def fill(store: LabelStore) -> list[str]:
    store.add_documents([{"doc_id": "nda", "name": "nda.pdf", "text": DOC}])
    store.add_chunks(
        [
            {"doc_id": "nda", "text": DOC[:SPLIT], "char_start": 0, "char_end": SPLIT},
            {"doc_id": "nda", "text": DOC[SPLIT:], "char_start": SPLIT, "char_end": len(DOC)},
        ]
    )
    store.add_task(TASK)
    return list(store.chunks()["chunk_id"])


def test_evidence_is_stored_with_the_answer_and_shown_in_every_view(store: LabelStore) -> None:
    first, second = fill(store)
    store.record_answers(
        TASK,
        first,
        {"governing_law": "the laws of the State of New York", "summary": "supply deal"},
        labeler="alice",
        evidence={"governing_law": [LAW]},
    )
    # evidence may lie anywhere in the document, e.g. in the next chunk
    store.record_answer(TASK, first, "term_years", 5, labeler="alice", evidence=TERM)
    answers = store.answers(TASK).set_index("question")
    assert answers.loc["governing_law", "evidence"] == [list(LAW)]
    assert DOC[slice(*answers.loc["governing_law", "evidence"][0])] == (
        "the laws of the State of New York"
    )
    assert answers.loc["term_years", "evidence"] == [list(TERM)]
    assert answers.loc["summary", "evidence"] is None
    events = store.events(TASK, kind="answer")
    assert events["evidence"].tolist() == [[list(LAW)], None, [list(TERM)]]
    # a new answer without evidence replaces the evidence too
    store.record_answer(TASK, first, "governing_law", "New York law", labeler="alice")
    assert store.answers(TASK, question="governing_law")["evidence"].tolist() == [None]
    store.rebuild_projections()
    assert store.answers(TASK, question="term_years")["evidence"].tolist() == [[list(TERM)]]
    assert store.answers(TASK, chunk_id=second).empty


def test_spans_answers_round_trip_and_must_lie_in_the_chunk(store: LabelStore) -> None:
    first, second = fill(store)
    acme = DOC.index("ACME Corp")
    marks = [(LAW[0], LAW[1], "Governing Law"), (acme, acme + 9, "Party")]
    store.record_answer(TASK, first, "clauses", marks, labeler="bob")
    store.record_answer(TASK, second, "clauses", [], labeler="bob")
    stored = store.answers(TASK, question="clauses").set_index("chunk_id")["answer"]
    assert stored[first] == [
        {"start": acme, "end": acme + 9, "label": "Party"},
        {"start": LAW[0], "end": LAW[1], "label": "Governing Law"},
    ]
    assert stored[second] == []
    before = len(store.events())
    with pytest.raises(ValueError, match=r"span 0 \[\d+, \d+\) lies outside the chunk"):
        store.record_answer(TASK, second, "clauses", [(*LAW, "Governing Law")], labeler="bob")
    assert len(store.events()) == before


@pytest.mark.parametrize(
    ("answers", "evidence", "problem"),
    [
        ({"governing_law": "NY"}, {"governing_law": [(5, 2)]}, "not after its start"),
        ({"governing_law": "NY"}, {"governing_law": [(0, len(DOC) + 1)]}, "outside the chunk's"),
        ({"governing_law": "NY"}, {"governing_law": [(-1, 4)]}, "before the document"),
        ({"governing_law": "NY"}, {"governing_law": [(1.5, 4)]}, "whole number"),
        ({"governing_law": "NY"}, {"governing_law": "0-4"}, "pairs"),
        ({"governing_law": "NY"}, [(0, 4)], "must map each question"),
        ({"governing_law": "NY"}, {"term_years": [(0, 4)]}, "does not answer"),
        ({"governing_law": lw.UNKNOWN}, {"governing_law": [(0, 4)]}, "cannot have evidence"),
        ({"summary": "x"}, {"summary": [(0, 4)]}, "takes no evidence"),
        ({"clauses": []}, {"clauses": [(0, 4)]}, "takes no evidence"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(
    store: LabelStore, answers: dict, evidence: object, problem: str
) -> None:
    first, _ = fill(store)
    with pytest.raises((TypeError, ValueError), match=problem):
        store.record_answers(TASK, first, answers, labeler="carol", evidence=evidence)
    assert store.events().empty and store.answers().empty


def test_evidence_needs_document_offsets(sqlite_store: LabelStore) -> None:
    sqlite_store.add_chunks([{"doc_id": "loose", "text": "Governed by the laws of Texas."}])
    sqlite_store.add_task(TASK)
    (chunk,) = sqlite_store.chunks()["chunk_id"]
    with pytest.raises(ValueError, match="has no document offsets"):
        sqlite_store.record_answer(
            TASK, chunk, "governing_law", "Texas", labeler="a", evidence=(0, 5)
        )
    # a chunk added without a document is its own document: offsets are the chunk's
    sqlite_store.add_chunks([{"text": "Governed by the laws of Texas."}])
    own = sqlite_store.chunks()["chunk_id"].iloc[-1]
    sqlite_store.record_answer(TASK, own, "governing_law", "Texas", labeler="a", evidence=(24, 29))
    assert sqlite_store.answers(TASK)["evidence"].tolist() == [[[24, 29]]]


def test_gold_and_review_keep_evidence(store: LabelStore) -> None:
    first, second = fill(store)
    store.record_answer(TASK, first, "governing_law", "New York", labeler="alice", evidence=[LAW])
    store.mark_gold(TASK, second, "term_years", 5, evidence=[TERM])
    # accepting alice's answer keeps her evidence
    store.adjudicate(
        TASK, first, "governing_law", "new york", reviewer="rev", accepted_from="alice"
    )
    gold = store.gold(TASK).set_index("question")
    assert gold.loc["governing_law", "evidence"] == [list(LAW)]
    assert gold.loc["term_years", "evidence"] == [list(TERM)]
    # a different answer does not inherit it; explicit evidence wins
    store.adjudicate(
        TASK, first, "governing_law", "Delaware", reviewer="rev", accepted_from="alice"
    )
    assert store.gold(TASK, question="governing_law")["evidence"].tolist() == [None]
    store.adjudicate(
        TASK, first, "governing_law", "NY", reviewer="rev", evidence=[(LAW[1] - 8, LAW[1])]
    )
    assert store.gold(TASK, question="governing_law")["evidence"].tolist() == [
        [[LAW[1] - 8, LAW[1]]]
    ]
    with pytest.raises(ValueError, match="outside the chunk's document"):
        store.mark_gold(TASK, first, "term_years", 5, evidence=[(0, len(DOC) + 3)])
    assert len(store.gold(TASK)) == 2


offsets = st.integers(-3, len(DOC) + 3)
pairs = st.lists(st.tuples(offsets, offsets), min_size=1, max_size=4)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spans=pairs)
def test_random_evidence_is_stored_exactly_or_refused_whole(store: LabelStore, spans: list) -> None:
    if not store.chunks().shape[0]:
        fill(store)
    first = store.chunks()["chunk_id"].iloc[0]
    valid = all(0 <= s < e <= len(DOC) for s, e in spans) and len(set(spans)) == len(spans)
    before = store.events()
    try:
        store.record_answer(TASK, first, "governing_law", "NY", labeler="h", evidence=spans)
    except ValueError:
        assert not valid
        assert len(store.events()) == len(before)
        return
    assert valid
    stored = store.answers(TASK, labeler="h")["evidence"].iloc[0]
    assert stored == sorted([list(p) for p in spans])


def test_a_version_2_store_gains_evidence_and_keeps_its_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    first, _ = fill(store)
    store.record_answer(TASK, first, "governing_law", "New York", labeler="alice")
    store.add_suggestion(TASK, first, "governing_law", "Delaware", model="m")
    store.close()
    with sqlite3.connect(path) as db:  # what a version-2 store looked like
        for table in ("events", "current_answers", "suggestions"):
            db.execute(f"ALTER TABLE {table} DROP COLUMN evidence")
        db.execute("UPDATE lw_schema SET version = 2")
    migrated = LabelStore(path)
    assert migrated._schema_version() == 4
    answers = migrated.answers(TASK)
    assert answers["answer"].tolist() == ["New York"] and answers["evidence"].tolist() == [None]
    assert migrated.suggestions(TASK)["evidence"].tolist() == [None]
    migrated.record_answer(TASK, first, "governing_law", "NY", labeler="bob", evidence=[LAW])
    assert migrated.answers(TASK, labeler="bob")["evidence"].tolist() == [[list(LAW)]]
    migrated.close()
    assert LabelStore(path)._schema_version() == 4  # reopening migrates nothing twice


def test_a_version_2_postgresql_store_is_migrated(pg_store: LabelStore, pg_url: str) -> None:
    first, _ = fill(pg_store)
    pg_store.record_answer(TASK, first, "governing_law", "New York", labeler="alice")
    schema = pg_store.schema

    def downgrade(conn) -> None:
        for table in ("events", "current_answers", "suggestions"):
            conn.exec_driver_sql(f'ALTER TABLE "{schema}".{table} DROP COLUMN evidence')
        conn.exec_driver_sql(f'UPDATE "{schema}".lw_schema SET version = 2')

    pg_store._write(downgrade)
    pg_store.close()
    migrated = LabelStore(pg_url, schema=schema)
    try:
        assert migrated._schema_version() == 4
        assert migrated.answers(TASK)["evidence"].tolist() == [None]
        migrated.record_answer(TASK, first, "governing_law", "NY", labeler="bob", evidence=[LAW])
        assert migrated.answers(TASK, labeler="bob")["evidence"].tolist() == [[list(LAW)]]
    finally:
        migrated.close()


def test_model_suggestions_carry_evidence(store: LabelStore) -> None:
    first, second = fill(store)
    store.add_suggestion(TASK, first, "governing_law", "New York", model="m", evidence=[LAW])
    store.add_suggestion(TASK, first, "term_years", 5, model="m")
    store.add_suggestion(TASK, second, "clauses", [(*TERM, "Term")], model="m")
    suggestions = store.suggestions(TASK).set_index("question")
    assert suggestions.loc["governing_law", "evidence"] == [list(LAW)]
    assert suggestions.loc["term_years", "evidence"] is None
    assert store.latest_suggestions(TASK, first)["governing_law"]["evidence"] == [list(LAW)]
    # a new answer from the same model and prompt replaces its evidence as well
    store.add_suggestion(TASK, first, "governing_law", "NY", model="m")
    assert store.suggestions(TASK, question="governing_law")["evidence"].tolist() == [None]
    # accepting the model's answer in review keeps the model's evidence
    store.add_suggestion(TASK, first, "term_years", 5, model="m", evidence=[TERM])
    store.adjudicate(TASK, first, "term_years", 5, reviewer="rev", accepted_from="m")
    assert store.gold(TASK)["evidence"].tolist() == [[list(TERM)]]
    before = store.suggestions(TASK)
    for bad, message in [
        ({"evidence": [(0, len(DOC) + 1)]}, "outside the chunk's document"),
        ({"evidence": [(3, 3)]}, "not after its start"),
        ({"answer": [(*LAW, "Governing Law")], "question": "clauses"}, "outside the chunk"),
    ]:
        row = {"task": TASK, "chunk_id": second, "question": "governing_law", "model": "m2"}
        row.update({"answer": "NY", **bad})
        with pytest.raises(ValueError, match=message):
            store.add_suggestions([row])
    assert len(store.suggestions(TASK)) == len(before)
