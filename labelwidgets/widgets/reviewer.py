"""The Reviewer: adjudicate the most suspicious items first, with word diffs, by keyboard."""

from __future__ import annotations

from typing import Any

import traitlets

from labelwidgets.quality.review import review_item, review_queue
from labelwidgets.schema import Task
from labelwidgets.store import LabelStore
from labelwidgets.widgets._base import CommandWidget, bundle, decode
from labelwidgets.widgets._labeler_find import (
    REVIEWER_STATUSES,
    DocumentNames,
    Query,
    results_view,
    run_search,
)

_ESM, _CSS = bundle("reviewer")


class Reviewer(CommandWidget):
    """Review ``task``: one item (chunk × question) at a time, labelers' and model answers side by
    side with word diffs, ordered by validator failures and disagreement. The queue holds the
    items that need a decision; ``include="all"`` shows every answered item (see
    :func:`labelwidgets.quality.review.review_queue`).

    Actions (each an append-only review event recorded with ``reviewer``): accept one answer,
    edit the final answer, mark the question unclear, write feedback to a labeler. The final
    answer becomes gold. Also plain methods: :meth:`accept`, :meth:`edit`, :meth:`unclear`,
    :meth:`feedback`, :meth:`next`, :meth:`previous`, :meth:`search`, :meth:`clear_search`.

    Commands take Alt, as in the Labeler: Alt+1–9 accept, Alt+E/U/F edit, unclear, feedback,
    Alt+N/P move, Alt+K opens the search box. The search (words, document, status: disagreed,
    failed_validator, model_disagrees, flagged) narrows the queue to the items of the chunks
    found, one page of chunks at a time. After each save the front end sets ``saved`` to the
    last event id (reactive notebooks such as marimo re-run the cells reading the widget).
    """

    _esm = _ESM
    _css = _CSS
    item = traitlets.Dict({}).tag(sync=True)
    progress = traitlets.Dict({}).tag(sync=True)
    found = traitlets.Dict({}).tag(sync=True)  # one page of search results, {} when no search
    saved = traitlets.Int(0).tag(sync=True)  # set by the front end after each confirmed save

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
        self._all = list(zip(queue["chunk_id"], queue["question"], strict=True))
        self._queue = self._all
        self._index = 0
        self._done = 0
        self._names = DocumentNames(store)
        self._show()

    @property
    def current(self) -> tuple[str, str] | None:
        """(chunk_id, question) on screen, or None when the queue is done."""
        return self._queue[self._index] if self._index < len(self._queue) else None

    def search(self, text: str = "", *, document: str = "", status: str = "", page: int = 0) -> Any:
        """Review only the items of the chunks found: ``text`` (full-text search),
        ``document`` (id or name), ``status`` (``"disagreed"``, ``"failed_validator"``,
        ``"model_disagrees"``, ``"flagged"``), one page of chunks at a time, in the queue's
        order. ``"disagreed"`` and ``"model_disagrees"`` compare answers under each question's
        ``match=`` rule, as the queue does. Returns ``store.search``'s result (``None``: all
        fields empty, search cleared).
        """
        query = Query.checked(text, document, status, REVIEWER_STATUSES)
        if query.empty:
            self.clear_search()
            return None
        result = run_search(self.store, self.task, query, labeler=None, page=page)
        found = set(result.chunk_ids)
        self._queue = [item for item in self._all if item[0] in found]
        counts = {cid: sum(1 for c, _ in self._queue if c == cid) for cid in found}
        self.found = results_view(
            result, query, self._names, lambda c: f"{counts[c]} to review" if counts[c] else None
        )
        self._index = 0
        self._show()
        return result

    def clear_search(self) -> None:
        """Back to the whole queue, at the item on screen if it is in it."""
        current = self.current
        self._queue = self._all
        self._index = self._queue.index(current) if current in self._queue else 0
        self.found = {}
        self._show()

    def go_to(self, chunk_id: str) -> None:
        """Show the first item of ``chunk_id`` in the queue (a search result picked)."""
        items = [i for i, (cid, _) in enumerate(self._queue) if cid == chunk_id]
        if not items:
            raise ValueError("nothing to review on this chunk (no item of it in the queue)")
        self._index = items[0]
        self._show()

    def accept(self, index: int) -> int:
        """Make answer number ``index`` (as listed) the final answer, and move on; returns
        the review event's id."""
        answers = self.item.get("answers", [])
        if not 0 <= index < len(answers):
            raise ValueError(f"there is no answer {index + 1} to accept")
        chosen = answers[index]
        return self._decide(decode(chosen["answer"]), accepted_from=chosen["who"])

    def edit(self, answer: Any, note: str | None = None) -> int:
        """Write the final answer yourself (checked against the question's kind)."""
        return self._decide(answer, note=note)

    def unclear(self, note: str | None = None) -> int:
        """Record that the question itself is unclear (its instructions need work)."""
        chunk_id, question = self._require()
        event_id = self.store.mark_unclear(
            self.task, question, reviewer=self.reviewer, note=note, chunk_id=chunk_id
        )
        self._show()
        return event_id

    def feedback(self, labeler: str, note: str) -> int:
        """Leave ``labeler`` a note about their answer to this item."""
        chunk_id, question = self._require()
        event_id = self.store.feedback(
            self.task, chunk_id, question, reviewer=self.reviewer, labeler=labeler, note=note
        )
        self._show()
        return event_id

    def next(self) -> None:
        self._index = min(self._index + 1, len(self._queue))
        self._show()

    def previous(self) -> None:
        self._index = max(self._index - 1, 0)
        self._show()

    def _decide(
        self, answer: Any, accepted_from: str | None = None, note: str | None = None
    ) -> int:
        chunk_id, question = self._require()
        event_id = self.store.adjudicate(
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
        return event_id

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
        return _saved(self.accept(int(index)))

    def _on_edit(self, answer: Any, note: str | None = None) -> dict[str, Any]:
        return _saved(self.edit(decode(answer), note))

    def _on_unclear(self, note: str | None = None) -> dict[str, Any]:
        return _saved(self.unclear(note))

    def _on_feedback(self, labeler: str, note: str) -> dict[str, Any]:
        return _saved(self.feedback(labeler, note))

    def _on_next(self) -> None:
        self.next()

    def _on_previous(self) -> None:
        self.previous()

    def _on_search(
        self, text: str = "", document: str = "", status: str = "", page: int = 0
    ) -> dict[str, Any]:
        result = self.search(text, document=document, status=status, page=page)
        return {"found": 0 if result is None else int(result.total)}

    def _on_clear_search(self) -> None:
        self.clear_search()

    def _on_go_to(self, chunk_id: str) -> None:
        self.go_to(chunk_id)


def _saved(event_id: int) -> dict[str, Any]:
    return {"saved": True, "event_id": int(event_id)}
