"""The generated sample contracts: readable PDFs whose known answers are in the text."""

from __future__ import annotations

import labelwidgets as lw


def test_sample_contracts_ingest_and_the_filter_keeps_the_governing_law(tmp_path) -> None:
    truth = lw.samples.make_contracts(tmp_path / "pdf", n=8, seed=3)
    assert (truth["governing_law"] == lw.UNKNOWN).sum() == 2  # "not in the text" is a real answer
    store = lw.LabelStore(tmp_path / "labels.db")
    keep = lw.filters.keywords(["governing law", "laws of"])
    report = lw.ingest(tmp_path / "pdf", store, keep=keep, progress=False,
                       chunker=lw.chunkers.Paragraphs(max_chars=500, overlap=50))  # fmt: skip
    assert set(report.df["status"]) == {"ok"}
    assert (report.df["pages"] >= 2).all()
    by_name = report.df.set_index("name")
    for row in truth.itertuples():
        chunks = store.chunks(doc_id=by_name.loc[row.name, "doc_id"])["text"]
        flat = [" ".join(t.split()) for t in chunks]
        if row.governing_law is lw.UNKNOWN:
            assert not any("Governing Law" in t for t in flat)
        else:
            assert any(row.governing_law in t for t in flat), row.name
    assert 0 < report.kept_fraction < 1


def test_samples_are_deterministic(tmp_path) -> None:
    a = lw.samples.make_contracts(tmp_path / "a", n=3, seed=1)
    b = lw.samples.make_contracts(tmp_path / "b", n=3, seed=1)
    assert a.drop(columns="file").equals(b.drop(columns="file"))
    assert (tmp_path / "a" / "contract_00.pdf").read_bytes() == (
        tmp_path / "b" / "contract_00.pdf"
    ).read_bytes()
