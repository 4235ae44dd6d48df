"""Store views travel: every view goes to Parquet, ``datasets``, Polars and DuckDB, UNKNOWN included."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore, ValueArray, with_unknown

TEXT = "The laws of England govern. The fee is EUR 1.500,00, due on 4 March 2021."
TASK = lw.Task(
    "travel",
    questions=[
        lw.Question("law", kind="text"),
        lw.Question("kind", kind="choice", choices=["supply", "license"]),
        lw.Question("tags", kind="multi_choice", choices=["fee", "term"]),
        lw.Question("fee", kind="number"),
        lw.Question("due", kind="date"),
        lw.Question("clarity", kind="rating", scale=(1, 5)),
        lw.Question("clauses", kind="spans", labels=["Law", "Fee"]),
    ],
)
ANN = {
    "law": "the laws of England",
    "kind": "supply",
    "tags": ["fee", "term"],
    "fee": 1500,
    "due": "2021-03-04",
    "clarity": 4,
    "clauses": [{"start": 4, "end": 19, "label": "Law"}],
}
BOB = {**ANN, "law": lw.UNKNOWN, "fee": lw.UNKNOWN, "due": lw.UNKNOWN, "clauses": []}


def _filled(store: LabelStore) -> str:
    store.add_documents([{"doc_id": "d1", "name": "contract.pdf", "text": TEXT}])
    store.add_chunks([{"doc_id": "d1", "text": TEXT, "char_start": 0, "char_end": len(TEXT)}])
    chunk = store.chunk_order()[0]
    store.add_task(TASK)
    store.record_answers(TASK, chunk, ANN, labeler="ann")
    store.record_answers(TASK, chunk, BOB, labeler="bob")
    version = store.add_prompt_version(TASK, "fee", "{chunk}\n\nWhat is the fee?", label="v1")
    store.add_suggestion(TASK, chunk, "fee", 1500, model="m", prompt_version=version)
    store.add_suggestion(TASK, chunk, "law", lw.UNKNOWN, model="m", meta={"tokens": 12})
    store.mark_gold(TASK, chunk, "fee", 1500)
    store.mark_gold(TASK, chunk, "due", lw.UNKNOWN)
    store.flag(TASK, chunk, labeler="ann", comment="two fees?")
    store.accept_terms("ann", "Label carefully.")
    return chunk


def _views(store: LabelStore) -> dict[str, pd.DataFrame]:
    return {
        "documents": store.documents(with_text=True),
        "chunks": store.chunks(),
        "tasks": store.tasks(),
        "prompt_versions": store.prompt_versions(),
        "suggestions": store.suggestions(TASK),
        "events": store.events(),
        "answers": store.answers(TASK),
        "answers_one_question": store.answers(TASK, question="fee"),
        "gold": store.gold(TASK),
        "labelers": store.labelers(TASK),
    }


def test_every_view_goes_to_parquet_datasets_polars_and_duckdb(
    store: LabelStore, tmp_path: Path
) -> None:
    _filled(store)
    for name, frame in _views(store).items():
        assert len(frame), name
        path = tmp_path / f"{name}.parquet"
        frame.to_parquet(path)
        loaded = datasets.Dataset.from_parquet(str(path))
        assert loaded.num_rows == len(frame), name
        assert set(frame.columns) <= set(loaded.column_names), name
        assert datasets.Dataset.from_pandas(frame).num_rows == len(frame), name
        assert pl.from_pandas(frame).height == len(frame), name
        assert pl.read_parquet(path).height == len(frame), name
        with duckdb.connect() as con:
            con.register("view", frame)
            assert con.execute("SELECT count(*) FROM view").fetchall() == [(len(frame),)], name
            read = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall()
            assert read == [(len(frame),)], name


def test_unknown_is_a_flag_with_a_null_answer_and_answer_values_puts_it_back(
    store: LabelStore, tmp_path: Path
) -> None:
    _filled(store)
    answers = store.answers(TASK).sort_values(["question", "labeler"], ignore_index=True)
    unknown = answers[answers["is_unknown"]]
    assert sorted(unknown["question"]) == ["due", "fee", "law"]
    assert unknown["answer"].isna().all()
    assert not answers.loc[~answers["is_unknown"], "answer"].isna().any()
    restored = lw.answer_values(answers)
    assert [v is lw.UNKNOWN for v in restored] == answers["is_unknown"].tolist()
    assert (
        restored[~answers["is_unknown"]].tolist()
        == answers.loc[~answers["is_unknown"], "answer"].tolist()
    )
    # read back from Parquet (by pandas alone), UNKNOWN answers are still UNKNOWN
    answers.to_parquet(tmp_path / "a.parquet")
    back = pd.read_parquet(tmp_path / "a.parquet")
    assert [v is lw.UNKNOWN for v in lw.answer_values(back)] == answers["is_unknown"].tolist()
    fee = answers[answers["question"] == "fee"]
    fee.to_parquet(tmp_path / "fee.parquet")
    assert lw.answer_values(pd.read_parquet(tmp_path / "fee.parquet")).tolist() == [
        1500 if labeler == "ann" else lw.UNKNOWN for labeler in fee["labeler"]
    ]
    gold = store.gold(TASK).set_index("question")
    assert gold.loc["due", "is_unknown"] and gold.loc["due", "answer"] is None
    assert with_unknown(gold.reset_index())["answer"].tolist() == [
        1500,
        lw.UNKNOWN,
    ] or with_unknown(gold.reset_index())["answer"].tolist() == [lw.UNKNOWN, 1500]


def test_one_question_keeps_its_arrow_type_and_mixed_kinds_travel_as_json(
    store: LabelStore, tmp_path: Path
) -> None:
    _filled(store)
    fee = store.answers(TASK, question="fee").sort_values("labeler")
    table = datasets.Dataset.from_pandas(fee, preserve_index=False)
    assert table.features["answer"].dtype == "int64"
    assert table["answer"] == [1500, None]
    tags = store.answers(TASK, question="tags")
    assert pl.from_pandas(tags)["answer"].to_list() == [["fee", "term"], ["fee", "term"]]
    # a task's answers of every kind in one column: each value as JSON text, read back exactly
    mixed = store.answers(TASK).sort_values(["question", "labeler"], ignore_index=True)
    mixed.to_parquet(tmp_path / "mixed.parquet")
    column = pq.read_table(tmp_path / "mixed.parquet").column("answer")
    decoded = [None if v is None else json.loads(v) for v in column.to_pylist()]
    assert decoded == mixed["answer"].tolist()
    assert decoded[mixed.index[(mixed.question == "fee") & (mixed.labeler == "ann")][0]] == 1500
    # datasets reads Arrow's JSON type back as the values themselves
    loaded = datasets.Dataset.from_parquet(str(tmp_path / "mixed.parquet"))
    assert loaded["answer"] == mixed["answer"].tolist()


def test_a_value_column_behaves_like_an_object_column() -> None:
    spans = [{"start": 0, "end": 3, "label": "Law"}]
    frame = pd.DataFrame(
        {
            "who": ["a", "b", "c", "d"],
            "answer": ValueArray([["x", "y"], "England", ["x", "y"], spans]),
        }
    )
    assert frame["answer"].tolist() == [["x", "y"], "England", ["x", "y"], spans]
    assert (frame["answer"] == "England").tolist() == [False, True, False, False]
    assert frame.drop_duplicates("answer")["who"].tolist() == ["a", "b", "d"]
    assert frame.groupby("answer", sort=False)["who"].agg(list).tolist() == [
        ["a", "c"],
        ["b"],
        ["d"],
    ]
    assert pd.factorize(frame["answer"])[0].tolist() == [0, 1, 0, 2]
    both = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    assert both["answer"].tolist()[-1] == "England"
    assert frame["answer"].map(len).tolist() == [2, 7, 2, 1]
    # computed results are plain columns again (a share of True, a count)
    several = frame.groupby(frame["who"] < "c")["answer"].agg(lambda a: len(a) > 1)
    assert several.dtype == bool and several.mean() == 1.0
    assert frame["answer"].map(len).dtype == "int64"
    assert [row.answer for row in frame.itertuples()][3] == spans
    assert frame.loc[frame["who"] != "b", "answer"].tolist()[2] == spans


def test_answer_values_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match="no 'is_unknown' column"):
        lw.answer_values(pd.DataFrame({"answer": [1]}))
