"""Streaming export (issue 17): the streamed files equal the whole-list export byte for byte, a
document never lands in two splits whatever the pages, and every record names its prompt
version (issue 15)."""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting import pipeline
from labelwidgets.exporting.digests import DigestSet, key_text
from labelwidgets.exporting.splitting import GroupSplitter
from labelwidgets.store import LabelStore

TASK = lw.Task(
    "stream",
    [
        lw.Question("governing_law", prompt="Which law governs this agreement?"),
        lw.Question("kind", kind="choice", choices=["supply", "license", "other"]),
    ],
)
BOILERPLATE = "Notices go to legal@example.com. This clause repeats in every contract."
DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(lw.export).parameters.items()
    if p.default is not inspect.Parameter.empty
}


def both_ways(
    store: LabelStore, task: lw.Task, fmt: str, out: Path, page_rows: int, **kwargs
) -> tuple[lw.ExportReport, lw.ExportReport]:
    """The same export streamed (pages of about ``page_rows`` rows) and with every row in
    memory."""
    options = {**DEFAULTS, "progress": False, **kwargs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        streamed = pipeline._run(
            store, task, fmt, out / "streamed", options, whole=False, page_rows=page_rows
        )
        whole = pipeline._run(store, task, fmt, out / "whole", options, whole=True)
    return streamed, whole


def assert_same_files(streamed: lw.ExportReport, whole: lw.ExportReport) -> None:
    assert streamed.counts == whole.counts and list(streamed.paths) == list(whole.paths)
    for name, path in streamed.paths.items():
        if path.suffix == ".parquet":  # row groups differ; the table must not
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(whole.paths[name]))
        else:
            assert path.read_bytes() == whole.paths[name].read_bytes(), name
    assert streamed.manifest.read_text() == whole.manifest.read_text()
    assert streamed.dropped.equals(whole.dropped)
    assert (streamed.unknown, streamed.redactions) == (whole.unknown, whole.redactions)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> LabelStore:
    """100,000 chunks in 2,500 documents, gold for two questions: 200,000 answers. Each
    document has the same boilerplate chunk (one prompt, many rows: duplicates across pages),
    answered in two wordings of one answer or another answer."""
    store = LabelStore(tmp_path_factory.mktemp("big") / "big.db")
    n = 100_000
    texts = [
        BOILERPLATE if i % 40 == 7 else f"Clause {i}. Governed by the laws of State {i % 50}."
        for i in range(n)
    ]
    store.add_chunks([{"doc_id": f"doc-{i // 40:04d}", "text": t} for i, t in enumerate(texts)])
    store.add_task(TASK)
    ids = store.chunk_order()

    def law(i: int) -> object:
        if i % 40 == 7:
            return ["The laws of Delaware.", "the laws of Delaware", "Delaware"][i // 40 % 3]
        return lw.UNKNOWN if i % 5 == 0 else f"the laws of State {i % 50}"

    gold = [
        {"chunk_id": c, "question": "governing_law", "answer": law(i)} for i, c in enumerate(ids)
    ]
    gold += [
        {"chunk_id": c, "question": "kind", "answer": ["supply", "license", "other"][i % 3]}
        for i, c in enumerate(ids)
    ]
    store.add_gold(TASK, gold)
    return store


def test_a_streamed_export_of_200k_answers_equals_the_whole_list_export(
    big_store: LabelStore, tmp_path: Path
) -> None:
    streamed, whole = both_ways(
        big_store, TASK, "openai-chat", tmp_path, 20_000, split=(0.8, 0.1, 0.1), seed=7
    )
    assert_same_files(streamed, whole)
    assert sum(streamed.counts.values()) > 150_000 and set(streamed.counts) == {
        "train",
        "validation",
        "test",
    }
    # the boilerplate's duplicates (the same prompt and answer in other documents) went,
    # the two wordings of Delaware are one answer, "Delaware" alone another
    duplicates = dict(zip(streamed.dropped["reason"], streamed.dropped["rows"], strict=True))
    boilerplate = 2_500
    assert duplicates["duplicate (prompt, answer)"] == 2 * boilerplate - 2 - 3
    manifest = json.loads(streamed.manifest.read_text())
    assert manifest["prompt_versions"]["kind"]["records"] == 3 + 100_000 - boilerplate


def labeled_store(path: Path | LabelStore) -> tuple[LabelStore, lw.Task]:
    """60 chunks in 12 documents, three labelers who agree, differ in wording or conflict, and
    a chained question asked with its gate's answer (in a new store at ``path``, or in the
    store given)."""
    task = lw.Task(
        "team",
        [
            lw.Question("has_law", kind="choice", choices=["yes", "no"]),
            lw.Question(
                "law",
                prompt="Given a governing-law clause ({previous}), which law governs?",
                when=("has_law", "yes"),
                match="entity",
            ),
            lw.Question("note", prompt="Anything else?", match="token_f1>=0.5"),
        ],
    )
    store = path if isinstance(path, LabelStore) else LabelStore(path)
    store.add_chunks(
        [
            {"doc_id": f"d{i % 12}", "text": BOILERPLATE if i % 9 == 0 else f"Clause {i} of Texas."}
            for i in range(60)
        ]
    )
    store.add_task(task)
    wordings = {"ann": "the laws of Texas", "bob": "Texas law", "cy": "Texas"}
    with store.transaction():
        for i, chunk in enumerate(store.chunk_order()):
            for who, law in wordings.items():
                answers = {"has_law": "yes", "law": law if i % 4 else "the laws of Ohio"}
                if who == "cy" and i % 6 == 0:
                    answers = {"has_law": "no"}
                answers["note"] = lw.UNKNOWN if i % 5 == 0 else f"see clause {i % 3} {who}"
                store.record_answers(task, chunk, answers, labeler=who)
    reference = [
        {"chunk_id": chunk, "question": question, "answer": answer}
        for chunk in store.chunk_order()[::3]
        for question, answer in (("has_law", "yes"), ("law", "the laws of Texas"))
    ]
    store.add_gold(task, reference)
    return store, task


@pytest.mark.parametrize(
    ("answers", "keep_conflicting", "fmt"),
    [
        ("all", False, "openai-chat"),
        ("all", True, "openai-chat"),
        ("agreed", False, "openai-chat"),
        ("all", True, "csv"),
        ("agreed", False, "parquet"),
        ("all", True, "prompt-completion"),
        ("all", True, "alpaca"),
        ("adjudicated", False, "trl-sft"),
    ],
)
def test_labelers_answers_stream_page_by_page_as_whole(
    tmp_path: Path, answers: str, keep_conflicting: bool, fmt: str
) -> None:
    store, task = labeled_store(tmp_path / "team.db")
    streamed, whole = both_ways(
        store,
        task,
        fmt,
        tmp_path,
        7,  # pages of two or three chunks: chains, items and duplicates cross pages
        answers=answers,
        keep_conflicting=keep_conflicting,
        min_agreement=0.6,
        split=0.3,
        redact=lw.redact.basic(),
    )
    assert_same_files(streamed, whole)
    assert streamed.redactions["EMAIL"] > 0


@pytest.mark.parametrize("answers", ["all", "adjudicated"])
def test_dpo_pairs_stream_page_by_page_as_whole(
    store: LabelStore, tmp_path: Path, answers: str
) -> None:
    store, task = labeled_store(store)
    ids = store.chunk_order()
    # two models on some chunks: the newest answer that differs from the label is rejected
    suggestions = [
        {"task": task.name, "chunk_id": ids[i], "question": "law", "answer": answer, "model": m}
        for i in range(0, len(ids), 2)
        for m, answer in (("old", "the laws of Ohio"), ("new", "Texas" if i % 4 else "Utah"))
    ]
    store.add_suggestions(suggestions)
    streamed, whole = both_ways(
        store, task, "dpo", tmp_path, 7, answers=answers, keep_conflicting=True, split=0.3
    )
    assert_same_files(streamed, whole)
    reasons = dict(zip(streamed.dropped["reason"], streamed.dropped["rows"], strict=True))
    assert reasons["no model answer that differs from the label (no DPO pair)"] > 0
    lines = [json.loads(x) for p in streamed.paths.values() for x in p.read_text().splitlines()]
    assert lines and {x["rejected"] for x in lines} <= {"the laws of Ohio", "Utah", "Texas"}
    assert any(x["rejected"] == "Utah" for x in lines)


@pytest.mark.parametrize("fmt", ["hf", "hf-dpo"])
def test_hf_datasets_stream_page_by_page_as_whole(
    store: LabelStore, tmp_path: Path, fmt: str
) -> None:
    import datasets

    store, task = labeled_store(store)
    ids = store.chunk_order()
    store.add_suggestions(
        [
            {"task": task.name, "chunk_id": c, "question": "law", "answer": "Utah", "model": "m"}
            for c in ids[::2]
        ]
    )
    streamed, whole = both_ways(
        store, task, fmt, tmp_path, 7, answers="all", keep_conflicting=True, split=0.3
    )
    assert streamed.counts == whole.counts and len(streamed.counts) == 2
    assert streamed.manifest.read_text() == whole.manifest.read_text()
    assert streamed.dropped.equals(whole.dropped)
    saved = datasets.load_from_disk(str(streamed.paths["train"]))
    for split in streamed.counts:
        records = whole.dataset[split].to_list()
        assert streamed.dataset[split].to_list() == records == saved[split].to_list()
        assert streamed.dataset[split].features == whole.dataset[split].features
        assert len(records) == streamed.counts[split] > 0
    assert not [p for p in streamed.paths["train"].parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("answers", ["all", "agreed", "adjudicated"])
def test_streaming_reads_pages_on_both_backends(
    store: LabelStore, tmp_path: Path, answers: str
) -> None:
    store, task = labeled_store(store)
    streamed, whole = both_ways(
        store, task, "openai-chat", tmp_path, 5, answers=answers, keep_conflicting=True
    )
    assert_same_files(streamed, whole)
    assert streamed.rows > 10


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=40),
    st.sampled_from([0.3, (0.5, 0.25, 0.25), {"a": 0.2, "b": 0.0, "c": 0.8}]),
    st.integers(0, 5),
    st.integers(1, 6),
)
def test_a_document_is_in_one_split_whatever_the_pages(
    tmp_path_factory: pytest.TempPathFactory, docs: list[int], split, seed: int, page_rows: int
) -> None:
    path = tmp_path_factory.mktemp("pages")
    store = LabelStore(path / "s.db")
    store.add_chunks([{"doc_id": f"doc{d}", "text": f"chunk {i}"} for i, d in enumerate(docs)])
    store.add_task(TASK)
    store.add_gold(
        TASK,
        [
            {"chunk_id": c, "question": "governing_law", "answer": f"law {i}"}
            for i, c in enumerate(store.chunk_order())
        ],
    )
    options = {**DEFAULTS, "split": split, "seed": seed, "progress": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        report = pipeline._run(
            store, TASK, "csv", path / "out", options, whole=False, page_rows=page_rows
        )
    seen: dict[str, str] = {}
    for name, file in report.paths.items():
        for doc in pd.read_csv(file)["doc_id"]:
            assert seen.setdefault(doc, name) == name  # never in two splits
    assert sum(report.counts.values()) == len(docs)
    splitter = GroupSplitter(pipeline.fractions_of(split), seed)
    assert seen == {doc: splitter(doc) for doc in seen}  # a document's split is its own


def test_split_shares_follow_the_fractions_over_many_documents() -> None:
    splitter = GroupSplitter({"train": 0.8, "validation": 0.1, "test": 0.1}, seed=3)
    names = [splitter(f"doc-{i}") for i in range(20_000)]
    shares = {name: names.count(name) / len(names) for name in ("train", "validation", "test")}
    assert abs(shares["train"] - 0.8) < 0.02 and abs(shares["test"] - 0.1) < 0.02
    other_seed = GroupSplitter({"train": 0.8, "validation": 0.1, "test": 0.1}, seed=4)
    assert names != [other_seed(f"doc-{i}") for i in range(20_000)]


def test_digests_remember_rows_across_batches() -> None:
    seen = DigestSet()
    first = [bytes([i]) * 16 for i in range(5)]
    assert seen.first_seen(first + first[:2]) == [True] * 5 + [False] * 2
    later = [bytes([9]) * 16, first[3], bytes([0]) * 15 + b"\x01"]
    assert seen.first_seen(later) == [True, False, True]
    assert len(seen) == 7
    # equal answer keys give one text, different keys different texts
    assert key_text(1) == key_text(1.0) == key_text(True) != key_text("1")
    assert key_text(frozenset({"a", "b"})) == key_text(frozenset({"b", "a"}))
    assert key_text(("a", "b")) != key_text(("ab",)) and key_text(float("nan")) is None


def test_every_record_names_its_prompt_version(tmp_path: Path) -> None:
    from tests.exporting.test_export import TASK as FACTS
    from tests.exporting.test_export import small_store

    store = small_store(tmp_path / "labels.db")
    template = "Contract text:\n{chunk}\n\n{question}\nIf it does not say, reply: {not_in_text}"
    version = store.add_prompt_version(FACTS, "governing_law", template, label="lawyer-v2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        csv = lw.export(
            store, FACTS, "csv", tmp_path / "csv", prompt_version={"governing_law": "lawyer-v2"}
        )
        chat = lw.export(
            store,
            FACTS,
            "openai-chat",
            tmp_path / "chat",
            prompt_version={"governing_law": version},
        )
    rows = pd.read_csv(csv.paths["train"])
    by_question = rows.groupby("question")[["prompt_version", "prompt_version_id"]].first()
    assert by_question.loc["governing_law"].tolist() == ["lawyer-v2", version]
    assert by_question.loc["kind", "prompt_version"] == "default"
    assert (
        rows.loc[rows["question"] == "governing_law", "prompt"]
        .str.startswith("Contract text:")
        .all()
    )
    table = json.loads(chat.manifest.read_text())["prompt_versions"]
    assert table["governing_law"] == {"version_id": version, "label": "lawyer-v2", "records": 4}
    assert table["kind"]["label"] == "default" and table["kind"]["records"] == 2
    assert chat.prompt_versions == table
    for line in chat.paths["train"].read_text().splitlines():  # OpenAI's format has no room
        assert set(json.loads(line)) == {"messages"}
