"""Export formats: golden files, loadable by `datasets`, OpenAI's chat format rules, grouped splits."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.store import LabelStore

GOLDEN = Path(__file__).parent / "golden"
UPDATE = (
    os.environ.get("LABELWIDGETS_UPDATE_GOLDEN") == "1"
)  # regenerate deliberately, never silently
TASK = lw.Task(
    "facts",
    [
        lw.Question("governing_law", prompt="Which law governs this agreement?"),
        lw.Question(
            "kind", kind="choice", choices=["supply", "license"], prompt="What kind of agreement?"
        ),
    ],
)
CHUNKS = [
    ("a", "This Supply Agreement is governed by the laws of Texas. Questions: legal@acme.com"),
    ("a", "Payment is due within thirty days."),
    ("b", "This License is governed by the laws of Ontario."),
    ("c", "Notices go to +1 415 555 0100."),
]


def small_store(path: Path) -> LabelStore:
    store = LabelStore(path)
    store.add_chunks([{"doc_id": d, "text": t} for d, t in CHUNKS])
    store.add_task(TASK)
    ids = store.chunk_order()
    gold = [
        (0, "governing_law", "the laws of Texas"),
        (0, "kind", "supply"),
        (1, "governing_law", lw.UNKNOWN),
        (2, "governing_law", "the laws of Ontario"),
        (2, "kind", "license"),
        (3, "governing_law", lw.UNKNOWN),
    ]
    store.add_gold(TASK, [{"chunk_id": ids[i], "question": q, "answer": a} for i, q, a in gold])
    store.add_suggestions(
        [
            {
                "task": "facts",
                "chunk_id": ids[0],
                "question": "governing_law",
                "answer": "Texas",
                "model": "m",
            },
            {
                "task": "facts",
                "chunk_id": ids[1],
                "question": "governing_law",
                "answer": "the laws of Texas",
                "model": "m",
            },
        ]
    )
    return store


@pytest.fixture
def store(tmp_path: Path) -> LabelStore:
    return small_store(tmp_path / "labels.db")


def run(store: LabelStore, fmt: str, out: Path, **kwargs) -> lw.ExportReport:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        return lw.export(store, TASK, fmt, out, **kwargs)


@pytest.mark.parametrize(
    "fmt", ["openai-chat", "trl-sft", "prompt-completion", "dpo", "alpaca", "csv"]
)
def test_golden_files(store: LabelStore, tmp_path: Path, fmt: str) -> None:
    report = run(
        store,
        fmt,
        tmp_path / fmt,
        system_prompt="You extract contract facts.",
        redact=lw.redact.basic(),
    )
    written = report.paths["train"].read_text()
    golden = GOLDEN / f"{fmt}.{'csv' if fmt == 'csv' else 'jsonl'}"
    if UPDATE:
        golden.write_text(written)
    assert written == golden.read_text()


@pytest.mark.parametrize("fmt", ["openai-chat", "trl-sft", "prompt-completion", "dpo", "alpaca"])
def test_jsonl_exports_load_with_datasets(store: LabelStore, tmp_path: Path, fmt: str) -> None:
    import datasets

    report = run(store, fmt, tmp_path / fmt, split=None if fmt == "dpo" else 0.34)
    files = {k: str(v) for k, v in report.paths.items()}
    loaded = datasets.load_dataset("json", data_files=files)
    assert {k: len(v) for k, v in loaded.items()} == report.counts


def check_openai_chat_line(record: dict) -> None:
    """OpenAI's fine-tuning chat format: only "messages"; known roles; non-empty string
    content; only role/content keys; an assistant turn last."""
    assert set(record) == {"messages"}
    messages = record["messages"]
    assert messages and messages[-1]["role"] == "assistant"
    for m in messages:
        assert set(m) == {"role", "content"}
        assert m["role"] in {"system", "user", "assistant"}
        assert isinstance(m["content"], str) and m["content"].strip()
    assert next(m["role"] for m in messages if m["role"] != "system") == "user"


def test_chat_exports_follow_the_openai_format(store: LabelStore, tmp_path: Path) -> None:
    report = run(store, "openai-chat", tmp_path / "chat", system_prompt="Be precise.")
    lines = [json.loads(line) for line in report.paths["train"].read_text().splitlines()]
    assert len(lines) == 6
    for line in lines:
        check_openai_chat_line(line)
    targets = [line["messages"][-1]["content"] for line in lines]
    assert targets.count("The document does not say.") == report.unknown == 2


def test_dpo_pairs_come_from_corrections(store: LabelStore, tmp_path: Path) -> None:
    report = run(store, "dpo", tmp_path / "dpo")
    pairs = [json.loads(line) for line in report.paths["train"].read_text().splitlines()]
    assert [(p["chosen"], p["rejected"]) for p in pairs] == [
        ("the laws of Texas", "Texas"),
        ("The document does not say.", "the laws of Texas"),
    ]
    assert report.dropped.set_index("reason")["rows"].iloc[0] == 4


def test_hf_features_are_what_trl_expects(store: LabelStore, tmp_path: Path) -> None:
    import datasets

    sft = run(store, "hf", tmp_path / "hf", split=0.34).dataset
    message = [{"role": datasets.Value("string"), "content": datasets.Value("string")}]
    version = {"prompt_version": datasets.Value("string")}
    version["prompt_version_id"] = datasets.Value("string")
    assert sft["train"].features == datasets.Features({"messages": message, **version})
    assert set(sft["train"]["prompt_version"]) == {"default"}
    dpo = run(store, "hf-dpo", tmp_path / "hf-dpo").dataset
    assert set(dpo["train"].features) == {"prompt", "chosen", "rejected", *version}
    assert dpo["train"][0]["chosen"][0]["role"] == "assistant"
    assert (
        datasets.load_from_disk(str(tmp_path / "hf" / "dataset"))["train"].num_rows
        == sft["train"].num_rows
    )


def test_parquet_is_the_flat_table(store: LabelStore, tmp_path: Path) -> None:
    report = run(store, "parquet", tmp_path / "pq")
    table = pd.read_parquet(report.paths["train"])
    assert len(table) == 6 and table["is_unknown"].sum() == 2
    assert set(table["source"]) == {"gold:gold"}


def test_redaction_and_the_manifest(store: LabelStore, tmp_path: Path) -> None:
    report = run(store, "openai-chat", tmp_path / "r", redact=lw.redact.basic())
    text = report.paths["train"].read_text()
    assert "legal@acme.com" not in text and "[EMAIL]" in text
    assert "555 0100" not in text and "[PHONE]" in text
    assert report.redactions["EMAIL"] == 2 and report.redactions["PHONE"] == 1
    manifest = json.loads(report.manifest.read_text())
    again = run(store, "openai-chat", tmp_path / "r2", redact=lw.redact.basic())
    assert manifest["rows_sha256"] == json.loads(again.manifest.read_text())["rows_sha256"]
    assert manifest["task_hash"] == TASK.content_hash


def test_refusal_share_is_warned_about(store: LabelStore, tmp_path: Path) -> None:
    with pytest.warns(LabelwidgetsWarning, match="only 0% of the targets are refusals"):
        report = lw.export(store, TASK, "openai-chat", tmp_path / "w", questions=["kind"])
    assert report.unknown == 0 and len(report.warnings) == 1
    balanced = run(store, "openai-chat", tmp_path / "b", questions=["governing_law"])
    assert balanced.unknown == 2 and balanced.warnings == []  # 2 of 4: neither too many nor too few


def test_agreed_and_all(store: LabelStore, tmp_path: Path) -> None:
    ids = store.chunk_order()
    for labeler, law in (
        ("ann", "the laws of Texas"),
        ("bob", "The laws of Texas."),
        ("cy", "Texas"),
    ):
        store.record_answer(TASK, ids[0], "governing_law", law, labeler=labeler)
    store.record_answer(TASK, ids[2], "governing_law", "the laws of Ontario", labeler="ann")
    everything = run(store, "csv", tmp_path / "all", answers="all")
    # cy's bare "Texas" is not the same answer as the others' under the default rule: the item
    # conflicts and is left out, counted; only ann's Ontario is exported
    assert everything.rows == 1
    dropped = dict(zip(everything.dropped["reason"], everything.dropped["rows"], strict=True))
    assert dropped["labelers' answers conflict"] == 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = lw.export(
            store, TASK, "csv", tmp_path / "kept", answers="all", keep_conflicting=True
        )
    assert any("kept 3 target" in str(w.message) for w in caught)
    # kept: ann's and bob's answers are one answer to one prompt, exported once
    assert (
        kept.rows == 3
        and dict(zip(kept.dropped["reason"], kept.dropped["rows"], strict=True))[
            "duplicate (prompt, answer)"
        ]
        == 1
    )
    assert any("keep_conflicting=True" in w for w in kept.warnings)
    with pytest.raises(ValueError, match="nothing to export"):  # cy wrote only "Texas"
        run(store, "csv", tmp_path / "agreed", answers="agreed")
    lenient = run(store, "csv", tmp_path / "lenient", answers="agreed", min_agreement=0.6)
    assert lenient.rows == 1
    assert "only one labeler answered" in set(lenient.dropped["reason"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"format": "excel"}, "unknown export format 'excel'"),
        ({"answers": "some"}, "answers must be one of"),
        ({"split": (0.5, 0.6)}, "add up to 1"),
        ({"answers": "agreed"}, "nothing to export"),
    ],
)
def test_bad_requests_are_named_and_write_nothing(
    store: LabelStore, tmp_path: Path, kwargs, message
) -> None:
    args = {"format": "openai-chat", **kwargs}
    with pytest.raises(ValueError, match=message):
        lw.export(store, TASK, args.pop("format"), tmp_path / "out", **args)
    assert list((tmp_path / "out").glob("*.jsonl")) == []


def test_an_unwritable_path_is_named(store: LabelStore, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="cannot write the export to"):
        lw.export(store, TASK, "openai-chat", blocker / "out")


def test_a_task_without_answers_is_an_error(tmp_path: Path) -> None:
    store = LabelStore(tmp_path / "empty.db")
    store.add_chunks([{"text": "x y z"}])
    store.add_task(TASK)
    with pytest.raises(ValueError, match="no reviewed or gold answers"):
        lw.export(store, TASK, "openai-chat", tmp_path / "o")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.booleans()), min_size=2, max_size=30),
    st.sampled_from([0.2, 0.5, (0.6, 0.2, 0.2)]),
    st.integers(0, 3),
)
def test_no_document_is_in_two_splits(tmp_path_factory, items, split, seed) -> None:
    path = tmp_path_factory.mktemp("split")
    store = LabelStore(path / "s.db")
    store.add_chunks(
        [{"doc_id": f"doc{d}", "text": f"chunk {i} of doc {d}"} for i, (d, _) in enumerate(items)]
    )
    store.add_task(TASK)
    ids = store.chunk_order()
    store.add_gold(
        TASK,
        [
            {
                "chunk_id": c,
                "question": "governing_law",
                "answer": lw.UNKNOWN if unknown else f"law {i}",
            }
            for i, (c, (_, unknown)) in enumerate(zip(ids, items, strict=True))
        ],
    )
    report = run(store, "csv", path / "out", split=split, seed=seed)
    docs = {name: set(pd.read_csv(p)["doc_id"]) for name, p in report.paths.items()}
    names = list(docs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not docs[a] & docs[b]
    assert sum(report.counts.values()) == len(items)
    assert report.counts == run(store, "csv", path / "again", split=split, seed=seed).counts


def test_presidio_redactor_names_its_extra() -> None:
    try:
        import presidio_analyzer  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="'presidio' extra"):
            lw.redact.presidio()
    else:  # installed: it redacts an email address
        assert "jane@example.com" not in lw.redact.presidio()("Write to jane@example.com")


def test_chained_questions_are_exported_with_the_gate_answer(tmp_path: Path) -> None:
    task = lw.Task(
        "chain",
        [
            lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
            lw.Question(
                "law",
                prompt="Given the clause exists ({previous}), which law governs?",
                when=("has_clause", "yes"),
            ),
        ],
    )
    store = LabelStore(tmp_path / "c.db")
    store.add_chunks([{"text": "Governed by the laws of Texas."}])
    (chunk,) = store.chunk_order()
    store.add_task(task)
    store.add_gold(
        task,
        [
            {"chunk_id": chunk, "question": "has_clause", "answer": "yes"},
            {"chunk_id": chunk, "question": "law", "answer": "the laws of Texas"},
        ],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        report = lw.export(store, task, "prompt-completion", tmp_path / "out", unknown_text="NONE")
    rows = {
        json.loads(line)["completion"]: json.loads(line)["prompt"]
        for line in report.paths["train"].read_text().splitlines()
    }
    assert "Given the clause exists (yes), which law governs?" in rows["the laws of Texas"]
    assert "reply exactly: NONE" in rows["the laws of Texas"]


def test_equivalent_answers_agree_and_export_once_under_the_match_rule(tmp_path: Path) -> None:
    task = lw.Task("law", [lw.Question("law", match="entity", prompt="Which law governs?")])
    store = LabelStore(tmp_path / "m.db")
    store.add_chunks([{"doc_id": d, "text": t} for d, t in CHUNKS])
    store.add_task(task)
    ids = store.chunk_order()
    for labeler, law in (("ann", "the laws of Texas"), ("bob", "Texas law"), ("cy", "Texas")):
        store.record_answer(task, ids[0], "law", law, labeler=labeler)
    store.record_answer(task, ids[2], "law", "the laws of Ontario", labeler="ann")
    store.record_answer(task, ids[2], "law", "the laws of Quebec", labeler="bob")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        everything = lw.export(store, task, "csv", tmp_path / "all", answers="all")
        agreed = lw.export(store, task, "csv", tmp_path / "agreed", answers="agreed")
    rows = pd.read_csv(everything.paths["train"])
    assert rows["completion"].tolist() == ["the laws of Texas"]  # one row: the same answer
    dropped = dict(zip(everything.dropped["reason"], everything.dropped["rows"], strict=True))
    assert dropped == {"labelers' answers conflict": 2, "duplicate (prompt, answer)": 2}
    assert agreed.rows == 1  # all three agree on Texas; Ontario vs Quebec does not


def test_targets_failing_validators_are_left_out_unless_kept(tmp_path: Path) -> None:
    city = lw.Question("city", prompt="Which city?", validators=[lw.validators.entity("city")])
    task = lw.Task("cities", [city])
    store = LabelStore(tmp_path / "v.db")
    store.add_chunks([{"doc_id": d, "text": t} for d, t in CHUNKS])
    store.add_task(task)
    ids = store.chunk_order()
    store.add_gold(
        task,
        [
            {"chunk_id": ids[0], "question": "city", "answer": "Austin"},
            {"chunk_id": ids[2], "question": "city", "answer": "Canada"},  # a country
            {"chunk_id": ids[3], "question": "city", "answer": lw.UNKNOWN},
        ],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelwidgetsWarning)
        clean = lw.export(store, task, "csv", tmp_path / "clean")
    assert clean.rows == 2
    assert clean.dropped.values.tolist() == [["fails the question's validators", 1]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept = lw.export(store, task, "csv", tmp_path / "kept", keep_failing=True)
    assert any("kept 1 target" in str(w.message) for w in caught)
    assert kept.rows == 3 and "Canada" in pd.read_csv(kept.paths["train"])["completion"].tolist()
