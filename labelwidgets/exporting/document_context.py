"""The prompt of a document-level training record: the questions, then the evidence excerpts of
the document, fitted into a character budget.

The excerpts are the chunks holding the answers, in document order. Chunks that overlap or
touch (by their document offsets) are joined into one excerpt without repeating the overlap;
excerpts further apart are separated by a ``[…]`` line. When the excerpts do not fit, each gets
an equal share of the budget (a short excerpt keeps all of its text and leaves the rest to the
others), so no answer's chunk is dropped; a longer one is cut, marked ``[…]``, around the first
answer written in it (found with :func:`labelwidgets.schema.grounding.locate`), else keeping
its start.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import Question, Task

__all__ = [
    "CUT",
    "GAP",
    "LEAD",
    "Excerpt",
    "anchors",
    "answers_lost",
    "fit",
    "header",
    "joined",
    "merge",
]

CUT = " […]"  # the end of an excerpt that was cut to fit
LEAD = "[…] "  # the start of an excerpt cut to keep an answer written further in
GAP = "\n\n[…]\n\n"  # between excerpts that are not next to each other in the document
NEAR = "\n\n"  # between excerpts only a few characters apart (paragraph breaks)
_NEAR_CHARS = 4
_SNAP = 40  # how far a cut moves to fall between words


@dataclass
class Excerpt:
    """Consecutive text of one document: ``start``/``end`` are document offsets when known."""

    text: str
    start: int | None
    end: int | None


def _offsets_ok(chunk: Any) -> bool:
    start, end = chunk.char_start, chunk.char_end
    return (
        isinstance(start, (int, float))
        and isinstance(end, (int, float))
        and end - start == len(chunk.text)
    )


def merge(chunks: Sequence[Any]) -> list[Excerpt]:
    """Chunks of one document (rows with ``text``, ``char_start``, ``char_end``, in document
    order) as excerpts: overlapping or touching chunks joined, the overlap once."""
    excerpts: list[Excerpt] = []
    for chunk in chunks:
        text = chunk.text
        if not _offsets_ok(chunk):
            excerpts.append(Excerpt(text, None, None))
            continue
        start, end = int(chunk.char_start), int(chunk.char_end)
        last = excerpts[-1] if excerpts else None
        if last is not None and last.end is not None and last.start <= start <= last.end:
            if end > last.end:
                last.text += text[last.end - start :]
                last.end = end
            continue
        excerpts.append(Excerpt(text, start, end))
    return excerpts


def _separators(excerpts: Sequence[Excerpt]) -> list[str]:
    """What goes before each excerpt but the first."""
    found = []
    for before, after in itertools.pairwise(excerpts):
        near = (
            before.end is not None
            and after.start is not None
            and 0 <= after.start - before.end <= _NEAR_CHARS
        )
        found.append(NEAR if near else GAP)
    return found


def _shares(lengths: list[int], budget: int) -> list[int]:
    """Split ``budget`` characters: the shortest first each take what they need up to an equal
    share of what is left."""
    shares = [0] * len(lengths)
    left, remaining = len(lengths), budget
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        shares[i] = min(lengths[i], remaining // left)
        remaining -= shares[i]
        left -= 1
    return shares


def _window(text: str, share: int, anchor: int | None) -> str:
    """``text`` cut to ``share`` characters (markers included) around ``anchor`` (where an
    answer is written: kept, with some text before it), else from its start; cuts fall
    between words where one is near."""
    if share >= len(text):
        return text
    keep = share - len(CUT)
    start = 0
    if anchor is not None and anchor > keep // 3:
        keep -= len(LEAD)
        start = max(0, min(anchor - keep // 3, len(text) - keep))
    end = start + keep
    if start:
        space = text.find(" ", start, min(start + _SNAP, anchor if anchor is not None else end))
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(end - _SNAP, start, (anchor or 0) + keep // 3), end)
        end = space if space != -1 else end
    window = text[start:end].strip()
    return (LEAD if start else "") + window + (CUT if end < len(text) else "")


def fit(
    excerpts: list[Excerpt], budget: int, anchors: Sequence[int | None] | None = None
) -> tuple[str, bool]:
    """The excerpts as one text of at most ``budget`` characters, and whether any was cut.

    ``anchors``: per excerpt, the offset of an answer written in it (kept when the excerpt is
    cut), or None (the excerpt keeps its start)."""
    separators = _separators(excerpts)
    whole = excerpts[0].text if excerpts else ""
    for separator, excerpt in zip(separators, excerpts[1:], strict=True):
        whole += separator + excerpt.text
    if len(whole) <= budget:
        return whole, False
    room = budget - sum(len(s) for s in separators)
    if room < len(excerpts) * (len(CUT) + len(LEAD) + 1):  # no room for all: one excerpt cut
        return excerpts[0].text[: max(0, budget - len(CUT))] + CUT, True
    anchors = list(anchors) if anchors is not None else [None] * len(excerpts)
    shares = _shares([len(e.text) for e in excerpts], room)
    parts = [
        _window(e.text, share, anchor)
        for e, share, anchor in zip(excerpts, shares, anchors, strict=True)
    ]
    text = parts[0] + "".join(s + p for s, p in zip(separators, parts[1:], strict=True))
    return text, True


def describe(question: Question) -> str:
    """One line telling the model what a key of the reply holds."""
    asked = question.prompt or question.instructions or question.name.replace("_", " ")
    if question.when is not None:
        asked = asked.replace("{previous}", f'the "{question.when[0]}" answer')
    if question.kind == "choice":
        form = f"one of: {', '.join(question.choices)}"
    elif question.kind == "multi_choice":
        form = f"a list of one or more of: {', '.join(question.choices)}"
    elif question.kind == "rating":
        form = f"a whole number from {question.scale[0]} to {question.scale[1]}"
    elif question.kind == "number":
        form = "a number"
    elif question.kind == "date":
        form = "a date as YYYY-MM-DD"
    else:
        form = "text, worded as in the document"
    return f'- "{question.name}": {asked.strip()} ({form})'


def header(task: Task, names: Sequence[str], unknown_text: str | None) -> str:
    """The instructions before the document's name and excerpts."""
    unknown = "null" if unknown_text is None else f'"{unknown_text}"'
    lines = [
        "Read the excerpts of the document below and answer each question about the whole "
        "document.",
        "Reply with one JSON object with exactly these keys, in this order; use "
        f"{unknown} where the document does not say:",
        *[describe(task.question(name)) for name in names],
    ]
    return "\n".join(lines) + "\n\n"


