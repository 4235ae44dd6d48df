"""Which answers become training targets: the answer source, bad targets left out, DPO pairs and
de-duplication — all under each question's ``match=`` rule.

Nothing silently changes meaning: by default a target that fails its question's validators, or
an item whose labelers' answers conflict (``answers="all"``: two answers that are not the same
answer under the rule), is left out and counted in the export report; ``keep_failing=True`` /
``keep_conflicting=True`` keep them, with a warning.

Answers are read a page of whole chunks at a time (:func:`read_pages`) and chosen item by item
(:class:`Selection`), so an export never holds every answer; :func:`read_whole` reads them all at
once from the store's views (the whole-list export).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Hashable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any, NamedTuple

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.formats import Row
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema import validators as _validators
from labelwidgets.schema.matching import cluster
from labelwidgets.store.batches import AnswerPage, answer_pages
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = [
    "CONFLICTING",
    "FAILING",
    "Chosen",
    "Selection",
    "dedup",
    "read_pages",
    "read_whole",
    "with_rejected",
]

FAILING = "fails the question's validators"
CONFLICTING = "labelers' answers conflict"
_CACHE = 100_000  # answers whose key / verdict is remembered (rows of one chunk repeat them)


class Chosen(NamedTuple):
    """The exported answers of one item (a chunk and a question), in the page's order: who
    gave each (``sources``), the answers and their evidence spans (or None)."""

    chunk_id: str
    doc_id: str
    question: str
    sources: list[str]
    answers: list[Any]
    evidence: list[Any]


def read_pages(
    store: LabelStore, task: Task, answers: str, questions: list[str] | None, page_rows: int
) -> Iterator[AnswerPage]:
    """The answers an export chooses from, a page of whole chunks at a time."""
    return answer_pages(
        store, task, reference=answers == "adjudicated", questions=questions, page_rows=page_rows
    )


def read_whole(
    store: LabelStore, task: Task, answers: str, questions: list[str] | None
) -> AnswerPage:
    """Every answer an export chooses from, read from the store's views at once, in the order
    of :func:`read_pages` (labeling order, question, source)."""
    if answers == "adjudicated":
        frame = with_unknown(store.gold(task))
        sources = (frame["source"] + ":" + frame["by"].astype(str)).tolist()
    else:
        frame = with_unknown(store.answers(task))
        sources = frame["labeler"].tolist()
    columns = [frame["chunk_id"].tolist(), frame["question"].tolist(), sources]
    columns += [frame["answer"].tolist(), frame["evidence"].tolist()]
    rows = [r for r in zip(*columns, strict=True) if questions is None or r[1] in questions]
    texts = store.chunks(chunk_ids=sorted({r[0] for r in rows}))  # in labeling order
    order = {c: i for i, c in enumerate(texts["chunk_id"])}
    chunks = {
        c: (d, x) for c, d, x in zip(texts["chunk_id"], texts["doc_id"], texts["text"], strict=True)
    }
    rows = sorted((r for r in rows if r[0] in chunks), key=lambda r: (order[r[0]], r[1], r[2]))
    page = AnswerPage(*([list(c) for c in zip(*rows, strict=True)] or [[]] * 5), chunks)
    page.evidence = [_spans.as_evidence(e) for e in page.evidence]
    return page


class Selection:
    """Chooses the targets of an export item by item (one item: a chunk and a question) and
    counts what it leaves out, over as many pages as it is given."""

    def __init__(
        self,
        task: Task,
        answers: str,
        min_agreement: float | None,
        *,
        keep_failing: bool = False,
        keep_conflicting: bool = False,
    ) -> None:
        self.task, self.answers = task, answers
        self.minimum = 1.0 if min_agreement is None else min_agreement
        self.keep_failing, self.keep_conflicting = keep_failing, keep_conflicting
        self.checks = {q.name: q for q in task.questions if q.validators}
        self.matchers = {q.name: q.matcher for q in task.questions}
        self.kinds = {q.name: q.kind for q in task.questions}
        self.counts = Counter({FAILING: 0, CONFLICTING: 0, "single": 0, "disagree": 0})
        self._verdicts: dict[tuple[str, str], bool] = {}
        self._keys: dict[str, dict[Any, Hashable]] = {}  # per question: answer -> key

    def page(self, page: AnswerPage) -> list[Chosen]:
        """The targets among one page's answers, item by item in the page's order."""
        chunks, answers = page.chunks, page.answer
        chosen: list[Chosen] = []
        start = 0
        # a page comes grouped by item: each run of one (chunk, question) is an item
        for (chunk_id, question), run in groupby(zip(page.chunk_id, page.question, strict=True)):
            stop = start + len(list(run))
            rows: range | list[int] = range(start, stop)
            start = stop
            if question not in self.matchers:
                continue
            if question in self.checks:
                rows = [i for i in rows if self._valid(question, answers[i])]
                if not rows:
                    continue
            doc_id = chunks[chunk_id][0]
            if self.answers == "agreed":
                found = self._agreed(page, question, rows)
                if found is not None:
                    source, answer, evidence = found
                    chosen.append(
                        Chosen(chunk_id, doc_id, question, [source], [answer], [evidence])
                    )
                continue
            if self.answers == "all" and len(rows) > 1 and self._conflict(page, question, rows):
                self.counts[CONFLICTING] += len(rows)
                if not self.keep_conflicting:
                    continue
            if isinstance(rows, range):  # slices: no per-answer work
                found = page.source[rows.start : stop], answers[rows.start : stop]
                evidence = page.evidence[rows.start : stop]
            else:
                found = [page.source[i] for i in rows], [answers[i] for i in rows]
                evidence = [page.evidence[i] for i in rows]
            chosen.append(Chosen(chunk_id, doc_id, question, *found, evidence))
        return chosen

    def dropped(self) -> list[tuple[str, int]]:
        """(reason, rows) left out so far, in the report's order."""
        found = [] if self.keep_failing else [(FAILING, self.counts[FAILING])]
        if self.answers == "all" and not self.keep_conflicting:
            found.append((CONFLICTING, self.counts[CONFLICTING]))
        if self.answers == "agreed":
            found += [
                ("only one labeler answered", self.counts["single"]),
                ("labelers disagree", self.counts["disagree"]),
            ]
        return [(reason, rows) for reason, rows in found if rows]

    def notes(self) -> list[str]:
        """Warnings for targets kept against the rules (each also warned)."""
        notes = _kept(self.counts[FAILING], FAILING, "keep_failing") if self.keep_failing else []
        if self.keep_conflicting and self.answers == "all":
            notes += _kept(self.counts[CONFLICTING], CONFLICTING, "keep_conflicting")
        return notes

    def _valid(self, question: str, answer: Any) -> bool:
        check = self.checks.get(question)
        if check is None or answer is UNKNOWN:
            return True
        token = (question, repr(answer))
        failing = self._verdicts.get(token)
        if failing is None:
            if len(self._verdicts) >= _CACHE:
                self._verdicts.clear()
            failing = self._verdicts[token] = bool(_validators.run(check.validators, answer))
        if failing:
            self.counts[FAILING] += 1
        return self.keep_failing or not failing

    def _keys_of(self, question: str, values: list[Any]) -> set[Hashable]:
        """The distinct keys of ``values`` under ``question``'s rule."""
        cache = self._keys.setdefault(question, {})
        try:
            found = set(map(cache.get, values))  # the usual case: every answer seen before
        except TypeError:  # an unhashable answer (a list)
            found = {None}
        if None not in found:
            return found
        key = self.matchers[question].key
        found = set()
        for value in values:
            # 1, 1.0 and True are one dict key, not one answer: only texts are remembered
            if type(value) is not str and value is not UNKNOWN:
                found.add(key(value))
                continue
            known = cache.get(value)
            if known is None:
                if len(cache) >= _CACHE:
                    cache.clear()
                known = cache[value] = key(value)
            found.add(known)
        return found

    def _conflict(self, page: AnswerPage, question: str, rows: range | list[int]) -> bool:
        """Whether an item's answers are not all one answer under its question's rule."""
        if isinstance(rows, range):
            values = page.answer[rows.start : rows.stop]
        else:
            values = [page.answer[i] for i in rows]
        if self.matchers[question].keyed:  # one cluster per key
            return len(self._keys_of(question, values)) > 1
        return len(set(cluster(values, self.matchers[question]))) > 1

    def _agreed(self, page: AnswerPage, question: str, rows: list[int]) -> tuple | None:
        if len(rows) < 2:
            self.counts["single"] += 1
            return None
        values = [page.answer[i] for i in rows]
        groups = cluster(values, self.matchers[question])
        top, count = Counter(groups).most_common(1)[0]
        support = count / len(values)
        if support + 1e-12 < self.minimum:
            self.counts["disagree"] += 1
            return None
        # the wording most of the agreeing labelers used
        best = Counter(repr(v) for v, g in zip(values, groups, strict=True) if g == top)
        chosen = next(v for v in values if repr(v) == best.most_common(1)[0][0])
        group = {"answer": values, "evidence": [page.evidence[i] for i in rows]}
        evidence = _spans.agreed_evidence(group, chosen, self.kinds[question])
        return f"agreed:{support:.2f}", chosen, evidence


