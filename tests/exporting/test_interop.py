"""Round trips through Label Studio's task JSON and Argilla v2 records."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore
from tests.store.test_input_contract import snapshot

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
    return fill(LabelStore(path))


def fill(store: LabelStore) -> LabelStore:
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


@pytest.mark.parametrize(
    ("to", "name"),
    [(lw.interop.to_label_studio, "tasks.json"), (lw.interop.to_argilla, "records.json")],
)
def test_files_written_a_chunk_at_a_time_equal_one_batch(
    store: LabelStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to, name: str
) -> None:
    fill(store)
    to(store, TASK, tmp_path / f"whole-{name}", progress=False)
    # answers and model answers are read per batch of chunks: one chunk a batch here
    monkeypatch.setattr(lw.interop, "BATCH", 1)
    to(store, TASK, tmp_path / f"batched-{name}", progress=False)
    whole = (tmp_path / f"whole-{name}").read_text()
    assert (tmp_path / f"batched-{name}").read_text() == whole
    assert whole.count("the laws of Texas") >= 2


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
    assert "governing_law" not in bob  # UNKNOWN is the question's "Not in the text" choice
    assert bob["governing_law__not_in_text"]["value"] == {"choices": ["Not in the text"]}


def test_label_studio_files_from_before_still_import_unknown(tmp_path: Path) -> None:
    """Tasks written before the "Not in the text" control said UNKNOWN in the result's meta."""
    result = {"from_name": "governing_law", "to_name": "text", "type": "textarea", "value": {}}
    item = {
        "data": {"text": "Pay in 30 days."},
        "annotations": [{"completed_by": "ann", "result": [{**result, "meta": {"unknown": True}}]}],
    }
    store = LabelStore(tmp_path / "t.db")
    lw.interop.from_label_studio(store, TASK, [item])
    assert store.answers(TASK)["is_unknown"].tolist() == [True]


def test_argilla_shape(tmp_path: Path) -> None:
    dataset = lw.interop.to_argilla(filled(tmp_path / "s.db"), TASK)
    types = {q["name"]: q["settings"]["type"] for q in dataset["settings"]["questions"]}
    assert types["kind"] == "label_selection" and types["topics"] == "multi_label_selection"
    assert types["months"] == "text" and types["not_in_text"] == "multi_label_selection"
    record = dataset["records"][0]
    assert record["suggestions"]["governing_law"] == {
        "value": "Texas",
        "agent": "gpt-x",
        "score": 0.7,
        "type": "model",
    }
    ann, bob = lw.interop.labeler_id("ann"), lw.interop.labeler_id("bob")
    assert [r["user_id"] for r in record["responses"]["governing_law"]] == [ann]
    assert record["responses"]["not_in_text"] == [
        {"value": ["governing_law"], "user_id": bob, "status": "submitted"}
    ]
    assert record["metadata"]["lw_labelers"] == {ann: "ann", bob: "bob"}
    assert record["responses"]["months"][0]["value"] == "12.5"  # a text question in Argilla


def test_argilla_files_from_before_still_import_unknown(tmp_path: Path) -> None:
    """Records written before the not_in_text question marked UNKNOWN in metadata.lw_unknown."""
    record = {
        "fields": {"text": "Pay in 30 days."},
        "metadata": {"lw_unknown": ["response:governing_law:ann"]},
        "responses": {"governing_law": [{"value": None, "user_id": "ann"}]},
    }
    store = LabelStore(tmp_path / "t.db")
    lw.interop.from_argilla(store, TASK, [record])
    assert store.answers(TASK)[["labeler", "is_unknown"]].values.tolist() == [["ann", True]]


@pytest.mark.parametrize(
    ("back", "bad", "message"),
    [
        (lw.interop.from_label_studio, {"tasks": []}, "JSON list of tasks"),
        (lw.interop.from_label_studio, [{"data": {}}], "task 0: has no data.text"),
        (lw.interop.from_argilla, {"records": [{"fields": {}}]}, "record 0: has no fields.text"),
    ],
)
def test_malformed_imports_are_named_and_change_nothing(tmp_path: Path, back, bad, message) -> None:
    store = filled(tmp_path / "s.db")
    before = store.events()
    with pytest.raises(ValueError, match=message):
        back(store, TASK, bad)
    pd.testing.assert_frame_equal(store.events(), before)


# -- imports are all or nothing ------------------------------------------------------------------------
def _ls_task(text: str, labeler: object = "ann", months: object = 12) -> dict:
    annotation = {
        "result": [
            {
                "from_name": "months",
                "to_name": "text",
                "type": "number",
                "value": {"number": months},
            }
        ],
    }
    if labeler is not None:
        annotation["completed_by"] = {"email": labeler}
    return {"data": {"text": text}, "annotations": [annotation]}


