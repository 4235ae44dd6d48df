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
