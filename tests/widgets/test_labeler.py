"""The Labeler's Python side, driven by the same messages the front end sends (tier 2)."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
import sqlalchemy

import labelwidgets as lw
from labelwidgets.schema.submission import MISSING
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "contracts",
    [
        lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
        lw.Question(
            "governing_law",
            when=("has_clause", "yes"),
            instructions="As written, e.g. 'the laws of England'.",
            validators=[lw.validators.none_of(["England", "Texas"])],
        ),
    ],
    highlight=("governing law", "laws of"),
)


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_documents(
        [
            {
                "doc_id": "d1",
                "name": "supply.pdf",
                "text": "Preamble. " + " ".join(f"Clause {i}." for i in range(6)),
            }
        ]
    )
    sqlite_store.add_chunks(
        [
            {
                "doc_id": "d1",
                "text": f"Clause {i}.",
                "char_start": 10 + 10 * i,
                "char_end": 19 + 10 * i,
                "page_start": 1,
                "page_end": 1,
            }
            for i in range(6)
        ]
    )
    sqlite_store.add_task(TASK)
    return sqlite_store


def submit(w: lw.Labeler, seq: int, **answers) -> dict:
    return w.send_command("submit", seq, answers=answers)


def test_submit_stores_the_answers_and_moves_on(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    ack = submit(w, 1, has_clause="yes", governing_law="the laws of England and Wales")
    last_event = int(store.events(TASK)["event_id"].max())
    assert ack == {"seq": 1, "ok": True, "message": "", "saved": True, "event_id": last_event}
    answers = store.answers(TASK).set_index("question")
    assert answers.loc["governing_law", "answer"] == "the laws of England and Wales"
    assert answers.loc["governing_law", "chunk_id"] == first
    assert w.chunk_id != first
    assert w.progress["done"] == 1


def test_invalid_answers_store_nothing_and_list_the_problems(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    ack = submit(w, 1, has_clause="yes", governing_law="England")
    assert not ack["ok"] and ack["forceable"]
    assert ack["problems"] == {"governing_law": ["'England' is not allowed here"]}
    bad_kind = submit(w, 2, has_clause="perhaps")
    assert not bad_kind["ok"] and not bad_kind["forceable"]
    unmet = submit(w, 3, has_clause="no", governing_law="the laws of Texas")
    assert "only asked when 'has_clause' is 'yes'" in unmet["message"]
    assert store.events().empty
    assert w.chunk_id == first
    forced = w.send_command(
        "submit", 4, answers={"has_clause": "yes", "governing_law": "England"}, force=True
    )
    assert forced["ok"]
    event = store.events(question="governing_law").iloc[0]
    assert event["forced"] and event["problems"] == ["'England' is not allowed here"]


def test_unknown_skip_flag_and_navigation(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    ids = store.chunk_order()
    submit(w, 1, has_clause={"unknown": True})
    assert lw.answer_values(store.answers(TASK)).tolist() == [lw.UNKNOWN]
    w.send_command("skip", 2, comment="table of contents")
    w.send_command("flag", 3, comment="two clauses in one")
    assert w.chunk_id == ids[2]
    w.send_command("previous", 4)
    assert w.chunk_id == ids[1]
    w.send_command("previous", 5)
    assert w.chunk_id == ids[0]
    assert w.item["answers"] == {"has_clause": {"unknown": True}}
    w.send_command("next", 6)
    w.send_command("next", 7)
    assert w.chunk_id == ids[2]
    w.send_command("next", 8)  # nothing answered here: on to the next open chunk
    assert w.chunk_id == ids[3]
    kinds = store.events(TASK)[["kind", "chunk_id", "comment"]].fillna("").values.tolist()
    assert kinds == [
        ["answer", ids[0], ""],
        ["skip", ids[1], "table of contents"],
        ["flag", ids[2], "two clauses in one"],
    ]
    assert w.send_command("dance", 9)["message"] == "unknown command 'dance'"


def test_reopening_resumes_at_the_first_unanswered_chunk(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    ids = store.chunk_order()
    submit(w, 1, has_clause="no")
    submit(w, 2, has_clause="no")
    # the chunk on screen is leased to alice (one labeler per chunk) until she closes the widget
    assert lw.Labeler(store, TASK, labeler="bob").chunk_id == ids[3]
    w.close()
    carl = lw.Labeler(store, TASK, labeler="carl")
    assert carl.chunk_id == ids[2]
    carl.close()
    again = lw.Labeler(LabelStore(store._url), TASK, labeler="alice")
    assert again.chunk_id == ids[2]
    assert again.progress["done"] == 2


def test_labelers_are_blind_to_each_other(store: LabelStore) -> None:
    alice = lw.Labeler(store, TASK, labeler="alice", chunks=store.chunk_order()[:1])
    submit(alice, 1, has_clause="yes", governing_law="the laws of Ontario")
    two_each = lw.Task(TASK.name, TASK.questions, labelers_per_chunk=2, highlight=TASK.highlight)
    with pytest.raises(ValueError, match=r"labelers_per_chunk changed.*store\.add_task\(task\)"):
        lw.Labeler(store, two_each, labeler="bob")
    bob = lw.Labeler(store, store.add_task(two_each), labeler="bob")
    assert bob.chunk_id == store.chunk_order()[0]
    assert bob.item["answers"] == {}
    assert "Ontario" not in json.dumps(bob.get_state(), default=str)


def test_terms_must_be_accepted_before_any_text(store: LabelStore) -> None:
    terms = "These contracts are confidential. Do not copy them."
    w = lw.Labeler(store, TASK, labeler="carol", terms=terms)
    assert w.terms == terms and w.item == {}
    assert not submit(w, 1, has_clause="no")["ok"]
    assert w.send_command("accept_terms", 2)["ok"]
    assert w.item["text"] == "Clause 0."
    accepted = store.labelers().set_index("labeler").loc["carol"]
    assert accepted["terms_accepted"] == LabelStore.terms_hash(terms)
    assert lw.Labeler(store, TASK, labeler="carol", terms=terms).terms == ""


def test_model_answers_after_submit_prefill_and_hidden(store: LabelStore) -> None:
    ids = store.chunk_order()
    store.add_suggestions(
        [
            {"task": TASK.name, "chunk_id": ids[0], "question": q, "answer": a, "model": "m1"}
            for q, a in (("has_clause", "yes"), ("governing_law", "the laws of England"))
        ]
    )
    # one labeler per chunk and leases: each labeler here gets their own view of the chunks
    hidden = lw.Labeler(store, TASK, labeler="h", show_suggestions="hidden", chunks=ids)
    assert hidden.item["answers"] == {}
    prefill = lw.Labeler(store, TASK, labeler="p", show_suggestions="prefill", chunks=ids)
    assert prefill.item["answers"]["governing_law"] == "the laws of England"
    assert prefill.item["prefilled"]
    w = lw.Labeler(store, TASK, labeler="a", chunks=ids)
    assert "England" not in json.dumps(w.item)  # no anchoring before the labeler answered
    submit(w, 1, has_clause="yes", governing_law="the laws of England and Wales")
    assert w.chunk_id == ids[0]  # stays to show the diff
    diff = w.review["questions"]["governing_law"]
    assert diff["model"] == "m1"
    assert {"op": "insert", "a": "", "b": " and Wales"} in diff["ops"]
    w.send_command("next", 2)
    assert w.chunk_id == ids[1] and w.review == {}


def test_a_submit_reads_the_labelers_answers_once(store: LabelStore) -> None:
    ids = store.chunk_order()
    store.add_suggestion(TASK, ids[0], "governing_law", "the laws of England", model="m1")
    w = lw.Labeler(store, TASK, labeler="alice", chunks=ids)
    reads: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        reading = statement.lstrip().startswith("SELECT") and "current_answers" in statement
        if reading and ids[0] in str(parameters):
            reads.append(statement)

    sqlalchemy.event.listen(store._engine, "before_cursor_execute", count)
    try:
        submit(w, 1, has_clause="yes", governing_law="the laws of England and Wales")
    finally:
        sqlalchemy.event.remove(store._engine, "before_cursor_execute", count)
    # one read inside the write decides the rule, the progress and the model diff
    assert len(reads) == 1 and w.review["questions"]["governing_law"]["model"] == "m1"


def test_an_empty_submit_lists_what_needs_an_answer(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    ack = w.send_command("submit", 1, answers={})
    assert ack["problems"] == {"has_clause": [MISSING]} and ack["forceable"]
    forced = w.send_command("submit", 2, answers={}, force=True)
    assert not forced["ok"] and "no answers given" in forced["message"]
    assert store.events().empty


def test_random_order_and_chunk_filter(store: LabelStore) -> None:
    ids = store.chunk_order()
    a = lw.Labeler(store, TASK, labeler="a", order="random", seed=7)
    b = lw.Labeler(store, TASK, labeler="b", order="random", seed=7)
    assert a.chunk_id == b.chunk_id
    submit(lw.Labeler(store, TASK, labeler="c"), 0, has_clause="no")  # ids[0], outside the subset
    subset = lw.Labeler(store, TASK, labeler="c", chunks=pd.DataFrame({"chunk_id": ids[3:5]}))
    assert subset.chunk_id == ids[3]
    assert subset.progress == {"done": 0, "total": 2, "position": 1, "skipped": 0}
    submit(subset, 1, has_clause="no")
    submit(subset, 2, has_clause="no")
    assert subset.item == {"done": True}
    with pytest.raises(ValueError, match="unknown chunk id"):
        lw.Labeler(store, TASK, labeler="c", chunks=["nope"])


def test_context_and_highlights_are_plain_data(store: LabelStore) -> None:
    store.add_chunks([{"text": "This Agreement is governed by the laws of Ontario. <b>x</b>"}])
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="x", chunks=[ids[-1], ids[1]])
    assert w.item["context_before"].endswith("Clause 0. ")
    assert w.item["context_after"].startswith(" Clause 2.")
    w.send_command("next", 1)
    text = w.item["text"]
    assert [text[a:b] for a, b in w.item["highlights"]] == ["laws of"]
    assert "<b>x</b>" in text  # data, rendered as text by the front end


def test_unknown_command_answers_every_question_not_in_the_text(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    ids = store.chunk_order()
    ack = w.send_command("unknown", 1)
    assert ack == {"seq": 1, "ok": True, "message": "", "saved": True, "event_id": ack["event_id"]}
    assert ack["event_id"] == int(store.events(TASK)["event_id"].max())
    # governing_law is only asked when has_clause is "yes": the chunk is complete without it
    current = store.answers(TASK)
    assert current[["chunk_id", "question", "is_unknown"]].values.tolist() == [
        [ids[0], "has_clause", True]
    ]
    assert w.chunk_id == ids[1] and w.progress["done"] == 1
    refused = w.send_command("unknown", 2, questions=["governing_law"])
    assert not refused["ok"] and "only asked when 'has_clause' is 'yes'" in refused["message"]
    assert len(store.events()) == 1 and w.chunk_id == ids[1]


def test_incomplete_submission_stores_nothing_unless_overridden(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    ack = submit(w, 1, has_clause="yes")  # forgot the governing law
    assert ack["problems"] == {"governing_law": [MISSING]}
    assert ack["forceable"] and store.events().empty and w.chunk_id == first
    both = submit(w, 2, has_clause="maybe")  # a wrong kind cannot be overridden
    assert list(both["problems"]) == ["has_clause"] and not both["forceable"]
    assert store.events().empty
    forced = w.send_command("submit", 3, answers={"has_clause": "yes"}, force=True)
    assert forced["ok"]
    assert store.events()[["kind", "question", "answer"]].values.tolist() == [
        ["answer", "has_clause", "yes"]
    ]
    # stored, but the chunk is not finished: the widget counts what the store counts
    assert w.progress["done"] == store.progress(TASK, "alice")["done"] == 0
    w.send_command("previous", 4)
    assert w.chunk_id == first and w.item["answers"] == {"has_clause": "yes"}
    assert submit(w, 5, governing_law="the laws of Ontario")["ok"]  # completes it
    assert w.progress["done"] == store.progress(TASK, "alice")["done"] == 1


def test_a_second_enter_never_answers_the_next_chunk(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    for seq in (1, 2):  # Enter twice, before the first ack reached the browser
        ack = w.send_command("submit", seq, answers={"has_clause": "no"}, chunk_id=first)
    assert not ack["ok"] and "no longer on screen" in ack["message"]
    for seq, command in enumerate(("skip", "unknown", "flag"), 3):
        payload = {"comment": "late"} if command == "flag" else {}
        assert not w.send_command(command, seq, chunk_id=first, **payload)["ok"]
    assert store.events()["chunk_id"].tolist() == [first]
    assert w.send_command("skip", 9, chunk_id=w.chunk_id)["ok"]


def test_navigation_and_go_to_leave_the_store_alone(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice", chunks=store.chunk_order())
    ids = store.chunk_order()
    submit(w, 1, has_clause="no")
    events = store.events()
    for seq, (command, payload) in enumerate(
        [("next", {}), ("previous", {}), ("previous", {}), ("go_to", {"chunk_id": ids[4]})], 2
    ):
        assert w.send_command(command, seq, **payload)["ok"]
    assert w.chunk_id == ids[4]
    w.send_command("previous", 9)
    assert w.chunk_id == ids[0] and w.item["done_before"]
    pd.testing.assert_frame_equal(store.events(), events)
    outside = lw.Labeler(store, TASK, labeler="bob", chunks=ids[:2])
    refused = outside.send_command("go_to", 1, chunk_id=ids[4])
    assert not refused["ok"] and "not among this Labeler's chunks" in refused["message"]


def test_a_failed_write_is_shown_and_never_reported_saved(store: LabelStore, tmp_path) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    db = sqlite3.connect(tmp_path / "labels.db")
    db.execute("ALTER TABLE events RENAME TO events_away")  # the database breaks under us
    db.commit()
    ack = submit(w, 1, has_clause="no")
    assert not ack["ok"] and "saved" not in ack and "events" in w.error
    assert w.chunk_id == first
    db.execute("ALTER TABLE events_away RENAME TO events")
    db.commit()
    db.close()
    assert submit(w, 2, has_clause="no")["saved"] and w.error == ""
    assert store.answers(TASK)["chunk_id"].tolist() == [first]


def test_close_gives_the_chunk_back_and_tolerates_a_closed_store(store: LabelStore) -> None:
    ids = store.chunk_order()
    w = lw.Labeler(store, TASK, labeler="alice")
    assert lw.Labeler(store, TASK, labeler="bob").chunk_id == ids[1]  # ids[0] is leased to alice
    w.close()
    w.close()  # twice is fine
    assert lw.Labeler(store, TASK, labeler="carl").chunk_id == ids[0]


def wire(widget: lw.Labeler) -> list[int]:
    """Bytes of every message the widget sends to the front end (what the comm carries)."""
    sent: list[int] = []
    original = widget.comm.send

    def send(data=None, metadata=None, buffers=None):
        sent.append(len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or []))
        return original(data=data, metadata=metadata, buffers=buffers)

    widget.comm.send = send
    return sent


def bytes_per_step(n_chunks: int, tmp_path) -> tuple[int, float]:
    """(initial state size, mean bytes sent per submit/next/previous) on an n-chunk store."""
    big = LabelStore(tmp_path / f"big-{n_chunks}.db")
    big.add_chunks(
        [
            {"doc_id": f"doc-{i // 100}", "text": f"Clause {i % 10}: the laws of Delaware."}
            for i in range(n_chunks)
        ]
    )
    big.add_task(TASK)
    w = lw.Labeler(big, TASK, labeler="alice")
    state = {k: v for k, v in w.get_state().items() if k not in ("_esm", "_css")}
    sent = wire(w)
    for seq in range(0, 12, 3):
        submit(w, seq, has_clause="no")
        w.send_command("previous", seq + 1)
        w.send_command("next", seq + 2)
    steps = 12
    w.close()
    big.close()
    return len(json.dumps(state, default=str)), sum(sent) / steps


def test_state_stays_small_and_navigation_is_constant_size(tmp_path) -> None:
    small_state, small_step = bytes_per_step(100, tmp_path)
    big_state, big_step = bytes_per_step(10_000, tmp_path)
    assert big_state < 64_000
    assert 0 < small_step < 2_000
    # 100x more chunks: a few more digits in the progress counts, nothing that grows with the store
    assert abs(big_step - small_step) < 16, (small_step, big_step)
    assert abs(big_state - small_state) < 16


NUMBER_FORMS = ["1,500.00", "EUR 2.000,50", "1 500", "10 million", "1.500", "ten", "12 apples"]


@pytest.mark.parametrize("written", NUMBER_FORMS)
def test_the_number_field_reads_back_what_submit_stores(sqlite_store: LabelStore, written) -> None:
    """The number the front end echoes while it is typed is the number a submit stores, and a
    number the submit refuses is refused in the echo with the same reason (issue 15)."""
    task = lw.Task("amounts", [lw.Question("amount", kind="number")])
    sqlite_store.add_chunks([{"text": "The fee is EUR 2.000,50 per month."}])
    sqlite_store.add_task(task)
    w = lw.Labeler(sqlite_store, task, labeler="ann")
    w.reading = {"question": "amount", "text": written}
    back = w.read_back
    assert back["question"] == "amount" and back["text"] == written
    ack = w.send_command("submit", 1, answers={"amount": written})
    if "error" in back:
        assert not ack["ok"] and sqlite_store.answers(task).empty
        assert back["error"] in json.dumps(ack)
    else:
        assert ack["ok"], ack
        assert sqlite_store.answers(task)["answer"].tolist() == [back["value"]]


def test_needs_an_answer_names_the_way_out_each_question_has(store: LabelStore) -> None:
    task = lw.Task(
        "ways_out",
        [
            lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
            lw.Question("kind", kind="choice", choices=["supply", "license"], allow_unknown=False),
            lw.Question("parties", kind="number", allow_unknown=False),
            lw.Question("clauses", kind="spans", labels=["Law", "Term"]),
        ],
    )
    store.add_task(task)
    w = lw.Labeler(store, task, labeler="alice")
    problems = w.send_command("submit", 1, answers={})["problems"]
    assert problems["has_clause"] == [MISSING] and "Not in the text" in MISSING
    assert problems["kind"] == ["needs an answer: pick one of the choices"]
    assert problems["parties"] == ["needs an answer: type the number"]
    # a spans question says "none here" with no spans marked, never "Not in the text"
    assert problems["clauses"] == [
        "needs an answer: mark the passages, or submit none marked ([]) if there are none"
    ]
    # the front end always sends a spans answer: none marked is accepted
    ack = w.send_command(
        "submit", 2, answers={"has_clause": "no", "kind": "supply", "parties": 2, "clauses": []}
    )
    assert ack["ok"] and ack["saved"]
