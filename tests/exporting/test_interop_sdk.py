"""Interop checked by the tools' own SDKs, offline: ``argilla`` 2.x builds and validates the
records and settings we write (its ``Settings``, ``Dataset``, ``Record`` and the ingestion
step of ``dataset.records.log``, with a client that never connects), and ``label-studio-sdk``'s
``LabelInterface`` validates the generated labeling config and every annotation and prediction.
Every question kind goes through, with "not in the text" and spans, and comes back the same."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import argilla as rg
import httpx
import pytest
from argilla._api._client import ArgillaAPI
from argilla._models import DatasetModel
from hypothesis import given, settings
from hypothesis import strategies as st
from label_studio_sdk.label_interface import LabelInterface

import labelwidgets as lw
from labelwidgets.exporting import interop
from labelwidgets.store import LabelStore
from tests.exporting.contract_text import ACME, DOC, LAW, SPLIT, TERM, add_contract

TASK = lw.Task(
    "every-kind",
    [
        lw.Question("governing_law", prompt="Which law governs?\nAnswer as written."),
        lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
        lw.Question("topics", kind="multi_choice", choices=["price", "term", "law"]),
        lw.Question("clarity", kind="rating", instructions="1 = unreadable, 5 = plain"),
        lw.Question("risk", kind="rating", scale=(-2, 2)),
        lw.Question("fee", kind="number", evidence=True),
        lw.Question("signed", kind="date"),
        lw.Question("clauses", kind="spans", labels=["Party", "Law", "Term"]),
    ],
    guidelines="Read the whole chunk first.",
)
UNKNOWABLE = ["governing_law", "kind", "topics", "clarity", "risk", "fee", "signed"]


def filled(path: Path | str) -> tuple[LabelStore, list[str]]:
    store = LabelStore(path)
    first, second = add_contract(store)
    store.add_task(TASK)
    store.record_answers(
        TASK,
        first,
        {
            "governing_law": "the laws of the State of New York",
            "kind": "supply",
            "topics": ["law", "price"],
            "clarity": 4,
            "risk": -1,
            "fee": 1.125,
            "signed": "2020-03",
            "clauses": [(*ACME, "Party"), (*LAW, "Law")],
        },
        labeler="alice",
        evidence={"governing_law": [LAW]},
    )
    store.record_answer(TASK, first, "fee", 1500, labeler="bob", evidence=[TERM])
    store.record_answer(TASK, first, "clauses", [], labeler="bob")  # a spans question: "none here"
    store.record_answers(  # "not in the text" for every kind that allows it
        TASK, second, {q: lw.UNKNOWN for q in UNKNOWABLE} | {"clauses": []}, labeler="bob"
    )
    store.record_answers(
        TASK,
        second,
        {"governing_law": lw.UNKNOWN, "signed": "2021-03-04", "clauses": [(*TERM, "Term")]},
        labeler="alice",
    )
    store.add_suggestion(TASK, first, "governing_law", "New York", model="m", evidence=[LAW])
    store.add_suggestion(TASK, first, "clauses", [(*LAW, "Law")], model="m")
    store.add_suggestion(TASK, first, "fee", 12.5, model="m", score=0.25, prompt_version="v2")
    store.add_suggestion(TASK, second, "governing_law", lw.UNKNOWN, model="m", score=0.9)
    store.add_suggestion(TASK, second, "signed", lw.UNKNOWN, model="m", score=0.5)
    return store, [first, second]


def comparable(store: LabelStore, task: lw.Task = TASK) -> tuple[list, list]:
    answers = store.answers(task).sort_values(["chunk_id", "question", "labeler"])
    suggestions = store.suggestions(task).sort_values(["chunk_id", "question", "model"])
    return (
        [
            (r.chunk_id, r.question, r.labeler, repr(r.answer), r.is_unknown, r.evidence)
            for r in answers.itertuples()
        ],
        [suggestion_row(r) for r in suggestions.itertuples()],
    )


def suggestion_row(r: Any) -> tuple:
    return (
        r.chunk_id,
        r.question,
        r.model,
        r.prompt_version,
        repr(r.answer),
        r.is_unknown,
        score(r),
        r.evidence,
    )


def score(row: Any) -> float | None:
    return None if row.score != row.score else row.score  # NaN: no score


def fresh_store() -> LabelStore:
    store = LabelStore(":memory:")
    store.add_documents([{"doc_id": "c1", "name": "c1.pdf", "text": DOC}])
    return store


# -- Argilla ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def argilla_client() -> Any:
    """A real ``rg.Argilla`` client that never connects (no server here): the SDK's settings and
    records need one to exist; any request would fail on the closed loopback port."""
    client = rg.Argilla.__new__(rg.Argilla)
    client.api_url, client.api_key = "http://127.0.0.1:9", "offline"
    client.http_client = httpx.Client(base_url=client.api_url, timeout=1)
    client.api = ArgillaAPI(client.http_client)
    before = rg.Argilla._default_client
    rg.Argilla._default_client = client  # Settings.from_json builds its questions with it
    yield client
    rg.Argilla._default_client = before
    client.http_client.close()


def argilla_dataset(client: Any, path: Path) -> tuple[Any, list[Any]]:
    """What ``rg.Dataset.from_disk(path)`` builds before it uploads: the dataset model,
    settings and records, with the SDK's classes; records go through ``records.log``'s
    ingestion step (``_ingest_records``: each record checked against the settings)."""
    model = DatasetModel(**json.loads((path / ".argilla" / "dataset.json").read_text()))
    dataset = rg.Dataset(
        name=model.name,
        settings=rg.Settings.from_json(path / ".argilla" / "settings.json"),
        client=client,
    )
    records = [
        rg.Record.from_dict(r, dataset=dataset)
        for r in json.loads((path / "records.json").read_text())
    ]
    dataset.records._ingest_records(records, user_id=uuid.uuid4())
    return dataset, records


# The Argilla server's own checks (argilla-server 2.x validators/response_values.py,
# validators/suggestions.py, schemas/v1/questions.py), which the SDK leaves to the server: read
# off the SDK's own question objects, so they fail when a value would be refused on upload.
_NAME = re.compile(r"^(?=.*[a-z0-9])[a-z0-9_-]+$")
_AGENT = re.compile(r"^(?=.*[a-zA-Z0-9])[a-zA-Z0-9-_:\.\/\s]+$")


def value_problem(question: Any, value: Any, text: str) -> str | None:
    if isinstance(question, rg.TextQuestion):
        return None if isinstance(value, str) else "text question expects a text value"
    if isinstance(question, rg.MultiLabelQuestion):
        if not isinstance(value, list) or not value or len(set(value)) != len(value):
            return "multi label selection expects a non-empty list of unique values"
        return None if set(value) <= set(question.labels) else "not valid labels"
    if isinstance(question, rg.LabelQuestion):
        return None if value in question.labels else "not a valid label"
    if isinstance(question, rg.RatingQuestion):
        return None if value in question.values else "not a valid rating"
    assert isinstance(question, rg.SpanQuestion)
    if not isinstance(value, list):
        return "span question expects a list of values"
    for span in value:
        if span["start"] > len(text) - 1 or span["end"] > len(text) or span["start"] >= span["end"]:
            return f"span {span} outside the field"
        if span["label"] not in question.labels:
            return f"undefined label {span['label']!r}"
    return None


def score_problem(value: Any, score: Any) -> str | None:
    if score is None:
        return None
    if isinstance(value, list) != isinstance(score, list):
        return "score cardinality differs from the value's"
    scores = score if isinstance(score, list) else [score]
    if (isinstance(value, list) and len(value) != len(scores)) or not scores:
        return "number of items on value and score attributes doesn't match"
    return None if all(0 <= s <= 1 for s in scores) else "score outside 0..1"


def server_rules(dataset: Any, record: Any) -> list[str]:
    """Every value of a record the Argilla server would refuse, and why."""
    problems = []
    text = record.fields["text"]
    for r in record.responses:
        problem = value_problem(dataset.settings.questions[r.question_name], r.value, text)
        if r.status != "submitted" or str(uuid.UUID(str(r.user_id))) != str(r.user_id):
            problem = f"status {r.status}, user {r.user_id}"
        if problem:
            problems.append(f"response {r.question_name}={r.value!r}: {problem}")
    for s in record.suggestions:
        problem = value_problem(dataset.settings.questions[s.question_name], s.value, text)
        problem = problem or score_problem(s.value, s.score)
        if s.agent is not None and not (_AGENT.match(s.agent) and len(s.agent) <= 200):
            problem = f"agent {s.agent!r}"
        if problem:
            problems.append(f"suggestion {s.question_name}={s.value!r}: {problem}")
    declared = {m.name: type(m).__name__ for m in dataset.settings.metadata}
    for name, value in record.metadata.items():
        kind = declared.get(name)
        if kind == "IntegerMetadataProperty" and not isinstance(value, int):
            problems.append(f"metadata {name}={value!r} is not an integer")
        if kind == "TermsMetadataProperty" and not isinstance(value, str):
            problems.append(f"metadata {name}={value!r} is not a term")
    return problems


def settings_problems(settings: dict[str, Any]) -> list[str]:
    """What the Argilla server refuses when it creates the dataset's questions."""
    problems = []
    for q in settings["questions"]:
        kind, options = q["settings"]["type"], q["settings"].get("options") or []
        if not _NAME.match(q["name"]) or len(q["name"]) > 200:
            problems.append(f"name {q['name']!r}")
        if not 1 <= len(q["title"]) <= 500 or len(q.get("description") or "x") > 1000:
            problems.append(f"{q['name']}: title or description length")
        if q.get("description") == "":
            problems.append(f"{q['name']}: empty description")
        least = {"label_selection": 2, "multi_label_selection": 2, "rating": 2, "span": 1}
        if len(options) < least.get(kind, 0):
            problems.append(f"{q['name']}: {len(options)} options")
        if kind == "rating" and not all(0 <= o["value"] <= 10 for o in options):
            problems.append(f"{q['name']}: rating values outside 0..10")
        if any(not 1 <= len(str(o["value"])) <= 200 for o in options):
            problems.append(f"{q['name']}: option value length")
    return problems


