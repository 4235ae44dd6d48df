"""Finding chunks from a widget: a search box and filters served by ``store.search``.

The store does the searching (full text, document, status) in SQL and pages the result; the
widget asks for one page at a time and sends the front end only that page: for each chunk its
document, pages, status for this labeler (answered or skipped, and flagged) and the store's
snippet around the first hit. Plain functions, so the Labeler and the Reviewer share them and
they are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import Task
from labelwidgets.store import LabelStore

PAGE_SIZE = 20
# What each widget's status filter offers (the store's names); "" is "any status".
LABELER_STATUSES = ("", "unanswered", "skipped", "flagged", "answered")
REVIEWER_STATUSES = ("", "disagreed", "failed_validator", "model_disagrees", "flagged")


@dataclass(frozen=True)
class Query:
    """What a search box holds: words, a document (its id or name) and a status."""

    text: str = ""
    document: str = ""
    status: str = ""

    @classmethod
    def checked(cls, text: Any, document: Any, status: Any, statuses: Iterable[str]) -> Query:
        """A query from the front end's fields; ``ValueError`` naming a field that is wrong."""
        for name, value in (("text", text), ("document", document), ("status", status)):
            if not isinstance(value, str):
                raise ValueError(f"search: {name} must be a string, got {value!r}")
        if len(text) > 500:
            raise ValueError(f"search: text is {len(text)} characters; at most 500")
        allowed = tuple(statuses)
        if status not in allowed:
            named = ", ".join(repr(s) for s in allowed if s)
            raise ValueError(f"search: status must be one of {named} (or empty), got {status!r}")
        return cls(text.strip(), document.strip(), status)

    @property
    def empty(self) -> bool:
        """Nothing to search for: the widget shows its queue."""
        return not (self.text or self.document or self.status)

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "document": self.document, "status": self.status}


def document_id(store: LabelStore, document: str) -> str | None:
    """The id of the document ``document`` names (its id, else its name, any case)."""
    if not document:
        return None
    docs = store.documents()
    ids = [str(d) for d in docs["doc_id"]]
    if document in ids:
        return document
    names = [str(n).casefold() for n in docs["name"]]
    matches = [ids[i] for i, name in enumerate(names) if name == document.casefold()]
    if not matches:
        raise ValueError(f"search: no document with id or name {document!r}")
    return matches[0]


def run_search(
    store: LabelStore,
    task: Task,
    query: Query,
    *,
    labeler: str | None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> Any:
    """One page of the chunks ``query`` finds (``store.search``'s result).

    ``query.document`` is tried as a document id first (one indexed filter); only when that
    finds nothing is it looked up among the documents' names (reads the document list).
    """
    if not isinstance(page, int) or isinstance(page, bool) or page < 0:
        raise ValueError(f"search: page must be a whole number from 0, got {page!r}")

    def run(doc_id: str | None) -> Any:
        return store.search(
            task,
            query.text or None,
            doc_id=doc_id,
            status=query.status or None,
            labeler=labeler,
            page=page,
            page_size=page_size,
        )

    result = run(query.document or None)
    if query.document and result.total == 0:
        named = document_id(store, query.document)  # ValueError naming an unknown document
        if named != query.document:
            result = run(named)
    return result


def flagged_among(store: LabelStore, task: Task, labeler: str, chunk_ids: list[str]) -> set[str]:
    """Which of ``chunk_ids`` (one page of results) ``labeler`` flagged in ``task``."""
    if not chunk_ids:
        return set()
    flags = store.events(
        task, labeler=labeler, chunk_id=chunk_ids, kind="flag", columns=["chunk_id"]
    )
    return set(flags["chunk_id"])


class DocumentNames:
    """Document names by id, each read once (from the first chunk of it on a results page)."""

    def __init__(self, store: LabelStore) -> None:
        self.store = store
        self.names: dict[str, str] = {}

    def __call__(self, doc_id: str, chunk_id: str) -> str:
        if doc_id not in self.names:
            self.names[doc_id] = str(self.store.chunk(chunk_id)["doc_name"] or doc_id)
        return self.names[doc_id]


def results_view(
    result: Any,
    query: Query,
    names: Callable[[str, str], str],
    status_of: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """What the front end shows of one page of results (at most ``page_size`` chunks): each
    chunk's document name, pages, snippet (the store's, cut around the hit) and status."""
    rows = [
        {
            "chunk_id": row["chunk_id"],
            "doc_name": names(row["doc_id"], row["chunk_id"]),
            "page_start": row["page_start"],
            "page_end": row["page_end"],
            "snippet": row["snippet"],
            "status": None if status_of is None else status_of(row["chunk_id"]),
        }
        for row in result.rows
    ]
    return {
        "query": query.as_dict(),
        "total": int(result.total),
        "page": int(result.page),
        "page_size": int(result.page_size),
        "results": rows,
    }


class LabelerSearch:
    """The Labeler's search box as methods (mixed into :class:`~labelwidgets.Labeler`)."""

    def search(
        self: Any, text: str = "", *, document: str = "", status: str = "", page: int = 0
    ) -> Any:
        """Find chunks: ``text`` (words or a phrase, full-text search), ``document`` (its id
        or name) and ``status`` (``"unanswered"``, ``"skipped"``, ``"flagged"``,
        ``"answered"``: this labeler's). The store searches and pages; the widget shows one
        page (``found``). Returns ``store.search``'s result, or ``None`` when every field is
        empty (the search is cleared and the queue comes back).
        """
        if self.terms:
            raise ValueError("accept the terms first")
        query = Query.checked(text, document, status, LABELER_STATUSES)
        if query.empty:
            self.clear_search()
            return None
        result = run_search(self.store, self.task, query, labeler=self.labeler, page=page)
        if getattr(self, "_names", None) is None:
            self._names = DocumentNames(self.store)
        flagged = flagged_among(self.store, self.task, self.labeler, result.chunk_ids)

        def status_of(chunk_id: str) -> str | None:
            parts = [self._status_of(chunk_id), "flagged" if chunk_id in flagged else None]
            return " · ".join(p for p in parts if p) or None

        self.found = results_view(result, query, self._names, status_of)
        self._set_progress()
        return result

    def clear_search(self: Any) -> None:
        """Close the search and return to the queue: a search result on screen gives way to
        the queue's next open chunk."""
        shown = {row["chunk_id"] for row in self.found.get("results", [])}
        self.found = {}
        if (self.chunk_id is None or self.chunk_id in shown) and not self.terms:
            self._advance(self._next_open(None))
