"""Feedback for a labeler: the items where review changed their answer, with notes and diffs."""

from __future__ import annotations

from typing import Any

import traitlets

from labelwidgets.quality.review import feedback_items
from labelwidgets.schema import Task, answer_to_json
from labelwidgets.store import LabelStore
from labelwidgets.widgets._base import CommandWidget, bundle

_ESM, _CSS = bundle("feedback")


class Feedback(CommandWidget):
    """Show ``labeler`` what review changed and the notes reviewers left (``r`` refreshes)."""

    _esm = _ESM
    _css = _CSS
    items = traitlets.List([]).tag(sync=True)
    labeler = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, store: LabelStore, task: Task | str, labeler: str, *, limit: int = 50, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.task = store.task(task)
        self.labeler = labeler
        self.limit = limit  # the list trait stays small: the newest items only
        self.refresh()

    def refresh(self) -> None:
        """Read the latest review decisions and notes."""
        frame = feedback_items(self.store, self.task, self.labeler).tail(self.limit)
        chunks = {c: self.store.chunk(c)["text"] for c in frame["chunk_id"].unique()}
        self.items = [
            {
                "chunk_id": r.chunk_id,
                "question": r.question,
                "text": chunks[r.chunk_id],
                "your_answer": answer_to_json(r.your_answer),
                "final_answer": answer_to_json(r.final_answer),
                "ops": r.ops,
                "reviewer": r.reviewer,
                "note": r.note if isinstance(r.note, str) else None,
                "decision": r.decision,  # "no decision yet" while final_answer is None
            }
            for r in frame.itertuples()
        ]

    def _on_refresh(self) -> None:
        self.refresh()