def _kept(rows: int, reason: str, parameter: str) -> list[str]:
    if not rows:
        return []
    message = (
        f"kept {rows} target(s) whose {reason.replace('fails', 'answer fails')} ({parameter}=True)"
    )
    warnings.warn(message, LabelwidgetsWarning, stacklevel=4)
    return [message]


def _groups(task: Task, question: str, values: list[Any]) -> list[int]:
    return cluster(values, task.question(question).matcher)


def with_rejected(
    store: LabelStore,
    task: Task,
    rows: list[Row],
    text: Any,
    chunk_ids: list[str] | None = None,
) -> tuple[list[Row], int]:
    """DPO pairs: each row gets the newest model answer that is not the same answer as its label
    (``text(answer)`` is the reply); rows without one are left out. ``chunk_ids``: the chunks
    of ``rows`` (a page), whose model answers alone are read."""
    suggestions = with_unknown(store.suggestions(task, chunk_id=chunk_ids))
    suggestions = suggestions[suggestions["parse_error"].isna()]
    by_item: dict[tuple[str, str], list[Any]] = {}
    for s in suggestions.itertuples():
        by_item.setdefault((s.chunk_id, s.question), []).append(s.answer)
    paired = []
    for row in rows:
        rule = task.question(row.question).matcher
        wrong = [
            a
            for a in by_item.get((row.chunk_id, row.question), [])
            if not rule.agree(a, row.answer)
        ]
        if wrong:
            row.rejected = text(wrong[-1])
            paired.append(row)
    return paired, len(rows) - len(paired)


def dedup(task: Task, rows: list[Row]) -> tuple[list[Row], int]:
    """One row per prompt and answer: rows with the same prompt (and rejected reply) whose
    answers are the same answer under the question's rule keep the first of them (the
    whole-list form of :class:`labelwidgets.exporting.digests.Deduplicator`)."""
    by_prompt: dict[tuple[str, str, str | None], list[Row]] = {}
    for row in rows:
        by_prompt.setdefault((row.question, row.prompt, row.rejected), []).append(row)
    kept_ids = set()
    for (question, _, _), group in by_prompt.items():
        groups = _groups(task, question, [r.answer for r in group])
        seen: set[int] = set()
        for row, number in zip(group, groups, strict=True):
            if number not in seen:
                seen.add(number)
                kept_ids.add(id(row))
    kept = [row for row in rows if id(row) in kept_ids]
    return kept, len(rows) - len(kept)