def _argilla_record(text: str, user: object = "ann", months: object = 12) -> dict:
    response = {"value": months, "status": "submitted"}
    if user is not None:
        response["user_id"] = user
    return {"fields": {"text": text}, "responses": {"months": [response]}}


@pytest.mark.parametrize(
    ("back", "record"),
    [(lw.interop.from_label_studio, _ls_task), (lw.interop.from_argilla, _argilla_record)],
)
def test_a_bad_answer_mid_file_stores_nothing_and_names_the_record(
    store: LabelStore, back, record
) -> None:
    fill(store)
    before = snapshot(store)
    good = [record(f"Clause {i}: payment in {i} days.") for i in range(2)]
    bad = [record("Clause 2: soon.", months="soon"), record("Clause 3.", months="never")]
    with pytest.raises(lw.interop.ImportRejected) as failure:
        back(store, TASK, [*good, bad[0], record("Clause 4: fine."), bad[1]])
    assert [i for i, _ in failure.value.problems] == [2, 4]
    assert "'soon' is not a number" in str(failure.value)
    assert "nothing was stored" in str(failure.value)
    assert snapshot(store) == before
    assert back(store, TASK, good)["answers"] == 2  # the good part alone goes in


@pytest.mark.parametrize(
    ("back", "records", "problems"),
    [
        (
            lw.interop.from_label_studio,
            [
                _ls_task("ok"),
                "just text",
                {"data": "text"},
                {"data": {"text": "x"}, "annotations": {"a": 1}},
                {"data": {"text": "y"}, "annotations": [{"result": "r", "completed_by": 1}]},
            ],
            [
                (1, "the task is a str"),
                (2, "data is a str"),
                (3, "annotations is a dict"),
                (4, "annotation 0 result is a str"),
            ],
        ),
        (
            lw.interop.from_argilla,
            [
                _argilla_record("ok"),
                7,
                {"fields": {"text": "x"}, "responses": {"months": "12"}},
                {"fields": {"text": "y"}, "metadata": {"lw_unknown": "all"}},
                {"fields": {"text": "z"}, "suggestions": {"months": 12}},
            ],
            [
                (1, "the record is a int"),
                (2, "responses['months'] is a str"),
                (3, "lw_unknown is a str"),
                (4, "suggestion 'months' is a int"),
            ],
        ),
    ],
)
def test_malformed_structure_lists_every_bad_record(store: LabelStore, back, records, problems):
    fill(store)
    before = snapshot(store)
    with pytest.raises(lw.interop.ImportRejected) as failure:
        back(store, TASK, records)
    found = failure.value.problems
    assert [i for i, _ in found] == [i for i, _ in problems]
    for (_, reason), (_, expected) in zip(found, problems, strict=True):
        assert expected in reason
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("back", "record", "message"),
    [
        (lw.interop.from_label_studio, _ls_task, "annotation 0 has no completed_by"),
        (lw.interop.from_argilla, _argilla_record, "has no user_id: who answered it?"),
    ],
)
def test_an_answer_without_its_labeler_is_refused(store: LabelStore, back, record, message):
    fill(store)
    before = snapshot(store)
    with pytest.raises(lw.interop.ImportRejected, match=message):
        back(store, TASK, [record("Clause 1."), record("Clause 2.", None)])
    assert snapshot(store) == before
    assert "None" not in store.labelers()["labeler"].tolist()


@pytest.mark.parametrize(
    ("back", "record"),
    [(lw.interop.from_label_studio, _ls_task), (lw.interop.from_argilla, _argilla_record)],
)
def test_a_record_the_store_refuses_rolls_the_whole_import_back(store: LabelStore, back, record):
    fill(store)
    before = snapshot(store)
    records = [record("Clause 1."), record("Clause 2.", "x" * 250), record("Clause 3.")]
    with pytest.raises(lw.interop.ImportRejected, match=r"1: .*labeler is too long"):
        back(store, TASK, records)
    assert snapshot(store) == before


@pytest.mark.parametrize("back", [lw.interop.from_label_studio, lw.interop.from_argilla])
def test_a_truncated_file_is_named_and_changes_nothing(tmp_path: Path, back) -> None:
    store = filled(tmp_path / "s.db")
    exported = tmp_path / "export.json"
    to = (
        lw.interop.to_label_studio
        if back is lw.interop.from_label_studio
        else lw.interop.to_argilla
    )
    to(store, TASK, exported)
    exported.write_text(exported.read_text()[:-40])
    target = LabelStore(tmp_path / "t.db")
    target.add_task(TASK)
    before = snapshot(target)
    with pytest.raises(ValueError, match=r"is not valid JSON .* is the file complete"):
        back(target, TASK, exported)
    assert snapshot(target) == before
