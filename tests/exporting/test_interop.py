"""Round trips through Label Studio's task JSON and Argilla v2 records."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "facts",
    [
        lw.Question("governing_law"),
        lw.Question("kind", kind="choice", choices=["supply", "license"]),
        lw.Question("topics", kind="multi_choice", choices=["price", "term", "law"]),
        lw.Question("clarity", kind="rating"),
        lw.Question("months", kind="number"),
        lw.Question("signed", kind="date"),
    ],
)


def filled(path: Path) -> LabelStore:
    store = LabelStore(path)
    store.add_chunks(
        [{"doc_id": "a", "text": "Governed by the laws of Texas."}, {"text": "Pay in 30 days."}]
    )
    store.add_task(TASK)
    first, second = store.chunk_order()
    store.record_answers(
        TASK,
        first,
        {
            "governing_law": "the laws of Texas",
            "kind": "supply",
            "topics": ["law", "term"],
            "clarity": 4,
            "months": 12.5,
            "signed": "2024-02-29",
        },
        labeler="ann",
    )
    store.record_answers(
        TASK, first, {"governing_law": lw.UNKNOWN, "kind": "license"}, labeler="bob"
    )
    store.record_answers(TASK, second, {"governing_law": lw.UNKNOWN, "months": 30}, labeler="ann")
    store.add_suggestions(
        [
            {
                "task": "facts",
                "chunk_id": first,
                "question": "governing_law",
                "answer": "Texas",
                "model": "gpt-x",
                "score": 0.7,
            },
            {
                "task": "facts",
                "chunk_id": second,
                "question": "governing_law",
                "answer": lw.UNKNOWN,
                "model": "gpt-x",
                "score": 0.9,
            },
        ]
    )
    return store


def comparable(store: LabelStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    answers = store.answers(TASK)[["chunk_id", "question", "labeler", "answer"]]
    answers = answers.assign(answer=answers["answer"].map(repr)).sort_values(
        ["chunk_id", "question", "labeler"]
    )
    suggestions = store.suggestions(TASK)[["chunk_id", "question", "model", "answer", "score"]]
    suggestions = suggestions.assign(answer=suggestions["answer"].map(repr)).sort_values(
        ["chunk_id", "question"]
    )
    return answers.reset_index(drop=True), suggestions.reset_index(drop=True)


@pytest.mark.parametrize(
    ("to", "back"),
    [
        (lw.interop.to_label_studio, lw.interop.from_label_studio),
        (lw.interop.to_argilla, lw.interop.from_argilla),
    ],
)
def test_round_trip_keeps_answers_suggestions_labelers_and_unknown(
    tmp_path: Path, to, back
) -> None:
    source = filled(tmp_path / "source.db")
    exported = to(source, TASK, tmp_path / "export.json")
    assert json.loads((tmp_path / "export.json").read_text())
    target = LabelStore(tmp_path / "target.db")
    target.add_task(TASK)
    counts = back(target, TASK, tmp_path / "export.json")
    assert counts["chunks"] == 2 and counts["suggestions"] == 2 and counts["answers"] == 10
    assert comparable(target)[0].equals(comparable(source)[0])
    assert comparable(target)[1].equals(comparable(source)[1])
    assert target.chunks()["text"].tolist() == source.chunks()["text"].tolist()
    assert exported  # the in-memory form is returned too


def test_label_studio_shape(tmp_path: Path) -> None:
    tasks = lw.interop.to_label_studio(filled(tmp_path / "s.db"), TASK)
    first = tasks[0]
    assert first["data"]["text"] == "Governed by the laws of Texas."
    assert (
        first["predictions"][0]["model_version"] == "gpt-x"
        and first["predictions"][0]["score"] == 0.7
    )
    ann = {a["completed_by"]["email"]: a["result"] for a in first["annotations"]}
    kinds = {r["from_name"]: r for r in ann["ann"]}
    assert kinds["kind"]["value"] == {"choices": ["supply"]} and kinds["kind"]["type"] == "choices"
    assert kinds["governing_law"]["value"] == {"text": ["the laws of Texas"]}
    bob = {r["from_name"]: r for r in ann["bob"]}
    assert bob["governing_law"]["meta"] == {"unknown": True} and bob["governing_law"]["value"] == {}


def test_argilla_shape(tmp_path: Path) -> None:
    dataset = lw.interop.to_argilla(filled(tmp_path / "s.db"), TASK)
    types = {q["name"]: q["type"] for q in dataset["settings"]["questions"]}
    assert types["kind"] == "label_selection" and types["topics"] == "multi_label_selection"
    record = dataset["records"][0]
    assert record["suggestions"]["governing_law"] == {
        "value": "Texas",
        "agent": "gpt-x",
        "score": 0.7,
        "type": "model",
    }
    assert {r["user_id"] for r in record["responses"]["governing_law"]} == {"ann", "bob"}
    assert "response:governing_law:bob" in record["metadata"]["lw_unknown"]


@pytest.mark.parametrize(
    ("back", "bad", "message"),
    [
        (lw.interop.from_label_studio, {"tasks": []}, "JSON list of tasks"),
        (lw.interop.from_label_studio, [{"data": {}}], "task 0 has no data.text"),
        (lw.interop.from_argilla, {"records": [{"fields": {}}]}, "record 0 has no fields.text"),
    ],
)
def test_malformed_imports_are_named_and_change_nothing(tmp_path: Path, back, bad, message) -> None:
    store = filled(tmp_path / "s.db")
    before = store.events()
    with pytest.raises(ValueError, match=message):
        back(store, TASK, bad)
    pd.testing.assert_frame_equal(store.events(), before)
