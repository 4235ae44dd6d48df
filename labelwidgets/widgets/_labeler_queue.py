"""Which chunk the Labeler shows next: its own list (``chunks=``, ``order="random"``), the
store's queue (``store.next_chunk`` with the order and filters given), or the next search result.
"""

from __future__ import annotations

from typing import Any

from labelwidgets.store import Where
from labelwidgets.widgets._labeler_state import Chunks, chunk_order


class LabelerQueue:
    """The Labeler's queue (mixed into :class:`~labelwidgets.Labeler`)."""

    def _queue(self: Any, order: Any, where: Any, seed: int, chunks: Chunks | None) -> None:
        """Which chunks come up and in what order: the widget's own list or the store's."""
        store, labeler = self.store, self.labeler
        local = order in ("document", "random") and where is None
        if not local and not callable(order) and not isinstance(order, str):
            raise ValueError(f"order must be a name or a callable, got {order!r}")
        self._order = chunk_order(store, chunks, order, seed) if local else None
        if not local and chunks is not None:
            self._order_ids = chunk_order(store, chunks, "document", seed)
        else:
            self._order_ids = None
        self._store_queue = {} if local else {"order": order, "where": where, "seed": seed}
        if not local:
            store.next_chunk(self.task, labeler, lease=False, **self._next_args())  # checks them
        self._position = {cid: i for i, cid in enumerate(self._order)} if self._order else {}
        self._done = store.finished(self.task, labeler)
        if self._order is not None:
            self._done &= set(self._order)  # progress counts this selection only
        self._skipped = store.skipped(self.task, labeler) & self._done
        self._total = len(self._order) if self._order is not None else self._count(where)
        self._done_outside = 0  # finished chunks the content filters leave out (progress)
        if self._total != store.count_chunks() and self._order is None:
            self._done_outside = len(self._done) - self._count(where, finished=True)

    def _count(self: Any, where: Any, *, finished: bool = False) -> int:
        """How many chunks the queue holds: all, or those the content filters of ``where``
        keep (text, document, metadata; a status filter changes as labels come in); with
        ``finished``, those of them this labeler answered or skipped."""
        if where is None:
            return self.store.count_chunks()
        fixed = Where.of(where).fixed()
        if not any(value is not None for value in fixed.values()):
            return self.store.count_chunks()
        mine = {"status": ["answered", "skipped"], "labeler": self.labeler} if finished else {}
        return self.store.search(
            self.task,
            fixed["text"],
            doc_id=fixed["doc_id"],
            meta=fixed["meta"],
            page_size=1,
            **mine,
        ).total

    def _next_open(self: Any, after: str | None) -> str | None:
        found = [row["chunk_id"] for row in self.found.get("results", [])]
        if after in found:  # working through search results: the next one not done yet
            at = found.index(after)
            rest = [c for c in found[at + 1 :] + found[:at] if c not in self._done]
            if rest:
                return rest[0]
        if self._order is None:
            return self.store.next_chunk(self.task, self.labeler, after=after, **self._next_args())
        start = self._position[after] + 1 if after in self._position else 0
        n = len(self._order)
        for step in range(n):
            candidate = self._order[(start + step) % n]
            if candidate not in self._done:
                return candidate
        return None

    def _next_args(self: Any) -> dict[str, Any]:
        """What ``store.next_chunk`` takes besides the task and labeler: order and filters."""
        if not self._store_queue:
            return {}
        args = dict(self._store_queue)
        if self._order_ids is not None:
            args["chunk_ids"] = self._order_ids
        return args
