"""Prelabeling with caching and chains; scoring prompt versions against gold."""

from __future__ import annotations

import math
import re

import pytest

import labelwidgets as lw
from labelwidgets.models.prompts import NOT_IN_TEXT
from tests.cuad import governing_law_contracts, ingest_contracts, squash, written
from tests.models.openai_server import FakeOpenAI

TASK = lw.Task(
    "law",
    [
        lw.Question(
            "has_clause",
            kind="choice",
            choices=["yes", "no"],
            prompt="Is there a governing-law clause?",
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


def _filled(store):
    store.add_chunks([{"text": t} for t in TEXTS])
    store.add_task(TASK)
    return store


@pytest.fixture
def store(sqlite_store):
    """A SQLite file store with three chunks and the task."""
    return _filled(sqlite_store)


@pytest.fixture(params=["sqlite_store", "pg_store"])
def both_stores(request):
    """The same on SQLite and PostgreSQL (for the cache and chain test only: keeps the suite lean)."""
    return _filled(request.getfixturevalue(request.param))


def test_prelabel_caches_and_follows_the_chain(both_stores, fake_openai: FakeOpenAI) -> None:
    store = both_stores
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
    lw.prelabel(
        store,
        TASK,
        model,
        questions=["has_clause"],
        prompt_version={"has_clause": v2},
        progress=False,
    )
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
    gold = {
        ids[0]: "the laws of Texas",
        ids[1]: lw.UNKNOWN,
        ids[2]: "the laws of England and Wales",
        ids[3]: lw.UNKNOWN,
    }
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
        model = lw.models.Callable(
            lambda p, r=replies: next(a for c, a in r.items() if texts[c] in p), name="m"
        )
        lw.prelabel(
            store,
            FLAT,
            model,
            progress=False,
            prompt_version={"governing_law": f"[{label}] {{question}}\n{{chunk}}"},
        )
    report = lw.prompt_report(store, FLAT, "governing_law")
    df = report.df.set_index("prompt_version")
    assert df.loc["v1", "n"] == 4 and df.loc["v2", "n"] == 4
    # Gold answers on ids[0] and ids[2]. v1 answers only ids[0] of those, v2 both: coverage.
    assert df.loc["v1", "coverage"] == 1 / 2 and df.loc["v2", "coverage"] == 1.0
    # Answer scores are over items where gold and model both answered: v1 {ids[0]}, v2 {ids[0], ids[2]}.
    # exact: "The laws" differs in case for v1; v2 is right on ids[0] only.
    assert df.loc["v1", "exact"] == 0.0 and df.loc["v2", "exact"] == 1 / 2
    assert df.loc["v1", "normalized"] == 1.0 and df.loc["v2", "normalized"] == 1 / 2
    # v1 said "not in the text" twice (ids[2], ids[3]); gold agrees once; gold has 2 unknowns
    assert df.loc["v1", "unknown_precision"] == 1 / 2 and df.loc["v1", "unknown_recall"] == 1 / 2
    assert df.loc["v1", "hallucinated"] == 1 / 2
    assert df.loc["v2", "unknown_precision"] == 1.0 and df.loc["v2", "hallucinated"] == 0.0
    # "laws of england" (3 tokens) in "laws of england and wales" (5)
    partial = 2 * 1 * (3 / 5) / (1 + 3 / 5)
    assert math.isclose(df.loc["v1", "token_f1"], 1.0)
    assert math.isclose(df.loc["v2", "token_f1"], (1 + partial) / 2)
    # overall = 1/2 (answerable items answered right, of 2) + 1/2 (UNKNOWN recall)
    assert df.loc["v1", "overall"] == 0.5 * (1 / 2) + 0.5 * (1 / 2)
    assert df.loc["v2", "overall"] == 0.5 * (1 / 2) + 0.5 * 1.0
    versus = report.compare("v1", "v2").set_index("chunk_id")
    assert versus["outcome"].to_dict() == {
        ids[0]: "tie",
        ids[1]: "win",
        ids[2]: "tie",
        ids[3]: "tie",
    }


def test_a_dependent_question_brings_its_gate(store, fake_openai: FakeOpenAI) -> None:
    model = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, backoff=0.01)
    summary = lw.prelabel(store, TASK, model, questions="governing_law", progress=False)
    assert summary["question"].tolist() == ["has_clause", "governing_law"]
    assert summary["asked"].tolist() == [3, 2]
    # the dependent prompt is rendered with the gate's answer as {previous}
    asked = [r["messages"][-1]["content"] for r in fake_openai.requests]
    assert sum(p.startswith("Read the text") and "Which law governs? yes" in p for p in asked) == 2
    steps = store.suggestions(TASK).groupby("question")["chain_step"].unique()
    assert steps["has_clause"].tolist() == [0] and steps["governing_law"].tolist() == [1]


def test_failures_garbage_and_stalls_never_stop_the_run(store, fake_openai: FakeOpenAI) -> None:
    store.add_chunks([{"text": "SCRAMBLED governed by nothing"}])
    model = lw.models.OpenAIChat(
        "m", base_url=fake_openai.base_url, max_concurrency=1, timeout=0.5, retries=1, backoff=0.01
    )
    fake_openai.stall_s = 2
    # chunk 1: a 500 then fine (retried); chunk 2: stalls twice (fails); 3: garbage twice (fails)
    fake_openai.script.extend([500, "ok", "stall", "stall", "garbage", "garbage"])
    summary = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert summary.loc[0, ["asked", "ok", "failed", "parse_errors"]].tolist() == [4, 1, 2, 1]
    rows = store.suggestions(TASK).set_index("chunk_id")
    ids = store.chunk_order()
    assert rows.loc[ids[0], "answer"] == "yes"
    assert "timed out after 0.5 s (after 2 attempts)" in rows.loc[ids[1], "parse_error"]
    assert "malformed response" in rows.loc[ids[2], "parse_error"]
    assert rows.loc[ids[3], "raw"] == "lorem ipsum dolor"  # kept, with the reason
    assert "not one of the choices" in rows.loc[ids[3], "parse_error"]
    again = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    # the two failed requests are asked again; the unparseable reply is a cached answer
    assert again.loc[0, ["asked", "cached", "ok", "failed"]].tolist() == [2, 2, 2, 0]


def test_prelabel_honours_the_concurrency_limit(store, fake_openai: FakeOpenAI) -> None:
    store.add_chunks(
        [{"text": f"Clause {i}: governed by the laws of State {i}."} for i in range(20)]
    )
    fake_openai.hold_s = 0.05
    model = lw.models.OpenAIChat("m", base_url=fake_openai.base_url, max_concurrency=2)
    lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
    assert fake_openai.max_in_flight == 2 and len(fake_openai.requests) == 23


def test_a_model_that_raises_is_recorded(store) -> None:
    def broken(prompt: str) -> str:
        raise ConnectionError("GPU node went away")

    batched = lw.models.Callable(lambda ps: ["yes"] * (len(ps) - 1), name="short", batched=True)
    for model, error in (
        (lw.models.Callable(broken, name="broken"), "GPU node went away"),
        (batched, "returned 2 replies for 3 prompts"),
    ):
        summary = lw.prelabel(store, TASK, model, questions=["has_clause"], progress=False)
        assert summary.loc[0, ["asked", "failed"]].tolist() == [3, 3]
        stored = store.suggestions(TASK, model=model.name)
        assert stored["parse_error"].str.contains(error).all()


def test_the_default_prompt_is_recorded_as_a_version(store) -> None:
    model = lw.models.Callable(lambda p: "no", name="rules")
    lw.prelabel(store, TASK, model, progress=False)
    versions = store.prompt_versions(TASK).set_index("question")
    assert versions["label"].to_dict() == {"has_clause": "v1", "governing_law": "v1"}
    assert versions["note"].tolist() == ["default template"] * 2
    assert "{not_in_text}" in versions.loc["has_clause", "template"]
    # the model said "no" everywhere: the dependent question was never asked
    assert store.suggestions(TASK)["prompt_version"].unique().tolist() == [
        versions.loc["has_clause", "version_id"]
    ]


def test_bad_arguments_are_named_and_store_nothing(store) -> None:
    model = lw.models.Callable(lambda p: "no", name="rules")
    with pytest.raises(ValueError, match=r"no question\(s\) \['nope'\]"):
        lw.prelabel(store, TASK, model, questions=["nope"], progress=False)
    with pytest.raises(ValueError, match="unknown chunk id"):
        lw.prelabel(store, TASK, model, chunks=["not-a-chunk"], progress=False)
    with pytest.raises(TypeError, match="answer\\(prompts\\)"):
        lw.prelabel(store, TASK, lambda p: "no", progress=False)
    with pytest.raises(ValueError, match="unknown field"):
        lw.prelabel(
            store, TASK, model, prompt_version={"has_clause": "{chunk} {oops}"}, progress=False
        )
    assert len(store.suggestions()) == 0 and len(store.prompt_versions()) == 0


# -- evidence: where the model's answer is written ----------------------------------------------
GROUNDED = lw.Task(
    "grounded",
    [
        lw.Question("governing_law", prompt="Which law governs?"),
        lw.Question("court", prompt="Which courts?", evidence=False),
        lw.Question("fee", kind="number", prompt="What is the fee?"),
    ],
)
LAW_TEXTS = [
    "Recitals.\n\nThis Agreement is governed by the laws of the State of Texas. The fee is $1,500.",
    "Governed by English law; the courts of London decide.",
    "Payment is due in 30 days.",
]


def _replies(prompt: str) -> str:
    if "State of Texas" in prompt and "Which law" in prompt:
        return 'the laws of Texas\nQuote: "governed by the laws of the State of Texas"'
    if "English" in prompt and "Which law" in prompt:  # a quote the text does not hold
        return 'Delaware\nQuote: "the laws of the State of Delaware"'
    if "English" in prompt and "Which courts" in prompt:
        return "the courts of London"
    if "$1,500" in prompt and "What is the fee?" in prompt:
        return "1500"
    return NOT_IN_TEXT


def test_prelabel_stores_where_the_answer_is_written(sqlite_store) -> None:
    store = sqlite_store
    lw.ingest(LAW_TEXTS, store, progress=False)
    store.add_task(GROUNDED)
    lw.prelabel(store, GROUNDED, lw.models.Callable(_replies, name="m"), progress=False)
    rows = store.suggestions(GROUNDED).merge(store.chunks()[["chunk_id", "doc_id"]], on="chunk_id")
    rows["answer"] = lw.answer_values(rows)
    docs = {d: store.document_text(d) for d in rows["doc_id"].unique()}
    found = {}
    for r in rows.itertuples():
        doc = docs[r.doc_id]
        shown = [doc[s:e] for s, e in r.evidence] if r.evidence else None
        found[(LAW_TEXTS.index(doc), r.question)] = (r.answer, shown, r.meta.get("in_text"))
    assert found[(0, "governing_law")] == (
        "the laws of Texas",
        ["governed by the laws of the State of Texas"],  # the model's quote, in the document
        True,
    )
    # answered with a state the text does not name: no evidence, marked not in the text
    assert found[(1, "governing_law")] == ("Delaware", None, False)
    # a question without evidence: only whether the answer is in the text
    assert found[(1, "court")] == ("the courts of London", None, True)
    assert found[(0, "fee")] == (1500, None, True)  # by value; numbers take no evidence
    # "not in the text" and unanswered chunks carry neither
    assert found[(2, "governing_law")] == (lw.UNKNOWN, None, None)
    quoted = [m.get("quote") for m in rows[rows["question"] == "governing_law"]["meta"]]
    assert sorted(q for q in quoted if q) == [
        "governed by the laws of the State of Texas",
        "the laws of the State of Delaware",
    ]
    support = lw.quality.support(store, GROUNDED).summary.set_index("who")
    assert support.loc["m", ["judged", "unsupported"]].tolist() == [4, 1]


def test_prelabel_evidence_on_cuad_clause_chunks(sqlite_store, corpus_dir) -> None:
    """A model that reads 'laws of the State of X' off the clause (and one that always says
    Delaware): evidence points at X in the document; Delaware is found only where written."""
    store = sqlite_store
    contracts = ingest_contracts(store, governing_law_contracts(corpus_dir))
    task = lw.Task("cuad", [lw.Question("governing_law", prompt="Which law governs?")])
    store.add_task(task)
    pattern = re.compile(
        r"laws of the (?:State|Commonwealth) of\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    )

    def reader(prompt: str) -> str:
        match = pattern.search(prompt)
        return match.group(1) if match else NOT_IN_TEXT

    chunks = [c.chunk_id for c in contracts]
    for model in (
        lw.models.Callable(reader, name="reader"),
        lw.models.Callable(lambda p: "Delaware", name="delaware"),
    ):
        lw.prelabel(store, task, model, chunks=chunks, progress=False)
    rows = store.suggestions(task).set_index(["model", "chunk_id"])
    named = 0
    for c in contracts:
        doc = store.document_text(store.chunk(c.chunk_id)["doc_id"])
        match = pattern.search(c.chunk_text)
        read = rows.loc[("reader", c.chunk_id)]
        if match:
            named += 1
            assert [doc[s:e] for s, e in read["evidence"]] == [match.group(1)]
            assert read["meta"]["in_text"] is True
        else:
            assert read["is_unknown"] and read["answer"] is None and read["evidence"] is None
        constant = rows.loc[("delaware", c.chunk_id)]
        assert constant["meta"]["in_text"] is written("Delaware", c.chunk_text)
        if constant["evidence"]:
            assert all(squash(doc[s:e]) == "delaware" for s, e in constant["evidence"])
    assert named >= 15  # most US clauses say "the laws of the State of X"
