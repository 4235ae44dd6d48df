"""Span exports (offsets, BIO token classification, SQuAD) and evidence quotes, read back with
`datasets` as a trainer would."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pandas as pd
import pytest

import labelwidgets as lw
from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting.spans import bio_to_spans
from labelwidgets.store import LabelStore
from tests.exporting.contract_text import ACME, BETA, DOC, LAW, SPLIT, TERM, add_contract

TASK = lw.Task(
    "contract",
    [
        lw.Question("governing_law", prompt="Which law governs this agreement?"),
        lw.Question("clauses", kind="spans", labels=["Party", "Law", "Term"]),
        lw.Question("term_years", kind="number", evidence=True),
        lw.Question("summary", evidence=False),
    ],
)


@pytest.fixture
def labeled(store: LabelStore) -> tuple[LabelStore, str, str]:
    first, second = add_contract(store)
    store.add_task(TASK)
    store.record_answers(
        TASK,
        first,
        {
            "governing_law": "New York",
            "clauses": [(*ACME, "Party"), (*BETA, "Party"), (*LAW, "Law")],
            "summary": "a supply deal",
            "term_years": 5,
        },
        labeler="alice",
        evidence={"governing_law": [LAW], "term_years": [TERM]},  # TERM is in the next chunk
    )
    store.record_answers(
        TASK,
        second,
        {"governing_law": lw.UNKNOWN, "clauses": [(*TERM, "Term")], "term_years": 5},
        labeler="alice",
        evidence={"term_years": [TERM]},
    )
    return store, first, second


def load(path: Path) -> datasets.Dataset:
    return datasets.load_dataset("json", data_files=str(path), split="train")


def test_character_offsets_load_with_datasets(labeled, tmp_path: Path) -> None:
    store, first, second = labeled
    report = lw.export(store, TASK, "spans", tmp_path, answers="all")
    rows = {r["chunk_id"]: r for r in load(report.paths["train"])}
    assert set(rows) == {first, second}
    one = rows[first]
    assert [(s["label"], one["text"][s["start"] : s["end"]]) for s in one["spans"]] == [
        ("Party", "ACME Corp"),
        ("Party", "Beta LLC"),
        ("Law", "the laws of the State of New York"),
    ]
    two = rows[second]
    assert two["char_start"] == SPLIT  # chunk offset + char_start = document offset
    (term,) = two["spans"]
    assert DOC[two["char_start"] + term["start"] : two["char_start"] + term["end"]] == "five years"
    assert report.counts == {"train": 2}


def test_token_classification_round_trips_to_the_same_spans(labeled, tmp_path) -> None:
    store, first, _ = labeled
    spans = lw.export(store, TASK, "spans", tmp_path / "s", answers="all")
    bio = lw.export(
        store, TASK, "token-classification", tmp_path / "b", answers="all", tokenizer="words"
    )
    assert bio.warnings == []
    expected = {r["chunk_id"]: r["spans"] for r in load(spans.paths["train"])}
    for row in load(bio.paths["train"]):
        assert len(row["tokens"]) == len(row["ner_tags"]) == len(row["offsets"])
        tokens = [(t, s, e) for t, (s, e) in zip(row["tokens"], row["offsets"], strict=True)]
        assert bio_to_spans(row["ner_tags"], tokens) == expected[row["chunk_id"]]
    tagged = next(r for r in load(bio.paths["train"]) if r["chunk_id"] == first)
    assert tagged["ner_tags"][tagged["tokens"].index("ACME")] == "B-Party"
    assert tagged["ner_tags"][tagged["tokens"].index("Corp")] == "I-Party"
    assert tagged["ner_tags"][tagged["tokens"].index(".")] == "O"


def test_whitespace_tokens_widen_spans_that_stop_before_punctuation(labeled, tmp_path) -> None:
    """The default tokenizer keeps "LLC." whole: spans ending before the full stop are widened
    to the whole token, and the export says so."""
    store, first, _ = labeled
    bio = lw.export(store, TASK, "token-classification", tmp_path, answers="all")
    assert bio.warnings == [
        "2 span(s) did not start or end on a token boundary: widened to whole tokens"
    ]
    row = next(r for r in load(bio.paths["train"]) if r["chunk_id"] == first)
    tokens = [(t, s, e) for t, (s, e) in zip(row["tokens"], row["offsets"], strict=True)]
    text = DOC[:SPLIT]
    assert [text[s["start"] : s["end"]] for s in bio_to_spans(row["ner_tags"], tokens)] == [
        "ACME Corp",
        "Beta LLC.",
        "the laws of the State of New York.",
    ]


def test_squad_from_answers_with_evidence(labeled, tmp_path: Path) -> None:
    store, first, second = labeled
    report = lw.export(store, TASK, "squad", tmp_path, answers="all")
    rows = list(load(report.paths["train"]))
    by_key = {(r["chunk_id"], r["question_name"]): r for r in rows}
    law = by_key[(first, "governing_law")]
    assert law["question"] == "Which law governs this agreement?"
    assert law["answers"]["text"] == ["the laws of the State of New York"]
    start = law["answers"]["answer_start"][0]
    assert (
        law["context"][start : start + len(law["answers"]["text"][0])] == law["answers"]["text"][0]
    )
    assert by_key[(second, "governing_law")]["answers"] == {"text": [], "answer_start": []}
    assert by_key[(second, "term_years")]["answers"]["text"] == ["five years"]
    # the first chunk's term evidence lies in the next chunk: no extractive example there
    assert (first, "term_years") not in by_key
    assert "no evidence inside the chunk" in report.dropped["reason"].iloc[0]
    assert "summary" not in {r["question_name"] for r in rows}  # it takes no evidence


def test_evidence_quoted_in_the_target_or_a_field(labeled, tmp_path: Path) -> None:
    store, first, _ = labeled
    chat = lw.export(
        store,
        TASK,
        "openai-chat",
        tmp_path / "q",
        answers="all",
        evidence=True,
        questions=["governing_law", "term_years"],
    )
    replies = [
        json.loads(line)["messages"][-1]["content"]
        for line in chat.paths["train"].read_text().splitlines()
    ]
    assert 'New York\nQuote: "the laws of the State of New York"' in replies
    assert '5\nQuote: "five years"' in replies  # quoted from the document (next chunk)
    assert "The document does not say." in replies  # refusals are never quoted
    custom = lw.export(
        store,
        TASK,
        "prompt-completion",
        tmp_path / "c",
        answers="all",
        evidence=True,
        evidence_template="{answer} [{evidence}]",
        questions=["governing_law"],
    )
    completions = [
        json.loads(line)["completion"] for line in custom.paths["train"].read_text().splitlines()
    ]
    assert "New York [the laws of the State of New York]" in completions
    field = lw.export(
        store,
        TASK,
        "trl-sft",
        tmp_path / "f",
        answers="all",
        evidence="field",
        questions=["governing_law"],
    )
    loaded = load(field.paths["train"])
    assert sorted(loaded["evidence"], key=lambda q: q or "") == [
        None,
        "the laws of the State of New York",
    ]
    assert {m[-1]["content"] for m in loaded["messages"]} == {
        "New York",
        "The document does not say.",
    }
    flat = lw.export(store, TASK, "csv", tmp_path / "csv", answers="all", evidence="field")
    table = pd.read_csv(flat.paths["train"])
    assert table.set_index(["chunk_id", "question"]).loc[(first, "term_years"), "evidence"] == (
        "five years"
    )
    hf = lw.export(store, TASK, "hf", tmp_path / "hf", answers="all", evidence="field")
    assert "evidence" in hf.dataset["train"].column_names


def test_spans_answers_are_readable_chat_targets(labeled, tmp_path: Path) -> None:
    store, _, _ = labeled
    with pytest.warns(LabelwidgetsWarning, match="refusals"):
        chat = lw.export(store, TASK, "openai-chat", tmp_path, answers="all", questions=["clauses"])
    replies = [
        json.loads(line)["messages"][-1]["content"]
        for line in chat.paths["train"].read_text().splitlines()
    ]
    assert (
        'Party: "ACME Corp"\nParty: "Beta LLC"\nLaw: "the laws of the State of New York"' in replies
    )
    assert 'Term: "five years"' in replies


def test_bad_span_export_requests_are_named(labeled, tmp_path: Path) -> None:
    store, _, _ = labeled
    plain = lw.Task("plain", [lw.Question("summary", evidence=False)])
    store.add_task(plain)
    with pytest.raises(ValueError, match="needs a spans question"):
        lw.export(store, plain, "spans", tmp_path / "a", answers="all")
    with pytest.raises(ValueError, match="needs a question that takes evidence"):
        lw.export(store, plain, "squad", tmp_path / "b", answers="all")
    with pytest.raises(ValueError, match="evidence must be False, True or 'field'"):
        lw.export(store, TASK, "openai-chat", tmp_path / "c", answers="all", evidence="quote")
    with pytest.raises(ValueError, match=r"may only use \{answer\} and \{evidence\}"):
        lw.export(
            store,
            TASK,
            "openai-chat",
            tmp_path / "d",
            answers="all",
            evidence=True,
            evidence_template="{answer} {source}",
        )
    with pytest.raises(ValueError, match="unknown tokenizer"):
        lw.export(store, TASK, "token-classification", tmp_path / "e", answers="all", tokenizer="x")


def test_agreed_answers_keep_the_evidence_of_an_agreeing_labeler(labeled, tmp_path) -> None:
    store, first, _ = labeled
    store.record_answer(TASK, first, "governing_law", "new york", labeler="bob")  # no evidence
    with pytest.warns(LabelwidgetsWarning, match="refusals"):  # one target, not a refusal
        report = lw.export(
            store,
            TASK,
            "openai-chat",
            tmp_path,
            answers="agreed",
            evidence=True,
            questions=["governing_law"],
        )
    (line,) = report.paths["train"].read_text().splitlines()
    reply = json.loads(line)["messages"][-1]["content"]
    assert reply.endswith('\nQuote: "the laws of the State of New York"')


@pytest.mark.parametrize("fmt", ["spans", "token-classification", "squad"])
def test_span_formats_stream_page_by_page_as_whole(labeled, tmp_path: Path, fmt: str) -> None:
    from tests.exporting.test_export_stream import assert_same_files, both_ways

    store, _, second = labeled
    for labeler in ("bob", "cy"):  # more rows than a page of one chunk holds
        store.record_answers(
            TASK,
            second,
            {"governing_law": lw.UNKNOWN, "clauses": [(*TERM, "Term")], "term_years": 5},
            labeler=labeler,
            evidence={"term_years": [TERM]},
        )
    streamed, whole = both_ways(store, TASK, fmt, tmp_path, 1, answers="all", keep_conflicting=True)
    assert_same_files(streamed, whole)
    assert streamed.rows > 1 and streamed.warnings == whole.warnings
    if fmt == "squad":  # the first chunk's term evidence lies in the next chunk
        assert "no evidence inside the chunk" in streamed.dropped["reason"].iloc[0]