def test_argilla_sdk_builds_and_validates_every_kind_with_unknown_and_spans(
    argilla_client: Any, tmp_path: Path
) -> None:
    store, (first, second) = filled(tmp_path / "a.db")
    written = interop.to_argilla(store, TASK, tmp_path / "argilla")
    dataset, records = argilla_dataset(argilla_client, written)
    assert [q.name for q in dataset.settings.questions] == [
        "governing_law",
        "kind",
        "topics",
        "clarity",
        "risk",
        "fee",
        "signed",
        "governing_law__evidence",
        "fee__evidence",
        "clauses",
        "not_in_text",
    ]
    types = {q.name: type(q).__name__ for q in dataset.settings.questions}
    assert types["clarity"] == "RatingQuestion" and types["risk"] == "TextQuestion"
    assert types["clauses"] == "SpanQuestion" and types["not_in_text"] == "MultiLabelQuestion"
    assert dataset.settings.questions["not_in_text"].labels == UNKNOWABLE
    assert [r.id for r in records] == [first, second]
    assert settings_problems(json.loads((written / ".argilla" / "settings.json").read_text())) == []
    for record in records:
        assert server_rules(dataset, record) == []
    bob = interop.labeler_id("bob")
    by_user = {(r.question_name, str(r.user_id)): r.value for r in records[1].responses}
    assert by_user[("not_in_text", bob)] == UNKNOWABLE  # ticked, never a None value
    assert records[1].metadata["lw_labelers"][bob] == "bob"
    assert records[1].suggestions["not_in_text"].value == ["governing_law", "signed"]
    assert records[1].suggestions["not_in_text"].score == [0.9, 0.5]
    alice = {r.question_name: r.value for r in records[0].responses if str(r.user_id) != bob}
    assert alice["fee"] == "1.1250" and alice["signed"] == "2020-03" and alice["risk"] == "-1"


