"""The ``form`` flag: right answers written in another form than the others write them.

Under a loose ``match=`` rule (``entity``, ``normalized``, ...) "New York" and "the laws of the
State of New York" are the same answer, so scores cannot tell a labeler who writes bare names
from one who writes them the way the question asks. When the question says how to write
answers, the written form matters (it becomes the fine-tuning target), and this rule checks it.

The rule, per labeler × question:

- It applies to ``text`` questions with a keyed, symmetric ``match=`` rule other than ``exact``
  whose instructions or prompt say how to write the answer (a word like *write*, *written*,
  *form*, *format*, *spell*, *phrase*, *wording*; :func:`says_how_to_write`).
- **Form of an answer**: where its words sit around its *content* — ``bare`` (only the
  content), ``words before``, ``words after``, ``words around`` (or ``no shared content``).
  The content of an answer are the words every written form of the same answer (same key
  under the match rule, anywhere in the question) shares: "new york" of "the laws of the State
  of New York" and "New York", so the first has words before its content and the second is
  bare. "the laws of England" and "the laws of the State of Delaware" have the same form.
  Case, spacing and punctuation aside; the form is deliberately coarse (how an answer is
  phrased, not its exact boilerplate).
- **Items it applies to**: the labeler's answers (not UNKNOWN) whose content another labeler
  confirms (an equivalent answer on the same item) or the gold answer does, and whose item
  has a reference form.
- **Reference form** of an item, for one labeler: the form most of the *other* labelers'
  answers (not UNKNOWN) on the item have — at least two, and more than any other form, like
  the consensus. Gold answers do not vote: they are often imported from another dataset in
  its own normalized form (CUAD's "New York"), and the form the question asks for is what
  the team writes.
- A hit: the labeler's form differs from the reference form. The flag (issue ``form``,
  signal ``written_differently``) is raised when hits are at least ``Thresholds.form_rate``
  of the items it applies to and at least ``Thresholds.min_hits``.
- A labeler × question that already has a ``likely_misread`` or ``constant_answer`` flag gets
  no ``form`` flag: what it answers matters before how it writes it.

A ``form`` flag is not a misread: the content is right, so ``overall`` is unchanged;
:func:`labelwidgets.quality.report` uses it to break ties in ``rank`` (see there).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, matcher
from labelwidgets.quality.misread import show
from labelwidgets.schema import Question

if TYPE_CHECKING:
    from labelwidgets.quality.flagging import Thresholds

__all__ = ["form_flags", "says_how_to_write", "written_form"]

_HOW = re.compile(r"\b(?:writ\w*|form(?:at\w*|s|ed)?|spell\w*|phras\w*|word(?:ed|ing)?)\b", re.I)
_WORD = re.compile(r"\w+")
_MISREAD = {"likely_misread", "constant_answer"}


def says_how_to_write(question: Question) -> bool:
    """Whether the form rule applies: a text question, a loose match rule, and instructions or
    a prompt that say how to write the answer."""
    if question.kind != "text" or not matcher(question).symmetric:
        return False  # a directed rule ("contains") has no shared reference form
    if getattr(question, "match", "normalized") == "exact":
        return False
    return bool(_HOW.search(f"{question.instructions} {question.prompt}"))


def written_form(answer: Any) -> tuple[str, ...]:
    """An answer's words as compared here: case, spacing and punctuation aside."""
    return tuple(_WORD.findall(str(answer).casefold()))


def _shape(form: tuple[str, ...], content: set[str]) -> str:
    """Where an answer's words sit around its content (module docs)."""
    inside = [word in content for word in form]
    if not any(inside):
        return "no shared content"
    first, last = inside.index(True), len(inside) - 1 - inside[::-1].index(True)
    before, after = first > 0, last < len(inside) - 1
    return {
        (False, False): "bare",
        (True, False): "words before",
        (False, True): "words after",
    }.get((before, after), "words around")


