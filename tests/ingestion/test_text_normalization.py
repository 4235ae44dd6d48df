"""Extracted text is normalized before chunking: ligatures, soft hyphens, non-breaking and
zero-width spaces no longer hide words from search and filters, and offsets stay exact."""

from __future__ import annotations

from pathlib import Path

import labelwidgets as lw
from labelwidgets.ingestion.chunkers import Paragraphs
from labelwidgets.ingestion.extract import normalize_page

PAGE = (
    "Schedule 4. The \ufb01nancial state\u00adments of the \ufb01rm are e\u00ad\nffective on"
    "\u00a0March\u00a04, 2021.\n\n"
    "Section 9. The o\ufb03ce of the Buyer receives notices.\u200b\n\n"
    "Section 10. Nothing about money here."
)


def test_ligatures_soft_hyphens_and_odd_spaces_are_normalized() -> None:
    assert normalize_page(PAGE) == (
        "Schedule 4. The financial statements of the firm are effective on March 4, 2021.\n\n"
        "Section 9. The office of the Buyer receives notices.\n\n"
        "Section 10. Nothing about money here."
    )


def test_keyword_filters_find_ligature_words_and_offsets_stay_exact(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(PAGE, encoding="utf-8")
    store = lw.LabelStore(tmp_path / "labels.db")
    lw.ingest(
        tmp_path,
        store,
        chunker=Paragraphs(max_chars=90, overlap=0),
        keep=lw.filters.keywords(["financial statements", "office"]),
        progress=False,
    )
    chunks = store.chunks()
    assert chunks["text"].tolist() == [
        "Schedule 4. The financial statements of the firm are effective on March 4, 2021.",
        "Section 9. The office of the Buyer receives notices.",
    ]
    document = store.document_text(chunks["doc_id"][0])
    for chunk in chunks.itertuples():
        assert document[chunk.char_start : chunk.char_end] == chunk.text
    assert "\ufb01" not in document and "\u00ad" not in document and "\u00a0" not in document
    store.close()