def test_argilla_round_trip_through_the_sdk_records(argilla_client: Any, tmp_path: Path) -> None:
    """Out as files, into the SDK's records, out of them with ``Record.to_dict()`` (as a dataset
    labeled in Argilla is exported) and back: the same answers, UNKNOWN, spans and evidence."""
    store, _ = filled(tmp_path / "a.db")
    _, records = argilla_dataset(argilla_client, interop.to_argilla(store, TASK, tmp_path / "d"))
    back = fresh_store()
    counts = interop.from_argilla(back, TASK, [r.to_dict() for r in records])
    assert counts["chunks"] == 2
    assert comparable(back) == comparable(store)
    again = fresh_store()
    interop.from_argilla(again, TASK, tmp_path / "d")  # the directory itself
    assert comparable(again) == comparable(store)


def test_argilla_labelers_are_stable_uuids_and_argilla_users_can_be_named(
    argilla_client: Any, tmp_path: Path
) -> None:
    store, _ = filled(tmp_path / "a.db")
    one = interop.to_argilla(store, TASK)
    two = interop.to_argilla(filled(tmp_path / "b.db")[0], TASK)
    assert one["records"] == two["records"]
    assert interop.labeler_id("alice") == str(uuid.UUID(interop.labeler_id("alice")))
    assert interop.labeler_id("alice") != interop.labeler_id("bob")
    # a response made in Argilla by a user the export did not name
    dana = uuid.uuid4()
    record = one["records"][0]
    record["responses"]["kind"].append({"value": "license", "user_id": str(dana)})
    dataset, _ = argilla_dataset(argilla_client, interop.to_argilla(store, TASK, tmp_path / "d"))
    rg.Record.from_dict(record, dataset=dataset).api_model()  # the SDK takes it
    back = fresh_store()
    interop.from_argilla(back, TASK, [record], labelers={str(dana): "dana"})
    assert back.answers(TASK, labeler="dana")["answer"].tolist() == ["license"]
    unnamed = fresh_store()
    interop.from_argilla(unnamed, TASK, [record])
    assert str(dana) in unnamed.labelers()["labeler"].tolist()


