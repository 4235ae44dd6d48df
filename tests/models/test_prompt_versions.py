"""Prompt versions are explicit: a stored version is the default only once promoted (issue 15)."""

from __future__ import annotations

import pytest

import labelwidgets as lw
from labelwidgets.exporting.prompt_choice import templates_for
from labelwidgets.models.prompt_versions import default_prompt
from labelwidgets.models.prompts import default_template
from labelwidgets.store import UnknownTaskError

TASK = lw.Task(
    "law",
    [
        lw.Question(
            "has_clause", kind="choice", choices=["yes", "no"], prompt="Is there a law clause?"
        ),
        lw.Question(
            "governing_law", when=("has_clause", "yes"), prompt="Which law governs? {previous}"
        ),
    ],
)
TEXTS = [
    "This Agreement is governed by the laws of Texas.",
    "Payment is due in 30 days.",
    "This Agreement is governed by the laws of England and Wales.",
]
EXPERIMENT = "EXPERIMENT: does this text name a governing law? {answer_format}\n{chunk}"


class Recorder:
    """A rule model that records every prompt it is asked."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if "Which law" in prompt:
            return "the laws of Texas" if "Texas" in prompt else "England and Wales"
        return "yes" if "governed" in prompt else "no"


@pytest.fixture
def filled(store: lw.LabelStore) -> lw.LabelStore:
    """SQLite and PostgreSQL (the conftest ``store`` fixture), with the chunks and the task."""
    store.add_chunks([{"text": t} for t in TEXTS])
    store.add_task(TASK)
    return store


def test_a_later_version_is_not_the_default_until_promoted(filled: lw.LabelStore) -> None:
    store, rec = filled, Recorder()
    model = lw.models.Callable(rec, name="rules")
    lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    lw.prelabel(
        store,
        TASK,
        model,
        questions=["has_clause"],
        prompt_version={"has_clause": EXPERIMENT},
        progress=False,
    )
    versions = store.prompt_versions(TASK, "has_clause")
    assert versions["label"].tolist() == ["v1", "v2"]
    assert versions["promoted"].tolist() == [False, False]
    v1, v2 = versions["version_id"].tolist()
    # the newest version (v2) is an experiment: a run without a version uses the default (v1)
    rec.prompts.clear()
    summary = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert summary["prompt_version"].tolist() == ["v1"] and summary["cached"].tolist() == [3]
    assert rec.prompts == []
    assert default_prompt(store, TASK, "has_clause") == (v1, "v1", versions["template"][0])

    assert store.promote_prompt(TASK, "has_clause", "v2", by="rita", note="better") == v2
    summary = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert summary["prompt_version"].tolist() == ["v2"] and summary["cached"].tolist() == [3]
    assert store.prompt_versions(TASK, "has_clause")["promoted"].tolist() == [False, True]
    assert templates_for(store, TASK, None)["has_clause"] == (v2, "v2", EXPERIMENT)

    # a later promotion wins; going back to the task's own template is one too
    store.promote_prompt(TASK, "has_clause", v1, by="sam")
    assert default_prompt(store, TASK, "has_clause").label == "v1"
    store.promote_prompt(TASK, "has_clause", "v2", by="rita")
    store.promote_prompt(TASK, "has_clause", None, by="sam", note="back to the task's prompt")
    assert store.promoted_prompt(TASK, "has_clause") is None
    assert default_prompt(store, TASK, "has_clause").version_id == v1  # v1 is the task's own
    history = store.events(TASK, kind="promote")
    assert history["labeler"].tolist() == ["rita", "sam", "rita", "sam"]
    assert history["subject"].tolist() == [v2, v1, v2, None]
    assert history["comment"].tolist() == ["better", None, None, "back to the task's prompt"]
    assert history["question"].unique().tolist() == ["has_clause"]
    # promotion events are not labels: answers and progress are untouched
    assert store.answers(TASK).empty


def test_promoting_what_is_not_there_is_refused_and_stores_nothing(filled) -> None:
    store = filled
    store.add_prompt_version(TASK, "has_clause", "A {chunk}")
    with pytest.raises(ValueError, match=r"no prompt version 'v7' .*stored: \['v1'\]"):
        store.promote_prompt(TASK, "has_clause", "v7", by="rita")
    with pytest.raises(ValueError, match=r"no prompt version 'v1' .*'governing_law'.*none"):
        store.promote_prompt(TASK, "governing_law", "v1", by="rita")  # v1 is has_clause's
    with pytest.raises(KeyError, match="no question 'nope'"):
        store.promote_prompt(TASK, "nope", "v1", by="rita")
    with pytest.raises(ValueError, match="by"):
        store.promote_prompt(TASK, "has_clause", "v1", by=" ")
    with pytest.raises(UnknownTaskError):
        store.promote_prompt("other", "has_clause", "v1", by="rita")
    assert store.events(kind="promote").empty
    assert not store.prompt_versions()["promoted"].any()


def test_the_built_in_default_before_anything_is_stored(filled) -> None:
    store = filled
    built_in = default_prompt(store, TASK, "has_clause")
    assert built_in.label == "default"
    assert built_in.template == default_template(TASK.question("has_clause"))
    assert templates_for(store, TASK, None)["has_clause"] == built_in
    assert store.prompt_versions().empty  # reading the default stores nothing
    store.add_prompt_version(TASK, "has_clause", EXPERIMENT)  # v1 is the experiment...
    assert default_prompt(store, TASK, "has_clause") == built_in  # ...and not the default
    model = lw.models.Callable(Recorder(), name="rules")
    summary = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert summary["prompt_version"].tolist() == ["v2"]  # the task's template, stored as v2
    stored = store.prompt_versions(TASK, "has_clause").set_index("label")
    assert stored.loc["v2", "template"] == built_in.template
    assert stored.loc["v2", "note"] == "default template"
    assert default_prompt(store, TASK, "has_clause") == (built_in.version_id, "v2", built_in[2])


def test_a_gate_asked_for_its_dependent_uses_the_gate_default(filled) -> None:
    store, rec = filled, Recorder()
    model = lw.models.Callable(rec, name="rules")
    gate_v1 = store.add_prompt_version(TASK, "has_clause", "GATE ONE {answer_format}\n{chunk}")
    store.add_prompt_version(TASK, "has_clause", "GATE TWO {answer_format}\n{chunk}")
    store.promote_prompt(TASK, "has_clause", gate_v1, by="rita")
    lw.prelabel(store, TASK, model, questions=["governing_law"], progress=False)
    gate_prompts = [p for p in rec.prompts if p.startswith("GATE")]
    assert len(gate_prompts) == 3 and all(p.startswith("GATE ONE") for p in gate_prompts)
    answers = store.suggestions(TASK, question="governing_law")["answer"].tolist()
    assert sorted(answers) == ["England and Wales", "the laws of Texas"]


def test_export_names_the_version_it_was_asked_for(filled) -> None:
    store = filled
    v1 = store.add_prompt_version(TASK, "has_clause", "A {chunk}")
    chosen = templates_for(store, TASK, {"has_clause": "v1"})
    assert chosen["has_clause"] == (v1, "v1", "A {chunk}")
    assert chosen["governing_law"].label == "default"
    with pytest.raises(ValueError, match="no prompt version 'v3' for question 'has_clause'"):
        templates_for(store, TASK, "v3")
    with pytest.raises(ValueError, match=r"no question\(s\) \['nope'\]"):
        templates_for(store, TASK, {"nope": "v1"})


def test_widgets_show_the_default_prompts_answer_not_a_newer_experiments(
    filled: lw.LabelStore,
) -> None:
    """An unpromoted experiment run after the default must not replace the model answer a
    labeler is prefilled with (or a reviewer compares with) — until it is promoted."""
    store = filled
    default_model = lw.models.Callable(lambda p: "no", name="rules")
    experiment_model = lw.models.Callable(lambda p: "yes", name="rules")
    lw.prelabel(store, TASK, default_model, questions=["has_clause"], progress=False)
    lw.prelabel(
        store,
        TASK,
        experiment_model,
        questions=["has_clause"],
        prompt_version={"has_clause": EXPERIMENT},
        progress=False,
    )
    first = store.chunk_order()[0]

    def prefilled() -> object:
        widget = lw.Labeler(store, TASK, "ann", show_suggestions="prefill", chunks=[first])
        try:
            return widget.item["answers"]["has_clause"]
        finally:
            widget.close()

    def reviewed() -> object:
        item = lw.quality.review.review_item(store, TASK, first, "has_clause")
        return next(e["answer"] for e in item["answers"] if e["kind"] == "model")

    assert store.latest_suggestions(TASK, first)["has_clause"]["answer"] == "yes"  # newest
    assert prefilled() == "no" and reviewed() == "no"
    store.promote_prompt(TASK, "has_clause", "v2")
    assert prefilled() == "yes" and reviewed() == "yes"
