"""PromptLab's Python side: runs versions on gold, scores them, shows what changed (tier 2)."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

import labelwidgets as lw
from labelwidgets.models.prompts import default_template, render
from labelwidgets.store import LabelStore

TASK = lw.Task("law", [lw.Question("governing_law", prompt="Which law governs?")])


def model_reply(prompt: str) -> str:
    if "laws of Texas" not in prompt:
        return "The document does not say."
    return "the laws of Texas" if "lawyer" in prompt else "Texas"


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_chunks(
        [
            {
                "text": f"Clause {i}. "
                + ("Governed by the laws of Texas." if i % 2 else "Pay on time.")
            }
            for i in range(8)
        ]
    )
    sqlite_store.add_task(TASK)
    sqlite_store.add_gold(
        TASK,
        [
            {
                "chunk_id": c,
                "question": "governing_law",
                "answer": "the laws of Texas" if i % 2 else lw.UNKNOWN,
            }
            for i, c in enumerate(sqlite_store.chunk_order())
        ],
    )
    return sqlite_store


def test_two_versions_are_scored_and_the_changes_listed(store: LabelStore) -> None:
    lab = lw.PromptLab(store, TASK, lw.models.Callable(model_reply, name="rules"))
    assert "{chunk}" in lab.template and lab.versions == []
    lab.run(lab.template)
    assert [v["version"] for v in lab.versions] == ["v1"]
    # v1 answers "Texas" where gold says "the laws of Texas" (wrong under the default rule) and
    # says "not in the text" exactly where gold does.
    first = lab.versions[0]
    assert (first["coverage"], first["accuracy_on_answered"], first["unknown_recall"]) == (1, 0, 1)
    assert first["overall"] == 0.5
    ack = lab.send_command(
        "run", 1, template="As a lawyer writes it: {question}\n{chunk}\n{not_in_text}?"
    )
    assert ack["ok"]
    lab._thread.join(10)
    assert [v["version"] for v in lab.versions] == ["v1", "v2"]
    assert lab.versions[1]["accuracy_on_answered"] == 1.0 and lab.versions[1]["overall"] == 1.0
    assert len(lab.changes) == 4 and {c["outcome"] for c in lab.changes} == {"win"}
    assert lab.running == {"running": False, "done": 8, "total": 8, "cancelled": False}


def test_bad_templates_and_cancel(store: LabelStore) -> None:
    slow = lw.models.Callable(lambda p: (time.sleep(0.05), "x")[1], name="slow")
    lab = lw.PromptLab(store, TASK, slow)
    assert "must include {chunk}" in lab.send_command("run", 1, template="no chunk here")["message"]
    lab.run("{chunk} {question}", wait=False)
    lab.cancel()
    lab._thread.join(10)
    assert lab.running["cancelled"] and lab.running["done"] < 8


class Flaky:
    """A model function that raises while its server is down."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0

    def __call__(self, prompt: str) -> str:
        self.calls += 1
        if self.down:
            raise ConnectionError("model server at 127.0.0.1:9 refused the connection")
        return model_reply(prompt)


def test_a_raising_model_ends_the_run_with_the_error_shown(store: LabelStore) -> None:
    flaky = Flaky()
    lab = lw.PromptLab(store, TASK, lw.models.Callable(flaky, name="flaky"))
    lab.run(lab.template)
    assert lab.running["running"] is False
    assert "ConnectionError: model server at 127.0.0.1:9 refused the connection" in lab.error
    assert "failed on 4 of 4 gold chunks" in lab.error  # stopped after one batch: nothing worked
    assert flaky.calls == 4
    assert lab.versions[0]["n"] == 0.0  # failed requests are not scored as wrong answers
    flaky.down = False
    ack = lab.send_command("run", 1, template=lab.template)
    assert ack["ok"] and lab.error == ""
    lab._thread.join(10)
    assert lab.error == "" and lab.running == {
        "running": False,
        "done": 8,
        "total": 8,
        "cancelled": False,
    }
    assert lab.versions[0]["n"] == 8 and lab.versions[0]["unknown_recall"] == 1.0


def test_a_failure_reported_at_once_is_not_cleared_by_the_command(store: LabelStore) -> None:
    lab = lw.PromptLab(store, TASK, lw.models.Callable(Flaky(), name="flaky"))
    ack = lab.send_command("run", 1, template=lab.template)
    lab._thread.join(10)
    assert ack["ok"] and "ConnectionError" in lab.error and not lab.running["running"]


def test_some_failed_chunks_are_reported_and_the_rest_scored(store: LabelStore) -> None:
    def half(prompt: str) -> str:
        if "laws of Texas" in prompt:
            raise TimeoutError("no reply in 60 s")
        return "NOT_IN_TEXT"

    lab = lw.PromptLab(store, TASK, lw.models.Callable(half, name="half"))
    lab.run(lab.template)
    assert lab.error.startswith("the model failed on 4 of 8 gold chunks (TimeoutError: no reply")
    assert lab.running["done"] == 8 and not lab.running["running"]
    assert lab.versions[0]["n"] == 4 and lab.versions[0]["unknown_precision"] == 1.0