def test_argilla_unknown_ticked_and_answered_is_refused(tmp_path: Path) -> None:
    store, _ = filled(tmp_path / "a.db")
    record = interop.to_argilla(store, TASK)["records"][0]
    alice = interop.labeler_id("alice")
    record["responses"]["not_in_text"] = [{"value": ["kind"], "user_id": alice}]
    back = fresh_store()
    with pytest.raises(lw.interop.ImportRejected, match=r"'alice' both answered 'kind'"):
        interop.from_argilla(back, TASK, [record])
    record["responses"]["not_in_text"] = [{"value": ["clauses"], "user_id": alice}]
    with pytest.raises(lw.interop.ImportRejected, match="not a question that can be"):
        interop.from_argilla(back, TASK, [record])
    assert back.count_chunks() == 0 and back.events().empty


def test_argilla_names_are_lowercase_and_come_back_as_the_task_names(
    argilla_client: Any, tmp_path: Path
) -> None:
    task = lw.Task("cased", [lw.Question("governingLaw"), lw.Question("Months", kind="number")])
    store = LabelStore(tmp_path / "a.db")
    (chunk,) = store.add_chunks([{"text": "Governed by Texas law for 12 months."}]) and (
        store.chunk_order()
    )
    store.add_task(task)
    store.record_answers(task, chunk, {"governingLaw": "Texas", "Months": 12}, labeler="ann")
    dataset, records = argilla_dataset(
        argilla_client, interop.to_argilla(store, task, tmp_path / "d")
    )
    assert [q.name for q in dataset.settings.questions] == [
        "governinglaw",
        "months",
        "governinglaw__evidence",
        "not_in_text",
    ]
    back = LabelStore(":memory:")
    interop.from_argilla(back, task, [r.to_dict() for r in records])
    assert comparable(back, task) == comparable(store, task)
    clash = lw.Task("clash", [lw.Question("law"), lw.Question("Law")])
    with pytest.raises(ValueError, match="same name in Argilla"):
        interop.argilla_settings(clash)


@settings(max_examples=30, deadline=None)
@given(
    fee=st.one_of(
        st.integers(-(10**12), 10**12),
        st.floats(-1e12, 1e12, allow_nan=False).filter(lambda f: f == f),
        st.decimals("-1000", "1000", places=3).map(float),
    )
)
def test_any_number_round_trips_through_argilla_text(fee: float) -> None:
    store, (first, _) = filled(":memory:")
    store.record_answer(TASK, first, "fee", fee, labeler="zoe")
    back = fresh_store()
    interop.from_argilla(back, TASK, interop.to_argilla(store, TASK))
    assert back.answers(TASK, labeler="zoe")["answer"].tolist() == [
        TASK.question("fee").coerce(fee)
    ]


