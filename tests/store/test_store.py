"""Every writer and view of the LabelStore, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.store import AnswerRejected, LabelStore
from tests.store.helpers import CONTRACT_TASK, fill


def test_chunks_are_idempotent_by_content(store: LabelStore) -> None:
    rows = pd.DataFrame(
        {
            "text": ["alpha clause", "beta clause"],
            "doc_id": ["d", "d"],
            "char_start": [0, 13],
            "char_end": [12, 24],
            "section": ["1", "2"],
        }
    )
    assert store.add_chunks(rows) == 2
    assert store.add_chunks(rows) == 0
    chunks = store.chunks()
    assert list(chunks["text"]) == ["alpha clause", "beta clause"]
    assert list(chunks["seq"]) == [0, 1]
    assert chunks["meta"][1] == {"section": "2"}
    assert store.count_chunks() == 2
    assert store.documents()["doc_id"].tolist() == ["d"]


def test_a_chunk_without_document_becomes_its_own_document(store: LabelStore) -> None:
    store.add_chunks([{"text": "This Agreement is governed by the laws of Delaware."}])
    (doc_id,) = store.documents()["doc_id"]
    chunk = store.chunks().iloc[0]
    text = store.document_text(doc_id)
    assert text[chunk["char_start"] : chunk["char_end"]] == chunk["text"]


def test_documents_are_listed_in_the_order_they_were_added(store: LabelStore) -> None:
    ids = ["zeta", "alpha", "mu", "beta", *(f"d{i:03}" for i in range(300, 0, -1))]
    assert store.add_documents([{"doc_id": d} for d in ids[:150]]) == 150
    store.add_documents([{"doc_id": d} for d in ids[150:]])
    documents = store.documents()
    assert documents["doc_id"].tolist() == ids  # not by id: one call's documents too
    assert documents["created_at"].is_monotonic_increasing and documents["created_at"].is_unique
    assert (documents["created_at"].max() - documents["created_at"].min()).total_seconds() < 60


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (pd.DataFrame({"txt": ["a"]}), "row 0 has no 'text'"),
        ([{"text": "   "}], "row 1: 'text' is empty"),
        ([{"text": 12}], "'text' must be a string"),
        ([{"text": "abc", "char_start": 0, "char_end": 5}], "the text has 3 characters"),
        ([{"text": "abc", "page_start": 1.5}], "'page_start' must be a whole number"),
        ("just a string", "expected a DataFrame or an iterable of dicts"),
    ],
)
def test_bad_chunks_are_rejected_and_nothing_is_stored(store: LabelStore, rows, message) -> None:
    store.add_chunks([{"text": "kept"}])
    with pytest.raises((ValueError, TypeError), match=message):
        store.add_chunks([{"text": "a good row"}, *rows] if isinstance(rows, list) else rows)
    assert store.chunks()["text"].tolist() == ["kept"]


def test_tasks_are_stored_and_read_back(store: LabelStore) -> None:
    store.add_task(CONTRACT_TASK)
    assert LabelStore.get_task(store, "contract-facts") == CONTRACT_TASK
    assert store.tasks()["task"].tolist() == ["contract-facts"]
    with pytest.raises(KeyError, match="no task 'nope'"):
        store.get_task("nope")


def test_task_edits_cannot_drop_or_retype_answered_questions(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answer(CONTRACT_TASK, ids[0], "renewal_months", 12, labeler="alice")
    edited = lw.Task("contract-facts", [*CONTRACT_TASK.questions[:2]])
    with pytest.raises(ValueError, match="'renewal_months' has labels and cannot be removed"):
        store.add_task(edited)
    retyped = lw.Task(
        "contract-facts", [*CONTRACT_TASK.questions[:2], lw.Question("renewal_months")]
    )
    with pytest.raises(ValueError, match="kind cannot change"):
        store.add_task(retyped)
    reworded = lw.Task(
        "contract-facts",
        [
            *CONTRACT_TASK.questions[:2],
            lw.Question("renewal_months", kind="number", instructions="In months."),
        ],
    )
    store.add_task(reworded)
    assert store.get_task("contract-facts").question("renewal_months").instructions == "In months."


def test_record_answers_and_the_current_answer_view(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answers(
        CONTRACT_TASK,
        ids[0],
        {"has_clause": "yes", "governing_law": "the laws of the State of New York"},
        labeler="alice",
        time_spent=4.5,
    )
    store.record_answer(CONTRACT_TASK, ids[0], "renewal_months", lw.UNKNOWN, labeler="alice")
    store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "yes", labeler="bob")
    answers = store.answers(CONTRACT_TASK)
    assert len(answers) == 4
    alice = answers[answers.labeler == "alice"].set_index("question")
    assert alice.loc["governing_law", "answer"] == "the laws of the State of New York"
    assert alice.loc["governing_law", "time_spent"] == 4.5
    assert alice.loc["renewal_months", "answer"] is None  # UNKNOWN is the is_unknown flag
    assert bool(alice.loc["renewal_months", "is_unknown"])
    assert alice.loc["has_clause", "doc_id"] == "doc-1"
    assert store.answers(CONTRACT_TASK, labeler="bob")["answer"].tolist() == ["yes"]
    assert store.answers(CONTRACT_TASK, question="has_clause")["labeler"].tolist() == [
        "alice",
        "bob",
    ]
    assert store.labeler_answers(CONTRACT_TASK, ids[0], "bob") == {"has_clause": "yes"}


def test_a_new_answer_replaces_the_current_one_but_events_keep_both(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answer(CONTRACT_TASK, ids[1], "renewal_months", 12, labeler="alice")
    store.record_answer(CONTRACT_TASK, ids[1], "renewal_months", 24, labeler="alice")
    assert store.answers(CONTRACT_TASK)["answer"].tolist() == [24]
    assert store.events(CONTRACT_TASK)["answer"].tolist() == [12, 24]


def test_retract_is_an_undo_event(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answer(CONTRACT_TASK, ids[0], "renewal_months", 12, labeler="alice")
    store.retract(CONTRACT_TASK, ids[0], "renewal_months", labeler="alice")
    assert store.answers(CONTRACT_TASK).empty
    assert store.events(CONTRACT_TASK)["kind"].tolist() == ["answer", "retract"]
    with pytest.raises(ValueError, match="no answer to 'renewal_months'"):
        store.retract(CONTRACT_TASK, ids[0], "renewal_months", labeler="alice")


def test_rejected_answers_leave_the_store_unchanged(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "yes", labeler="alice")
    before = store.events()
    bad = [
        ({"governing_law": "England"}, AnswerRejected, "'England' is not allowed here"),
        ({"renewal_months": "soon"}, AnswerRejected, "'soon' is not a number"),
        ({"has_clause": "maybe"}, AnswerRejected, "'maybe' is not one of"),
        ({"nope": "x"}, ValueError, "has no question 'nope'"),
        ({}, ValueError, "no answers given"),
    ]
    for answers, error, message in bad:
        with pytest.raises(error, match=message):
            store.record_answers(CONTRACT_TASK, ids[0], answers, labeler="alice")
    with pytest.raises(ValueError, match="unknown chunk_id 'missing'"):
        store.record_answer(CONTRACT_TASK, "missing", "has_clause", "yes", labeler="alice")
    with pytest.raises(ValueError, match="labeler must be a non-empty name"):
        store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "yes", labeler=" ")
    with pytest.raises(AnswerRejected, match="only asked when 'has_clause' is 'yes'"):
        store.record_answer(
            CONTRACT_TASK, ids[1], "governing_law", "the laws of Texas", labeler="alice"
        )
    pd.testing.assert_frame_equal(store.events(), before)


def test_force_stores_a_validator_failure_and_records_the_override(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answers(
        CONTRACT_TASK,
        ids[0],
        {"has_clause": "yes", "governing_law": "England"},
        labeler="alice",
        force=True,
    )
    event = store.events(question="governing_law").iloc[0]
    assert event["forced"]
    assert event["problems"] == ["'England' is not allowed here"]
    with pytest.raises(AnswerRejected, match="is not a number"):
        store.record_answer(
            CONTRACT_TASK, ids[0], "renewal_months", "soon", labeler="a", force=True
        )


def test_changing_a_gate_answer_retracts_the_dependent_answer(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answers(
        CONTRACT_TASK,
        ids[0],
        {"has_clause": "yes", "governing_law": "the laws of Texas"},
        labeler="alice",
    )
    store.record_answer(CONTRACT_TASK, ids[0], "has_clause", "no", labeler="alice")
    assert store.labeler_answers(CONTRACT_TASK, ids[0], "alice") == {"has_clause": "no"}
    assert store.events()["kind"].tolist() == ["answer", "answer", "answer", "retract"]


def test_next_chunk_skips_done_and_skipped_chunks_in_document_order(store: LabelStore) -> None:
    ids = fill(store, n=4)
    assert store.next_chunk(CONTRACT_TASK, "alice") == ids[0]
    store.record_answers(
        CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 12}, labeler="alice"
    )
    store.skip(CONTRACT_TASK, ids[1], labeler="alice", comment="illegible")
    store.flag(CONTRACT_TASK, ids[2], labeler="alice", comment="two clauses here")
    assert store.next_chunk(CONTRACT_TASK, "alice") == ids[2]
    # a partial submission does not finish the chunk
    store.record_answer(CONTRACT_TASK, ids[2], "has_clause", "yes", labeler="alice")
    assert store.next_chunk(CONTRACT_TASK, "alice", after=ids[2]) == ids[3]
    assert store.next_chunk(CONTRACT_TASK, "alice", after=ids[3]) == ids[2]  # wraps around
    assert store.progress(CONTRACT_TASK, "alice") == {"done": 1, "skipped": 1, "total": 4}
    # one labeler per chunk: alice finished ids[0], so bob starts at the chunk she skipped
    assert store.next_chunk(CONTRACT_TASK, "bob") == ids[1]
    with pytest.raises(ValueError, match="flag: a comment"):
        store.flag(CONTRACT_TASK, ids[2], labeler="alice", comment="")


def test_gold_review_feedback_and_unclear(store: LabelStore) -> None:
    ids = fill(store)
    store.add_gold(
        CONTRACT_TASK,
        [
            {"chunk_id": ids[0], "question": "has_clause", "answer": "yes"},
            {"chunk_id": ids[1], "question": "renewal_months", "answer": lw.UNKNOWN},
        ],
    )
    store.adjudicate(
        CONTRACT_TASK,
        ids[0],
        "has_clause",
        "no",
        reviewer="rita",
        accepted_from="bob",
        note="the clause is about notices",
    )
    gold = store.gold(CONTRACT_TASK).set_index(["chunk_id", "question"])
    assert gold.loc[(ids[0], "has_clause"), "answer"] == "no"
    assert gold.loc[(ids[0], "has_clause"), "source"] == "review"
    assert gold.loc[(ids[0], "has_clause"), "accepted_from"] == "bob"
    assert gold.loc[(ids[1], "renewal_months"), "answer"] is None
    assert gold.loc[(ids[1], "renewal_months"), "is_unknown"]
    store.feedback(
        CONTRACT_TASK,
        ids[0],
        "has_clause",
        reviewer="rita",
        labeler="alice",
        note="A notice clause is not a governing-law clause.",
    )
    store.mark_unclear(CONTRACT_TASK, "renewal_months", reviewer="rita", note="months or years?")
    kinds = store.events(CONTRACT_TASK)["kind"].tolist()
    assert kinds == ["gold", "gold", "review", "feedback", "unclear"]
    assert store.events(kind="feedback")["subject"].tolist() == ["alice"]


def test_prompt_versions_are_content_hashed(store: LabelStore) -> None:
    store.add_task(CONTRACT_TASK)
    v1 = store.add_prompt_version(CONTRACT_TASK, "governing_law", "Law? {chunk}")
    assert store.add_prompt_version(CONTRACT_TASK, "governing_law", "Law? {chunk}") == v1
    v2 = store.add_prompt_version(CONTRACT_TASK, "governing_law", "Which law? {chunk}", note="b")
    versions = store.prompt_versions(CONTRACT_TASK, "governing_law")
    assert versions["label"].tolist() == ["v1", "v2"]
    assert versions["version_id"].tolist() == [v1, v2]
    with pytest.raises(ValueError, match="'v1' is already used"):
        store.add_prompt_version(CONTRACT_TASK, "governing_law", "Other {chunk}", label="v1")


def test_suggestions_upsert_per_prompt_version_and_model(store: LabelStore) -> None:
    ids = fill(store)
    v1 = store.add_prompt_version(CONTRACT_TASK, "governing_law", "Law? {chunk}")
    rows = [
        {
            "task": "contract-facts",
            "chunk_id": ids[0],
            "question": "governing_law",
            "answer": "the laws of England",
            "model": "m",
            "prompt_version": v1,
            "raw": "x",
        },
        {
            "task": "contract-facts",
            "chunk_id": ids[1],
            "question": "renewal_months",
            "answer": "twelve-ish",
            "model": "m",
        },
        {
            "task": "contract-facts",
            "chunk_id": ids[2],
            "question": "renewal_months",
            "answer": lw.UNKNOWN,
            "model": "m",
            "raw": "NOT_IN_TEXT",
        },
    ]
    assert store.add_suggestions(rows) == 3
    store.add_suggestion(
        CONTRACT_TASK, ids[0], "governing_law", "the laws of Wales", model="m", prompt_version=v1
    )
    s = store.suggestions(CONTRACT_TASK).set_index("chunk_id")
    assert len(s) == 3
    assert s.loc[ids[0], "answer"] == "the laws of Wales"
    assert "not a number" in s.loc[ids[1], "parse_error"]
    assert s.loc[ids[2], "answer"] is None and s.loc[ids[2], "is_unknown"]
    assert lw.answer_values(s.reset_index()).tolist()[2] is lw.UNKNOWN
    with pytest.raises(ValueError, match="unknown chunk_id 'nope'"):
        store.add_suggestion(CONTRACT_TASK, "nope", "governing_law", "x", model="m")


def test_terms_acceptance_and_the_labelers_view(store: LabelStore) -> None:
    ids = fill(store)
    assert not store.has_accepted("alice", "NDA v1")
    store.accept_terms("alice", "NDA v1")
    assert store.has_accepted("alice", "NDA v1")
    assert not store.has_accepted("alice", "NDA v2")
    store.record_answers(
        CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 1}, labeler="alice"
    )
    labelers = store.labelers(CONTRACT_TASK).set_index("labeler")
    assert labelers.loc["alice", "answers"] == 2
    assert labelers.loc["alice", "chunks_done"] == 1
    assert labelers.loc["alice", "terms_accepted"] == LabelStore.terms_hash("NDA v1")


def test_projections_rebuild_from_events(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answers(
        CONTRACT_TASK, ids[0], {"has_clause": "no", "renewal_months": 3}, labeler="alice"
    )
    store.skip(CONTRACT_TASK, ids[1], labeler="alice")
    store.record_answer(CONTRACT_TASK, ids[2], "renewal_months", 5, labeler="bob")
    store.retract(CONTRACT_TASK, ids[2], "renewal_months", labeler="bob")
    answers, progress = store.answers(), store.progress(CONTRACT_TASK, "alice")
    store.rebuild_projections()
    pd.testing.assert_frame_equal(store.answers(), answers)
    assert store.progress(CONTRACT_TASK, "alice") == progress
