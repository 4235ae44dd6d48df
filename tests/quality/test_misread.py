"""Misread detection: wrong in one consistent way is flagged (with why and where), wrong at
random is not, and a more precise answer is never a mistake."""

from __future__ import annotations

import random

import pytest

import labelwidgets as lw
from labelwidgets.quality.misread import Pair, patterns
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
    ],
)


def pairs(question: str, items: list[tuple[object, object]]) -> list[Pair]:
    rule = TASK.question(question).matcher
    return [Pair(a, g, 1, rule.matches(a, g), [f"c{i}"]) for i, (a, g) in enumerate(items)]


# question, (answer, reference) pairs, the pattern, its detail, answers explained, applicable
CASES = [
    (
        "fee",
        [(1.5, 1500), (2, 2000), (30, 30000), (7, 7000)],
        "number_ratio",
        "answers are 0.001 times the reference",
        4,
        4,
    ),
    (
        "fee",
        [(1600, 1500), (2100, 2000), (5, 5000)],
        "number_shift",
        "answers are the reference +100",
        2,
        3,
    ),
    (
        "score",
        [(1, 5), (2, 4), (5, 1), (4, 2), (3, 3)],
        "reversed_scale",
        "rates on a reversed scale (1 where the reference has 5)",
        4,
        4,  # the middle of the scale cannot show it
    ),
    (
        "signed",
        [
            ("2021-04-03", "2021-03-04"),
            ("2020-12-01", "2020-01-12"),
            ("2019-05-06", "2019-06-05"),
            ("2019-05-20", "2019-05-20"),  # day 20: a swap cannot show
        ],
        "day_month_swapped",
        "day and month swapped",
        3,
        3,
    ),
    (
        "signed",
        [
            ("2022-03-04", "2021-03-04"),
            ("2021-01-12", "2020-01-12"),
            ("2020-05-26", "2019-05-26"),
        ],
        "year_shift",
        "dates are +1 years off",
        3,
        3,
    ),
    (
        "law",
        [
            ("England", "the laws of England"),
            ("Delaware", "the laws of the State of Delaware"),
            ("New York", "laws of New York"),
        ],
        "partial_answer",
        "answers only part of the reference (e.g. 'England' for 'the laws of England')",
        3,
        3,
    ),
    (
        "kind",
        [("license", "supply"), ("license", "supply"), ("other", "license")],
        "choice_confusion",
        "answers 'license' where the reference is 'supply'",
        2,
        2,
    ),
    (
        "parts",
        [(["a"], ["a", "b"]), (["c"], ["b", "c"]), (["a", "c"], ["a", "b", "c"])],
        "leaves_out",
        "leaves out 'b'",
        3,
        3,
    ),
]


@pytest.mark.parametrize(("question", "items", "signal", "detail", "hits", "applicable"), CASES)
def test_consistent_mistakes_are_explained_over_what_they_apply_to(
    question: str, items: list, signal: str, detail: str, hits: int, applicable: int
) -> None:
    found = patterns(TASK.question(question), pairs(question, items))
    best = max(found, key=lambda f: f.hits)
    assert (best.signal, best.detail, best.hits, best.applicable) == (
        signal,
        detail,
        hits,
        applicable,
    )
    assert best.chunks and all(c.startswith("c") for c in best.chunks)


def test_random_mistakes_match_no_pattern_strongly() -> None:
    found = patterns(
        TASK.question("kind"),
        pairs(
            "kind",
            [
                ("license", "supply"),
                ("supply", "other"),
                ("other", "license"),
                ("supply", "license"),
            ],
        ),
    )
    assert all(f.hits <= 1 for f in found)
    numbers = pairs("fee", [(12, 7), (5, 9), (40, 3), (1, 2)])
    assert all(f.hits <= 1 for f in patterns(TASK.question("fee"), numbers))


@pytest.fixture
def store(tmp_path) -> LabelStore:
    store = LabelStore(tmp_path / "m.db")
    store.add_chunks(
        [{"doc_id": f"d{i}", "text": f"Clause {i}: fees, laws and dates."} for i in range(12)]
    )
    return store


def test_flags_through_the_store_say_why_and_where(store: LabelStore) -> None:
    task = store.add_task(
        lw.Task(
            "fees",
            [
                lw.Question("fee", kind="number"),
                lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
            ],
        )
    )
    rng = random.Random(3)
    for i, chunk_id in enumerate(store.chunk_order()[:10]):
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
    assert found[["labeler", "question", "issue", "signal"]].values.tolist() == [
        ["kay", "fee", "likely_misread", "number_ratio"]
    ]
    row = found.iloc[0]
    assert (
        row["detail"] == "answers are 0.001 times the reference on 10 of 10 answers it applies to"
    )
    assert row["rate"] == 1.0 and (row["answers"], row["out_of"]) == (10, 10)
    assert len(row["examples"]) == 5 and set(row["examples"]) <= set(store.chunk_order())