# -- Label Studio -----------------------------------------------------------------------------------
def validated(config: str, tasks: list[dict[str, Any]]) -> list[str]:
    """Every problem ``label-studio-sdk`` finds with the config, the tasks' data and every
    annotation and prediction."""
    interface = LabelInterface(config)
    interface.validate()  # raises on a bad config
    problems = []
    for i, task in enumerate(tasks):
        for obj in interface.objects:
            if obj.value_is_variable and task["data"].get(obj.value_name) is None:
                problems.append(f"task {i}: no data.{obj.value_name}")
        for what in ("annotations", "predictions"):
            for item in task.get(what, []):
                errors = interface.validate_prediction(item, return_errors=True)
                problems += [f"task {i} {what}: {e}" for e in errors]
    return problems


def test_label_studio_config_and_every_result_pass_the_sdk(tmp_path: Path) -> None:
    store, _ = filled(tmp_path / "a.db")
    written = interop.to_label_studio(store, TASK, tmp_path / "tasks.json")
    config = (tmp_path / "tasks.label_config.xml").read_text()
    assert config == interop.label_studio_config(TASK)
    tasks = json.loads(written.read_text())
    assert validated(config, tasks) == []
    interface = LabelInterface(config)
    controls = {c.name: c for c in interface.controls}
    assert {n: controls[n].tag for n in ("governing_law", "kind", "topics", "clarity")} == {
        "governing_law": "TextArea",
        "kind": "Choices",
        "topics": "Choices",
        "clarity": "Rating",
    }
    assert controls["topics"].attr["choice"] == "multiple"
    assert {n: controls[n].tag for n in ("risk", "fee", "signed", "clauses")} == {
        "risk": "Number",
        "fee": "Number",
        "signed": "DateTime",
        "clauses": "Labels",
    }
    assert controls["clauses"].labels == ["Party", "Law", "Term"]
    for name in UNKNOWABLE:
        assert controls[name + "__not_in_text"].labels == ["Not in the text"]
    assert "clauses__not_in_text" not in controls
    bob = next(a for a in tasks[1]["annotations"] if a["completed_by"]["email"] == "bob")
    ticked = {r["from_name"] for r in bob["result"] if r["type"] == "choices"}
    assert ticked == {q + "__not_in_text" for q in UNKNOWABLE}


def test_label_studio_round_trip_keeps_every_kind(tmp_path: Path) -> None:
    store, _ = filled(tmp_path / "a.db")
    interop.to_label_studio(store, TASK, tmp_path / "tasks.json")
    back = fresh_store()
    interop.from_label_studio(back, TASK, tmp_path / "tasks.json")
    assert comparable(back) == comparable(store)


def test_an_annotation_made_in_label_studio_validates_and_imports(tmp_path: Path) -> None:
    """What a labeler submits in Label Studio: "Not in the text" ticked for one question, answers
    for others; the SDK accepts it, and it comes back as UNKNOWN and values."""
    store, (_, second) = filled(tmp_path / "a.db")
    config = interop.label_studio_config(TASK)
    text = DOC[SPLIT:]

    def result(name: str, kind: str, value: dict) -> dict:
        return {"from_name": name, "to_name": "text", "type": kind, "value": value}

    annotation = {
        "completed_by": {"email": "dana"},
        "result": [
            result("governing_law__not_in_text", "choices", {"choices": ["Not in the text"]}),
            result("kind", "choices", {"choices": ["license"]}),
            result("risk", "number", {"number": 2}),
            result("signed", "datetime", {"datetime": "2021-03-04"}),
            result(
                "clauses", "labels", {"start": 0, "end": 4, "text": text[:4], "labels": ["Term"]}
            ),
        ],
    }
    item = {"data": {"text": text, "chunk_id": second, "doc_id": "c1"}, "annotations": [annotation]}
    assert validated(config, [item]) == []
    interop.from_label_studio(store, TASK, [item])
    dana = store.answers(TASK, labeler="dana").set_index("question")
    assert dana.loc["governing_law", "is_unknown"]
    assert dana.loc["kind", "answer"] == "license" and dana.loc["risk", "answer"] == 2
    assert dana.loc["clauses", "answer"] == [{"start": SPLIT, "end": SPLIT + 4, "label": "Term"}]
    # the checker can fail: a choice the config does not have, a result with no value
    bad = [result("kind", "choices", {"choices": ["lease"]}), result("fee", "number", {})]
    assert len(validated(config, [{**item, "annotations": [{"result": bad}]}])) == 2
    both = [annotation["result"][0], result("governing_law", "textarea", {"text": ["NY"]})]
    with pytest.raises(lw.interop.ImportRejected, match="both an answer"):
        interop.from_label_studio(
            store, TASK, [{**item, "annotations": [{"completed_by": "eve", "result": both}]}]
        )


