"""Ingest is atomic per file: a document the store refuses is a status row, never a stopped batch."""

from __future__ import annotations

import pandas as pd

import labelwidgets as lw
from labelwidgets.store import LabelStore


def test_a_refused_document_is_a_status_row_and_the_batch_goes_on(store: LabelStore) -> None:
    texts = ["The laws of Texas govern.", "The laws of Ohio govern.", "The laws of Utah govern."]
    too_long = "b" * 5_000  # document names are capped at 4,096 characters on both backends
    frame = pd.DataFrame({"text": texts, "name": ["a", too_long, "c"]})
    report = lw.ingest(frame, store, progress=False)
    assert report.df["status"].tolist() == ["ok", "not_stored", "ok"]
    assert report.df["chunks_added"].tolist() == [1, 0, 1]
    refused = report.df.loc[1, "message"]
    assert "'name' is too long" in refused and "shorten it" in refused
    # nothing of the refused file was stored: neither its document nor its chunk
    assert sorted(store.chunks()["text"]) == [texts[0], texts[2]]
    assert report.summary()["statuses"] == {"ok": 2, "not_stored": 1}


def test_a_failure_inside_a_nested_transaction_undoes_only_its_own_writes(
    store: LabelStore,
) -> None:
    with store.transaction():
        store.add_chunks([{"text": "kept"}])
        try:
            with store.transaction():
                store.add_chunks([{"text": "undone"}])
                raise RuntimeError("the inner block fails")
        except RuntimeError:
            pass
    assert store.chunks()["text"].tolist() == ["kept"]


def test_documents_stored_together_keep_input_order_and_their_own_counts(
    store: LabelStore,
) -> None:
    # Documents read in this process wait for the next write and are stored together: in one
    # write when all of them are new, one by one when the store has some of them already.
    texts = [f"Clause {i}. The laws of state number {i} govern this agreement." for i in range(6)]
    first = lw.ingest(pd.DataFrame({"text": texts}), store, progress=False)
    assert first.df["chunks_added"].tolist() == [1] * 6
    assert store.chunks()["text"].tolist() == texts  # labeling order is input order
    assert store.documents()["doc_id"].tolist() == first.df["doc_id"].tolist()
    again = [texts[4], "A new clause on notices.", texts[1], "A new clause on notices."]
    second = lw.ingest(pd.DataFrame({"text": again}), store, progress=False)
    assert second.df["status"].tolist() == ["ok"] * 4
    assert second.df["chunks_added"].tolist() == [0, 1, 0, 0]
    assert second.df["doc_id"].tolist()[1] == second.df["doc_id"].tolist()[3]
    assert store.chunks()["text"].tolist() == [*texts, "A new clause on notices."]
    assert len(store.documents()) == 7
