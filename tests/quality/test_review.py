"""The review queue holds what needs a decision; review items group equivalent answers; the
labeler's feedback says when there is no decision yet."""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.quality.review import NO_DECISION, feedback_items, review_item, review_queue
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "facts",
    [
        lw.Question("law", match="entity", validators=[lw.validators.none_of(["United Kingdom"])]),
        lw.Question("months", kind="number"),
    ],
)
TEXTS = [
    # everyone agrees (under the entity rule)
    "Governed by the laws of the State of New York. The term is 12 months.",
    "Governed by the laws of Texas. The term is 12 months.",  # two labelers disagree
    "Governed by the laws of England. The term is 12 months.",  # a validator fails
    "Governed by the laws of Ohio. The term is 12 months.",  # the model differs
    # one labeler, no model: nothing to decide
    "Governed by the laws of Iowa. The term is 6 months.",
]


@pytest.fixture
def store(tmp_path) -> LabelStore:
    store = LabelStore(tmp_path / "r.db")
    store.add_chunks([{"doc_id": "d", "text": t} for t in TEXTS])
    store.add_task(TASK)
    c = store.chunk_order()
    both = {
        c[0]: ("the laws of the State of New York", "New York law"),
        c[1]: ("the laws of Texas", "the laws of Delaware"),
        c[2]: ("the laws of England", "United Kingdom"),
        c[3]: ("Ohio", "the laws of Ohio"),
    }
    for chunk_id, (ann, bob) in both.items():
        store.record_answers(TASK, chunk_id, {"law": ann, "months": 12}, labeler="ann")
        store.record_answers(TASK, chunk_id, {"law": bob, "months": 12}, labeler="bob", force=True)
    store.record_answers(TASK, c[4], {"law": "Iowa", "months": 6}, labeler="ann")
    store.add_suggestion(TASK, c[3], "law", "the laws of Delaware", model="m")
    store.add_suggestion(TASK, c[0], "law", "New York", model="m")
    return store


def test_the_queue_defaults_to_items_that_need_a_decision(store: LabelStore) -> None:
    c = store.chunk_order()
    queue = review_queue(store, TASK, check_support=False)
    assert list(zip(queue["chunk_id"], queue["question"], strict=True)) == [
        (c[2], "law"),  # validator failure first
        (c[1], "law"),
        (c[3], "law"),
    ]
    needs = dict(zip(queue["chunk_id"], queue["needs"], strict=True))
    assert needs == {
        c[2]: "validator failure, disagreement",
        c[1]: "disagreement",
        c[3]: "model mismatch",
    }
    assert queue.set_index("chunk_id").loc[c[3], "model_disagreement"] == 1.0
    everything = review_queue(store, TASK, include="all", check_support=False)
    assert len(everything) == 10 and (everything["needs"] == "").sum() == 7
    with pytest.raises(ValueError, match="include must be one of"):
        review_queue(store, TASK, include="some")


def test_decided_items_leave_the_queue(store: LabelStore) -> None:
    c = store.chunk_order()
    store.adjudicate(TASK, c[1], "law", "the laws of Texas", reviewer="rita")
    assert c[1] not in set(review_queue(store, TASK, check_support=False)["chunk_id"])
    again = review_queue(store, TASK, include_reviewed=True, check_support=False)
    assert again.set_index("chunk_id").loc[c[1], "reviewed"]


def test_unsupported_answers_need_a_decision(store: LabelStore) -> None:
    c = store.chunk_order()
    store.record_answers(TASK, c[4], {"law": "Iowa", "months": 6}, labeler="bob")
    assert c[4] not in set(review_queue(store, TASK)["chunk_id"])  # agreed, in the text
    store.record_answers(TASK, c[4], {"law": "Iowa", "months": 7}, labeler="bob")
    queue = review_queue(store, TASK).set_index(["chunk_id", "question"])
    assert queue.loc[(c[4], "months"), "unsupported"] == 1  # 7 months is not written there
    assert "unsupported answer" in queue.loc[(c[4], "months"), "needs"]


def test_review_item_groups_equivalent_answers(store: LabelStore) -> None:
    c = store.chunk_order()
    item = review_item(store, TASK, c[0], "law")
    assert item["question"]["match"] == "entity"
    assert [(a["who"], a["group"]) for a in item["answers"]] == [("ann", 0), ("bob", 0), ("m", 0)]
    other = review_item(store, TASK, c[1], "law")
    assert [a["group"] for a in other["answers"]] == [0, 1]


def test_feedback_says_no_decision_yet_instead_of_nan(store: LabelStore) -> None:
    c = store.chunk_order()
    store.feedback(TASK, c[0], "months", reviewer="rita", labeler="bob", note="Count the months.")
    store.adjudicate(TASK, c[1], "months", 24, reviewer="rita")
    store.feedback(TASK, c[1], "law", reviewer="rita", labeler="bob", note="Check the clause.")
    store.adjudicate(TASK, c[1], "law", "Delaware law", reviewer="rita")  # bob's answer, reworded
    items = feedback_items(store, TASK, "bob").set_index(["chunk_id", "question"])
    note_only = items.loc[(c[0], "months")]
    assert note_only["final_answer"] is None and note_only["decision"] == NO_DECISION
    assert items.loc[(c[1], "months"), "decision"] == "changed"
    assert items.loc[(c[1], "months"), "final_answer"] == 24
    # the same answer under the entity rule: kept, shown because of the note
    assert items.loc[(c[1], "law"), "decision"] == "kept"
    widget = lw.Feedback(store, TASK, labeler="bob")
    shown = {(i["chunk_id"], i["question"]): i for i in widget.items}
    assert shown[(c[0], "months")]["final_answer"] is None
    assert shown[(c[0], "months")]["decision"] == NO_DECISION