def _templates(rows: pd.DataFrame) -> pd.Series:
    """Each row's form: where its words sit around its content (the words every written form
    of the same key shares). Computed once per distinct (key, answer)."""
    pairs = pd.DataFrame({"key": rows["key"].to_numpy(), "answer": rows["answer"].to_numpy()})
    codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
    words = [written_form(answer) for _, answer in distinct]
    content: dict[int, set[str]] = {}
    for (key, _), form in zip(distinct, words, strict=True):
        found = content.get(int(key))
        content[int(key)] = set(form) if found is None else found & set(form)
    shapes = [_shape(f, content[int(k)]) for (k, _), f in zip(distinct, words, strict=True)]
    return pd.Series(np.asarray(shapes, dtype=object)[codes], index=rows.index, dtype=object)


def _reference(rows: pd.DataFrame) -> list[str | None]:
    """Each row's reference form (module docs): the others' majority form, None if none."""
    per_item: dict[int, Counter[str]] = {}
    for item, form in zip(rows["item"], rows["form"], strict=True):
        per_item.setdefault(int(item), Counter())[form] += 1
    found: list[str | None] = []
    for item, own in zip(rows["item"], rows["form"], strict=True):
        counts = sorted(((n - (f == own), f) for f, n in per_item[int(item)].items()), reverse=True)
        top = counts[0]
        tied = len(counts) > 1 and counts[1][0] == top[0]
        found.append(top[1] if top[0] >= 2 and not tied else None)
    return found


def _checked(data: QualityData, question: Question) -> pd.DataFrame:
    """The question's answers (not UNKNOWN) with their form, reference form, whether the rule
    applies to them and whether they are a hit."""
    a = data.answers
    rows = a[(a["question"] == question.name) & ~a["unknown"] & (a["key"] >= 0)]
    rows = rows.assign(form=_templates(rows))
    rows = rows.assign(reference=_reference(rows))
    shared = rows.groupby(["item", "key"])["key"].transform("size").to_numpy() > 1
    confirmed = shared | (rows["gold_key"].to_numpy() == rows["key"].to_numpy())
    applies = confirmed & rows["reference"].notna().to_numpy()
    return rows.assign(applies=applies, hit=applies & (rows["form"] != rows["reference"]))


def _example(rows: pd.DataFrame, hit: pd.DataFrame) -> str:
    """The first hit's answer, and another labeler's answer written in the reference form
    (one with the same content when there is one)."""
    first = hit.iloc[0]
    same = rows[(rows["item"] == first["item"]) & (rows["form"] == first["reference"])]
    same = same.iloc[(same["key"] != first["key"]).argsort(kind="stable")]  # same content first
    shown = show(same["answer"].iloc[0]) if len(same) else repr(first["reference"])
    return f"{show(first['answer'])} where the reference is written {shown}"


def form_flags(
    data: QualityData,
    rules: Thresholds,
    flagged: set[tuple[str, str]],
    make: Callable[..., dict[str, Any]],
) -> list[dict[str, Any]]:
    """``form`` flags (module docs). ``flagged``: (labeler, question) pairs with a misread or
    constant-answer flag; ``make``: the flag row builder of :mod:`~labelwidgets.quality.flagging`."""
    found = []
    for question in data.task.questions:
        if not says_how_to_write(question):
            continue
        rows = _checked(data, question)
        for who, own in rows[rows["applies"]].groupby("labeler", sort=True):
            hit = own[own["hit"]]
            if (who, question.name) in flagged or len(hit) < rules.min_hits:
                continue
            if len(hit) < rules.form_rate * len(own):
                continue
            detail = (
                f"answers right in content but written in another form than the other "
                f"labelers' on {len(hit)} of {len(own)} items (e.g. {_example(rows, hit)}); "
                f"the question asks: {(question.instructions or question.prompt).strip()!r}"
            )
            found.append(
                make(
                    who,
                    question.name,
                    "form",
                    "written_differently",
                    len(hit),
                    len(own),
                    detail,
                    list(hit["chunk_id"]),
                )
            )
    return found


def flagged_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(labeler, question) pairs of ``frame``'s misread and constant-answer flags."""
    rows = frame[frame["issue"].isin(list(_MISREAD))] if len(frame) else frame
    return set(zip(rows.get("labeler", []), rows.get("question", []), strict=True))
