"""Small builders shared by the store tests."""

from __future__ import annotations

import labelwidgets as lw
from labelwidgets.store import LabelStore

CONTRACT_TASK = lw.Task(
    "contract-facts",
    [
        lw.Question(
            "has_clause",
            kind="choice",
            choices=["yes", "no"],
            instructions="Does the text contain a governing-law clause?",
        ),
        lw.Question(
            "governing_law",
            prompt="What law governs this agreement?",
            instructions="Type the governing law as written, e.g. 'the laws of England'.",
            when=("has_clause", "yes"),
            validators=[lw.validators.none_of(["United Kingdom", "England"])],
        ),
        lw.Question(
            "renewal_months",
            kind="number",
            allow_unknown=True,
            validators=[lw.validators.number_range(0, 120)],
        ),
    ],
    labelers_per_chunk=1,
)


def fill(store: LabelStore, n: int = 5, task: lw.Task = CONTRACT_TASK) -> list[str]:
    """Add ``n`` chunks of one document and the task; returns chunk ids in order."""
    store.add_documents([{"doc_id": "doc-1", "name": "contract.pdf", "text": "x" * 10}])
    store.add_chunks(
        [
            {
                "doc_id": "doc-1",
                "text": f"Clause {i}: the laws of England apply.",
                "page_start": 1,
                "page_end": 1,
            }
            for i in range(n)
        ]
    )
    store.add_task(task)
    return store.chunk_order()
