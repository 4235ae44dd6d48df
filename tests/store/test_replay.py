"""Rebuilding the projections from the events gives what the live writes maintained (hypothesis).

Random sequences of submissions (partial, complete, forced, rejected), skips and undos by two
labelers over a task with chained questions; then ``rebuild_projections`` (the event replay
migrations use) must give the same current answers and the same progress, row for row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import tables as t

Q = lw.Question
TASK = lw.Task(
    "chains",
    [
        Q("has_clause", kind="choice", choices=["yes", "no"]),
        Q("law", when=("has_clause", "yes"), validators=[lw.validators.none_of(["England"])]),
        Q("place", kind="choice", choices=["city", "state"], when=("law", "Ontario")),
        Q("topics", kind="multi_choice", choices=["money", "dates"], allow_unknown=False),
        Q("amount", kind="number", when=("topics", "money")),
    ],
)
CHUNKS = 3
# Answers per question: valid ones, a validator failure, wrong kinds, UNKNOWN.
POOL: dict[str, list[Any]] = {
    "has_clause": ["yes", "no", lw.UNKNOWN, "maybe"],
    "law": ["Ontario", "Texas", "England", lw.UNKNOWN],
    "place": ["city", "state", "town"],
    "topics": [["money"], ["dates"], ["money", "dates"], lw.UNKNOWN],
    "amount": [3, "1,200", "soon", lw.UNKNOWN],
    "nope": ["x"],
}

chunk = st.integers(0, CHUNKS - 1)
labeler = st.sampled_from(["alice", "bob"])
submission = st.dictionaries(
    st.sampled_from(sorted(POOL)), st.just(None), min_size=1, max_size=4
).flatmap(lambda names: st.fixed_dictionaries({n: st.sampled_from(POOL[n]) for n in names}))
action = st.one_of(
    st.tuples(st.just("submit"), chunk, labeler, submission, st.booleans(), st.booleans()),
    st.tuples(st.just("skip"), chunk, labeler),
    st.tuples(st.just("retract"), chunk, labeler, st.sampled_from(TASK.question_names)),
)


@pytest.fixture(scope="module")
def fresh_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A new SQLite store per example (hypothesis runs many examples in one test call)."""
    stores: list[LabelStore] = []

    def make() -> LabelStore:
        store = LabelStore(tmp_path_factory.mktemp("replay") / "labels.db")
        stores.append(store)
        store.add_chunks([{"text": f"Clause {i}: the laws of Ontario."} for i in range(CHUNKS)])
        store.add_task(TASK)
        return store

    yield make
    for store in stores:
        store.close()


def apply(store: LabelStore, ids: list[str], step: tuple[Any, ...]) -> None:
    kind, index, who = step[:3]
    try:
        if kind == "submit":
            answers, force, complete = step[3:]
            store.record_submission(
                TASK, ids[index], answers, labeler=who, force=force, require_complete=complete
            )
        elif kind == "skip":
            store.skip(TASK, ids[index], labeler=who)
        else:
            store.retract(TASK, ids[index], step[3], labeler=who)
    except ValueError:  # rejected (AnswerRejected is one) or nothing to undo: nothing stored
        pass


def projections(store: LabelStore) -> tuple[pd.DataFrame, list[tuple[Any, ...]]]:
    answers = store.answers(TASK).sort_values(["chunk_id", "labeler", "question"])
    pr = t.progress
    with store._read() as conn:
        progress = conn.execute(
            select(pr.c.task_id, pr.c.chunk_id, pr.c.labeler, pr.c.status).order_by(
                pr.c.chunk_id, pr.c.labeler
            )
        ).all()
    return answers.reset_index(drop=True), [tuple(row) for row in progress]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(action, min_size=1, max_size=12))
# A write settles progress once: here its first answer alone would finish the skipped chunk,
# its second opens a new question, so the chunk stays skipped (never done, then not done).
@example(
    steps=[
        ("submit", 0, "alice", {"has_clause": "no"}, False, False),
        ("skip", 0, "alice"),
        ("submit", 0, "alice", {"topics": ["dates"], "has_clause": "yes"}, False, False),
    ]
)
# A changed gate retracts, in the same write, the answer that depended on it.
@example(
    steps=[
        ("submit", 1, "bob", {"has_clause": "yes", "law": "Ontario"}, False, False),
        ("submit", 1, "bob", {"topics": ["money"], "amount": "1,200"}, False, True),
        ("submit", 1, "bob", {"has_clause": "no"}, False, False),
    ]
)
def test_replaying_the_events_gives_what_the_live_writes_kept(fresh_store, steps) -> None:
    store = fresh_store()
    ids = store.chunk_order()
    for step in steps:
        apply(store, ids, step)
    live_answers, live_progress = projections(store)
    store.rebuild_projections()
    replayed_answers, replayed_progress = projections(store)
    pd.testing.assert_frame_equal(replayed_answers, live_answers)
    assert replayed_progress == live_progress
    for who in ("alice", "bob"):
        finished = store.finished(TASK, who)
        assert finished == {c for _, c, w, s in live_progress if w == who and s}
