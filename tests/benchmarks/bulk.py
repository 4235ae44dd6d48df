"""Bulk-loading big stores for benchmarks: events and current answers written directly with
SQLAlchemy Core (bypassing validation, for speed). Never use this for real labels."""

from __future__ import annotations

import json
import time

from sqlalchemy import insert

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import tables as t


def load_answers(
    store: LabelStore, task: lw.Task, n_chunks: int, labelers: list[str], answer_for
) -> int:
    """``n_chunks`` chunks; every labeler answers every question of every chunk via
    ``answer_for(chunk_index, labeler, question) -> value``. Returns the number of events."""
    store.add_task(task)
    for start in range(0, n_chunks, 20_000):
        store.add_chunks(
            [
                {
                    "doc_id": f"doc-{i // 50}",
                    "text": f"Clause {i}. This Agreement is governed by "
                    f"the laws of State {i % 50}. Notices: legal{i}@example.com",
                }
                for i in range(start, min(start + 20_000, n_chunks))
            ]
        )
    chunk_ids = store.chunk_order()
    now, event_id = time.time(), 0
    with store._writer.begin() as conn:
        for labeler in labelers:
            events, current = [], []
            for i, chunk_id in enumerate(chunk_ids):
                for question in task.questions:
                    event_id += 1
                    value = answer_for(i, labeler, question.name)
                    unknown = value is lw.UNKNOWN
                    row = {
                        "task_id": task.name,
                        "chunk_id": chunk_id,
                        "question": question.name,
                        "labeler": labeler,
                        "value": None if unknown else json.dumps(value),
                        "is_unknown": unknown,
                        "forced": False,
                        "created_at": now,
                    }
                    events.append({**row, "event_id": event_id, "kind": "answer"})
                    current.append({**row, "event_id": event_id})
            conn.execute(insert(t.events), events)
            conn.execute(insert(t.current_answers), current)
    return event_id
