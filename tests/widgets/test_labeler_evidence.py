"""The Labeler's evidence and spans questions, driven by the messages the front end sends (tier 2).

On the wire offsets count from the chunk's first character (negative in the context before
it); the store keeps document coordinates. The front end's exact messages are sent here.
"""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

PREAMBLE = "SUPPLY AGREEMENT between Acme Corp and Widget Ltd. "
CLAUSE = "This Agreement is governed by the laws of the State of New York. Payment: 30 days."
TAIL = " Signed in Albany."
TEXT = PREAMBLE + CLAUSE + TAIL
START = len(PREAMBLE)

TASK = lw.Task(
    "grounded",
    [
        lw.Question("governing_law", instructions="As written."),
        lw.Question("kind", kind="choice", choices=["supply", "license"]),
        lw.Question("parties", kind="spans", labels=["PARTY", "LAW"]),
    ],
)


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_documents([{"doc_id": "c1", "name": "supply.pdf", "text": TEXT}])
    sqlite_store.add_chunks(
        [
            {
                "doc_id": "c1",
                "text": CLAUSE,
                "char_start": START,
                "char_end": START + len(CLAUSE),
                "chunk_id": "clause",
            },
            {
                "doc_id": "c1",
                "text": TAIL,
                "char_start": len(TEXT) - len(TAIL),
                "char_end": len(TEXT),
            },
        ]
    )
    sqlite_store.add_task(TASK)
    return sqlite_store


def at(phrase: str, text: str = CLAUSE) -> list[int]:
    start = text.index(phrase)
    return [start, start + len(phrase)]


def test_task_view_and_item_tell_the_front_end_what_takes_evidence(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    view = {q["name"]: q for q in w.task_view["questions"]}
    assert view["governing_law"]["evidence"] and not view["kind"]["evidence"]
    assert view["parties"]["labels"] == ["PARTY", "LAW"] and view["parties"]["kind"] == "spans"
    assert w.item["offsets"] and w.item["evidence"] == {}
    assert w.item["context_before"] == PREAMBLE  # selectable too: negative offsets on the wire


def test_evidence_is_stored_in_document_coordinates(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    phrase = at("the laws of the State of New York")
    ack = w.send_command(
        "submit",
        1,
        chunk_id="clause",
        answers={
            "governing_law": "the laws of the State of New York",
            "kind": "supply",
            "parties": [],
        },
        evidence={"governing_law": [phrase]},
    )
    assert ack["ok"], ack
    stored = store.answers(TASK, question="governing_law").iloc[0]
    assert stored["evidence"] == [[START + phrase[0], START + phrase[1]]]
    start, end = stored["evidence"][0]
    assert TEXT[start:end] == "the laws of the State of New York"
    assert store.events(question="governing_law").iloc[0]["evidence"] == stored["evidence"]


def test_evidence_may_lie_in_the_context_shown_before_the_chunk(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    acme = at("Acme Corp", PREAMBLE)
    wire = [acme[0] - START, acme[1] - START]  # negative: before the chunk
    ack = w.send_command(
        "submit",
        1,
        answers={"governing_law": "Acme Corp", "kind": "supply", "parties": []},
        evidence={"governing_law": [wire]},
    )
    assert ack["ok"], ack
    [[start, end]] = store.answers(TASK, question="governing_law").iloc[0]["evidence"]
    assert TEXT[start:end] == "Acme Corp"


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"governing_law": [[0, len(CLAUSE) + len(TAIL) + 1]]}, "not a span of the text shown"),
        ({"governing_law": [[-len(PREAMBLE) - 1, 3]]}, "not a span of the text shown"),
        ({"governing_law": [[9, 4]]}, "not a span of the text shown"),
        ({"governing_law": [[1.5, 4]]}, "whole numbers"),
        ({"governing_law": [[True, 4]]}, "whole numbers"),
        ({"governing_law": [1, 4]}, "list of [start, end] pairs"),
        ({"kind": [[0, 4]]}, "takes no evidence"),
        ({"nope": [[0, 4]]}, "takes no evidence"),
        ({"parties": [[0, 4]]}, "takes no evidence"),
        ([[0, 4]], "field 'evidence' must be an object or null"),
    ],
)
def test_bad_evidence_is_an_error_and_stores_nothing(
    store: LabelStore, evidence: object, message: str
) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    ack = w.send_command(
        "submit",
        1,
        answers={"governing_law": "the laws of New York", "kind": "supply", "parties": []},
        evidence=evidence,
    )
    assert not ack["ok"] and message in w.error
    assert store.events().empty and w.chunk_id == "clause"
    # the next command clears the banner
    w.send_command("next", 2)
    assert w.error == ""