def test_more_precise_answers_are_not_misreads_but_partial_ones_are(store: LabelStore) -> None:
    task = store.add_task(lw.Task("law", [lw.Question("law")]))  # normalized, not entity
    states = ["New York", "Texas", "Delaware", "Ohio", "Nevada", "Iowa", "Utah", "Maine"]
    for chunk_id, state in zip(store.chunk_order(), states, strict=False):
        store.record_answers(task, chunk_id, {"law": state}, labeler="bea")
        store.record_answers(task, chunk_id, {"law": state}, labeler="cal")
        store.record_answers(
            task, chunk_id, {"law": f"the laws of the State of {state}"}, labeler="ann"
        )
    assert lw.quality.flags(store, task).empty  # ann is more precise, not wrong
    for chunk_id, state in zip(store.chunk_order(), states, strict=False):
        store.record_answers(
            task, chunk_id, {"law": f"the laws of the State of {state}"}, labeler="bea"
        )
        store.record_answers(task, chunk_id, {"law": state.split()[-1]}, labeler="dan")
    found = lw.quality.flags(store, task)
    # the reference is now the lawyers' form; cal writes less than it, and so does dan
    assert set(zip(found["labeler"], found["signal"], strict=True)) == {
        ("cal", "partial_answer"),
        ("dan", "partial_answer"),
    }


def test_wrong_type_counts_only_answers_a_validator_applies_to(store: LabelStore) -> None:
    city = lw.Question("city", validators=[lw.validators.entity("city")])
    task = store.add_task(lw.Task("cities", [city]))
    chunks = store.chunk_order()
    # 4 real answers, 3 of them countries, 8 "not in the text": 3 of 4 fail, not 3 of 12
    answers = ["France", "Japan", "Brazil", "Paris", *[U] * 8]
    for chunk_id, answer in zip(chunks, answers, strict=True):
        store.record_answer(task, chunk_id, "city", answer, labeler="geo", force=True)
    (row,) = lw.quality.flags(store, task).itertuples()
    assert (row.issue, row.answers, row.out_of, row.rate) == ("wrong_type", 3, 4, 0.75)
    assert row.detail.endswith("is a country, not a city")
    labelers = lw.quality.labelers(store, task)
    assert labelers.loc[0, "validator_failure_rate"] == 0.75


def test_constant_answers_and_abstention(store: LabelStore) -> None:
    task = store.add_task(lw.Task("law", [lw.Question("law", match="entity")]))
    states = ["New York", "Texas", U, "Ohio", U, "Iowa", "Utah", U, "Maine", "Nevada"]
    for chunk_id, state in zip(store.chunk_order(), states, strict=False):
        for name in ("ann", "bea", "cal"):
            store.record_answer(task, chunk_id, "law", state, labeler=name)
        store.record_answer(
            task, chunk_id, "law", "the laws of the State of Delaware", labeler="con"
        )
        store.record_answer(task, chunk_id, "law", U, labeler="shy")
    found = lw.quality.flags(store, task).set_index("labeler")
    assert set(found.index) == {"con", "shy"}
    con, shy = found.loc["con"], found.loc["shy"]
    assert (con["issue"], con["answers"], con["out_of"]) == ("constant_answer", 10, 10)
    assert con["detail"].startswith("answers 'the laws of the State of Delaware' on 10 of 10")
    assert (shy["issue"], shy["signal"]) == ("abstention", "misses_answers")
    assert (shy["answers"], shy["out_of"]) == (7, 7)  # over the items that have an answer


def test_a_gold_answer_failing_its_validators_is_flagged_not_used(store: LabelStore) -> None:
    city = lw.Question("city", validators=[lw.validators.entity("city")])
    task = store.add_task(lw.Task("cities", [city]))
    a, b = store.chunk_order()[:2]
    store.add_gold(task, [{"chunk_id": a, "question": "city", "answer": "France"}], by="gil")
    store.add_gold(task, [{"chunk_id": b, "question": "city", "answer": "Paris"}], by="gil")
    store.record_answer(task, a, "city", "Lyon", labeler="ann")
    store.record_answer(task, b, "city", "Paris", labeler="ann")
    found = lw.quality.flags(store, task)
    assert found[["labeler", "issue", "answers", "out_of"]].values.tolist() == [
        ["gil", "gold_fails_validator", 1, 2]
    ]
    scores = lw.quality.labelers(store, task, reference="gold").iloc[0]
    assert scores["scored"] == 1 and scores["accuracy_on_answered"] == 1.0  # France not used
    assert lw.quality.questions(store, task).loc[0, "invalid_gold"] == 1


def test_thresholds_are_parameters(store: LabelStore) -> None:
    task = store.add_task(lw.Task("law", [lw.Question("law")]))
    for i, chunk_id in enumerate(store.chunk_order()[:6]):
        for name in ("ann", "bea"):
            store.record_answer(task, chunk_id, "law", f"law {i}", labeler=name)
        store.record_answer(task, chunk_id, "law", f"law {i}" if i < 4 else "other", labeler="cal")
    assert lw.quality.flags(store, task).empty  # 2 of 6 is below the default 0.5
    strict = lw.quality.flags(store, task, misread_rate=0.3)
    assert strict[["labeler", "signal", "answers", "out_of"]].values.tolist() == [
        ["cal", "disagrees", 2, 6]
    ]
    rules = lw.quality.Thresholds(misread_rate=0.3, min_items=7)
    assert lw.quality.flags(store, task, thresholds=rules).empty
    with pytest.raises(TypeError, match="unknown threshold"):
        lw.quality.flags(store, task, misread=0.3)
