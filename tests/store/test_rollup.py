"""store.document_answers: one answer per document × question, rolled up from its chunks.

Agreement, conflicts and adjudication on SQLite and PostgreSQL; "not in the text" on one chunk
against a real answer on another; the question's ``match=`` rule; a CUAD check on contracts
rebuilt from master_clauses.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore
from tests.cuad import STATES, governing_law_contracts, ingest_contracts, squash

TASK = lw.Task(
    "contract-facts",
    [
        lw.Question("governing_law", prompt="What law governs this agreement?", match="entity"),
        lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
        lw.Question("notes", match="normalized"),
    ],
)
# doc -> its chunks' texts
DOCS = {
    "agreed": [
        "SUPPLY AGREEMENT between Northwind and Contoso.",
        "Governing Law. This Agreement is governed by the laws of the State of New York.",
        "Notices go to the addresses above.",
    ],
    "conflict": [
        "This Agreement is governed by the laws of Delaware.",
        "Disputes go to the courts of Texas.",
    ],
    "adjudicated": [
        "LICENSE AGREEMENT.",
        "This License is governed by the laws of Ontario, or of England where stated.",
    ],
    "silent": ["Payment is due within thirty days.", "Confidentiality survives termination."],
}


def setup(store: LabelStore) -> dict[str, list[str]]:
    store.add_chunks([{"doc_id": d, "text": text} for d, texts in DOCS.items() for text in texts])
    store.add_task(TASK)
    chunks = store.chunks()
    return {d: chunks.loc[chunks["doc_id"] == d, "chunk_id"].tolist() for d in DOCS}


def answer(store: LabelStore, chunk_id: str, labeler: str, **answers: object) -> None:
    store.record_answers(TASK, chunk_id, answers, labeler=labeler)


def rows(store: LabelStore, **kwargs: object) -> dict[tuple[str, str], dict]:
    table = store.document_answers(TASK, **kwargs)
    return {(r["doc_id"], r["question"]): r for r in table.to_dict("records")}


def test_conflict_agreement_adjudication_and_unknown(store: LabelStore) -> None:
    ids = setup(store)
    unknown = lw.UNKNOWN
    # agreed: two labelers, two wordings of one answer; "not in the text" on the other chunks
    answer(store, ids["agreed"][0], "alice", governing_law=unknown, kind="supply")
    answer(store, ids["agreed"][1], "alice", governing_law="the laws of the State of New York")
    answer(store, ids["agreed"][1], "bob", governing_law="New York", kind="supply")
    answer(store, ids["agreed"][2], "bob", governing_law=unknown)
    # conflict: Delaware on one chunk, Texas on the other
    answer(store, ids["conflict"][0], "alice", governing_law="the laws of Delaware")
    answer(store, ids["conflict"][1], "bob", governing_law="Texas law")
    # adjudicated: the labelers disagree on one chunk, the reviewer decides
    answer(store, ids["adjudicated"][1], "alice", governing_law="the laws of Ontario")
    answer(store, ids["adjudicated"][1], "bob", governing_law="English law")
    store.adjudicate(
        TASK,
        ids["adjudicated"][1],
        "governing_law",
        "Ontario law",
        reviewer="rita",
    )
    # unknown: nobody found a governing law
    for chunk_id in ids["silent"]:
        answer(store, chunk_id, "alice", governing_law=unknown, kind="other")
    found = rows(store)

    agreed = found["agreed", "governing_law"]
    assert agreed["status"] == "agreed"
    assert squash(agreed["answer"]) in ("the laws of the state of new york", "new york")
    assert (agreed["n_chunks"], agreed["n_labelers"]) == (1, 2)
    assert agreed["chunk_ids"] == [ids["agreed"][1]]  # the evidence: where the answer is
    assert agreed["conflicts"] == [] and not agreed["is_unknown"]
    kind = found["agreed", "kind"]
    assert (kind["answer"], kind["status"], kind["chunk_ids"]) == (
        "supply",
        "agreed",
        [ids["agreed"][0], ids["agreed"][1]],
    )

    conflict = found["conflict", "governing_law"]
    assert conflict["status"] == "conflict" and conflict["answer"] is None
    assert conflict["conflicts"] == [
        {
            "answer": "the laws of Delaware",
            "is_unknown": False,
            "chunk_ids": [ids["conflict"][0]],
            "by": ["alice"],
        },
        {
            "answer": "Texas law",
            "is_unknown": False,
            "chunk_ids": [ids["conflict"][1]],
            "by": ["bob"],
        },
    ]

    settled = found["adjudicated", "governing_law"]
    assert (settled["status"], settled["answer"], settled["reviewers"]) == (
        "adjudicated",
        "Ontario law",
        ["rita"],
    )
    assert settled["labelers"] == ["alice"]  # alice's wording is the same answer under "entity"
    assert [c["by"] for c in settled["conflicts"]] == [["alice", "rita"], ["bob"]]

    silent = found["silent", "governing_law"]
    assert (silent["status"], silent["is_unknown"], silent["answer"]) == ("unknown", True, None)
    assert (silent["n_chunks"], silent["chunk_ids"]) == (2, ids["silent"])
    assert ("conflict", "kind") not in found  # no answer, no row


def test_unknown_elsewhere_is_not_a_conflict_but_on_the_same_chunk_it_is(
    store: LabelStore,
) -> None:
    ids = setup(store)
    first, clause, last = ids["agreed"]
    answer(store, first, "alice", governing_law=lw.UNKNOWN)
    answer(store, clause, "alice", governing_law="New York")
    answer(store, last, "bob", governing_law=lw.UNKNOWN)
    row = rows(store)["agreed", "governing_law"]
    assert (row["status"], row["answer"], row["chunk_ids"]) == ("single", "New York", [clause])

    answer(store, clause, "bob", governing_law=lw.UNKNOWN)  # bob says the clause does not say
    row = rows(store)["agreed", "governing_law"]
    assert row["status"] == "conflict"
    assert row["conflicts"] == [
        {"answer": "New York", "is_unknown": False, "chunk_ids": [clause], "by": ["alice"]},
        {"answer": None, "is_unknown": True, "chunk_ids": [clause], "by": ["bob"]},
    ]
    store.retract(TASK, clause, "governing_law", labeler="bob")  # undone: single again
    assert rows(store)["agreed", "governing_law"]["status"] == "single"


def test_the_match_rule_decides_what_agrees(tmp_path: Path) -> None:
    """Under "entity" the lawyer's wording and the bare place agree; under "normalized" they are
    two answers."""
    store = LabelStore(tmp_path / "m.db")
    ids = setup(store)
    clause = ids["agreed"][1]
    answer(
        store,
        clause,
        "alice",
        governing_law="the laws of the State of New York",
        notes="the laws of the State of New York",
    )
    answer(store, clause, "bob", governing_law="New York", notes="New York")
    found = rows(store)
    assert found["agreed", "governing_law"]["status"] == "agreed"
    assert found["agreed", "notes"]["status"] == "conflict"
    answer(
        store, clause, "bob", governing_law="California", notes="The laws of the State of New York."
    )
    found = rows(store)
    assert found["agreed", "governing_law"]["status"] == "conflict"
    assert found["agreed", "notes"]["status"] == "agreed"


def test_gold_settles_its_chunk_and_unknown_references(store: LabelStore) -> None:
    ids = setup(store)
    first, clause, _ = ids["agreed"]
    # gold says the first chunk does not say; a labeler finds the answer in the clause
    store.mark_gold(TASK, first, "governing_law", lw.UNKNOWN)
    answer(store, clause, "alice", governing_law="New York")
    row = rows(store)["agreed", "governing_law"]
    assert (row["status"], row["answer"]) == ("single", "New York")
    # gold on the clause itself overrides the labeler there
    store.mark_gold(TASK, clause, "governing_law", "the laws of the State of New York")
    row = rows(store)["agreed", "governing_law"]
    assert (row["status"], row["answer"], row["labelers"]) == (
        "adjudicated",
        "the laws of the State of New York",
        ["alice"],
    )
    # only "not in the text" references: adjudicated as unknown
    store.mark_gold(TASK, ids["silent"][0], "governing_law", lw.UNKNOWN)
    row = rows(store)["silent", "governing_law"]
    assert (row["status"], row["is_unknown"]) == ("adjudicated", True)


def test_questions_and_bad_requests(sqlite_store: LabelStore) -> None:
    ids = setup(sqlite_store)
    empty = sqlite_store.document_answers(TASK)
    assert empty.empty and "conflicts" in empty.columns
    answer(sqlite_store, ids["agreed"][0], "alice", governing_law="New York", kind="supply")
    only = sqlite_store.document_answers(TASK, questions=["kind"])
    assert only["question"].tolist() == ["kind"]
    with pytest.raises(ValueError, match="no question 'law'"):
        sqlite_store.document_answers(TASK, questions=["law"])
    spans = lw.Task("spans", [lw.Question("clauses", kind="spans", labels=["law"])])
    sqlite_store.add_task(spans)
    with pytest.raises(ValueError, match="spans question"):
        sqlite_store.document_answers(spans, questions=["clauses"])
    assert sqlite_store.document_answers(spans).empty  # spans questions are left out by default


def test_the_table_travels(sqlite_store: LabelStore, tmp_path: Path) -> None:
    ids = setup(sqlite_store)
    answer(sqlite_store, ids["conflict"][0], "alice", governing_law="Delaware", kind="supply")
    answer(sqlite_store, ids["conflict"][1], "bob", governing_law=lw.UNKNOWN, kind="license")
    answer(sqlite_store, ids["conflict"][0], "bob", governing_law="Texas")
    table = sqlite_store.document_answers(TASK)
    table.to_parquet(tmp_path / "rollup.parquet")
    back = pd.read_parquet(tmp_path / "rollup.parquet")
    assert back["status"].tolist() == table["status"].tolist() == ["conflict", "conflict"]
    assert back["name"].tolist() == ["conflict", "conflict"]


def middle(clause: str) -> str:
    """30 characters from the middle of a clause excerpt (how tests.cuad finds its chunk)."""
    text = squash(clause)
    return text[max(0, len(text) // 2 - 15) :][:30]


def test_cuad_governing_law_rolls_up_to_cuads_answer(tmp_path: Path, corpus_dir: Path) -> None:
    """Contracts rebuilt from CUAD's clause excerpts, two scripted labelers per kept chunk: the
    lawyer's wording ("the laws of the State of X") and CUAD's bare answer on every chunk that
    holds a governing-law excerpt, "not in the text" on the others. Each contract's roll-up
    is CUAD's answer, agreed, with every clause chunk as evidence."""
    store = LabelStore(tmp_path / "cuad.db")
    contracts = ingest_contracts(store, governing_law_contracts(corpus_dir))
    assert len(contracts) >= 30
    task = lw.Task("cuad", [lw.Question("governing_law", match="entity")])
    store.add_task(task)
    chunks = store.chunks()
    doc_ids = dict(zip(store.documents()["name"], store.documents()["doc_id"], strict=True))
    expected_chunks = {}
    for contract in contracts:
        middles = [middle(clause) for clause in contract.clauses]
        mine = chunks[chunks["doc_id"] == doc_ids[contract.name]]
        holding = [
            r.chunk_id for r in mine.itertuples() if any(m in squash(r.text) for m in middles)
        ]
        expected_chunks[doc_ids[contract.name]] = holding
        state = "the State of " if contract.answer in STATES else ""
        lawyer = f"the laws of {state}{contract.answer}"
        for r in mine.itertuples():
            clause = r.chunk_id in holding
            store.record_answer(
                task,
                r.chunk_id,
                "governing_law",
                lawyer if clause else lw.UNKNOWN,
                labeler="careful",
            )
            store.record_answer(
                task,
                r.chunk_id,
                "governing_law",
                contract.answer if clause else lw.UNKNOWN,
                labeler="terse",
            )
    table = store.document_answers(task).set_index("doc_id")
    matcher = task.question("governing_law").matcher
    assert len(table) == len(contracts)
    for contract in contracts:
        row = table.loc[doc_ids[contract.name]]
        assert row["status"] == "agreed", contract.name
        assert matcher.matches(row["answer"], contract.answer), (contract.name, row["answer"])
        assert row["chunk_ids"] == expected_chunks[doc_ids[contract.name]]
        assert row["n_labelers"] == 2 and row["conflicts"] == []
