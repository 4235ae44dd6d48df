"""A small contract in two chunks, with the offsets of the phrases the span tests mark."""

from __future__ import annotations

from labelwidgets.store import LabelStore

DOC = (
    "SUPPLY AGREEMENT between ACME Corp and Beta LLC.\n"
    "This Agreement is governed by the laws of the State of New York.\n"
    "It runs for five years from the Effective Date. Notices go to 1 Main Street."
)
SPLIT = DOC.index("It runs")  # where the second chunk starts


def phrase(text: str) -> tuple[int, int]:
    """Document offsets of ``text`` (its first occurrence)."""
    start = DOC.index(text)
    return start, start + len(text)


LAW = phrase("the laws of the State of New York")
TERM = phrase("five years")
ACME = phrase("ACME Corp")
BETA = phrase("Beta LLC")


def add_contract(store: LabelStore) -> list[str]:
    """Store the contract as document "c1" in two chunks; returns their ids."""
    store.add_documents([{"doc_id": "c1", "name": "c1.pdf", "text": DOC}])
    store.add_chunks(
        [
            {"doc_id": "c1", "text": DOC[:SPLIT], "char_start": 0, "char_end": SPLIT},
            {"doc_id": "c1", "text": DOC[SPLIT:], "char_start": SPLIT, "char_end": len(DOC)},
        ]
    )
    return list(store.chunks()["chunk_id"])
