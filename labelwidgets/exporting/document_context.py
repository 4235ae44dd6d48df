"""The prompt of a document-level training record: the questions, then the evidence excerpts of
the document, fitted into a character budget.

The excerpts are the chunks holding the answers, in document order. Chunks that overlap or
touch (by their document offsets) are joined into one excerpt without repeating the overlap;
excerpts further apart are separated by a ``[…]`` line. When the excerpts do not fit, each gets
an equal share of the budget (a short excerpt keeps all of its text and leaves the rest to the
others) and a longer one is cut at the end, marked ``[…]``: every answer's chunk keeps its start
instead of the last chunks being dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from labelwidgets.schema import Question, Task

__all__ = ["CUT", "GAP", "Excerpt", "fit", "header", "joined", "merge"]

CUT = " […]"  # the end of an excerpt that was cut to fit
GAP = "\n\n[…]\n\n"  # between excerpts that are not next to each other in the document
NEAR = "\n\n"  # between excerpts only a few characters apart (paragraph breaks)
_NEAR_CHARS = 4


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


def fit(excerpts: list[Excerpt], budget: int) -> tuple[str, bool]:
    """The excerpts as one text of at most ``budget`` characters, and whether any was cut."""
    separators = _separators(excerpts)
    whole = excerpts[0].text if excerpts else ""
    for separator, excerpt in zip(separators, excerpts[1:], strict=True):
        whole += separator + excerpt.text
    if len(whole) <= budget:
        return whole, False
    room = budget - sum(len(s) for s in separators)
    if room < len(excerpts) * (len(CUT) + 1):  # no room for the separators: one excerpt cut
        return excerpts[0].text[: max(0, budget - len(CUT))] + CUT, True
    shares = _shares([len(e.text) for e in excerpts], room)
    parts = []
    for excerpt, share in zip(excerpts, shares, strict=True):
        text = excerpt.text
        parts.append(text if share >= len(text) else text[: share - len(CUT)].rstrip() + CUT)
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


def redacted(excerpts: list[Excerpt], apply: Callable[[str], str] | None) -> list[Excerpt]:
    """The excerpts with personal data replaced (before they are fitted to the budget, so a
    longer replacement cannot push the prompt over it)."""
    if apply is None:
        return excerpts
    return [Excerpt(apply(e.text), e.start, e.end) for e in excerpts]
