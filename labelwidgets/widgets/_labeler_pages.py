"""A long chunk shown a part at a time, so the Labeler's synced state stays small.

The store keeps the whole text; the front end gets at most ``max_text_chars`` of it (one
*page*) plus the context around that page, and pages on with the ``show_more`` command. On the
wire, offsets count from the page's first character (:class:`ChunkFrame` with ``char_start``
at the page), so evidence and spans keep their document coordinates whatever page they were
marked on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labelwidgets.widgets.labeler_wire import ChunkFrame

MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class Page:
    """Characters ``[start, end)`` of a chunk of ``total`` characters, the ``number``-th page."""

    number: int
    start: int
    end: int
    total: int

    @property
    def more(self) -> bool:
        """There is text after this page."""
        return self.end < self.total


def page_of(total: int, number: int, limit: int) -> Page:
    """Page ``number`` of a text of ``total`` characters cut every ``limit`` characters."""
    pages = max(1, -(-total // limit))
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < pages:
        raise ValueError(f"page must be 0 to {pages - 1} for this chunk, got {number!r}")
    start = number * limit
    return Page(number, start, min(total, start + limit), total)


def framed(
    chunk: dict[str, Any], page: Page, document: str | None, context_chars: int
) -> tuple[ChunkFrame, str, str]:
    """The frame of ``page`` of ``chunk`` and the context shown before and after it.

    The context comes from the ``document`` text (``None``: the chunk has no place in one).
    """
    text = chunk["text"]
    placed = chunk["char_start"] is not None and chunk["char_end"] is not None
    before = after = ""
    if placed and document is not None and context_chars:
        start, end = chunk["char_start"] + page.start, chunk["char_start"] + page.end
        before = document[max(0, start - context_chars) : start]
        after = document[end : end + context_chars]
    frame = ChunkFrame(
        text[page.start : page.end] if (page.start, page.end) != (0, len(text)) else text,
        chunk["char_start"] + page.start if placed else None,
        len(before),
        len(after),
        lead=page.start,
        tail=page.total - page.end,
    )
    return frame, before, after


def page_view(page: Page) -> dict[str, Any]:
    """What the front end shows of the paging: where this part sits in the chunk."""
    return {
        "text_offset": page.start,
        "text_length": page.total,
        "more": page.more,
        "page": page.number,
    }
