"""Every PDF of the shared corpus gives chunks or the right status with a clear message."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

import labelwidgets as lw

PASSWORDS = {"r2-user-password.pdf": "asdfzxcv", "r4-aes-user-password.pdf": "asdfzxcv",
             "r6-user-password.pdf": "asdfzxcv", "libreoffice-writer-password.pdf": "openpassword"}  # fmt: skip
EXPECTED = {  # file name -> status (everything else: ok)
    "CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF": "timeout",
    "encrypted_doc_no_id.pdf": "no_text",
    "issue-301.pdf": "low_quality_text",
    "imagemagick-CCITTFaxDecode.pdf": "no_text",
    "grayscale-image.pdf": "no_text",
    "unreadablemetadata.pdf": "broken",
    **{f"{n}.pdf": "broken" for n in ["bad1", "bad11", "bad2", "bad35", "bad7", "broken-lzw",
                                      "deep-pages", "issue-117", "issue-141a", "pages-loop",
                                      "unfilterable"]},
}  # fmt: skip
TIMEOUT = 8


@pytest.fixture(scope="module")
def corpus_report(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    store = lw.LabelStore(tmp_path_factory.mktemp("corpus") / "labels.db")
    pdfs = sorted(corpus_dir.rglob("*.pdf")) + sorted(corpus_dir.rglob("*.PDF"))
    report = lw.ingest(pdfs, store, password=PASSWORDS, timeout=TIMEOUT, workers=2, progress=False)
    return store, report.df.set_index("name")


def test_every_pdf_gets_the_expected_status(corpus_report) -> None:
    _, df = corpus_report
    assert len(df) >= 45
    got = df["status"].to_dict()
    expected = {name: EXPECTED.get(name, "ok") for name in got}
    assert got == expected


def test_failures_explain_themselves_and_successes_have_chunks(corpus_report) -> None:
    _, df = corpus_report
    for name, row in df.iterrows():
        if row["status"] == "ok":
            assert row["chunks_kept"] > 0 and row["pages"] > 0, name
        else:
            assert len(row["message"]) > 20, name
            assert row["chunks_added"] == 0, name
    assert "OCR" in df.loc["grayscale-image.pdf", "message"]
    assert (
        "timeout" in df.loc["CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF", "message"]
        or "longer than"
        in df.loc["CERES,INC_01_25_2012-EX-10.20-Collaboration Agreement.PDF", "message"]
    )


def test_no_document_exceeds_its_timeout(corpus_report) -> None:
    _, df = corpus_report
    assert df["seconds"].max() < TIMEOUT + 2


def test_encrypted_pdfs_open_with_their_passwords(corpus_report) -> None:
    store, df = corpus_report
    for name in PASSWORDS:
        assert df.loc[name, "status"] == "ok", name
        text = store.document_text(df.loc[name, "doc_id"])
        assert text.strip(), name


def test_encrypted_pdf_without_password_says_so(corpus_dir: Path) -> None:
    store = lw.LabelStore(":memory:")
    path = corpus_dir / "pypdf-resources" / "encryption" / "r4-aes-user-password.pdf"
    report = lw.ingest(path, store, progress=False)
    assert report.df["status"].tolist() == ["encrypted"]
    assert "needs a password" in report.df["message"][0]
    wrong = lw.ingest(path, store, password="nope", progress=False)
    assert "password given is wrong" in wrong.df["message"][0]
    assert store.count_chunks() == 0


def test_the_fast_backend_reads_the_same_documents(corpus_dir: Path) -> None:
    names = ["crazyones.pdf", "r4-aes-user-password.pdf", "bad1.pdf", "issue-301.pdf"]
    paths = [p for n in names for p in corpus_dir.rglob(n)]
    results = {}
    for backend in ("pypdf", "pypdfium2"):
        report = lw.ingest(paths, lw.LabelStore(":memory:"), backend=backend, progress=False,
                           password=PASSWORDS)  # fmt: skip
        results[backend] = report.df.set_index("name")["status"].to_dict()
    assert results["pypdf"] == results["pypdfium2"]


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


LOHA = "LohaCompanyltd_20191209_F-1_EX-10.16_11917878_EX-10.16_Supply Agreement.pdf"


def _clauses_found(
    corpus_dir: Path, tmp_path: Path, words: list[str]
) -> tuple[dict[str, bool], dict]:
    """For each CUAD contract (CERES aside: it times out), whether every labeled governing-law
    clause lies in a chunk the keyword filter kept."""
    with open(corpus_dir / "cuad" / "labels_subset.csv", newline="", encoding="utf-8") as f:
        labels = {row["Filename"]: row for row in csv.DictReader(f)}
    store = lw.LabelStore(tmp_path / f"cuad-{len(words)}.db")
    pdfs = [
        p for p in sorted((corpus_dir / "cuad" / "pdf").iterdir()) if not p.name.startswith("CERES")
    ]
    report = lw.ingest(pdfs, store, keep=lw.filters.keywords(words), workers=2, progress=False)
    found = {}
    for row in report.df.itertuples():
        clauses = ast.literal_eval(labels[row.name]["Governing Law"])
        if not clauses:
            continue  # SECURIAN has no governing-law clause
        kept = _squash(" ".join(store.chunks(doc_id=row.doc_id)["text"]))
        middles = [
            _squash(c)[len(_squash(c)) // 2 - 20 : len(_squash(c)) // 2 + 20] for c in clauses
        ]
        found[row.name] = all(m in kept for m in middles)
    return found, report.summary()


def test_governing_law_clauses_of_cuad_survive_the_keyword_filter(
    corpus_dir: Path, tmp_path: Path
) -> None:
    found, summary = _clauses_found(corpus_dir, tmp_path, ["governing law", "laws of"])
    assert len(found) == 8
    # Loha's clause reads "governed by the law of the People's Republic of China": neither keyword
    # is in it. Everything else is found, and the filter drops most of each contract.
    assert {name for name, ok in found.items() if not ok} == {LOHA}
    assert summary["kept_fraction"] < 0.5
    found, _ = _clauses_found(corpus_dir, tmp_path, ["governing law", "laws of", "governed by"])
    assert all(found.values())
