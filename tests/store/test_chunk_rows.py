"""Bulk add_chunks: the column-at-a-time path stores exactly what the row-by-row input contract
stores, and leaves every odd row to it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.store import ids
from labelwidgets.store.chunk_rows import COLUMNS, chunk_values, row_by_row
from labelwidgets.store.inputs import INT32_MAX

TEXTS = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["", "   ", "\n\t", "a\x00b", "caf\u00e9", "x\ud800y", "Clause 1. Texas."]),
    st.integers(),
    st.none(),
)
IDS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "doc-1", "doc\n2", "d" * 65, "\ud800", "doc-2", "é"]),
    st.integers(-1, 5),
    st.text(max_size=8),
)
NUMBERS = st.one_of(
    st.none(),
    st.integers(0, 40),
    st.sampled_from([-1, INT32_MAX, INT32_MAX + 1, True, 3.0, 2.5, "4"]),
)


@st.composite
def chunk_row(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {"text": draw(TEXTS)}
    for key, values in [("doc_id", IDS), ("chunk_id", IDS)]:
        if draw(st.booleans()):
            row[key] = draw(values)
    for key in ("seq", "page_start", "page_end", "char_start", "char_end"):
        if draw(st.booleans()):
            row[key] = draw(NUMBERS)
    if isinstance(row["text"], str) and draw(st.booleans()):  # offsets that fit the text
        start = draw(st.integers(0, 100))
        row.update(char_start=start, char_end=start + len(row["text"]))
    extra = draw(st.sampled_from([None, "meta", "source", "none-meta"]))
    if extra == "meta":
        row["meta"] = {"k": 1}
    elif extra == "source":
        row["source"] = "x"
    elif extra == "none-meta":
        row["meta"] = None
    return row


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(chunk_row(), min_size=1, max_size=6))
def test_the_column_path_equals_the_row_path_or_leaves_the_batch_to_it(
    rows: list[dict[str, Any]],
) -> None:
    rows = [r for r in rows if r["text"] is not None]  # a missing text is refused before either
    if not rows:
        return
    given_rows = copy.deepcopy(rows)
    fast = chunk_values(rows)
    assert rows == given_rows  # the caller's rows are read, never changed
    try:
        slow = row_by_row(copy.deepcopy(rows))
    except (ValueError, TypeError):
        assert fast is None  # a bad row always goes to the contract, which words the error
        return
    if fast is not None:
        assert fast == slow


def test_common_rows_take_the_column_path_with_the_same_ids() -> None:
    rows = [
        {
            "doc_id": "d1",
            "seq": 0,
            "text": "Governing law: Texas.",
            "char_start": 0,
            "char_end": 21,
        },
        {"doc_id": "d1", "text": "Notices to Paris\x00.", "page_start": 2, "page_end": 2},
        {"text": "A loose snippet."},
    ]
    batch = chunk_values(rows)
    assert batch is not None
    values = [dict(zip(COLUMNS, row, strict=True)) for row in zip(*batch.columns, strict=True)]
    new_docs = batch.new_docs
    assert values[0]["chunk_id"] == ids.chunk_id("d1", 0, 21, "Governing law: Texas.")
    assert values[1]["text"] == "Notices to Paris\ufffd." and values[1]["seq"] == 1
    snippet = ids.doc_id_for_text("A loose snippet.")
    assert (values[2]["doc_id"], values[2]["char_start"], values[2]["char_end"]) == (
        snippet,
        0,
        16,
    )
    assert list(new_docs) == [snippet]


def test_bulk_add_is_idempotent_and_counts_a_repeated_chunk_once(store: lw.LabelStore) -> None:
    rows = [
        {"doc_id": f"doc-{i // 10}", "seq": i % 10, "text": f"Chunk {i} of the agreement."}
        for i in range(2_000)
    ]
    assert store.add_chunks(rows + rows[:5]) == 2_000
    assert store.add_chunks(rows) == 0
    more = [{"doc_id": "doc-new", "seq": 0, "text": "A new chunk."}]
    assert store.add_chunks(rows[:3] + more) == 1
    order = store.chunk_order()
    assert len(order) == store.count_chunks() == 2_001
    assert order[-1] == ids.chunk_id("doc-new", None, None, "A new chunk.")
    assert store.chunks()["text"].tolist()[:2] == [
        "Chunk 0 of the agreement.",
        "Chunk 1 of the agreement.",
    ]


def test_a_bad_row_in_a_big_batch_is_named_and_nothing_is_stored(store: lw.LabelStore) -> None:
    rows = [{"doc_id": "d", "seq": i, "text": f"Chunk {i}."} for i in range(1_000)]
    rows[700]["page_start"] = -3
    with pytest.raises(ValueError, match="row 700"):
        store.add_chunks(rows)
    assert store.count_chunks() == 0


def test_chunks_of_unknown_documents_get_one_placeholder_each(store: lw.LabelStore) -> None:
    store.add_documents([{"doc_id": "d1", "name": "Contract A.pdf", "text": "Governing law."}])
    rows = [
        {"doc_id": "d1", "text": "Governing law.", "char_start": 0, "char_end": 14},
        {"doc_id": "d2", "text": "Notices."},
        {"doc_id": "d2", "text": "Term."},
        {"text": "A loose snippet."},
    ]
    assert store.add_chunks(rows) == 4
    assert store.add_chunks(rows) == 0
    names = dict(zip(store.documents()["doc_id"], store.documents()["name"], strict=True))
    snippet = ids.doc_id_for_text("A loose snippet.")
    assert names == {"d1": "Contract A.pdf", "d2": "d2", snippet: f"text-{snippet[:8]}"}
    assert store.document_text(snippet) == "A loose snippet."


def test_add_chunks_leaves_the_callers_rows_as_they_were(store: lw.LabelStore) -> None:
    common = [{"doc_id": "d", "seq": i, "text": f"Clause {i}."} for i in range(300)]
    odd = [{"doc_id": "e", "text": "Clause\x00 one.", "meta": {"page": 1}, "source": "a.pdf"}]
    for rows in (common, odd):
        before = copy.deepcopy(rows)
        assert store.add_chunks(rows) == len(rows)
        assert rows == before
    assert store.chunks(doc_id="e")["text"].tolist() == ["Clause\ufffd one."]
