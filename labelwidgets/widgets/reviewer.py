"""The Reviewer: adjudicate the most suspicious items first, with word diffs, by keyboard."""

from __future__ import annotations

from typing import Any

import traitlets

from labelwidgets.quality.review import review_item, review_queue
from labelwidgets.schema import Task
from labelwidgets.store import LabelStore
from labelwidgets.widgets._base import CommandWidget, bundle, decode

_ESM, _CSS = bundle("reviewer")


class Reviewer(CommandWidget):
    """Review ``task``: one item (chunk × question) at a time, labelers' and model answers side by
    side with word diffs, ordered by validator failures and disagreement. The queue holds the
    items that need a decision; ``include="all"`` shows every answered item (see
    :func:`labelwidgets.quality.review.review_queue`).

    Actions (each an append-only review event recorded with ``reviewer``): accept one answer,
    edit the final answer, mark the question unclear, write feedback to a labeler. The final
    answer becomes gold. Also plain methods: :meth:`accept`, :meth:`edit`, :meth:`unclear`,
    :meth:`feedback`, :meth:`next`, :meth:`previous`.
    """

    _esm = _ESM
    _css = _CSS
    item = traitlets.Dict({}).tag(sync=True)
    progress = traitlets.Dict({}).tag(sync=True)

    def __init__(
        self,
        store: LabelStore,
        task: Task | str,
        reviewer: str = "reviewer",
        *,
        include_reviewed: bool = False,
        include: str = "needs_decision",
        **kwargs: Any,
    ) -> None:
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise ValueError(f"reviewer must be a non-empty name, got {reviewer!r}")
        super().__init__(**kwargs)
        self.store = store
        self.task = store.task(task)
        self.reviewer = reviewer
        queue = review_queue(store, self.task, include=include, include_reviewed=include_reviewed)
        self._queue = list(zip(queue["chunk_id"], queue["question"], strict=True))
        self._index = 0
        self._done = 0
        self._show()

    @property
    def current(self) -> tuple[str, str] | None:
        """(chunk_id, question) on screen, or None when the queue is done."""
        return self._queue[self._index] if self._index < len(self._queue) else None

    def accept(self, index: int) -> None:
        """Make answer number ``index`` (as listed) the final answer, and move on."""
        answers = self.item.get("answers", [])
        if not 0 <= index < len(answers):
            raise ValueError(f"there is no answer {index + 1} to accept")
        chosen = answers[index]
        self._decide(decode(chosen["answer"]), accepted_from=chosen["who"])

    def edit(self, answer: Any, note: str | None = None) -> None:
        """Write the final answer yourself (checked against the question's kind)."""
        self._decide(answer, note=note)

    def unclear(self, note: str | None = None) -> None:
        """Record that the question itself is unclear (its instructions need work)."""
        chunk_id, question = self._require()
        self.store.mark_unclear(
            self.task, question, reviewer=self.reviewer, note=note, chunk_id=chunk_id
        )
        self._show()

    def feedback(self, labeler: str, note: str) -> None:
        """Leave ``labeler`` a note about their answer to this item."""
        chunk_id, question = self._require()
        self.store.feedback(
            self.task, chunk_id, question, reviewer=self.reviewer, labeler=labeler, note=note
        )
        self._show()

    def next(self) -> None:
        self._index = min(self._index + 1, len(self._queue))
        self._show()

    def previous(self) -> None:
        self._index = max(self._index - 1, 0)
        self._show()

    def _decide(
        self, answer: Any, accepted_from: str | None = None, note: str | None = None
    ) -> None:
        chunk_id, question = self._require()
        self.store.adjudicate(
            self.task,
            chunk_id,
            question,
            answer,
            reviewer=self.reviewer,
            accepted_from=accepted_from,
            note=note,
        )
        self._done += 1
        self.next()

    def _require(self) -> tuple[str, str]:
        if self.current is None:
            raise ValueError("the review queue is done")
        return self.current

    def _show(self) -> None:
        self.progress = {
            "position": min(self._index + 1, len(self._queue)),
            "total": len(self._queue),
            "decided": self._done,
        }
        self.item = (
            {"done": True}
            if self.current is None
            else review_item(self.store, self.task, *self.current)
        )

    def _on_accept(self, index: int) -> dict[str, Any]:
        self.accept(int(index))
        return {"saved": True}

    def _on_edit(self, answer: Any, note: str | None = None) -> dict[str, Any]:
        self.edit(decode(answer), note)
        return {"saved": True}

    def _on_unclear(self, note: str | None = None) -> dict[str, Any]:
        self.unclear(note)
        return {"saved": True}

    def _on_feedback(self, labeler: str, note: str) -> dict[str, Any]:
        self.feedback(labeler, note)
        return {"saved": True}

    def _on_next(self) -> None:
        self.next()

    def _on_previous(self) -> None:
        self.previous()