def joined(head: str, name: str, context: str) -> str:
    """The user turn: instructions, the document's name, its excerpts."""
    return f'{head}Document: {name}\n"""\n{context}\n"""'


def frame_chars(head: str, name: str) -> int:
    """Characters of the user turn besides the excerpts."""
    return len(joined(head, name, ""))


def anchors(excerpts: Sequence[Excerpt], answers: Sequence[tuple[Any, str]]) -> list[int | None]:
    """Per excerpt, where the first of ``answers`` ((value, question kind) pairs) is written in
    it, or None."""
    from labelwidgets.schema.grounding import locate

    found: list[int | None] = []
    for excerpt in excerpts:
        starts = [spans[0][0] for v, k in answers if (spans := locate(v, excerpt.text, k))]
        found.append(min(starts) if starts else None)
    return found


def answers_lost(
    answers: Sequence[tuple[Any, str]],
    excerpts: Sequence[Excerpt],
    anchors: Sequence[int | None] | None,
    context: str,
) -> int:
    """How many of ``answers`` written in the excerpts are not written in the cut ``context``."""
    if not anchors or all(a is None for a in anchors):
        return 0
    from labelwidgets.schema.grounding import locate

    return sum(
        1
        for value, kind in answers
        if any(locate(value, e.text, kind) for e in excerpts) and not locate(value, context, kind)
    )


def redacted(excerpts: list[Excerpt], apply: Callable[[str], str] | None) -> list[Excerpt]:
    """The excerpts with personal data replaced (before they are fitted to the budget, so a
    longer replacement cannot push the prompt over it)."""
    if apply is None:
        return excerpts
    return [Excerpt(apply(e.text), e.start, e.end) for e in excerpts]