def test_label_studio_config_escapes_text_and_refuses_clashing_names() -> None:
    task = lw.Task(
        "odd",
        [
            lw.Question("q", kind="choice", choices=['say "yes" & <no>', "$price"], prompt="A\nB"),
        ],
    )
    config = interop.label_studio_config(task)
    interface = LabelInterface(config)
    interface.validate()
    assert interface.get_control("q").labels == ['say "yes" & <no>', " $price"] or (
        interface.get_control("q").labels == ['say "yes" & <no>', "$price"]
    )
    clash = lw.Task("clash", [lw.Question("law"), lw.Question("law__not_in_text")])
    with pytest.raises(ValueError, match="clashes with the Label Studio control"):
        interop.label_studio_config(clash)


def test_the_argilla_rule_checks_can_fail(argilla_client: Any, tmp_path: Path) -> None:
    """The server-rule checks above are not vacuous: the shapes written before this change (a
    None response value, user names as ids, '@' in the agent, one score for a list value) and
    settings Argilla refuses are caught."""
    store, _ = filled(tmp_path / "a.db")
    written = interop.to_argilla(store, TASK, tmp_path / "d")
    dataset, _ = argilla_dataset(argilla_client, written)
    record = json.loads((written / "records.json").read_text())[0]
    assert server_rules(dataset, rg.Record.from_dict(record, dataset=dataset)) == []
    record["suggestions"]["topics"] = {"value": ["law"], "score": 0.5, "agent": "m@v1"}
    x = interop.labeler_id("x")
    record["responses"]["kind"] = [{"value": "lease", "user_id": x, "status": "submitted"}]
    found = server_rules(dataset, rg.Record.from_dict(record, dataset=dataset))
    assert [p.split("=")[0] for p in found] == ["response kind", "suggestion topics"]
    with pytest.raises(ValueError, match="value is required"):  # UNKNOWN as None, as before
        rg.Record.from_dict(
            {
                "fields": {"text": "x"},
                "responses": {
                    "kind": [{"value": None, "user_id": str(uuid.uuid4()), "status": "submitted"}]
                },
            },
            dataset=dataset,
        )
    named = {
        "fields": {"text": "x"},
        "responses": {"kind": [{"value": "supply", "user_id": "ann"}]},
    }
    with pytest.raises(Exception, match="valid UUID"):  # a labeler name as the user id
        dataset.records._ingest_records([rg.Record.from_dict(named)], user_id=uuid.uuid4())
    bad = {
        "questions": [
            {
                "name": "Law",
                "title": "t",
                "settings": {"type": "label_selection", "options": [{"value": "a"}]},
            }
        ]
    }
    assert settings_problems(bad) == ["name 'Law'", "Law: 1 options"]


