"""Review queue, every Reviewer action, and the labeler's Feedback view (tier 2)."""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "facts",
    [
        lw.Question("governing_law", validators=[lw.validators.none_of(["England"])]),
        lw.Question("kind", kind="choice", choices=["supply", "license"]),
    ],
)


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_chunks(
        [
            {"doc_id": "d", "text": t}
            for t in (
                "Governed by the laws of England and Wales.",
                "Governed by the laws of Texas.",
                "Supply of widgets.",
            )
        ]
    )
    sqlite_store.add_task(TASK)
    a, b, c = sqlite_store.chunk_order()
    sqlite_store.record_answers(
        TASK, a, {"governing_law": "the laws of England and Wales", "kind": "supply"}, labeler="ann"
    )
    sqlite_store.record_answers(
        TASK, a, {"governing_law": "England", "kind": "supply"}, labeler="bob", force=True
    )
    sqlite_store.record_answers(
        TASK, b, {"governing_law": "the laws of Texas", "kind": "license"}, labeler="ann"
    )
    sqlite_store.record_answers(
        TASK, b, {"governing_law": "the laws of Texas", "kind": "supply"}, labeler="bob"
    )
    sqlite_store.record_answers(
        TASK, c, {"governing_law": lw.UNKNOWN, "kind": "supply"}, labeler="ann"
    )
    sqlite_store.add_suggestion(
        TASK, b, "governing_law", "the laws of the State of Texas", model="m"
    )
    return sqlite_store


def test_queue_puts_validator_failures_then_disagreement_first(store: LabelStore) -> None:
    a, b, _c = store.chunk_order()
    queue = lw.review.review_queue(store, TASK)
    assert list(zip(queue["chunk_id"], queue["question"], strict=False))[:3] == [
        (a, "governing_law"),
        (b, "kind"),
        (b, "governing_law"),
    ]
    assert queue.iloc[0]["validator_failures"] == 1
    assert queue.iloc[-1]["disagreement"] == 0


def test_reviewer_actions_write_review_events(store: LabelStore) -> None:
    a, b, _ = store.chunk_order()
    w = lw.Reviewer(store, TASK, reviewer="rita")
    assert w.current == (a, "governing_law")
    answers = w.item["answers"]
    assert [x["who"] for x in answers] == ["ann", "bob"]
    assert answers[1]["problems"] == ["'England' is not allowed here"]
    assert w.send_command("feedback", 1, labeler="bob", note="Write it as the contract does.")["ok"]
    assert w.send_command("accept", 2, index=0)["ok"]  # ann's answer becomes final
    assert w.current == (b, "kind")
    assert w.send_command("unclear", 3, note="Is a reseller deal supply?")["ok"]
    assert not w.send_command("edit", 4, answer="lease")["ok"]  # not a choice: nothing stored
    assert w.send_command("edit", 5, answer="license")["ok"]
    assert w.current == (b, "governing_law")
    assert w.item["reference"] == "model"
    assert w.send_command("accept", 6, index=9)["message"] == "there is no answer 10 to accept"
    gold = store.gold(TASK).set_index(["chunk_id", "question"])
    assert gold.loc[(a, "governing_law"), "answer"] == "the laws of England and Wales"
    assert gold.loc[(a, "governing_law"), "accepted_from"] == "ann"
    assert gold.loc[(b, "kind"), "answer"] == "license" and gold.loc[(b, "kind"), "by"] == "rita"
    kinds = store.events(TASK).query("labeler == 'rita'")["kind"].tolist()
    assert kinds == ["feedback", "review", "unclear", "review"]
    w.send_command("previous", 7)
    assert w.current == (b, "kind")


def test_feedback_shows_what_review_changed(store: LabelStore) -> None:
    a, b, _ = store.chunk_order()
    before = lw.Feedback(store, TASK, labeler="bob")
    assert before.items == []
    store.adjudicate(TASK, a, "governing_law", "the laws of England and Wales", reviewer="rita")
    store.adjudicate(TASK, b, "kind", "license", reviewer="rita")
    store.feedback(
        TASK, a, "governing_law", reviewer="rita", labeler="bob", note="Quote the clause."
    )
    before.send_command("refresh", 1)
    items = {(i["chunk_id"], i["question"]): i for i in before.items}
    assert set(items) == {(a, "governing_law"), (b, "kind")}
    assert items[(a, "governing_law")]["note"] == "Quote the clause."
    assert {"op": "insert", "a": "", "b": " and Wales"} in items[(a, "governing_law")]["ops"]
    assert lw.Feedback(store, TASK, labeler="ann").items == []  # review agreed with ann both times


def test_queue_done(store: LabelStore) -> None:
    w = lw.Reviewer(store, TASK, reviewer="rita")
    for seq in range(len(lw.review.review_queue(store, TASK))):
        w.send_command("accept", seq, index=0)
    assert w.item == {"done": True}
    assert lw.Reviewer(store, TASK, reviewer="rita").item == {"done": True}
    assert (
        len(lw.Reviewer(store, TASK, reviewer="rita", include_reviewed=True, include="all")._queue)
        == 6
    )  # 3 chunks x 2: the agreed items too


