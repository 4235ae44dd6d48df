"""Misread detection: wrong in one consistent way is flagged, wrong at random is not."""

from __future__ import annotations

import random

import pytest

import labelwidgets as lw
from labelwidgets.quality.misread import explain
from labelwidgets.store import LabelStore

U = lw.UNKNOWN
TASK = lw.Task(
    "t",
    [
        lw.Question("fee", kind="number"),
        lw.Question("score", kind="rating", scale=(1, 5)),
        lw.Question("signed", kind="date"),
        lw.Question("law"),
        lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
        lw.Question("parts", kind="multi_choice", choices=["a", "b", "c"]),
        lw.Question("effective", kind="date"),
    ],
)


@pytest.mark.parametrize(
    ("question", "pairs", "detail"),
    [
        (
            "fee",
            [(1.5, 1500), (2, 2000), (30, 30000), (7, 7000)],
            "answers are 0.001 times the gold value",
        ),
        ("fee", [(1600, 1500), (2100, 2000), (5, 5000)], "answers are the gold value +100"),
        (
            "score",
            [(1, 5), (2, 4), (5, 1), (4, 2)],
            "rates on a reversed scale (1 where gold has 5)",
        ),
        (
            "signed",
            [
                ("2021-04-03", "2021-03-04"),
                ("2020-12-01", "2020-01-12"),
                ("2019-05-06", "2019-06-05"),
            ],
            "day and month swapped",
        ),
        (
            "signed",
            [
                ("2022-03-04", "2021-03-04"),
                ("2021-01-12", "2020-01-12"),
                ("2020-05-06", "2019-05-06"),
            ],
            "dates are +1 years from gold",
        ),
        (
            "law",
            [
                ("England", "the laws of England"),
                ("Delaware", "the laws of the State of Delaware"),
                ("New York", "laws of New York"),
            ],
            "answers only part of the gold answer (e.g. 'England' for 'the laws of England')",
        ),
        (
            "law",
            [
                ("laws of England and Wales", "laws of England"),
                ("laws of Texas, USA", "laws of Texas"),
            ],
            "answers add words to the gold answer",
        ),
        (
            "kind",
            [("license", "supply"), ("license", "supply"), ("other", "license")],
            "answers 'license' where gold is 'supply'",
        ),
        (
            "parts",
            [(["a"], ["a", "b"]), (["c"], ["b", "c"]), (["a", "c"], ["a", "b", "c"])],
            "leaves out 'b'",
        ),
        (
            "law",
            [(U, "laws of Texas"), (U, "laws of Ohio"), ("x", "y")],
            "answers UNKNOWN (not in the text) where gold has an answer",
        ),
        (
            "law",
            [("laws of Texas", U), ("laws of Ohio", U), ("x", "y")],
            "gives an answer where gold says the text does not say",
        ),
    ],
)
def test_consistent_mistakes_are_explained(question: str, pairs: list, detail: str) -> None:
    wrong = [(f"c{i}", answer, gold) for i, (answer, gold) in enumerate(pairs)]
    hits, found = explain(TASK, TASK.question(question), wrong, lambda chunk, q: None)
    assert found == detail and hits >= 2


def test_the_answer_to_another_question_wins() -> None:
    gold = {
        ("c0", "effective"): "2021-03-05",
        ("c1", "effective"): "2020-02-01",
        ("c2", "effective"): "2019-07-07",
    }
    wrong = [
        ("c0", "2021-03-05", "2021-03-04"),
        ("c1", "2020-02-01", "2020-01-31"),
        ("c2", "2019-07-07", "2019-07-01"),
    ]
    _, detail = explain(TASK, TASK.question("signed"), wrong, lambda c, q: gold.get((c, q)))
    assert detail == "answers look like the answers to 'effective'"


def test_random_mistakes_are_not_explained() -> None:
    wrong = [
        ("c0", "license", "supply"),
        ("c1", "supply", "other"),
        ("c2", "other", "license"),
        ("c3", "supply", "license"),
    ]
    assert explain(TASK, TASK.question("kind"), wrong, lambda c, q: None) is None
    assert (
        explain(TASK, TASK.question("fee"), [("c0", 3, 4)], lambda c, q: None) is None
    )  # one is no pattern
    numbers = [("c0", 12, 7), ("c1", 5, 9), ("c2", 40, 3), ("c3", 1, 2)]
    assert explain(TASK, TASK.question("fee"), numbers, lambda c, q: None) is None


def test_flags_through_the_store(tmp_path) -> None:
    store = LabelStore(tmp_path / "m.db")
    store.add_chunks([{"text": f"Fee clause {i}"} for i in range(10)])
    task = lw.Task(
        "fees",
        [
            lw.Question("fee", kind="number"),
            lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
        ],
    )
    rng = random.Random(3)
    for i, chunk_id in enumerate(store.chunk_order()):
        fee, kind = 1000 * (i + 1), ["supply", "license", "other"][i % 3]
        store.add_gold(
            task,
            [
                {"chunk_id": chunk_id, "question": "fee", "answer": fee},
                {"chunk_id": chunk_id, "question": "kind", "answer": kind},
            ],
        )
        # kay writes fees in thousands; lou slips now and then, never the same way twice
        store.record_answers(task, chunk_id, {"fee": fee / 1000, "kind": kind}, labeler="kay")
        slip = rng.random() < 0.3
        store.record_answers(
            task, chunk_id, {"fee": fee + (i if slip else 0), "kind": kind}, labeler="lou"
        )
    found = lw.quality.flags(store, task)
    assert found[["labeler", "question", "issue"]].values.tolist() == [
        ["kay", "fee", "likely_misread"]
    ]
    assert found.loc[0, "detail"] == "answers are 0.001 times the gold value"
    assert found.loc[0, "rate"] == 1.0 and found.loc[0, "answers"] == 10
