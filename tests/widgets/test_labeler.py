"""The Labeler's Python side, driven by the same messages the front end sends (tier 2)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "contracts",
    [
        lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
        lw.Question("governing_law", when=("has_clause", "yes"),
                    instructions="As written, e.g. 'the laws of England'.",
                    validators=[lw.validators.none_of(["England", "Texas"])]),
    ],
    highlight=("governing law", "laws of"),
)  # fmt: skip


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_documents([{"doc_id": "d1", "name": "supply.pdf",
                                 "text": "Preamble. " + " ".join(f"Clause {i}." for i in range(6))}])  # fmt: skip
    sqlite_store.add_chunks([{"doc_id": "d1", "text": f"Clause {i}.", "char_start": 10 + 10 * i,
                              "char_end": 19 + 10 * i, "page_start": 1, "page_end": 1}
                             for i in range(6)])  # fmt: skip
    sqlite_store.add_task(TASK)
    return sqlite_store


def submit(w: lw.Labeler, seq: int, **answers) -> dict:
    return w.send_command("submit", seq, answers=answers)


def test_submit_stores_the_answers_and_moves_on(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    ack = submit(w, 1, has_clause="yes", governing_law="the laws of England and Wales")
    assert ack == {"seq": 1, "ok": True, "message": "", "saved": True}
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
    forced = w.send_command("submit", 4, answers={"has_clause": "yes", "governing_law": "England"},
                            force=True)  # fmt: skip
    assert forced["ok"]
    event = store.events(question="governing_law").iloc[0]
    assert event["forced"] and event["problems"] == ["'England' is not allowed here"]


def test_unknown_skip_flag_and_navigation(store: LabelStore) -> None:
    w = lw.Labeler(store, TASK, labeler="alice")
    ids = store.chunk_order()
    submit(w, 1, has_clause={"unknown": True})
    assert store.answers(TASK)["answer"].tolist() == [lw.UNKNOWN]
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
    assert kinds == [["answer", ids[0], ""], ["skip", ids[1], "table of contents"],
                     ["flag", ids[2], "two clauses in one"]]  # fmt: skip
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
    bob = lw.Labeler(store, lw.Task(TASK.name, TASK.questions, labelers_per_chunk=2, highlight=TASK.highlight),
                     labeler="bob")  # fmt: skip
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
    store.add_suggestions([{"task": TASK.name, "chunk_id": ids[0], "question": q, "answer": a,
                            "model": "m1"} for q, a in (("has_clause", "yes"),
                                                        ("governing_law", "the laws of England"))])  # fmt: skip
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


def test_random_order_and_chunk_filter(store: LabelStore) -> None:
    ids = store.chunk_order()
    a = lw.Labeler(store, TASK, labeler="a", order="random", seed=7)
    b = lw.Labeler(store, TASK, labeler="b", order="random", seed=7)
    assert a.chunk_id == b.chunk_id
    subset = lw.Labeler(store, TASK, labeler="c", chunks=pd.DataFrame({"chunk_id": ids[3:5]}))
    assert subset.chunk_id == ids[3] and subset.progress["total"] == 2
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


def test_state_stays_small_and_navigation_is_constant_size(tmp_path) -> None:
    big = LabelStore(tmp_path / "big.db")
    big.add_chunks([{"doc_id": f"doc-{i // 100}", "text": f"Clause {i}: the laws of Delaware apply."}
                    for i in range(10_000)])  # fmt: skip
    big.add_task(TASK)
    w = lw.Labeler(big, TASK, labeler="alice")
    state = {k: v for k, v in w.get_state().items() if k not in ("_esm", "_css")}
    assert len(json.dumps(state, default=str)) < 64_000
    sizes = []
    for seq in range(3):
        before = json.dumps(w.item) + json.dumps(w.progress)
        submit(w, seq, has_clause="no")
        sizes.append(len(before))
    assert (
        max(sizes) - min(sizes) < 50
    )  # navigating sends the same small item, whatever the store size
