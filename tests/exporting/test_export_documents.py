"""Document-level export: one record per document, every question in one JSON object, the
evidence chunks as context within max_chars; OpenAI's chat format; conflicts left out."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.store import LabelStore
from tests.exporting.test_export import check_openai_chat_line

TASK = lw.Task(
    "doc-facts",
    [
        lw.Question("governing_law", prompt="What law governs this agreement?", match="entity"),
        lw.Question(
            "kind",
            kind="choice",
            choices=["supply", "license", "other"],
            prompt="What kind of agreement is this?",
        ),
    ],
)
DOCS = {
    "agreed.txt": [
        "SUPPLY AGREEMENT between Northwind Traders and Contoso. Contact: legal@northwind.example",
        "Payment is due within thirty days of the invoice.",
        "Governing Law. This Agreement is governed by the laws of the State of New York.",
    ],
    "conflict.txt": [
        "LICENSE AGREEMENT. This License is governed by the laws of Delaware.",
        "Disputes go to the courts of Texas under Texas law.",
    ],
    "adjudicated.txt": [
        "SUPPLY AGREEMENT between Fabrikam and Litware.",
        "This Agreement is governed by the laws of Ontario.",
    ],
    "silent.txt": [
        "COOPERATION AGREEMENT between Trey Research and Fourth Coffee.",
        "Confidentiality survives termination.",
    ],
}


def build(path: Path | LabelStore) -> tuple[LabelStore, dict[str, list[str]]]:
    store = path if isinstance(path, LabelStore) else LabelStore(path)
    store.add_chunks([{"doc_id": d, "text": t} for d, texts in DOCS.items() for t in texts])
    store.add_task(TASK)
    chunks = store.chunks()
    ids = {d: chunks.loc[chunks["doc_id"] == d, "chunk_id"].tolist() for d in DOCS}
    unknown = lw.UNKNOWN

    def label(doc: str, i: int, who: str, law: object, kind: object = None) -> None:
        answers = {"governing_law": law, **({"kind": kind} if kind is not None else {})}
        store.record_answers(TASK, ids[doc][i], answers, labeler=who)

    for who, wording in (("alice", "the laws of the State of New York"), ("bob", "New York")):
        label("agreed.txt", 0, who, unknown, "supply")
        label("agreed.txt", 1, who, unknown)
        label("agreed.txt", 2, who, wording)
    label("conflict.txt", 0, "alice", "the laws of Delaware", "license")
    label("conflict.txt", 1, "bob", "Texas law", "license")
    label("adjudicated.txt", 0, "alice", unknown, "supply")
    label("adjudicated.txt", 1, "alice", "the laws of Ontario")
    label("adjudicated.txt", 1, "bob", "the laws of Quebec")
    store.adjudicate(
        TASK,
        ids["adjudicated.txt"][1],
        "governing_law",
        "the laws of Ontario",
        reviewer="rita",
        accepted_from="alice",
    )
    for i in (0, 1):
        label("silent.txt", i, "alice", unknown, "other" if i == 0 else None)
    return store, ids


@pytest.fixture
def labeled(tmp_path: Path) -> tuple[LabelStore, dict[str, list[str]]]:
    return build(tmp_path / "labels.db")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_openai_chat_records_one_per_document(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    report = lw.export_documents(
        store, TASK, "openai-chat", tmp_path / "chat", system_prompt="You extract contract facts."
    )
    records = lines(report.paths["train"])
    for record in records:
        check_openai_chat_line(record)
        assert record["messages"][0] == {"role": "system", "content": "You extract contract facts."}
    targets = {
        r["messages"][1]["content"].split("Document: ")[1].split("\n")[0]: json.loads(
            r["messages"][-1]["content"]
        )
        for r in records
    }
    assert targets == {
        "agreed.txt": {"governing_law": "the laws of the State of New York", "kind": "supply"},
        "adjudicated.txt": {"governing_law": "the laws of Ontario", "kind": "supply"},
        "silent.txt": {"governing_law": None, "kind": "other"},
    }
    assert [list(t) for t in targets.values()] == [["governing_law", "kind"]] * 3  # task order
    assert report.counts == {"train": 3} and report.unknown == 1
    assert report.dropped.to_dict("records") == [{"reason": "answers conflict", "documents": 1}]
    # the context: the chunks holding the answers, in document order, not the others
    agreed = next(r for r in records if "Document: agreed.txt" in r["messages"][1]["content"])
    user = agreed["messages"][1]["content"]
    first, payment, clause = DOCS["agreed.txt"]
    assert first in user and clause in user and payment not in user
    assert user.index(first) < user.index(clause)
    assert '"governing_law"' in user and "What law governs this agreement?" in user
    import datasets

    loaded = datasets.load_dataset("json", data_files={"train": str(report.paths["train"])})
    assert len(loaded["train"]) == 3


def test_postgresql_writes_the_same_records(pg_store: LabelStore, tmp_path: Path) -> None:
    sqlite, _ = build(tmp_path / "labels.db")
    build(pg_store)
    files = {}
    for name, store in (("sqlite", sqlite), ("postgresql", pg_store)):
        report = lw.export_documents(store, TASK, "jsonl", tmp_path / name, split=0.5, seed=1)
        files[name] = {split: path.read_text() for split, path in report.paths.items()}
        manifest = json.loads(report.manifest.read_text())
        files[name]["sha"] = manifest["rows_sha256"]
    assert files["sqlite"] == files["postgresql"]


def test_conflicts_kept_on_request_and_unknown_text(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    with pytest.warns(LabelwidgetsWarning, match="kept 1 document"):
        report = lw.export_documents(
            store,
            TASK,
            "jsonl",
            tmp_path / "all",
            keep_conflicting=True,
            unknown_text="The document does not say.",
        )
    records = {r["name"]: r for r in lines(report.paths["train"])}
    assert set(records) == set(DOCS) and report.dropped.empty
    conflict = records["conflict.txt"]
    assert conflict["status"] == {"governing_law": "conflict", "kind": "agreed"}
    assert conflict["target"]["governing_law"] in ("the laws of Delaware", "Texas law")
    assert records["silent.txt"]["target"]["governing_law"] == "The document does not say."
    assert json.loads(records["agreed.txt"]["completion"]) == records["agreed.txt"]["target"]
    assert (
        "exactly these keys" in conflict["prompt"]
        and '"The document does not say."' in (conflict["prompt"])
    )


def test_statuses_choose_what_is_exported(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    report = lw.export_documents(
        store, TASK, "jsonl", tmp_path / "rev", statuses=["adjudicated", "agreed"]
    )
    # adjudicated.txt's kind has one labeler (single), silent.txt's law is unknown
    assert [r["name"] for r in lines(report.paths["train"])] == ["agreed.txt"]
    reasons = dict(zip(report.dropped["reason"], report.dropped["documents"], strict=True))
    assert reasons == {
        "answers conflict": 1,
        "status single not in statuses": 1,
        "status single, unknown not in statuses": 1,
    }


def test_prompts_fit_max_chars_and_cuts_are_counted(tmp_path: Path) -> None:
    """Overlapping chunks are one excerpt (the overlap once); a small budget cuts every excerpt
    (each keeps its start) and is counted."""
    texts = lw.samples.make_contract_texts(3, seed=2)
    store = LabelStore(tmp_path / "long.db")
    lw.ingest(
        texts[["name", "text"]],
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=600, overlap=120),
        progress=False,
    )
    task = lw.Task("law", [lw.Question("governing_law", match="entity")])
    store.add_task(task)
    for chunk in store.chunks().itertuples():  # "not in the text" everywhere: all chunks evidence
        store.record_answer(task, chunk.chunk_id, "governing_law", lw.UNKNOWN, labeler="ann")
    whole = lw.export_documents(store, task, "jsonl", tmp_path / "whole", max_chars=100_000)
    assert whole.truncated == 0
    documents = store.documents().set_index("name")
    chunks = store.chunks()
    for record in lines(whole.paths["train"]):
        doc_id = documents.loc[record["name"], "doc_id"]
        mine = chunks[chunks["doc_id"] == doc_id]
        text = store.document_text(doc_id)
        expected = text[int(mine["char_start"].min()) : int(mine["char_end"].max())]
        assert record["prompt"].endswith(f'"""\n{expected}\n"""')  # no overlap repeated
        assert record["chunk_ids"] == mine["chunk_id"].tolist()
    small = lw.export_documents(
        store, task, "openai-chat", tmp_path / "small", max_chars=900, system_prompt="Be brief."
    )
    assert small.truncated == 3 and any("cut to fit max_chars=900" in w for w in small.warnings)
    for record in lines(small.paths["train"]):
        system, user = (m["content"] for m in record["messages"][:2])
        assert len(system) + len(user) <= 900 and "[…]" in user
    with pytest.raises(ValueError, match="max_chars=200 leaves no room"):
        lw.export_documents(store, task, "jsonl", tmp_path / "tiny", max_chars=200)


def test_parquet_splits_manifest_and_redaction(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    report = lw.export_documents(
        store,
        TASK,
        "parquet",
        tmp_path / "pq",
        split={"train": 0.5, "validation": 0.5},
        seed=3,
        redact=lw.redact.basic(),
    )
    frames = [pd.read_parquet(p) for p in report.paths.values()]
    table = pd.concat(frames, ignore_index=True)
    assert sorted(table["name"]) == ["adjudicated.txt", "agreed.txt", "silent.txt"]
    assert table.groupby("doc_id")["split"].nunique().max() == 1
    agreed = table[table["name"] == "agreed.txt"].iloc[0]
    assert "legal@northwind.example" not in agreed["prompt"] and "[EMAIL]" in agreed["prompt"]
    assert report.redactions == {"documents_changed": 1, "EMAIL": 1}
    assert json.loads(agreed["target"])["kind"] == "supply"
    manifest = json.loads(report.manifest.read_text())
    assert manifest["level"] == "document" and manifest["documents"] == sorted(table["doc_id"])
    assert manifest["questions"] == ["governing_law", "kind"] and manifest["seed"] == 3
    again = lw.export_documents(
        store,
        TASK,
        "parquet",
        tmp_path / "pq2",
        split={"train": 0.5, "validation": 0.5},
        seed=3,
        redact=lw.redact.basic(),
    )
    assert json.loads(again.manifest.read_text())["rows_sha256"] == manifest["rows_sha256"]


def test_a_document_missing_a_question_is_left_out(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    store.add_chunks([{"doc_id": "half.txt", "text": "Governed by the laws of Texas."}])
    (chunk_id,) = store.chunks(doc_id="half.txt")["chunk_id"]
    store.record_answer(TASK, chunk_id, "governing_law", "Texas", labeler="alice")
    report = lw.export_documents(store, TASK, "jsonl", tmp_path / "q")
    assert "a question has no answer in the document" in set(report.dropped["reason"])
    only_law = lw.export_documents(
        store, TASK, "jsonl", tmp_path / "law", questions=["governing_law"]
    )
    names = {r["name"]: r["target"] for r in lines(only_law.paths["train"])}
    assert names["half.txt"] == {"governing_law": "Texas"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"format": "csv"}, "unknown document export format 'csv'"),
        ({"statuses": ["conflict"]}, "statuses must be some of"),
        ({"questions": ["parties"]}, "no question 'parties'"),
        ({"max_chars": 0}, "max_chars must be a positive"),
        ({"unknown_text": ""}, "unknown_text must be None"),
        ({"split": 1.5}, "split fractions"),
    ],
)
def test_bad_requests_are_named_and_write_nothing(labeled, tmp_path: Path, kwargs, message) -> None:
    store, _ = labeled
    args = {"format": "openai-chat", **kwargs}
    with pytest.raises(ValueError, match=message):
        lw.export_documents(store, TASK, path=tmp_path / "bad", **args)
    assert not (tmp_path / "bad").exists()


def test_nothing_to_export_is_an_error(tmp_path: Path) -> None:
    store = LabelStore(tmp_path / "empty.db")
    store.add_task(TASK)
    with pytest.raises(ValueError, match="no document has an answer yet"):
        lw.export_documents(store, TASK, "openai-chat", tmp_path / "o")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.add_chunks([{"doc_id": "x", "text": "Governed by Delaware law. Or Texas law."}])
        (chunk_id,) = store.chunks()["chunk_id"]
        store.record_answers(
            TASK, chunk_id, {"governing_law": "Delaware", "kind": "other"}, labeler="a"
        )
        store.record_answers(
            TASK, chunk_id, {"governing_law": "Texas", "kind": "other"}, labeler="b"
        )
        with pytest.raises(
            ValueError, match=r"every document was left out: answers conflict \(1\)"
        ):
            lw.export_documents(store, TASK, "openai-chat", tmp_path / "o")


def test_a_cut_keeps_the_answer_written_deep_in_a_long_chunk(tmp_path: Path) -> None:
    """The clause is at character ~3,300 of a 3,800-character chunk: a 1,500-character prompt
    is cut around it (marked at both ends) instead of keeping the chunk's start only."""
    from labelwidgets.exporting import document_context

    clause = "This Agreement is governed by the laws of the State of New York."
    text = "Definitions. " * 250 + clause + " Notices follow." * 30
    task = lw.Task("law", [lw.Question("governing_law", match="entity")])
    store = LabelStore(tmp_path / "deep.db")
    store.add_chunks([{"doc_id": "deep.txt", "text": text}])
    store.add_task(task)
    (chunk_id,) = store.chunks()["chunk_id"]
    answer = "the laws of the State of New York"
    store.record_answer(task, chunk_id, "governing_law", answer, labeler="ann")
    report = lw.export_documents(store, task, "jsonl", tmp_path / "cut", max_chars=1500)
    (record,) = lines(report.paths["train"])
    assert len(record["prompt"]) <= 1500 and record["truncated"] and report.truncated == 1
    assert clause in record["prompt"] and report.answers_cut == 0
    context = record["prompt"].split('"""\n', 1)[1].removesuffix('\n"""')
    assert context.startswith("[…] Definitions.") and context.endswith("Notices follow.")
    # a budget too small for the answer itself: counted and warned about
    head = document_context.header(task, ["governing_law"], None)
    tiny = document_context.frame_chars(head, "deep.txt") + 20
    with pytest.warns(LabelwidgetsWarning, match="1 answer"):
        report = lw.export_documents(store, task, "jsonl", tmp_path / "tiny", max_chars=tiny)
    assert report.answers_cut == 1 and report.truncated == 1


def test_export_level_document_is_the_document_export(labeled, tmp_path: Path) -> None:
    store, _ = labeled
    direct = lw.export_documents(store, TASK, "openai-chat", tmp_path / "direct", max_chars=5000)
    via = lw.export(store, TASK, "openai-chat", tmp_path / "via", level="document", max_chars=5000)
    assert isinstance(via, lw.DocumentExportReport)
    assert via.counts == direct.counts and via.counts
    for name, file in direct.paths.items():
        assert via.paths[name].read_bytes() == file.read_bytes()
    # "not in the text" is null per document by default, not the chunk export's sentence
    assert all("The document does not say." not in p.read_text() for p in via.paths.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "document", "prompt_version": "v1"}, "prompt_version only apply per chunk"),
        ({"level": "document", "answers": "all"}, "answers only apply per chunk"),
        ({"level": "page"}, "level must be 'chunk' or 'document'"),
        ({"max_chars": 100}, "max_chars= applies to level='document' only"),
    ],
)
def test_export_refuses_options_of_the_other_level(labeled, tmp_path: Path, kwargs, message):
    store, _ = labeled
    with pytest.raises(ValueError, match=re.escape(message)):
        lw.export(store, TASK, "openai-chat", tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())
