"""Spans questions and evidence through Label Studio and Argilla, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.exporting import interop
from labelwidgets.exporting.interop_spans import EVIDENCE_SUFFIX
from labelwidgets.store import LabelStore
from tests.exporting.contract_text import ACME, DOC, LAW, SPLIT, TERM, add_contract

TASK = lw.Task(
    "contract",
    [
        lw.Question("governing_law", prompt="Which law governs?"),
        lw.Question("clauses", kind="spans", labels=["Party", "Law", "Term"]),
        lw.Question("term_years", kind="number", evidence=True),
    ],
)


def filled(path: Path | str) -> tuple[LabelStore, list[str]]:
    store = LabelStore(path)
    first, second = add_contract(store)
    store.add_task(TASK)
    store.record_answers(
        TASK,
        first,
        {"governing_law": "New York", "clauses": [(*ACME, "Party"), (*LAW, "Law")]},
        labeler="alice",
        evidence={"governing_law": [LAW]},
    )
    # evidence outside the chunk (in the next one) must survive too
    store.record_answer(TASK, first, "term_years", 5, labeler="alice", evidence=[TERM])
    store.record_answers(TASK, second, {"clauses": [], "governing_law": lw.UNKNOWN}, labeler="bob")
    store.record_answer(TASK, second, "clauses", [(*TERM, "Term")], labeler="alice")
    store.add_suggestion(TASK, first, "governing_law", "New York", model="m", evidence=[LAW])
    store.add_suggestion(TASK, first, "clauses", [(*LAW, "Law")], model="m")
    return store, [first, second]


def comparable(store: LabelStore) -> tuple[list, list]:
    answers = store.answers(TASK).sort_values(["chunk_id", "question", "labeler"])
    suggestions = store.suggestions(TASK).sort_values(["chunk_id", "question"])
    return (
        [
            (r.chunk_id, r.question, r.labeler, repr(r.answer), r.evidence)
            for r in answers.itertuples()
        ],
        [
            (r.chunk_id, r.question, r.model, repr(r.answer), r.evidence)
            for r in suggestions.itertuples()
        ],
    )


@pytest.mark.parametrize(
    ("out", "back"), [("to_label_studio", "from_label_studio"), ("to_argilla", "from_argilla")]
)
def test_spans_and_evidence_round_trip(tmp_path: Path, out: str, back: str) -> None:
    store, _ = filled(tmp_path / "a.db")
    exported = getattr(interop, out)(store, TASK, tmp_path / "export.json")
    fresh = LabelStore(tmp_path / "b.db")
    fresh.add_documents([{"doc_id": "c1", "name": "c1.pdf", "text": DOC}])
    getattr(interop, back)(fresh, TASK, tmp_path / "export.json")
    assert comparable(fresh) == comparable(store)
    assert exported  # and the JSON file was the one read back


def test_label_studio_shows_spans_and_evidence_as_labels_regions(tmp_path: Path) -> None:
    store, _ = filled(tmp_path / "a.db")
    tasks = interop.to_label_studio(store, TASK)
    assert tasks[1]["data"]["char_start"] == SPLIT
    alice = next(a for a in tasks[0]["annotations"] if a["completed_by"]["email"] == "alice")
    regions = [r for r in alice["result"] if r["type"] == "labels"]
    texts = {(r["from_name"], r["value"]["labels"][0]): r["value"]["text"] for r in regions}
    assert texts == {
        ("clauses", "Party"): "ACME Corp",
        ("clauses", "Law"): "the laws of the State of New York",
        ("governing_law" + EVIDENCE_SUFFIX, "Evidence"): "the laws of the State of New York",
    }
    # the term evidence lies in the next chunk: kept exactly in meta, not drawn in this chunk
    term = next(r for r in alice["result"] if r["from_name"] == "term_years")
    assert term["meta"] == {"evidence": [list(TERM)]}
    second_alice = next(a for a in tasks[1]["annotations"] if a["completed_by"]["email"] == "alice")
    (region,) = second_alice["result"]
    assert region["value"]["start"] == TERM[0] - SPLIT  # chunk coordinates in Label Studio


def test_spans_drawn_in_label_studio_come_back_in_document_coordinates(tmp_path: Path) -> None:
    """An annotation made in Label Studio itself: regions only, no lw meta."""
    store, (_, second) = filled(tmp_path / "a.db")
    text = DOC[SPLIT:]
    start = text.index("1 Main Street")
    annotation = {
        "completed_by": {"email": "dana"},
        "result": [
            {
                "from_name": "governing_law",
                "to_name": "text",
                "type": "textarea",
                "value": {"text": ["NY"]},
            },
            {
                "from_name": "governing_law" + EVIDENCE_SUFFIX,
                "to_name": "text",
                "type": "labels",
                "value": {"start": 0, "end": 7, "text": text[:7], "labels": ["Evidence"]},
            },
            {
                "from_name": "clauses",
                "to_name": "text",
                "type": "labels",
                "value": {
                    "start": start,
                    "end": start + 13,
                    "text": "1 Main Street",
                    "labels": ["Party", "Term"],
                },
            },
        ],
    }
    item = {"data": {"text": text, "chunk_id": second, "doc_id": "c1"}, "annotations": [annotation]}
    interop.from_label_studio(store, TASK, [item])
    dana = store.answers(TASK, labeler="dana").set_index("question")
    assert dana.loc["governing_law", "evidence"] == [[SPLIT, SPLIT + 7]]
    assert dana.loc["clauses", "answer"] == [
        {"start": SPLIT + start, "end": SPLIT + start + 13, "label": "Party"},
        {"start": SPLIT + start, "end": SPLIT + start + 13, "label": "Term"},
    ]
    # an annotation with nothing drawn for the spans question says "no spans"
    empty = {"completed_by": {"email": "eve"}, "result": []}
    interop.from_label_studio(store, TASK, [{**item, "annotations": [empty]}])
    assert store.answers(TASK, labeler="eve")["answer"].tolist() == [[]]


def test_argilla_has_span_questions_for_spans_and_evidence(tmp_path: Path) -> None:
    store, _ = filled(tmp_path / "a.db")
    dataset = interop.to_argilla(store, TASK)
    questions = {q["name"]: q["settings"] for q in dataset["settings"]["questions"]}

    def labels(name: str) -> list[str]:
        return [option["value"] for option in questions[name]["options"]]

    assert questions["clauses"]["type"] == "span" and labels("clauses") == ["Party", "Law", "Term"]
    assert labels("governing_law" + EVIDENCE_SUFFIX) == ["Evidence"]
    assert questions["term_years" + EVIDENCE_SUFFIX]["type"] == "span"
    record = dataset["records"][0]
    assert record["responses"]["clauses"][0]["value"] == [
        {"start": ACME[0], "end": ACME[1], "label": "Party"},
        {"start": LAW[0], "end": LAW[1], "label": "Law"},
    ]
    assert record["suggestions"]["governing_law" + EVIDENCE_SUFFIX]["value"] == [
        {"start": LAW[0], "end": LAW[1], "label": "Evidence"}
    ]
    assert record["metadata"]["lw_evidence"]["response:term_years:alice"] == [list(TERM)]


def test_bad_spans_in_an_import_are_named(tmp_path: Path) -> None:
    store, (first, _) = filled(tmp_path / "a.db")
    before = len(store.events())
    result = {
        "from_name": "clauses",
        "type": "labels",
        "value": {"start": "a", "end": 3, "labels": ["Law"]},
    }
    item = {
        "data": {"text": DOC[:SPLIT], "chunk_id": first, "doc_id": "c1"},
        "annotations": [{"completed_by": "x", "result": [result]}],
    }
    with pytest.raises(ValueError, match="whole numbers"):
        interop.from_label_studio(store, TASK, [item])
    outside = {**result, "value": {"start": 0, "end": SPLIT + 5, "labels": ["Law"]}}
    with pytest.raises(ValueError, match="outside the chunk"):
        interop.from_label_studio(
            store, TASK, [{**item, "annotations": [{"completed_by": "x", "result": [outside]}]}]
        )
    assert len(store.events()) == before


spans = st.lists(
    st.tuples(
        st.integers(0, SPLIT - 1), st.integers(1, 20), st.sampled_from(["Party", "Law", "Term"])
    ),
    max_size=5,
    unique_by=lambda t: (t[0], min(t[0] + t[1], SPLIT), t[2]),
)


@settings(max_examples=25, deadline=None)
@given(marks=spans, back=st.sampled_from(["label_studio", "argilla"]))
def test_any_spans_answer_round_trips(marks: list, back: str) -> None:
    store, (first, _) = filled(":memory:")
    answer = [(s, min(s + n, SPLIT), label) for s, n, label in marks]
    store.record_answer(TASK, first, "clauses", answer, labeler="zoe")
    fresh = LabelStore(":memory:")
    fresh.add_documents([{"doc_id": "c1", "name": "c1.pdf", "text": DOC}])
    getattr(interop, f"from_{back}")(fresh, TASK, getattr(interop, f"to_{back}")(store, TASK))
    again = fresh.answers(TASK, labeler="zoe")["answer"].iloc[0]
    assert again == TASK.question("clauses").coerce(answer)
