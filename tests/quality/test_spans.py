"""Span-level agreement, checked against figures worked out by hand."""

from __future__ import annotations

import math

import pytest

import labelwidgets as lw
from labelwidgets.quality.spans import mean_pairwise_span_f1, span_agreement, span_f1
from labelwidgets.store import LabelStore

TEXT = (
    "ACME Corp and Beta LLC agree. This Agreement is governed by the laws of Delaware. "
    "It runs for five years."
)
LAW = (TEXT.index("the laws"), TEXT.index("Delaware") + 8)  # "the laws of Delaware"
STATE = (TEXT.index("Delaware"), TEXT.index("Delaware") + 8)  # "Delaware"
ACME = (0, 9)  # "ACME Corp"
BETA = (14, 22)  # "Beta LLC"
TERM = (TEXT.index("five years"), TEXT.index("five years") + 10)
TASK = lw.Task("clauses", [lw.Question("marks", kind="spans", labels=["Party", "Law", "Term"])])


def spans(*items: tuple[tuple[int, int], str]) -> list[dict]:
    return [{"start": s, "end": e, "label": label} for (s, e), label in items]


ALICE = spans((ACME, "Party"), (BETA, "Party"), (LAW, "Law"), (TERM, "Term"))
BOB = spans((ACME, "Party"), (STATE, "Law"), (TERM, "Term"))
CAROL = spans((ACME, "Party"), (BETA, "Party"), (LAW, "Term"))


def test_span_f1_on_one_chunk_by_hand() -> None:
    # alice vs bob, exact: common = ACME, TERM -> P = 2/4, R = 2/3, F1 = 2*(1/3)/(7/6) = 4/7
    assert span_f1(ALICE, BOB) == pytest.approx(4 / 7)
    # overlap: bob's "Delaware" lies inside alice's "the laws of Delaware", same label:
    # alice finds 3 of 4 (not BETA), bob 3 of 3 -> P = 3/4, R = 1, F1 = 1.5/1.75 = 6/7
    assert span_f1(ALICE, BOB, "overlap") == pytest.approx(6 / 7)
    # alice vs carol, exact: ACME, BETA -> P = 2/4, R = 2/3 -> 4/7; the law span has another
    # label for carol, so overlap finds nothing more -> 4/7 as well
    assert span_f1(ALICE, CAROL) == pytest.approx(4 / 7)
    assert span_f1(ALICE, CAROL, "overlap") == pytest.approx(4 / 7)
    # bob vs carol, exact: ACME -> P = 1/3, R = 1/3 -> 1/3; overlap: the same
    assert span_f1(BOB, CAROL) == pytest.approx(1 / 3)
    assert span_f1(BOB, CAROL, "overlap") == pytest.approx(1 / 3)
    assert mean_pairwise_span_f1([ALICE, BOB, CAROL]) == pytest.approx((4 / 7 + 4 / 7 + 1 / 3) / 3)
    assert mean_pairwise_span_f1([ALICE, BOB, CAROL], "overlap") == pytest.approx(
        (6 / 7 + 4 / 7 + 1 / 3) / 3
    )
    assert math.isnan(mean_pairwise_span_f1([ALICE]))


def test_span_agreement_over_a_store(store: LabelStore) -> None:
    store.add_chunks([{"doc_id": "d1", "text": TEXT, "char_start": 0, "char_end": len(TEXT)}])
    other = "Nothing to mark here at all."
    store.add_chunks([{"doc_id": "d2", "text": other, "char_start": 0, "char_end": len(other)}])
    store.add_task(TASK)
    first, second = store.chunks()["chunk_id"]
    for labeler, answer in (("alice", ALICE), ("bob", BOB), ("carol", CAROL)):
        store.record_answer(TASK, first, "marks", answer, labeler=labeler)
    # on the second chunk alice and bob agree that there is nothing (F1 = 1); carol is alone
    store.record_answer(TASK, second, "marks", [], labeler="alice")
    store.record_answer(TASK, second, "marks", [], labeler="bob")
    stored = store.answers(TASK, chunk_id=first).set_index("labeler")["answer"]
    assert stored["alice"] == ALICE

    per_question = span_agreement(store, TASK)
    assert per_question.to_dict("records") == [
        {
            "question": "marks",
            "items": 2,
            "pairs": 4,
            "f1_exact": pytest.approx(((4 / 7 + 4 / 7 + 1 / 3) / 3 + 1.0) / 2),
            "f1_overlap": pytest.approx(((6 / 7 + 4 / 7 + 1 / 3) / 3 + 1.0) / 2),
        }
    ]
    per_labeler = span_agreement(store, TASK, by="labeler").set_index("labeler")
    # bob: chunk 1 against alice (4/7) and carol (1/3), chunk 2 against alice (1)
    assert per_labeler.loc["bob", "f1_exact"] == pytest.approx(((4 / 7 + 1 / 3) / 2 + 1) / 2)
    assert per_labeler.loc["carol", "items"] == 1
    assert per_labeler.loc["carol", "f1_exact"] == pytest.approx((4 / 7 + 1 / 3) / 2)


def test_span_agreement_needs_a_spans_question(sqlite_store: LabelStore) -> None:
    task = lw.Task("plain", [lw.Question("law")])
    sqlite_store.add_task(task)
    with pytest.raises(ValueError, match="no spans question"):
        span_agreement(sqlite_store, task)
    sqlite_store.add_task(TASK)
    assert span_agreement(sqlite_store, TASK).empty
    with pytest.raises(ValueError, match="by must be"):
        span_agreement(sqlite_store, TASK, by="chunk")


def test_the_quality_report_takes_spans_questions(sqlite_store: LabelStore) -> None:
    store = sqlite_store
    store.add_chunks([{"doc_id": "d1", "text": TEXT, "char_start": 0, "char_end": len(TEXT)}])
    task = lw.Task("both", [lw.Question("law"), *TASK.questions])
    store.add_task(task)
    (chunk,) = store.chunks()["chunk_id"]
    for labeler, answer in (("alice", ALICE), ("bob", ALICE), ("carol", [])):
        store.record_answers(task, chunk, {"law": "Delaware", "marks": answer}, labeler=labeler)
    agreement = lw.quality.report(store, task).agreement.set_index("question")
    assert agreement.loc["marks", "percent_agreement"] == pytest.approx(1 / 3)
    assert agreement.loc["law", "percent_agreement"] == 1.0
