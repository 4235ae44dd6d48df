"""Prelabeling with caching and chains; scoring prompt versions against gold."""

from __future__ import annotations

import math

import pytest

import labelwidgets as lw
from labelwidgets.prompts import NOT_IN_TEXT
from tests.models.openai_server import FakeOpenAI

TASK = lw.Task("law", [
    lw.Question("has_clause", kind="choice", choices=["yes", "no"], prompt="Is there a governing-law clause?"),
    lw.Question("governing_law", when=("has_clause", "yes"), prompt="Which law governs? {previous}"),
])  # fmt: skip
TEXTS = ["This Agreement is governed by the laws of Texas.", "Payment is due in 30 days.",
         "This Agreement is governed by the laws of England and Wales."]  # fmt: skip


@pytest.fixture
def store(sqlite_store):
    sqlite_store.add_chunks([{"text": t} for t in TEXTS])
    sqlite_store.add_task(TASK)
    return sqlite_store


def test_prelabel_caches_and_follows_the_chain(store, fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat(
        "m", base_url=fake_openai.base_url, max_concurrency=2, backoff=0.01
    )
    summary = lw.prelabel(store, TASK, model, progress=False).set_index("question")
    assert summary.loc["has_clause", ["asked", "ok"]].tolist() == [3, 3]
    # the dependent question is asked only where the model said "yes"
    assert summary.loc["governing_law", ["asked", "skipped"]].tolist() == [2, 1]
    suggestions = store.suggestions(TASK).set_index(["question", "chunk_id"])
    ids = store.chunk_order()
    assert suggestions.loc[("governing_law", ids[0]), "answer"] == "the laws of Texas"
    assert suggestions.loc[("governing_law", ids[0]), "chain_step"] == 1
    assert suggestions.loc[("has_clause", ids[1]), "answer"] == "no"
    assert suggestions.loc[("has_clause", ids[0]), "raw"] == "Yes."
    requests = len(fake_openai.requests)
    again = lw.prelabel(store, TASK, model, progress=False)
    assert len(fake_openai.requests) == requests  # everything came from the cache
    assert again["cached"].tolist() == [3, 2] and again["asked"].tolist() == [0, 0]


def test_a_failed_item_is_recorded_then_asked_again(store, fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, max_concurrency=1, retries=0)
    fake_openai.script.extend([500])
    first = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert first["failed"].tolist() == [1] and first["ok"].tolist() == [2]
    failed = store.suggestions(TASK)
    assert failed["parse_error"].str.startswith("request failed: HTTP 500").sum() == 1
    second = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert second["asked"].tolist() == [1] and second["failed"].tolist() == [0]


def test_prompt_versions_are_recorded_and_chosen(store) -> None:
    model = lw.models.Callable(lambda p: "yes" if "governed" in p else "no", name="rules")
    lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    v2 = "Does this text say which law governs it? {answer_format}\n{chunk}"
    lw.prelabel(store, TASK, model, questions=["has_clause"], prompt_version={"has_clause": v2},
                progress=False)  # fmt: skip
    versions = store.prompt_versions(TASK, "has_clause")
    assert versions["label"].tolist() == ["v1", "v2"]
    assert store.suggestions(TASK)["prompt_version"].nunique() == 2
    with pytest.raises(ValueError, match="no prompt version 'v9'"):
        lw.prelabel(store, TASK, model, prompt_version="v9", progress=False)


FLAT = lw.Task("law-flat", [lw.Question("governing_law", prompt="Which law governs?")])


def test_prompt_report_on_a_hand_computed_example(store) -> None:
    store.add_chunks([{"text": "Nothing about law here."}])
    store.add_task(FLAT)
    ids = store.chunk_order()
    gold = {ids[0]: "the laws of Texas", ids[1]: lw.UNKNOWN, ids[2]: "the laws of England and Wales",
            ids[3]: lw.UNKNOWN}  # fmt: skip
    store.add_gold(
        FLAT, [{"chunk_id": c, "question": "governing_law", "answer": a} for c, a in gold.items()]
    )
    # v1: right (other case), hallucinates, says unknown wrongly, right unknown
    v1 = {
        ids[0]: "The laws of Texas",
        ids[1]: "the laws of Ohio",
        ids[2]: NOT_IN_TEXT,
        ids[3]: NOT_IN_TEXT,
    }
    # v2: right, right unknown, partly right, right unknown
    v2 = {
        ids[0]: "the laws of Texas",
        ids[1]: NOT_IN_TEXT,
        ids[2]: "the laws of England",
        ids[3]: NOT_IN_TEXT,
    }
    texts = {c: store.chunk(c)["text"] for c in ids}
    for label, replies in (("v1", v1), ("v2", v2)):
        model = lw.models.Callable(lambda p, r=replies: next(a for c, a in r.items() if texts[c] in p),
                                   name="m")  # fmt: skip
        lw.prelabel(store, FLAT, model, progress=False,
                    prompt_version={"governing_law": f"[{label}] {{question}}\n{{chunk}}"})  # fmt: skip
    report = lw.prompt_report(store, FLAT, "governing_law")
    df = report.df.set_index("prompt_version")
    assert df.loc["v1", "n"] == 4 and df.loc["v2", "n"] == 4
    # exact: v1 gets UNKNOWN right on ids[3] only ("The laws" differs in case); v2: ids[0], [1], [3]
    assert df.loc["v1", "exact"] == 1 / 4 and df.loc["v2", "exact"] == 3 / 4
    assert df.loc["v1", "normalized"] == 2 / 4 and df.loc["v2", "normalized"] == 3 / 4
    # v1 said "not in the text" twice (ids[2], ids[3]); gold agrees once; gold has 2 unknowns
    assert df.loc["v1", "unknown_precision"] == 1 / 2 and df.loc["v1", "unknown_recall"] == 1 / 2
    assert df.loc["v1", "hallucinated"] == 1 / 2
    assert df.loc["v2", "unknown_precision"] == 1.0 and df.loc["v2", "hallucinated"] == 0.0
    partial = (
        2 * 1 * (3 / 5) / (1 + 3 / 5)
    )  # "laws of england" (3 tokens) in "laws of england and wales" (5)
    assert math.isclose(df.loc["v2", "token_f1"], (1 + 1 + partial + 1) / 4)
    versus = report.compare("v1", "v2").set_index("chunk_id")
    assert versus["outcome"].to_dict() == {
        ids[0]: "tie",
        ids[1]: "win",
        ids[2]: "tie",
        ids[3]: "tie",
    }
