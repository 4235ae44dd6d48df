"""Fast views (issue 17): ``columns=`` and filters pushed into SQL give the rows of the full
frame, on SQLite and PostgreSQL; the values are what was written (checked against the stored
JSON read back independently); list answers are not shared between rows."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import tables as t
from labelwidgets.store.fast_views import ANSWERS, CHUNKS, EVENTS, GOLD
from labelwidgets.store.frames import with_unknown
from tests.conftest import drop_pg_schema

TASK = lw.Task(
    "fast",
    questions=[
        lw.Question("law", kind="text"),
        lw.Question("fee", kind="number"),
        lw.Question("tags", kind="multi_choice", choices=["fee", "term", "law"]),
    ],
)
LABELERS = ["ann", "bob", "cy", "dee"]
DOCS = ["doc-a", "doc-b", "doc-c"]
LAWS = [
    "the laws of England",
    'the "laws" of \\ New York',
    "droit français — ü 中文",
    "line\nbreak\ttab",
    lw.UNKNOWN,
    "1500",
    "[1, 2]",
    "null",
]


def _answers(i: int, j: int) -> dict[str, object]:
    return {
        "law": LAWS[(i + 3 * j) % len(LAWS)],
        "fee": [1500, 12.5, lw.UNKNOWN, 0, -3, 10**15][(i + j) % 6],
        "tags": [["fee"], ["fee", "term"], ["law"]][(i * j) % 3],
    }


def _fill(store: LabelStore) -> None:
    store.add_task(TASK)
    store.add_chunks(
        [{"doc_id": DOCS[i % 3], "text": f"Clause {i}: the laws of England."} for i in range(12)]
    )
    ids = store.chunk_order()
    for i, chunk_id in enumerate(ids):
        for j, labeler in enumerate(LABELERS):
            if (i + j) % 5 == 0:
                continue
            extra = {"comment": f"note {i}"} if (i + j) % 3 == 0 else {}
            store.record_answers(TASK, chunk_id, _answers(i, j), labeler=labeler, **extra)
    store.add_gold(
        TASK,
        [{"chunk_id": ids[k], "question": "law", "answer": LAWS[k % 4]} for k in range(5)]
        + [{"chunk_id": ids[k], "question": "fee", "answer": lw.UNKNOWN} for k in range(3)],
    )
    store.skip(TASK, ids[11], labeler="ann")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LabelStore]:
    if request.param == "sqlite":
        store = LabelStore(tmp_path_factory.mktemp("fast") / "labels.db")
        _fill(store)
        yield store
        store.close()
        return
    url = request.getfixturevalue("pg_url")
    schema = f"lw_test_{uuid.uuid4().hex[:12]}"
    store = LabelStore(url, schema=schema)
    try:
        _fill(store)
        yield store
    finally:
        store.close()
        drop_pg_schema(url, schema)


def _rows(frame: pd.DataFrame) -> list[str]:
    """The rows as comparable text, in any order (views group rows, they do not sort them)."""
    return sorted(repr(tuple(row)) for row in frame.itertuples(index=False))


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    if len(got):  # an empty view types only some columns (as it always did)
        assert [str(d) for d in got.dtypes] == [str(d) for d in expected.dtypes]
    assert _rows(got) == _rows(expected)


def _subset(values: list[str]):
    """No filter, one value, or a list of values (possibly empty, possibly unknown ones)."""
    return st.one_of(
        st.none(),
        st.sampled_from([*values, "nobody"]),
        st.lists(st.sampled_from([*values, "nobody"]), max_size=3),
    )


def _keep(frame: pd.DataFrame, column: str, wanted) -> pd.DataFrame:
    if wanted is None:
        return frame
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    return frame[frame[column].isin(values)]


def _columns(layout):
    names = [name for name, _, _ in layout]
    return st.one_of(st.none(), st.lists(st.sampled_from(names), min_size=1, unique=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    question=_subset(["law", "fee", "tags"]),
    labeler=_subset(LABELERS),
    doc_id=_subset(DOCS),
    columns=_columns(ANSWERS),
    data=st.data(),
)
def test_answers_filters_and_columns_give_the_rows_of_the_full_frame(
    filled: LabelStore, question, labeler, doc_id, columns, data
) -> None:
    full = filled.answers(TASK)
    chunk_id = data.draw(_subset(sorted(set(full["chunk_id"]))[:6]), label="chunk_id")
    got = filled.answers(
        TASK, question=question, labeler=labeler, doc_id=doc_id, chunk_id=chunk_id, columns=columns
    )
    expected = full
    for column, wanted in [
        ("question", question),
        ("labeler", labeler),
        ("doc_id", doc_id),
        ("chunk_id", chunk_id),
    ]:
        expected = _keep(expected, column, wanted)
    _same(got, expected[columns or list(full.columns)])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=_subset(["answer", "gold", "skip"]),
    labeler=_subset(LABELERS),
    columns=_columns(EVENTS),
)
def test_events_filters_and_columns_give_the_rows_of_the_full_frame(
    filled: LabelStore, kind, labeler, columns
) -> None:
    full = filled.events(TASK)
    got = filled.events(TASK, kind=kind, labeler=labeler, columns=columns)
    expected = _keep(_keep(full, "kind", kind), "labeler", labeler)
    _same(got, expected[columns or list(full.columns)])
    if columns is None or "event_id" in columns:  # events stay oldest first
        assert got["event_id"].is_monotonic_increasing


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc_id=_subset(DOCS), columns=_columns(CHUNKS), gold_columns=_columns(GOLD))
def test_chunks_and_gold_columns_and_filters(
    filled: LabelStore, doc_id, columns, gold_columns
) -> None:
    full = filled.chunks()
    got = filled.chunks(doc_id=doc_id, columns=columns)
    expected = _keep(full, "doc_id", doc_id)[columns or list(full.columns)]
    _same(got, expected)
    assert got.index.tolist() == list(range(len(got)))
    gold = filled.gold(TASK)
    _same(
        filled.gold(TASK, question=["fee"], columns=gold_columns),
        gold[gold["question"] == "fee"][gold_columns or list(gold.columns)],
    )


def test_answers_hold_what_was_written(tmp_path: Path) -> None:
    """Each answer equals the stored JSON decoded on its own (read with plain sqlite3), UNKNOWN
    is a null answer with is_unknown, and list answers are fresh objects per row."""
    store = LabelStore(tmp_path / "labels.db")
    _fill(store)
    frame = store.answers(TASK)
    with sqlite3.connect(tmp_path / "labels.db") as conn:
        stored = conn.execute(
            "SELECT chunk_id, question, labeler, value, is_unknown FROM current_answers"
        ).fetchall()
    expected = {
        (c, q, who): (None if value is None else json.loads(value), bool(unknown))
        for c, q, who, value, unknown in stored
    }
    got = {
        (r.chunk_id, r.question, r.labeler): (r.answer, r.is_unknown)
        for r in frame.itertuples(index=False)
    }
    assert got == expected
    assert {type(a) for a, _ in got.values()} == {str, int, float, list, type(None)}
    tags = frame[frame["question"] == "tags"]["answer"].tolist()
    tags[0].append("mutated")
    assert sum("mutated" in t for t in frame[frame["question"] == "tags"]["answer"]) == 1
    law = frame[frame["question"] == "law"]
    assert (law["answer"].isna() == law["is_unknown"]).all()
    store.close()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.answers(TASK, columns=["answer", "nope"]), "no column 'nope'"),
        (lambda s: s.events(columns=["kind", "kind"]), "named twice"),
        (lambda s: s.chunks(columns=["txt"]), "the columns are"),
        (lambda s: s.answers(TASK, labeler=["ann", 3]), "expected a string or a list"),
    ],
)
def test_bad_columns_and_filters_are_named(sqlite_store: LabelStore, call, message) -> None:
    sqlite_store.add_task(TASK)
    with pytest.raises((ValueError, TypeError), match=message):
        call(sqlite_store)


def _coded_rows(store: LabelStore) -> list[str]:
    """``answer_columns`` decoded back to view rows: chunk, document, question, labeler,
    answer (UNKNOWN put back), forced."""
    coded = store.answer_columns(TASK)
    names = TASK.question_names
    rows = zip(
        coded.chunk_ids[coded.chunk],
        coded.doc_ids[coded.chunk],
        [names[q] for q in coded.question],
        coded.labelers[coded.labeler],
        [coded.answers[a] for a in coded.answer],
        coded.forced.tolist(),
        strict=True,
    )
    return sorted(repr(row) for row in rows)


def test_answer_columns_hold_the_rows_of_the_answers_view(filled: LabelStore) -> None:
    """The integer-coded read the quality figures use decodes to exactly the rows of
    ``answers()`` (UNKNOWN, null-looking texts, lists, numbers, several documents), on SQLite
    and PostgreSQL; with no time spent recorded, no time columns are read."""
    frame = with_unknown(filled.answers(TASK))
    columns = ["chunk_id", "doc_id", "question", "labeler", "answer", "forced"]
    assert _coded_rows(filled) == _rows(frame[columns])
    coded = filled.answer_columns(TASK)
    assert coded.time_spent is None and coded.created_at is None
    assert len(coded) == len(frame)


def test_answer_columns_read_time_spent_and_skip_dropped_questions(tmp_path: Path) -> None:
    """Time spent and creation times come per row as stored once one answer has a time; an
    answer to a question the task no longer asks is coded -1."""
    store = LabelStore(tmp_path / "labels.db")
    _fill(store)
    ids = store.chunk_order()
    store.record_answers(TASK, ids[0], {"law": "Mars"}, labeler="eve", time_spent=12.5)
    frame = store.answers(TASK)
    coded = store.answer_columns(TASK)
    key = list(zip(coded.chunk_ids[coded.chunk], coded.labelers[coded.labeler], strict=True))
    expected = frame.set_index(["chunk_id", "labeler", "question"])
    names = TASK.question_names
    for i, (chunk, labeler) in enumerate(key):
        row = expected.loc[(chunk, labeler, names[coded.question[i]])]
        assert coded.time_spent[i] == (0.0 if pd.isna(row["time_spent"]) else row["time_spent"])
        assert pd.Timestamp(coded.created_at[i], unit="s", tz="UTC") == row["created_at"]
        assert coded.forced[i] == row["forced"]
    assert (coded.time_spent == 12.5).sum() == 1 and (coded.time_spent == 0).sum() == len(key) - 1
    store.close()
    narrower = lw.Task("fast", questions=[TASK.questions[0]])
    with sqlite3.connect(tmp_path / "labels.db") as conn:
        conn.execute(
            "UPDATE tasks SET definition = ? WHERE task_id = 'fast'", (narrower.to_json(),)
        )
    store = LabelStore(tmp_path / "labels.db")
    coded = store.answer_columns("fast")
    assert set(coded.question.tolist()) == {0, -1}
    assert (coded.question == 0).sum() == (frame["question"] == "law").sum()
    store.close()


def test_chunk_documents_on_many_chunks_sorted_or_not(tmp_path: Path) -> None:
    """The chunk -> document lookup the views use for many chunks gives each chunk's document
    and None for an id no longer stored, whether the ids come sorted (SQLite's answers: a
    binary search), all of them, or in any order (hashed)."""
    import numpy as np

    from labelwidgets.store.answer_columns import chunk_documents

    store = LabelStore(tmp_path / "labels.db")
    store.add_chunks([{"doc_id": f"doc-{i % 7}", "text": f"Clause {i}."} for i in range(6_000)])
    chunks = store.chunks(columns=["chunk_id", "doc_id"])
    truth = dict(zip(chunks["chunk_id"], chunks["doc_id"], strict=True))
    every = sorted(truth)
    some = sorted([*every[::2], "0-gone", "zzzz-gone"])
    shuffled = list(np.random.default_rng(0).permutation([*every[1::3], "gone"]))
    with store._read() as conn:
        for ids in (every, some, shuffled):
            got = chunk_documents(conn, np.array(ids, dtype=object)).tolist()
            assert got == [truth.get(c) for c in ids]
    store.close()


FOLD_TASK = lw.Task(
    "folds",
    questions=[
        lw.Question("law", validators=[lw.validators.none_of(["England"])], evidence=True),
        lw.Question("fee", kind="number", allow_unknown=True),
        lw.Question("tags", kind="multi_choice", choices=["fee", "term"]),
    ],
)
ODD_LABELERS = ["ann", 'O\'Brien "Bo"', "zoë 中文", "a;b,c|d"]
COMMENTS = [None, "plain", 'a "quoted" [1, 2] note', "unit\x1fsep and\ttab", "{}", "null"]


def test_answers_hold_every_stored_column(store: LabelStore) -> None:
    """Every column of ``answers()`` equals the stored cell read back on its own with a plain
    select, on SQLite and PostgreSQL: the cells the view folds together (labeler and answer;
    event id, is_unknown and forced; comment and evidence) unfold to the same values, whatever
    the names and comments hold."""
    store.add_task(FOLD_TASK)
    text = "Governed by the laws of England. The fee is 1500."
    store.add_documents([{"doc_id": "d", "name": "d.txt", "text": text}])
    store.add_chunks([{"doc_id": "d", "text": text, "char_start": 0, "char_end": len(text)}])
    store.add_chunks([{"text": f"Clause {i}."} for i in range(3)])
    ids = store.chunk_order()
    for i, chunk_id in enumerate(ids):
        for j, labeler in enumerate(ODD_LABELERS):
            law = ["the laws of England", "England", lw.UNKNOWN, "New York"][(i + j) % 4]
            answers = {
                "law": law,
                "fee": [1500, lw.UNKNOWN, 12.5][(i * j) % 3],
                "tags": [["fee"], ["fee", "term"]][j % 2],
            }
            law_evidence = chunk_id == ids[0] and law != lw.UNKNOWN and j % 2 == 0
            store.record_answers(
                FOLD_TASK,
                chunk_id,
                answers,
                labeler=labeler,
                comment=COMMENTS[(i + j) % len(COMMENTS)],
                time_spent=None if j == 0 else 1.25 * (i + j),
                force=law == "England",
                evidence={"law": [(4, 31)]} if law_evidence else None,
            )
    frame = store.answers(FOLD_TASK)
    ca, c = t.current_answers, t.chunks
    with store._read() as conn:
        stored = conn.execute(select(ca).where(ca.c.task_id == FOLD_TASK.name)).all()
        docs = dict(conn.execute(select(c.c.chunk_id, c.c.doc_id)).all())
    assert len(frame) == len(stored) == len(ids) * len(ODD_LABELERS) * 3
    got = {(r.chunk_id, r.question, r.labeler): r for r in frame.itertuples(index=False)}
    for row in stored:
        shown = got[(row.chunk_id, row.question, row.labeler)]
        assert shown.task == FOLD_TASK.name and shown.doc_id == docs[row.chunk_id]
        assert shown.answer == (None if row.value is None else json.loads(row.value))
        assert (shown.is_unknown, shown.forced) == (bool(row.is_unknown), bool(row.forced))
        assert shown.comment == row.comment and shown.event_id == row.event_id
        assert shown.evidence == (None if row.evidence is None else json.loads(row.evidence))
        assert shown.created_at == pd.to_datetime(row.created_at, unit="s", utc=True)
        assert shown.time_spent == row.time_spent or (
            row.time_spent is None and pd.isna(shown.time_spent)
        )
    # what the folds must carry is there: each flag both ways, comments and evidence
    assert frame["forced"].any() and not frame["forced"].all()
    assert frame["is_unknown"].any() and not frame["is_unknown"].all()
    assert set(frame["comment"].dropna()) == set(COMMENTS[1:])
    assert frame["evidence"].notna().any() and frame["evidence"].isna().any()
    assert set(frame["labeler"]) == set(ODD_LABELERS)
    # the events view folds the same cells: every event's columns as stored
    store.skip(FOLD_TASK, ids[1], labeler=ODD_LABELERS[1])
    events = store.events(FOLD_TASK)
    ev = t.events
    with store._read() as conn:
        stored_events = conn.execute(select(ev).order_by(ev.c.event_id)).all()
    assert events["event_id"].tolist() == [row.event_id for row in stored_events]
    assert set(events["kind"]) > {"answer"}  # a skip too: a null answer, no labeler's value
    for shown, row in zip(events.itertuples(index=False), stored_events, strict=True):
        assert (shown.labeler, shown.kind, shown.question) == (row.labeler, row.kind, row.question)
        assert shown.answer == (None if row.value is None else json.loads(row.value))
        assert (shown.is_unknown, shown.forced) == (bool(row.is_unknown), bool(row.forced))
        assert shown.comment == row.comment
        assert shown.evidence == (None if row.evidence is None else json.loads(row.evidence))
        assert shown.meta == (json.loads(row.meta) if row.meta else {})
    metas = events["meta"].tolist()
    assert len({id(m) for m in metas}) == len(metas)  # a dict of its own per row
