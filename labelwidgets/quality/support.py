"""Is each answer in the text? The support check over a store, per answer and per labeler/model.

An answer that is not written in its chunk is how misreads (a labeler) and inventions (a model)
show up without any gold: a model answer that is not in the text is a likely hallucination, a
labeler with a high unsupported rate a likely misreader. The rule for one answer is
:func:`labelwidgets.schema.grounding.ground`: by its evidence spans when it has them, else by
locating its words (numbers and dates by value) in the chunk's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.answers import is_missing
from labelwidgets.schema.grounding import Grounding, ground

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["SupportReport", "support"]

ANSWER_COLUMNS = [
    "chunk_id",
    "doc_id",
    "question",
    "kind",
    "source",
    "who",
    "answer",
    "supported",
    "via",
    "span",
]
SUMMARY_COLUMNS = ["source", "who", "answers", "judged", "unsupported", "unsupported_rate"]


class SupportReport(NamedTuple):
    """What :func:`support` found; unpacks as ``answers, summary = lw.quality.support(...)``.

    Attributes
    ----------
    answers : DataFrame
        One row per non-UNKNOWN answer: chunk_id, doc_id, question, kind, source ("labeler" or
        "model"), who (labeler or model name), answer, supported (boolean; ``<NA>`` when not
        judged), via ("evidence" or "text"), span (where it was found, ``[(start, end), ...]``
        in document offsets; empty when not found).
    summary : DataFrame
        One row per labeler and per model (and question, with ``per_question=True``):
        source, who, answers, judged (the answers the check applies to), unsupported, and
        unsupported_rate = unsupported / judged (NaN when nothing was judged).
    """

    answers: pd.DataFrame
    summary: pd.DataFrame

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 12):
            return (
                f"SupportReport: {len(self.answers)} answers, "
                f"{int(self.answers['supported'].eq(False).sum())} not found in the text\n"
                f"{self.summary.to_string(index=False)}"
            )


def _rows(frame: pd.DataFrame, source: str, who: str) -> pd.DataFrame:
    """The answers of one source with the columns support() works on."""
    rows = pd.DataFrame(
        {
            "chunk_id": frame["chunk_id"],
            "question": frame["question"],
            "source": source,
            "who": frame[who],
            "answer": frame["answer"],
        }
    )
    rows["evidence"] = frame.get("evidence")  # spans, where the store has recorded them
    return rows


def _labeler_rows(store: LabelStore, task: Task) -> pd.DataFrame:
    return _rows(store.answers(task), "labeler", "labeler")


def _model_rows(store: LabelStore, task: Task) -> pd.DataFrame:
    frame = store.suggestions(task)
    parsed = frame[frame["parse_error"].isna()]
    # each model's current answer, as in the quality report: its newest parsed suggestion
    latest = parsed.sort_values(["created_at", "suggestion_id"], kind="stable").drop_duplicates(
        ["chunk_id", "question", "model"], keep="last"
    )
    return _rows(latest, "model", "model")


class _Judge:
    """Grounds answers chunk by chunk; an answer given by several people is checked once."""

    def __init__(self, store: LabelStore, chunks: pd.DataFrame) -> None:
        self.store = store
        starts = [0 if is_missing(s) else int(s) for s in chunks["char_start"]]
        self.chunks = dict(
            zip(
                chunks["chunk_id"],
                zip(chunks["text"], starts, chunks["doc_id"], strict=True),
                strict=True,
            )
        )
        self.memo: dict[tuple[str, str, str], Grounding] = {}
        self.documents: dict[str, str] = {}

    def __call__(self, chunk_id: str, kind: str, answer: Any, evidence: Any) -> Grounding:
        text, start, doc_id = self.chunks[chunk_id]
        if hasattr(evidence, "tolist"):
            evidence = evidence.tolist()
        if evidence is None or is_missing(evidence) or len(evidence) == 0:
            key = (chunk_id, kind, str(answer))
            found = self.memo.get(key)
            if found is None:
                found = self.memo[key] = ground(answer, text, kind, chunk_start=start)
            return found
        if not self._inside(evidence, start, start + len(text)):
            # evidence may point outside the chunk (to its context): read it in the document
            document = self._document(doc_id)
            if document:
                return ground(answer, document, kind, evidence)
        return ground(answer, text, kind, evidence, chunk_start=start)

    @staticmethod
    def _inside(evidence: Any, low: int, high: int) -> bool:
        pairs = [evidence] if len(evidence) == 2 and np.isscalar(evidence[0]) else evidence
        try:
            return all(low <= pair[0] and pair[1] <= high for pair in pairs)
        except (TypeError, KeyError, IndexError):
            return True  # malformed: ground() names the problem

    def _document(self, doc_id: str) -> str:
        if doc_id not in self.documents:
            try:
                self.documents[doc_id] = self.store.document_text(doc_id)
            except KeyError:
                self.documents[doc_id] = ""
        return self.documents[doc_id]


def _summary(rows: pd.DataFrame, per_question: bool) -> pd.DataFrame:
    keys = ["source", "who", *(["question"] if per_question else [])]
    if rows.empty:
        columns = [*keys, *SUMMARY_COLUMNS[2:]]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    supported = rows["supported"]
    counts = (
        rows.assign(
            judged=supported.notna().astype(int),
            unsupported=supported.eq(False).fillna(False).astype(int),
        )
        .groupby(keys, sort=True)
        .agg(
            answers=("answer", "size"), judged=("judged", "sum"), unsupported=("unsupported", "sum")
        )
        .reset_index()
    )
    counts["unsupported_rate"] = counts["unsupported"] / counts["judged"].where(
        counts["judged"] > 0
    )
    return counts


def support(
    store: LabelStore,
    task: Task | str,
    *,
    questions: Iterable[str] | None = None,
    per_question: bool = False,
) -> SupportReport:
    """Whether each labeler and model answer is supported by its chunk's text.

    Parameters
    ----------
    store
        The :class:`~labelwidgets.LabelStore`.
    task
        A Task or a task name.
    questions
        Question names to check (default: all).
    per_question
        Summarize per labeler/model *and question* instead of per labeler/model.

    Returns
    -------
    SupportReport
        ``answers`` (one row per non-UNKNOWN answer: labelers' current answers from
        ``store.answers(task)``, and each model's newest parsed suggestion) and ``summary``
        (share of unsupported answers over the answers the check applies to). Each answer is
        judged by :func:`labelwidgets.schema.grounding.ground`: through its evidence spans when
        it has some (read in the document when they reach outside the chunk), else by locating
        it in the chunk; choice, rating and spans answers are not judged (``supported`` is
        ``<NA>``) and do not count in the rate.

    Examples
    --------
    >>> answers, summary = lw.quality.support(store, task)  # doctest: +SKIP
    >>> summary.sort_values("unsupported_rate", ascending=False)  # doctest: +SKIP
    """
    task = store.task(task)
    kinds = {q.name: q.kind for q in task.questions}
    if questions is not None:
        wanted = [questions] if isinstance(questions, str) else list(questions)
        missing = sorted(set(wanted) - set(kinds))
        if missing:
            raise ValueError(f"task {task.name!r} has no question(s) {missing}")
        kinds = {name: kinds[name] for name in wanted}
    rows = pd.concat([_labeler_rows(store, task), _model_rows(store, task)], ignore_index=True)
    answered = np.array([not (a is UNKNOWN or is_missing(a)) for a in rows["answer"]], dtype=bool)
    keep = rows["question"].isin(list(kinds)).to_numpy() & answered
    rows = rows[keep]
    chunks = store.chunks(chunk_ids=rows["chunk_id"].unique().tolist())
    # in labeling order: a chunk's answers one after the other, so its text is indexed once
    order = rows["chunk_id"].map(dict(zip(chunks["chunk_id"], range(len(chunks)), strict=True)))
    rows = rows.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)
    judge = _Judge(store, chunks)
    rows["kind"] = rows["question"].map(kinds)
    found = [
        judge(c, k, a, e)
        for c, k, a, e in zip(
            rows["chunk_id"], rows["kind"], rows["answer"], rows["evidence"], strict=True
        )
    ]
    rows["doc_id"] = rows["chunk_id"].map({c: v[2] for c, v in judge.chunks.items()})
    rows["supported"] = pd.array([f.supported for f in found], dtype="boolean")
    rows["via"] = pd.Series([f.via for f in found], index=rows.index, dtype=object)
    rows["span"] = pd.Series([f.spans for f in found], index=rows.index, dtype=object)
    rows = rows.reindex(columns=ANSWER_COLUMNS)
    return SupportReport(rows, _summary(rows, per_question))
