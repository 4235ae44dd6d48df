"""Document-level export: one training record per document, every question answered in one JSON
object, the evidence chunks as the prompt's context.

This is the common shape of extraction fine-tuning data: the model reads (excerpts of) a whole
contract and replies ``{"governing_law": "the laws of the State of New York", "kind":
"supply"}``. The answers are :meth:`LabelStore.document_answers
<labelwidgets.store.rollup.RollupMixin.document_answers>`, the roll-up of the chunks' answers.

Nothing silently changes meaning: a document whose answers conflict, that has a question with no
answer, whose answer's status is not in ``statuses``, or whose answer fails its question's
validators is left out and counted in the report (``keep_conflicting`` / ``keep_failing`` keep
them, with a warning).
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from labelwidgets._warnings import LabelwidgetsWarning
from labelwidgets.exporting import document_context as ctx
from labelwidgets.exporting.document_files import manifest, prepare, write
from labelwidgets.exporting.document_selection import (
    DOCUMENT_FORMATS,
    KEPT_STATUSES,
    check,
    choose,
    question_names,
)
from labelwidgets.exporting.redact import checked as checked_redactor
from labelwidgets.exporting.splitting import fractions_of, split_rows
from labelwidgets.schema import UNKNOWN, Task

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["DOCUMENT_FORMATS", "DocumentExportReport", "DocumentRecord", "export_documents"]


@dataclass
class DocumentExportReport:
    """What :func:`export_documents` wrote.

    ``paths`` maps each split to its file; ``counts`` the documents per split; ``dropped`` the
    documents left out and why; ``unknown`` how many answers in the targets are "not in the
    text" (``null``); ``truncated`` how many prompts had their excerpts cut to fit
    ``max_chars``; ``redactions`` the documents the redactor changed and its replacements per
    kind; ``manifest`` the JSON file that makes the export reproducible.
    """

    format: str
    paths: dict[str, Path]
    counts: dict[str, int]
    dropped: pd.DataFrame
    unknown: int
    truncated: int
    redactions: dict[str, int]
    manifest: Path
    warnings: list[str] = field(default_factory=list)
    answers_cut: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def __repr__(self) -> str:
        lines = [
            f"DocumentExportReport({self.format}: {self.rows} documents {self.counts}, "
            f"{self.unknown} 'not in the text' answers, {self.truncated} truncated prompts, "
            f"redactions {self.redactions})"
        ]
        lines += [f"  {split}: {path}" for split, path in self.paths.items()]
        if len(self.dropped):
            lines.append(
                "  dropped: "
                + ", ".join(f"{r.reason} ({r.documents})" for r in self.dropped.itertuples())
            )
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(slots=True)
class DocumentRecord:
    """One training record: a document, its prompt and its answers as one JSON object."""

    doc_id: str
    name: str
    prompt: str
    target: dict[str, Any]
    completion: str
    chunk_ids: list[str]
    truncated: bool
    status: dict[str, str]
    answers_cut: int = 0  # answers written in the evidence that the cut context lost


def export_by_document(
    store: LabelStore,
    task: Task | str,
    format: str,
    path: str | Path,
    level: str,
    chunk_only: Mapping[str, tuple[Any, Any]],
    **options: Any,
) -> DocumentExportReport:
    """``lw.export(..., level="document")``: refuse the options that only apply per chunk."""
    if level != "document":
        raise ValueError(f"export: level must be 'chunk' or 'document', got {level!r}")
    given = [name for name, (value, default) in chunk_only.items() if value != default]
    if given:
        raise ValueError(
            f"export(level='document'): {', '.join(given)} only apply per chunk "
            "(a document's answer is rolled up from its chunks: see store.document_answers)"
        )
    if options.get("max_chars") is None:
        options.pop("max_chars", None)
    return export_documents(store, task, format, path, **options)


def export_documents(
    store: LabelStore,
    task: Task | str,
    format: str,
    path: str | Path,
    *,
    max_chars: int = 12_000,
    questions: Iterable[str] | None = None,
    unknown_text: str | None = None,
    statuses: Iterable[str] = KEPT_STATUSES,
    keep_conflicting: bool = False,
    keep_failing: bool = False,
    split: float | tuple[float, ...] | Mapping[str, float] | None = None,
    seed: int = 0,
    redact: Callable[[str], str] | None = None,
    system_prompt: str | None = None,
    progress: bool = True,
) -> DocumentExportReport:
    """Write one training record per document into the folder ``path``.

    The target is one JSON object with every question as a key, in task order, e.g.
    ``{"governing_law": "the laws of the State of New York", "kind": "supply"}``, rolled up
    from the chunks' answers (:meth:`LabelStore.document_answers`). The prompt asks the
    questions and gives the document's evidence chunks (those holding the answers, in
    document order, overlaps joined) as context.

    Parameters
    ----------
    format
        ``"openai-chat"`` / ``"trl-sft"`` (``{"messages": [system?, user, assistant]}`` with
        the JSON object as the assistant's text), ``"jsonl"`` (one flat record per line:
        ``doc_id``, ``name``, ``prompt``, ``target`` as an object, ``completion``,
        ``chunk_ids``, ``truncated``, ``status``) or ``"parquet"`` (the same columns; ``target``
        and ``status`` as JSON text).
    max_chars
        The most characters a record's prompt may have: the system prompt and the user turn
        together. Excerpts that do not fit are cut (see
        :mod:`labelwidgets.exporting.document_context`) and counted in ``truncated``.
    questions
        Only these questions (default: every question but ``spans`` questions).
    unknown_text
        "Not in the text" answers are JSON ``null`` by default (what extraction schemas
        expect); a string here is written instead, e.g. ``"The document does not say."``.
    statuses
        Roll-up statuses a document's answers may have to be exported (default: all but
        ``"conflict"``); ``("adjudicated",)`` keeps only reviewed documents.
    keep_conflicting
        Keep documents whose answers conflict, with the answer most labelers gave (then the
        one on most chunks) as the target, and a warning.
    keep_failing
        Keep documents with an answer that fails its question's validators, with a warning.
    split, seed
        As in :func:`labelwidgets.export`: a validation fraction, ``(train, validation[,
        test])`` or ``{split: fraction}``; documents are shuffled with ``seed``.
    redact
        A callable ``text -> text`` applied to the document's name and excerpts (before they
        are fitted to ``max_chars``) and to the answers of ``Question(..., pii=True)``.
    system_prompt
        An optional system message.
    progress
        Show a progress bar on large exports.

    Returns
    -------
    DocumentExportReport
    """
    fmt, budget, kept = check(format, max_chars, statuses, unknown_text)
    fractions = fractions_of(split)
    task = store.task(task)
    names = question_names(task, questions)
    table = store.document_answers(task, questions=names)
    if table.empty:
        raise ValueError(
            f"nothing to export from task {task.name!r}: no document has an answer yet"
        )
    chosen, dropped, notes = choose(task, table, names, kept, keep_conflicting, keep_failing)
    if not chosen:
        reasons = ", ".join(f"{reason} ({n})" for reason, n in dropped if n)
        raise ValueError(
            f"nothing to export from task {task.name!r}: every document was left out: {reasons}"
        )
    target = prepare(Path(path))
    before = Counter(getattr(redact, "counts", {}))
    apply = None if redact is None else checked_redactor(redact)
    shape = _Shape(task, names, budget, unknown_text, system_prompt, apply)
    records, changed = _records(store, shape, chosen, progress)
    redactions = {} if redact is None else _redaction_counts(redact, before, changed)
    splits = split_rows(records, fractions, "doc_id", seed)  # type: ignore[arg-type]
    empty = [name for name, part in splits.items() if not part]
    splits = {name: part for name, part in splits.items() if part}
    paths = write(target, fmt, splits, system_prompt)
    truncated = sum(r.truncated for r in records)
    cut_answers = sum(r.answers_cut for r in records)
    unknown = sum(_is_unknown(r.target[q], unknown_text) for r in records for q in names)
    notes += [f"split {n!r} is empty (too few documents to split); no file written" for n in empty]
    if truncated:
        notes.append(
            f"{truncated} of {len(records)} prompts had their excerpts cut to fit "
            f"max_chars={budget} (marked '[…]')"
        )
    if cut_answers:
        notes.append(
            f"{cut_answers} answer(s) written in their evidence are no longer in the cut prompt "
            f"(raise max_chars): those targets are not grounded in their context"
        )
        warnings.warn(notes[-1], LabelwidgetsWarning, stacklevel=2)
    settings = {
        "questions": names,
        "max_chars": budget,
        "unknown_text": unknown_text,
        "statuses": sorted(kept),
        "keep_conflicting": keep_conflicting,
        "keep_failing": keep_failing,
        "split": fractions,
        "seed": seed,
        "system_prompt": system_prompt,
        "truncated": truncated,
        "answers_cut": cut_answers,
    }
    manifest_path = manifest(target, store, task, fmt, settings, splits, paths)
    frame = pd.DataFrame([d for d in dropped if d[1]], columns=["reason", "documents"])
    counts = {k: len(v) for k, v in splits.items()}
    return DocumentExportReport(
        fmt, paths, counts, frame, unknown, truncated, redactions, manifest_path, notes, cut_answers
    )


@dataclass(frozen=True)
class _Shape:
    """How records are written: the questions, the budget, the unknown text, the redactor."""

    task: Task
    names: list[str]
    budget: int
    unknown_text: str | None
    system_prompt: str | None
    redact: Callable[[str], str] | None


def _is_unknown(value: Any, unknown_text: str | None) -> bool:
    return value is None if unknown_text is None else value == unknown_text


def _value(answer: Any, unknown: bool, unknown_text: str | None) -> Any:
    """An answer as a JSON value of the target."""
    if unknown or answer is UNKNOWN:
        return unknown_text
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    return answer


def _records(
    store: LabelStore,
    shape: _Shape,
    chosen: list[tuple[str, str, dict[str, dict[str, Any]]]],
    progress: bool,
) -> tuple[list[DocumentRecord], int]:
    """The training records, and how many of them the redactor changed."""
    wanted = {c for _, _, answers in chosen for a in answers.values() for c in a["chunk_ids"]}
    # in labeling order, which is document order within a document
    chunks = store.chunks(chunk_ids=sorted(wanted))
    by_doc: dict[str, list[Any]] = {}
    for chunk in chunks.itertuples(index=False):
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    head = ctx.header(shape.task, shape.names, shape.unknown_text)
    records, changed = [], 0
    for doc_id, name, answers in tqdm(
        chosen, desc="export", unit="document", disable=not progress or len(chosen) < 5_000
    ):
        record, redacted = _record(shape, head, doc_id, name, answers, by_doc.get(doc_id, []))
        records.append(record)
        changed += redacted
    return records, changed


def _record(
    shape: _Shape,
    head: str,
    doc_id: str,
    name: str,
    answers: dict[str, dict[str, Any]],
    chunks: list[Any],
) -> tuple[DocumentRecord, bool]:
    """One document's record, and whether the redactor changed it."""
    excerpts = ctx.merge(chunks)
    target = {
        q: _value(answers[q]["answer"], answers[q]["is_unknown"], shape.unknown_text)
        for q in shape.names
    }
    shown, shown_name, shown_target = excerpts, name, target
    if shape.redact is not None:
        apply = shape.redact
        shown, shown_name = ctx.redacted(excerpts, apply), apply(name)
        personal = {q.name for q in shape.task.questions if q.pii}
        shown_target = {
            q: apply(v) if q in personal and isinstance(v, str) else v for q, v in target.items()
        }
    changed = (
        shown_name != name
        or shown_target != target
        or any(a.text != b.text for a, b in zip(excerpts, shown, strict=True))
    )
    room = shape.budget - len(shape.system_prompt or "") - ctx.frame_chars(head, shown_name)
    if room < 1:
        raise ValueError(
            f"max_chars={shape.budget} leaves no room for the document's text: the "
            f"instructions{' and system prompt' if shape.system_prompt else ''} alone take "
            f"{shape.budget - room} characters"
        )
    written = [
        (shown_target[q], shape.task.question(q).kind)
        for q in shape.names
        if shape.task.question(q).kind in ("text", "number", "date")
        and shown_target[q] is not None
        and shown_target[q] != shape.unknown_text
    ]
    anchors = ctx.anchors(shown, written) if sum(len(e.text) for e in shown) > room else None
    context, cut = ctx.fit(shown, room, anchors)
    lost = ctx.answers_lost(written, shown, anchors, context) if cut else 0
    record = DocumentRecord(
        doc_id,
        shown_name,  # the name is written too (jsonl, parquet): redacted like the prompt
        ctx.joined(head, shown_name, context),
        shown_target,
        json.dumps(shown_target, ensure_ascii=False, default=str),
        [c.chunk_id for c in chunks],
        cut,
        {q: answers[q]["status"] for q in shape.names},
        lost,
    )
    return record, changed


def _redaction_counts(redact: Any, before: Counter[str], changed: int) -> dict[str, int]:
    counts = Counter(getattr(redact, "counts", {}))
    counts.subtract(before)  # a redactor used for several exports counts them all
    return {"documents_changed": changed, **{k: n for k, n in sorted(counts.items()) if n}}