def test_each_answer_shows_its_evidence_or_is_marked_not_found(sqlite_store: LabelStore) -> None:
    preamble = "SUPPLY AGREEMENT between Acme Corp and Widget Ltd. "
    clause = "This Agreement is governed by the laws of the State of New York."
    start = len(preamble)
    sqlite_store.add_documents([{"doc_id": "c", "name": "c.pdf", "text": preamble + clause}])
    sqlite_store.add_chunks(
        [{"doc_id": "c", "text": clause, "char_start": start, "char_end": start + len(clause)}]
    )
    task = lw.Task(
        "grounded",
        [lw.Question("governing_law"), lw.Question("who", kind="spans", labels=["PARTY", "LAW"])],
    )
    sqlite_store.add_task(task)
    [chunk] = sqlite_store.chunk_order()
    law = clause.index("the laws of the State of New York")
    york = clause.index("New York")

    def answer(labeler: str, text: str, evidence: list | None = None) -> None:
        spans = [{"start": start + york, "end": start + york + 8, "label": "LAW"}]
        sqlite_store.record_answers(
            task,
            chunk,
            {"governing_law": text, "who": spans if labeler == "ann" else []},
            labeler=labeler,
            evidence={"governing_law": evidence} if evidence else None,
        )

    answer("ann", "the laws of the State of New York", [(start + law, start + law + 33)])
    answer("bob", "New York law")  # no evidence: located in the chunk
    answer("cy", "the laws of Delaware")  # no evidence, not in the text
    answer("dee", "Texas", [(start + york, start + york + 8)])  # its evidence says New York
    w = lw.Reviewer(sqlite_store, task, reviewer="rita", include="all")
    assert w.current == (chunk, "governing_law")
    rows = {a["who"]: a for a in w.item["answers"]}
    assert [clause[s:e] for s, e in rows["ann"]["evidence"]] == [
        "the laws of the State of New York"
    ]
    assert rows["ann"]["supported"] is True and rows["ann"]["via"] == "evidence"
    assert rows["bob"]["supported"] is True and rows["bob"]["via"] == "text"
    assert "New York" in " ".join(clause[s:e] for s, e in rows["bob"]["evidence"])
    assert rows["cy"]["supported"] is False and rows["cy"]["evidence"] == []
    assert rows["dee"]["supported"] is False and rows["dee"]["via"] == "evidence"
    w.send_command("next", 1)
    assert w.current == (chunk, "who")
    spans = {a["who"]: a["spans"] for a in w.item["answers"]}
    assert spans["ann"] == [{"start": york, "end": york + 8, "label": "LAW"}]
    assert spans["bob"] == [] and w.item["answers"][0]["supported"] is None


def test_reviewer_search_narrows_the_queue_and_clearing_restores_it(store: LabelStore) -> None:
    a, b, _c = store.chunk_order()
    r = lw.Reviewer(store, TASK)
    everything = list(r._all)
    assert r.send_command("search", 1, text="Texas")["found"] == 1
    assert r.found["results"][0]["chunk_id"] == b
    assert r.found["results"][0]["status"] == "2 to review"
    assert r.current[0] == b and r.progress["total"] == 2
    # by status: the model differs from a labeler on b only
    assert r.send_command("search", 2, status="model_disagrees")["found"] == 1
    assert r.current[0] == b and r.progress["total"] == 2  # the chunk's items, in queue order
    # failed a validator (bob's 'England' was forced): chunk a
    assert r.send_command("search", 3, status="failed_validator")["found"] == 1
    assert r.current[0] == a
    ack = r.send_command("accept", 4, index=0)
    assert ack["ok"] and ack["event_id"] == int(store.events(TASK)["event_id"].max())
    bad = r.send_command("search", 5, status="skipped")
    assert not bad["ok"] and "status must be one of" in bad["message"]
    r.send_command("clear_search", 6)
    assert r.found == {} and r._queue == everything
    refused = r.send_command("go_to", 7, chunk_id="nope")
    assert not refused["ok"] and "nothing to review on this chunk" in refused["message"]


def test_answers_equal_under_match_are_not_a_disagreement_anywhere(
    sqlite_store: LabelStore,
) -> None:
    store = sqlite_store
    task = lw.Task("laws", [lw.Question("governing_law", match="entity")])
    store.add_chunks([{"doc_id": "d", "text": t} for t in ("Laws of New York.", "Delaware.")])
    store.add_task(task)
    same, apart = store.chunk_order()
    store.record_answers(task, same, {"governing_law": "the laws of New York"}, labeler="ann")
    store.record_answers(task, same, {"governing_law": "New York"}, labeler="bob")
    store.record_answers(task, apart, {"governing_law": "the laws of New York"}, labeler="ann")
    store.record_answers(task, apart, {"governing_law": "Delaware"}, labeler="bob")
    r = lw.Reviewer(store, task)
    assert r._all == [(apart, "governing_law")]
    assert r.send_command("search", 1, status="disagreed")["found"] == 1
    assert [row["chunk_id"] for row in r.found["results"]] == [apart]
    assert r.found["results"][0]["status"] == "1 to review"