def test_a_store_failing_mid_run_is_shown_and_the_run_ends(store: LabelStore) -> None:
    path = store._engine.url.database

    def drop_suggestions(prompt: str) -> str:  # someone else breaks the database meanwhile
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE IF EXISTS suggestions")
        return "Texas"

    lab = lw.PromptLab(store, TASK, lw.models.Callable(drop_suggestions, name="dropper"))
    lab.run(lab.template)
    assert lab.running["running"] is False and lab.running["done"] == 0
    assert "no such table: suggestions" in lab.error


EXPERIMENT = "EXPERIMENTAL LINE: answer as a lawyer writes it.\n{question}\n{chunk}\n{not_in_text}"


def _user_turns(report: lw.exporting.ExportReport) -> list[str]:
    (path,) = report.paths.values()
    lines = path.read_text().splitlines()
    return [json.loads(line)["messages"][0]["content"] for line in lines]


def test_a_promptlab_experiment_reaches_exports_only_once_promoted(
    store: LabelStore, tmp_path
) -> None:
    """Issue 15's must-show: run an edited prompt, export — the records still use the default;
    promote it — they use the new version."""
    lab = lw.PromptLab(store, TASK, lw.models.Callable(model_reply, name="rules"))
    lab.run(lab.template)  # the task's own template, stored as v1
    assert lab.default == {"version": "v1", "promoted": False, "scored": True}
    lab.run(EXPERIMENT)
    assert [v["version"] for v in lab.versions] == ["v1", "v2"]
    assert lab.default["version"] == "v1"  # the newest version is only an experiment

    before = lw.export(store, TASK, "openai-chat", tmp_path / "before", progress=False)
    turns = _user_turns(before)
    texts = store.chunks()["text"].tolist()
    question = TASK.question("governing_law")
    assert sorted(turns) == sorted(render(question, t, default_template(question)) for t in texts)
    assert not any("EXPERIMENTAL LINE" in t for t in turns)
    v1, v2 = store.prompt_versions(TASK, "governing_law")["version_id"].tolist()
    manifest = json.loads((tmp_path / "before" / "manifest.json").read_text())
    assert manifest["prompt_versions"] == {
        "governing_law": {"version_id": v1, "label": "v1", "records": 8}
    }

    ack = lab.send_command("promote", 3, version="v2")
    assert ack["ok"] and ack["promoted"] == store.promoted_prompt(TASK, "governing_law")[0]
    assert lab.default == {"version": "v2", "promoted": True, "scored": True}
    after = lw.export(store, TASK, "openai-chat", tmp_path / "after", progress=False)
    turns = _user_turns(after)
    assert sorted(turns) == sorted(render(question, t, EXPERIMENT) for t in texts)
    assert len(turns) == 8 and all(t.startswith("EXPERIMENTAL LINE") for t in turns)
    manifest = json.loads((tmp_path / "after" / "manifest.json").read_text())
    assert manifest["prompt_versions"] == {
        "governing_law": {"version_id": v2, "label": "v2", "records": 8}
    }
    assert after.prompt_versions == manifest["prompt_versions"]
    # prelabel without a version now asks the promoted one (its answers are cached from the run)
    summary = lw.prelabel(
        store, TASK, lw.models.Callable(model_reply, name="rules"), progress=False
    )
    assert summary[["prompt_version", "cached", "asked"]].values.tolist() == [["v2", 8, 0]]


def test_promote_by_command_and_its_refusals(store: LabelStore) -> None:
    lab = lw.PromptLab(store, TASK, lw.models.Callable(model_reply, name="rules"))
    lab.run(lab.template)
    ack = lab.send_command("promote", 1, version="v9")
    assert (
        not ack["ok"] and "no prompt version 'v9'" in ack["message"] and "['v1']" in ack["message"]
    )
    assert lab.error == "" and store.events(kind="promote").empty
    assert lab.send_command("promote", 2)["ok"] is False  # no version: a malformed command
    assert store.events(kind="promote").empty
    lab.promote("v1", by="rita", note="checked on 8 items")
    event = store.events(TASK, kind="promote").iloc[-1]
    assert (event["labeler"], event["comment"]) == ("rita", "checked on 8 items")
    assert lab.default == {"version": "v1", "promoted": True, "scored": True}


def test_versions_scored_on_different_items_are_flagged(store: LabelStore) -> None:
    """The issue's v2 'scored on 20 items against v1's 129', here 4 against 8."""
    lab = lw.PromptLab(store, TASK, lw.models.Callable(model_reply, name="rules"))
    lab.run(lab.template)
    assert lab.warning == ""
    lab.sample = 4
    lab.run(EXPERIMENT)
    assert [(v["version"], v["n"]) for v in lab.versions] == [("v1", 8), ("v2", 4)]
    assert lab.warning.startswith("versions were scored on different gold items (v1 on 8, v2 on 4;")
    assert "4 in common" in lab.warning
    assert lab.warning.endswith("Overall on the common items: v1 0.500, v2 1.000")
    assert len(lab.changes) <= 4  # compared on the common items only
    lab.sample = 8
    lab.run(EXPERIMENT)  # v2 again on every gold item: the same items now
    assert lab.warning == "" and [v["n"] for v in lab.versions] == [8, 8]
