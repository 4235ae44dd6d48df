"""The generated sample contracts: readable PDFs whose known answers are in the text."""

from __future__ import annotations

import re

import pytest

import labelwidgets as lw

KEEP = ["governing law", "laws of"]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory):
    """Eight contracts ingested twice: every chunk, and only the chunks the keyword filter keeps."""
    folder = tmp_path_factory.mktemp("samples")
    truth = lw.samples.make_contracts(folder / "pdf", n=8, seed=3)
    chunker = lw.chunkers.Paragraphs(max_chars=500, overlap=50)
    every = lw.LabelStore(folder / "every.db")
    lw.ingest(folder / "pdf", every, chunker=chunker, progress=False)
    kept = lw.LabelStore(folder / "kept.db")
    report = lw.ingest(
        folder / "pdf", kept, chunker=chunker, keep=lw.filters.keywords(KEEP), progress=False
    )
    return truth, every, kept, report


def test_sample_pdfs_ingest_with_their_pages(samples) -> None:
    truth, _, _, report = samples
    assert set(report.df["status"]) == {"ok"}
    pages = report.df.set_index("name")["pages"]
    assert [pages[name] for name in truth["name"]] == truth["pages"].tolist()
    assert set(truth["pages"]) <= {2, 3, 4} and truth["pages"].nunique() > 1
    assert (truth["governing_law"] == lw.UNKNOWN).sum() == 2  # "not in the text" is a real answer


def test_the_keyword_filter_keeps_exactly_the_chunks_that_state_the_law(samples) -> None:
    truth, every, kept, report = samples
    docs = report.df.set_index("name")["doc_id"]
    for row in truth.itertuples():
        all_chunks = every.chunks(doc_id=docs[row.name])
        kept_ids = set(kept.chunks(doc_id=docs[row.name])["chunk_id"])
        assert kept_ids <= set(all_chunks["chunk_id"])  # same ids: content-hashed
        stating = {c.chunk_id for c in all_chunks.itertuples() if _stated(c.text, row)}
        if row.governing_law is lw.UNKNOWN:
            assert not stating, row.name
            assert not any("Governing Law" in t for t in every.chunks(doc_id=docs[row.name]).text)
        else:
            assert stating and stating <= kept_ids, row.name
    # distractors ("export control laws of any country") pass the filter without stating a law
    assert 0 < report.kept_fraction < 0.5


def _stated(text: str, row) -> bool:
    if row.governing_law is lw.UNKNOWN:
        return bool(re.search(r"governed by", text, re.IGNORECASE))
    return row.governing_law in _flat(text)


def test_distractor_clauses_mention_laws_without_choosing_one() -> None:
    texts = lw.samples.make_contract_texts(12, seed=0)
    for row in texts.itertuples():
        assert "applicable laws" in row.text and "export control laws of" in row.text
        assert ("Governing Law" in row.text) == (row.has_governing_law_clause == "yes")
        if row.has_governing_law_clause == "yes":
            assert row.governing_law.startswith("the laws of") and row.governing_law in row.text
            assert row.governing_law_jurisdiction in row.governing_law


def test_samples_are_deterministic(tmp_path) -> None:
    a = lw.samples.make_contracts(tmp_path / "a", n=3, seed=1)
    b = lw.samples.make_contracts(tmp_path / "b", n=3, seed=1)
    c = lw.samples.make_contracts(tmp_path / "c", n=3, seed=2)
    assert a.drop(columns="file").equals(b.drop(columns="file"))
    assert not a.drop(columns="file").equals(c.drop(columns="file"))
    for name in a["name"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_text_variant_matches_the_pdfs(tmp_path) -> None:
    pdfs = lw.samples.make_contracts(tmp_path, n=4, seed=7)
    texts = lw.samples.make_contract_texts(4, seed=7)
    assert pdfs.drop(columns=["file", "name"]).equals(texts.drop(columns=["text", "name"]))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        lw.samples.make_contract_texts(0)
