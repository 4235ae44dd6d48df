"""Extracted text is normalized before chunking: ligatures, soft hyphens, non-breaking and
zero-width spaces no longer hide words from search and filters, and offsets stay exact."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import labelwidgets as lw
from labelwidgets.ingestion import extract
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


def _every_step(text: str) -> str:
    """normalize_page without its skips: every step on every text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(extract._LIGATURES)
    text = extract._INVISIBLE.sub("", text)
    text = extract._SPACES.sub(" ", text)
    text = extract._TRAILING.sub("\n", text)
    text = extract._HYPHEN_BREAK.sub("", text)
    text = extract._RULES.sub("", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return extract._MANY_NEWLINES.sub("\n\n", text).strip()


def test_the_skipped_steps_would_have_changed_nothing() -> None:
    # the checks that skip a step must see every character the step acts on
    assert set(extract._OTHER_SPACES) == {
        chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \n\r"
    }
    pieces = [
        *" \t\n\r\f\v\x1c\x1f\x85\xa0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
        *"\u00ad\u200b\u200c\u200d\u2060\ufeff\ufb01\ufb03\u037e-=_*~.aBc1\u00e9\u0301e",
        *["--------", "\n========\n", "-\n", "ab-\nc", "\xad \n", "\r\n", "  "],
    ]
    rng = random.Random(17)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert normalize_page(text) == _every_step(text), repr(text)