def test_argilla_settings_for_edge_tasks_pass_the_server_rules(argilla_client: Any) -> None:
    """One choice, one question that can be 'not in the text', a wide rating scale."""
    task = lw.Task(
        "edge",
        [
            lw.Question("only", kind="choice", choices=["yes"]),
            lw.Question("wide", kind="rating", scale=(1, 20), allow_unknown=False),
            lw.Question("spans", kind="spans", labels=["A"]),
        ],
    )
    settings = interop.argilla_settings(task)
    assert settings_problems(settings) == []
    kinds = {q["name"]: q["settings"]["type"] for q in settings["questions"]}
    assert kinds == {
        "only": "text",
        "wide": "text",
        "spans": "span",
        "not_in_text": "multi_label_selection",
    }
    options = [o["value"] for o in settings["questions"][-1]["settings"]["options"]]
    assert options == ["only", "(answered)"]
    store = LabelStore(":memory:")
    store.add_chunks([{"text": "Yes, twenty."}, {"text": "Nothing."}])
    store.add_task(task)
    first, second = store.chunk_order()
    store.record_answers(
        task, first, {"only": "yes", "wide": 20, "spans": [(0, 3, "A")]}, labeler="ann"
    )
    store.record_answers(task, second, {"only": lw.UNKNOWN, "wide": 1, "spans": []}, labeler="ann")
    back = LabelStore(":memory:")
    interop.from_argilla(back, task, interop.to_argilla(store, task))
    assert comparable(back, task) == comparable(store, task)
    with pytest.raises(ValueError, match="at most 200 characters"):
        interop.argilla_settings(
            lw.Task("long", [lw.Question("q", kind="choice", choices=["a" * 201, "b"])])
        )


# -- any answers, both tools ------------------------------------------------------------------------
def _maybe_unknown(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.just(lw.UNKNOWN), values)


_words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda t: t.strip())
_dates = st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(lambda d: d.isoformat())
ANSWERS = st.fixed_dictionaries(
    {
        "governing_law": _maybe_unknown(_words),
        "kind": _maybe_unknown(st.sampled_from(["supply", "license", "other"])),
        "topics": _maybe_unknown(
            st.lists(st.sampled_from(["price", "term", "law"]), min_size=1, unique=True)
        ),
        "clarity": _maybe_unknown(st.integers(1, 5)),
        "risk": _maybe_unknown(st.integers(-2, 2)),
        "fee": _maybe_unknown(
            st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9, allow_nan=False))
        ),
        "signed": _maybe_unknown(
            st.one_of(_dates, _dates.map(lambda d: d[:7]), _dates.map(lambda d: d[:4]))
        ),
        "clauses": st.lists(
            st.tuples(
                st.integers(0, SPLIT - 2),
                st.integers(1, 20),
                st.sampled_from(["Party", "Law", "Term"]),
            ),
            max_size=4,
            unique_by=lambda t: (t[0], t[2]),
        ).map(lambda spans: [(s, min(s + n, SPLIT), label) for s, n, label in spans]),
    }
)


def argilla_in_memory(client: Any, exported: dict[str, Any]) -> tuple[Any, list[Any]]:
    dataset = rg.Dataset(
        name="x", settings=rg.Settings._from_dict(exported["settings"]), client=client
    )
    records = [rg.Record.from_dict(r, dataset=dataset) for r in exported["records"]]
    dataset.records._ingest_records(records, user_id=uuid.uuid4())
    return dataset, records


@settings(max_examples=20, deadline=None)
@given(answers=ANSWERS, tool=st.sampled_from(["label_studio", "argilla"]))
def test_any_answers_of_every_kind_pass_the_sdk_and_come_back(
    argilla_client: Any, answers: dict[str, Any], tool: str
) -> None:
    store, (first, _) = filled(":memory:")
    store.record_answers(TASK, first, answers, labeler="zoe")
    exported = getattr(interop, f"to_{tool}")(store, TASK)
    if tool == "argilla":
        dataset, records = argilla_in_memory(argilla_client, exported)
        assert [p for r in records for p in server_rules(dataset, r)] == []
    else:
        assert validated(interop.label_studio_config(TASK), exported) == []
    back = fresh_store()
    getattr(interop, f"from_{tool}")(back, TASK, exported)
    assert comparable(back) == comparable(store)


@pytest.mark.parametrize("tool", ["label_studio", "argilla"])
def test_every_kind_imports_the_same_on_sqlite_and_postgresql(
    store: LabelStore, tmp_path: Path, tool: str
) -> None:
    source, _ = filled(tmp_path / "a.db")
    exported = getattr(interop, f"to_{tool}")(source, TASK)
    store.add_documents([{"doc_id": "c1", "name": "c1.pdf", "text": DOC}])
    counts = getattr(interop, f"from_{tool}")(store, TASK, exported)
    assert counts["chunks"] == 2
    assert comparable(store) == comparable(source)
