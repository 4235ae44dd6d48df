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