def test_evidence_for_an_unanswered_or_unknown_question_is_refused(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    for seq, answer in enumerate(({"unknown": True}, None)):
        answers = {"kind": "supply", "parties": []}
        if answer is not None:
            answers["governing_law"] = answer
        ack = w.send_command("submit", seq, answers=answers, evidence={"governing_law": [[0, 4]]})
        assert not ack["ok"] and "does not answer" in w.error
    assert store.events().empty


def test_spans_answers_travel_in_chunk_coordinates(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann", chunks=store.chunk_order())
    law, days = at("New York"), at("30 days")
    spans = [
        {"start": law[0], "end": law[1], "label": "LAW"},
        {"start": days[0], "end": days[1], "label": "PARTY"},
    ]
    ack = w.send_command(
        "submit",
        1,
        answers={"governing_law": "New York", "kind": "supply", "parties": spans},
        evidence={"governing_law": [law]},
    )
    assert ack["ok"], ack
    stored = store.answers(TASK, question="parties").iloc[0]["answer"]
    assert [(TEXT[s["start"] : s["end"]], s["label"]) for s in stored] == [
        ("New York", "LAW"),
        ("30 days", "PARTY"),
    ]
    # going back shows the answers and the evidence in chunk coordinates again
    w.send_command("previous", 2)
    assert w.chunk_id == "clause"
    assert w.item["answers"]["parties"] == spans
    assert w.item["evidence"] == {"governing_law": [law]}


def test_bad_spans_answers_store_nothing(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    base = {"governing_law": "New York", "kind": "supply"}
    wrong_label = w.send_command(
        "submit", 1, answers={**base, "parties": [{"start": 0, "end": 4, "label": "DATE"}]}
    )
    assert not wrong_label["ok"] and "DATE" in wrong_label["problems"]["parties"][0]
    outside = w.send_command(
        "submit", 2, answers={**base, "parties": [{"start": 0, "end": 999, "label": "LAW"}]}
    )
    assert not outside["ok"] and "not a span of the chunk" in w.error
    assert store.events().empty


def test_model_evidence_is_shown_after_submit(store: LabelStore) -> None:
    law = at("the laws of the State of New York")
    store.add_suggestions(
        [
            {
                "task": TASK.name,
                "chunk_id": "clause",
                "question": "governing_law",
                "answer": "New York law",
                "model": "m1",
                "evidence": [[START + law[0], START + law[1]]],
            },
            {
                "task": TASK.name,
                "chunk_id": "clause",
                "question": "parties",
                "answer": [{"start": START, "end": START + 4, "label": "PARTY"}],
                "model": "m1",
            },
        ]
    )
    w = lw.Labeler(store, TASK, labeler="ann")
    w.send_command(
        "submit", 1, answers={"governing_law": "New York", "kind": "supply", "parties": []}
    )
    review = w.review["questions"]
    assert review["governing_law"]["model_evidence"] == [law]
    assert review["governing_law"]["model_supported"] is True
    assert review["parties"]["model_spans"] == [{"start": 0, "end": 4, "label": "PARTY"}]
    assert review["parties"]["ops"][0]["a"].startswith("PARTY “This")


def test_a_model_answer_without_evidence_is_located_or_not_found(store: LabelStore) -> None:
    for answer in ("New York", "Delaware"):
        store.add_suggestion(TASK, "clause", "governing_law", answer, model=f"m-{answer}")
    w = lw.Labeler(store, TASK, labeler="ann")
    w.send_command(
        "submit", 1, answers={"governing_law": "New York", "kind": "supply", "parties": []}
    )
    entry = w.review["questions"]["governing_law"]
    assert entry["model"] == "m-Delaware"  # the newest suggestion
    assert entry["model_supported"] is False and entry["model_evidence"] == []


def test_a_chunk_without_offsets_takes_no_evidence(sqlite_store: LabelStore) -> None:
    # a chunk of a document, without its place in it
    sqlite_store.add_chunks([{"doc_id": "d", "text": "Governed by the laws of Ontario."}])
    sqlite_store.add_task(TASK)
    w = lw.Labeler(sqlite_store, TASK, labeler="ann")
    assert not w.item["offsets"]
    ack = w.send_command(
        "submit",
        1,
        answers={"governing_law": "Ontario", "kind": "supply", "parties": []},
        evidence={"governing_law": [[24, 31]]},
    )
    assert not ack["ok"] and "no document offsets" in w.error
    assert sqlite_store.events().empty
    ok = w.send_command(
        "submit", 2, answers={"governing_law": "Ontario", "kind": "supply", "parties": []}
    )
    assert ok["ok"]


def test_python_submit_takes_document_coordinates(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="ann")
    law = at("New York")
    w.submit(
        {"governing_law": "New York", "kind": "supply", "parties": []},
        evidence={"governing_law": [(START + law[0], START + law[1])]},
    )
    [[start, end]] = store.answers(TASK, question="governing_law").iloc[0]["evidence"]
    assert TEXT[start:end] == "New York"
    with pytest.raises(ValueError, match="outside"):
        w.submit(
            {"governing_law": "x", "kind": "supply", "parties": []},
            evidence={"governing_law": [(0, len(TEXT) + 5)]},
        )
