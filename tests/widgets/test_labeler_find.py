"""The Labeler's search box, skips to revisit, multi-step undo and the ``saved`` trait (tier 2).

Driven by the messages the front end sends; the store searches in SQL (issue 16).
"""

from __future__ import annotations

import json

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task("facts", [lw.Question("governing_law", instructions="As written.")])
TEXTS = [
    "This Agreement is governed by the laws of New York.",
    "Payment is due within thirty days of the invoice.",
    "The governing law of this Agreement is the law of Delaware.",
    "Notices go to the addresses above.",
    "Each party pays its own costs of the arbitration.",
]


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_documents(
        [{"doc_id": "msa", "name": "msa.pdf", "text": "x"}, {"doc_id": "nda", "name": "nda.pdf"}]
    )
    sqlite_store.add_chunks(
        [{"doc_id": "msa" if i < 3 else "nda", "text": text} for i, text in enumerate(TEXTS)]
    )
    sqlite_store.add_task(TASK)
    return sqlite_store


def submit(w: lw.Labeler, seq: int, answer: str) -> dict:
    return w.send_command("submit", seq, answers={"governing_law": answer})


def test_search_shows_one_page_and_a_result_goes_to_its_chunk(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    ack = w.send_command("search", 1, text='"governing law" OR "laws of"')
    assert ack["ok"] and ack["found"] == 2
    assert [r["chunk_id"] for r in w.found["results"]] == [ids[0], ids[2]]
    assert w.found["total"] == 2 and w.found["page"] == 0
    assert "governing law" in w.found["results"][1]["snippet"]
    assert w.found["results"][0]["doc_name"] == "msa.pdf"
    # picking a result shows it; submitting there goes on to the next result not done
    w.send_command("go_to", 2, chunk_id=ids[2])
    assert w.chunk_id == ids[2]
    submit(w, 3, "the law of Delaware")
    assert w.chunk_id == ids[0]
    submit(w, 4, "the laws of New York")
    assert w.chunk_id == ids[1]  # the results are done: back to the queue
    # clearing the search: the queue again, nothing stored by searching
    w.send_command("clear_search", 5)
    assert w.found == {} and w.chunk_id == ids[1]
    w.send_command("search", 6, text="arbitration")
    w.send_command("go_to", 7, chunk_id=ids[4])
    w.send_command("clear_search", 8)  # a result on screen gives way to the queue
    assert w.chunk_id == ids[1]
    assert store.events(TASK)["kind"].tolist() == ["answer", "answer"]


def test_search_by_document_and_status_and_bad_fields_are_named(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    assert w.send_command("search", 1, document="nda.pdf")["found"] == 2
    assert [r["chunk_id"] for r in w.found["results"]] == ids[3:]
    assert w.send_command("search", 2, document="nda", text="costs")["found"] == 1
    bad = w.send_command("search", 3, document="lease.pdf")
    assert not bad["ok"] and "no document with id or name 'lease.pdf'" in bad["message"]
    bad = w.send_command("search", 4, status="disagreed")
    assert not bad["ok"] and "status must be one of" in bad["message"]
    assert w.found["total"] == 1  # a refused search leaves the last page on screen
    malformed = w.send_command("search", 5, text=3)
    assert not malformed["ok"] and "field 'text' must be a string" in malformed["message"]
    submit(w, 6, "the laws of New York")
    assert w.send_command("search", 7, status="unanswered")["found"] == 4
    assert w.send_command("search", 8, status="answered")["found"] == 1


def test_skipped_chunks_are_listed_to_revisit_and_come_back(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    w.send_command("skip", 1, chunk_id=ids[0])
    w.send_command("skip", 2, chunk_id=ids[1])
    submit(w, 3, "the law of Delaware")
    assert w.progress["skipped"] == 2
    assert w.send_command("search", 4, status="skipped")["found"] == 2
    assert [(r["chunk_id"], r["status"]) for r in w.found["results"]] == [
        (ids[0], "skipped"),
        (ids[1], "skipped"),
    ]
    w.send_command("go_to", 5, chunk_id=ids[1])
    assert w.item["status"] == "skipped"
    submit(w, 6, "none given")
    assert w.progress["skipped"] == 1
    # another labeler's skips are not ann's
    bob = lw.Labeler(store, TASK, labeler="bob")
    assert bob.send_command("search", 1, status="skipped")["found"] == 0


def test_undo_goes_back_one_step_at_a_time(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    submit(w, 1, "the laws of New York")
    w.send_command("skip", 2, chunk_id=ids[1])
    submit(w, 3, "the law of Delaware")
    # answer the first chunk again (going back): undone once, not twice
    w.send_command("go_to", 4, chunk_id=ids[0])
    submit(w, 5, "New York law")
    assert w.send_command("undo", 6)["undone"] == "submission" and w.chunk_id == ids[0]
    assert w.send_command("undo", 7)["undone"] == "submission" and w.chunk_id == ids[2]
    assert w.send_command("undo", 8)["undone"] == "skip" and w.chunk_id == ids[1]
    assert w.progress == {"done": 0, "total": 5, "position": w.progress["position"], "skipped": 0}
    last = w.send_command("undo", 9)
    assert not last["ok"] and "nothing to undo" in last["message"]
    kinds = store.events(TASK)[["kind", "chunk_id"]].values.tolist()
    assert kinds == [
        ["answer", ids[0]],
        ["skip", ids[1]],
        ["answer", ids[2]],
        ["answer", ids[0]],
        ["retract", ids[0]],
        ["retract", ids[2]],
        ["unskip", ids[1]],
    ]
    assert store.answers(TASK).empty


def test_writes_answer_with_their_event_id_and_the_front_end_sets_saved(
    store: LabelStore,
) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    acks = [
        submit(w, 1, "the laws of New York"),
        w.send_command("skip", 2, chunk_id=ids[1]),
        w.send_command("flag", 3, comment="two clauses", chunk_id=ids[2]),
        w.send_command("undo", 4),
    ]
    assert [a["event_id"] for a in acks] == store.events(TASK)["event_id"].tolist()
    assert "event_id" not in w.send_command("next", 5)  # a move stores nothing
    seen = []
    w.observe(lambda change: seen.append(change["new"]), "saved")
    w.set_state({"saved": acks[-1]["event_id"]})  # what the front end sends after the ack
    assert w.saved == acks[-1]["event_id"] and seen == [acks[-1]["event_id"]]


def test_go_to_works_when_everything_is_done(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann", chunks=ids[:1])
    submit(w, 1, "the laws of New York")
    assert w.item == {"done": True}
    w.send_command("go_to", 2, chunk_id=ids[0])
    assert w.chunk_id == ids[0] and w.item["status"] == "answered"
    refused = w.send_command("go_to", 3, chunk_id=ids[1])
    assert not refused["ok"] and "not among this Labeler's chunks" in refused["message"]


def test_the_widget_never_holds_more_than_a_page_of_results(tmp_path) -> None:
    big = LabelStore(tmp_path / "big.db")
    big.add_chunks(
        [
            {"doc_id": f"d{i // 100}", "text": f"Clause {i}: the laws of Delaware."}
            for i in range(3000)
        ]
    )
    big.add_task(TASK)
    w = lw.Labeler(big, TASK, labeler="ann")
    assert w.send_command("search", 1, text="Delaware")["found"] == 3000
    assert len(w.found["results"]) == 20 and w.found["page_size"] == 20
    w.send_command("search", 2, text="Delaware", page=149)
    assert w.found["page"] == 149 and len(w.found["results"]) == 20
    assert len(json.dumps(w.found)) < 8_000
    big.close()


def test_order_and_where_come_from_the_store(store: LabelStore) -> None:
    ids = store.chunk_order()
    zed = lw.Labeler(store, TASK, labeler="zed")
    assert zed.chunk_id == ids[0]  # document order by default
    zed.close()  # gives back the chunk it leased
    for order in ("random", "uncertain", "disagreement", "signal"):
        expected = store.next_chunk(TASK, f"probe-{order}", order=order, seed=3, lease=False)
        w = lw.Labeler(store, TASK, labeler=f"l-{order}", order=order, seed=3)
        if order != "random":  # "random" without filters: the widget's own seeded shuffle
            assert w.chunk_id == expected, order
        w.close()
    scores = {cid: i for i, cid in enumerate(ids)}  # the last chunk scores highest
    by_score = lw.Labeler(
        store, TASK, labeler="cal", order=lambda chunks: chunks["chunk_id"].map(scores)
    )
    assert by_score.chunk_id == ids[-1]  # the highest score first
    by_score.close()
    with pytest.raises(ValueError, match="order must be one of"):
        lw.Labeler(store, TASK, labeler="x", order="newest")
    # where=: only the chunks its filters keep, and progress counts those
    w = lw.Labeler(store, TASK, labeler="ann", where={"text": "agreement"})
    seen = []
    while w.chunk_id is not None:
        seen.append(w.chunk_id)
        submit(w, len(seen), "n/a")
    assert seen == [ids[0], ids[2]]
    assert w.progress["done"] == w.progress["total"] == 2
    with pytest.raises(ValueError, match="unknown filter"):
        lw.Labeler(store, TASK, labeler="x", where={"words": "agreement"})


def test_only_the_questions_that_apply_to_a_chunk_are_shown(store: LabelStore) -> None:
    ids = store.chunk_order()
    routed = lw.Task(
        "routed",
        [
            lw.Question("governing_law", keep=lw.filters.keywords(["laws of", "governing law"])),
            lw.Question("payment_days", kind="number", keep=lw.filters.keywords(["payment"])),
            lw.Question("notes"),
        ],
    )
    store.add_task(routed)
    w = lw.Labeler(store, routed, labeler="ann")
    asked = {}
    while w.chunk_id is not None:
        asked[w.chunk_id] = w.item["questions"]
        assert w.item["questions"] == store.questions_for(routed, w.chunk_id)
        assert w.send_command("unknown", len(asked))["ok"]  # Alt+Shift+U: what is asked here
    assert asked[ids[0]] == ["governing_law", "notes"]
    assert asked[ids[1]] == ["payment_days", "notes"]
    assert asked[ids[3]] == ["notes"]
    answers = store.answers(routed)
    # never an answer to a question whose filter rejects the chunk
    for chunk_id, question in zip(answers["chunk_id"], answers["question"], strict=True):
        assert question in asked[chunk_id]
    # a task without keep= sends no list: every question is asked
    assert lw.Labeler(store, TASK, labeler="bob").item["questions"] is None


def test_search_results_show_the_chunks_the_labeler_flagged(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="ann")
    submit(w, 1, "the laws of New York")  # ids[0]
    w.send_command("go_to", 2, chunk_id=ids[0])
    w.send_command("flag", 3, comment="two laws named", chunk_id=ids[0])
    w.send_command("go_to", 4, chunk_id=ids[2])
    w.send_command("flag", 5, comment="garbled", chunk_id=ids[2])
    store.flag(TASK, ids[1], labeler="bob", comment="bob's, not ann's")
    assert w.send_command("search", 6, text="governed or governing")["found"] == 2
    assert [(r["chunk_id"], r["status"]) for r in w.found["results"]] == [
        (ids[0], "answered · flagged"),
        (ids[2], "flagged"),
    ]
    assert w.send_command("search", 7, text="payment")["found"] == 1
    assert w.found["results"][0]["status"] is None  # flagged by bob only
    assert w.send_command("search", 8, status="flagged")["found"] == 2
