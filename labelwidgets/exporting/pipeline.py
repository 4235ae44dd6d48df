"""Export labels as fine-tuning data: chat JSONL, TRL, DPO pairs, Alpaca, Parquet/CSV, HF datasets."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.checks import (  # noqa: F401 - the constants stay importable here
    ANSWER_SOURCES,
    UNKNOWN_TOO_FEW,
    UNKNOWN_TOO_MANY,
    check_arguments,
    report_warnings,
    require_rows,
)
from labelwidgets.exporting.digests import prompt_digest
from labelwidgets.exporting.documents import DocumentExportReport, export_by_document
from labelwidgets.exporting.formats import JSONL_FORMATS, Row, prepare, write_rows
from labelwidgets.exporting.hf import write_hf
from labelwidgets.exporting.prompt_choice import templates_for
from labelwidgets.exporting.rows import Redaction, RowMaker, Tally, answer_text
from labelwidgets.exporting.selection import (
    Selection,
    dedup,
    read_pages,
    read_whole,
    with_rejected,
)
from labelwidgets.exporting.splitting import fractions_of, split_rows
from labelwidgets.exporting.stream import DUPLICATE, NO_PAIR, STREAMED, stream_rows
from labelwidgets.schema import Task
from labelwidgets.store import mask_url

DEFAULT_UNKNOWN_TEXT = "The document does not say."

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["ExportReport", "answer_text", "export"]


@dataclass
class ExportReport:
    """What :func:`export` wrote.

    ``paths`` maps each split to its file; ``counts`` the rows per split; ``dropped`` the rows left
    out and why; ``unknown`` how many targets are refusals (``unknown_text``); ``redactions``
    how many rows the redactor changed (``rows_changed``) and its replacements per kind
    (``{"PHONE": 3, "EMAIL": 1}``, from a redactor with ``counts``); ``manifest`` the JSON file
    that makes the export reproducible; ``prompt_versions`` which prompt version rendered each
    question's records (``{question: {"version_id", "label", "records"}}``, also in the
    manifest).
    """

    format: str
    paths: dict[str, Path]
    counts: dict[str, int]
    dropped: pd.DataFrame
    unknown: int
    redactions: dict[str, int]
    manifest: Path
    warnings: list[str] = field(default_factory=list)
    dataset: Any = None
    prompt_versions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def __repr__(self) -> str:
        share = self.unknown / self.rows if self.rows else 0
        lines = [
            f"ExportReport({self.format}: {self.rows} rows {self.counts}, {self.unknown} refusals "
            f"({share:.0%}), redactions {self.redactions})"
        ]
        lines += [f"  {split}: {path}" for split, path in self.paths.items()]
        if len(self.dropped):
            lines.append(
                "  dropped: "
                + ", ".join(f"{r.reason} ({r.rows})" for r in self.dropped.itertuples())
            )
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def export(
    store: LabelStore,
    task: Task | str,
    format: str,
    path: str | Path,
    *,
    answers: str = "adjudicated",
    min_agreement: float | None = None,
    split: float | tuple[float, ...] | Mapping[str, float] | None = None,
    group_by: str = "doc_id",
    seed: int = 0,
    unknown_text: str | None = None,
    redact: Callable[[str], str] | None = None,
    system_prompt: str | None = None,
    prompt_version: str | Mapping[str, str] | None = None,
    questions: list[str] | None = None,
    progress: bool = True,
    evidence: bool | str = False,
    evidence_template: str = _spans.DEFAULT_EVIDENCE_TEMPLATE,
    tokenizer: Any = "whitespace",
    keep_failing: bool = False,
    keep_conflicting: bool = False,
    level: str = "chunk",
    max_chars: int | None = None,
) -> ExportReport | DocumentExportReport:
    """Write the labels of ``task`` as training data into the folder ``path``.

    Parameters
    ----------
    format
        ``"openai-chat"``, ``"trl-sft"``, ``"prompt-completion"``, ``"dpo"`` (chosen = the label,
        rejected = a model answer that differs from it), ``"alpaca"``, ``"parquet"``, ``"csv"`` or
        ``"hf"`` / ``"hf-dpo"`` (a ``datasets.DatasetDict`` saved to disk in TRL's conversational
        SFT / preference format; the ``[hf]`` extra). Span formats (see
        :mod:`labelwidgets.exporting.spans`): ``"spans"`` (character offsets in the chunk),
        ``"token-classification"`` (BIO tags over ``tokenizer``'s tokens) for ``spans``
        questions, and ``"squad"`` (extractive QA from answers with evidence).
    answers
        ``"adjudicated"`` (gold and review decisions), ``"agreed"`` (labelers agree; at least
        ``min_agreement`` of them, default all, and at least two) or ``"all"`` (every labeler's
        current answer). Answers agree when they are the same answer under the question's
        ``match=`` rule; equivalent answers to one prompt are exported once.
    keep_failing
        Keep targets that fail their question's validators (default: left out and counted in
        ``dropped``; keeping them warns).
    keep_conflicting
        With ``answers="all"``, keep items whose labelers' answers conflict (default: left out
        and counted; keeping them warns).
    split
        ``None`` (one file), a validation fraction, ``(train, validation[, test])`` fractions or a
        dict ``{split: fraction}``. Splits are grouped by ``group_by`` (a document is never in two
        splits) and deterministic for a ``seed``.
    unknown_text
        The target written for "not in the text" answers, so the model learns to say so
        (default ``"The document does not say."``; per document: JSON ``null``).
    redact
        A callable ``text -> text`` applied to every prompt (and quoted evidence) and to the
        answers of ``Question(..., pii=True)`` questions only, e.g. ``lw.redact.basic()``.
    system_prompt
        An optional system message.
    questions
        Only these questions (default: every question of the task).
    progress
        Show a progress bar on large exports.
    prompt_version
        Which stored prompt template renders the user turn (label or id, or ``{question: …}``);
        default: each question's default prompt version (see
        :mod:`labelwidgets.exporting.prompt_choice`) — the prompt the model is asked with in
        :func:`labelwidgets.prelabel`. The version of every record is named in the manifest's
        ``prompt_versions`` table and in the ``prompt_version`` / ``prompt_version_id`` columns
        of CSV, Parquet and HF datasets (the JSONL formats stay exactly their documented shape).
    evidence
        ``True``: targets quote their evidence through ``evidence_template`` (answers without
        evidence keep the bare answer); ``"field"``: the quote goes into a separate ``evidence``
        field (a column in CSV, Parquet and HF datasets); ``False`` (default): no quotes.
    evidence_template
        How an answer and its quote make the target, with ``{answer}`` and ``{evidence}``;
        default ``'{answer}\\nQuote: "{evidence}"'``. Several evidence spans are joined by " … ".
    tokenizer
        The tokens of ``"token-classification"``: ``"whitespace"`` (default), ``"words"``
        (punctuation split off) or a Hugging Face tokenizer (see
        :func:`labelwidgets.exporting.spans.tokenizer_for`).
    level
        ``"chunk"`` (default): one record per chunk and question. ``"document"``: one record per
        document with every question in one JSON object, rolled up from its chunks, the
        evidence chunks as context within ``max_chars`` (default 12,000) — see
        :func:`labelwidgets.exporting.documents.export_documents`, which takes the options that
        apply there; an option that only applies per chunk is refused by name. At this level
        ``unknown_text`` defaults to ``None`` ("not in the text" is JSON ``null``).

    Notes
    -----
    Every format streams: answers (and, for DPO, model answers; for the span formats, chunk
    texts) are read from the store a page of chunks at a time and written as they come, so
    memory does not grow with the number of rows (a 16-byte digest per row for
    de-duplication); the returned ``dataset`` is memory-mapped from the saved folder.
    """
    if level != "chunk":
        chunk_only = dict(
            answers=(answers, "adjudicated"),
            min_agreement=(min_agreement, None),
            group_by=(group_by, "doc_id"),
            prompt_version=(prompt_version, None),
            evidence=(evidence, False),
            evidence_template=(evidence_template, _spans.DEFAULT_EVIDENCE_TEMPLATE),
            tokenizer=(tokenizer, "whitespace"),
        )
        return export_by_document(
            store,
            task,
            format,
            path,
            level,
            chunk_only,
            max_chars=max_chars,
            questions=questions,
            unknown_text=unknown_text,
            keep_conflicting=keep_conflicting,
            keep_failing=keep_failing,
            split=split,
            seed=seed,
            redact=redact,
            system_prompt=system_prompt,
            progress=progress,
        )
    if max_chars is not None:
        raise ValueError("export: max_chars= applies to level='document' only")
    if unknown_text is None:
        unknown_text = DEFAULT_UNKNOWN_TEXT
    options = dict(
        answers=answers,
        min_agreement=min_agreement,
        split=split,
        group_by=group_by,
        seed=seed,
        unknown_text=unknown_text,
        redact=redact,
        system_prompt=system_prompt,
        prompt_version=prompt_version,
        questions=questions,
        progress=progress,
        evidence=evidence,
        evidence_template=evidence_template,
        tokenizer=tokenizer,
        keep_failing=keep_failing,
        keep_conflicting=keep_conflicting,
    )
    return _run(store, task, format, Path(path), options, whole=format not in STREAMED)


def _run(
    store: LabelStore,
    task: Task | str,
    fmt: str,
    path: Path,
    o: dict[str, Any],
    *,
    whole: bool,
    page_rows: int = 20_000,
) -> ExportReport:
    """:func:`export` with its keyword arguments in ``o``: streamed page by page, or (``whole``)
    with every row in memory — the path of the formats that need all rows, and the reference
    the streamed export is tested against."""
    check_arguments(fmt, o["answers"], o["group_by"])
    task = store.task(task)
    target = prepare(path)
    fractions = fractions_of(o["split"])
    _spans.finish_rows(store, task, [], o["evidence"], o["evidence_template"])  # checks them
    choices = templates_for(store, task, o["prompt_version"])
    selection = Selection(
        task,
        o["answers"],
        o["min_agreement"],
        keep_failing=o["keep_failing"],
        keep_conflicting=o["keep_conflicting"],
    )
    maker = RowMaker(task, choices, o["unknown_text"])
    redaction, tally = Redaction(task, o["redact"]), Tally(choices)
    out = {**o, "target": target, "format": fmt, "fractions": fractions}
    if whole:
        paths, dropped, lost, dataset = _whole(store, task, selection, maker, redaction, tally, out)
    else:
        writer = None
        if fmt in _spans.SPAN_FORMATS:
            writer = out["span_writer"] = _spans.SpanWriter(store, task, fmt, o["tokenizer"])
            asked = pd.DataFrame({"question": task.question_names})
            out["span_questions"] = set(_spans.select_questions(task, asked, fmt)["question"])
        pages = read_pages(store, task, o["answers"], o["questions"], page_rows)
        paths, chosen, after_choice, dataset = stream_rows(
            store, task, pages, (selection, maker, redaction, tally), out
        )
        require_rows(chosen, task, o["answers"])
        dropped = selection.dropped() + after_choice
        lost = _spans.lost_warnings(writer) + selection.notes()
    counts = {name: tally.counts[name] for name in paths}
    empty = [name for name in fractions if name not in paths]
    rows = sum(counts.values())
    notes = report_warnings(fmt, tally.unknown, rows, empty, o["group_by"], lost)
    manifest = _manifest(store, task, out, tally, paths)
    return ExportReport(
        fmt,
        paths,
        counts,
        pd.DataFrame([d for d in dropped if d[1]], columns=["reason", "rows"]),
        tally.unknown,
        redaction.report(),
        manifest,
        notes,
        dataset,
        tally.prompt_versions(),
    )


def _whole(
    store: LabelStore,
    task: Task,
    selection: Selection,
    maker: RowMaker,
    redaction: Redaction,
    tally: Tally,
    out: dict[str, Any],
) -> tuple[dict[str, Path], list[tuple[str, int]], list[str], Any]:
    """Every row in memory: choose, render, finish, pair (DPO), redact, de-duplicate, split,
    write. Returns ``(paths, dropped, warnings of what a span format lost, dataset)``."""
    fmt = out["format"]
    page = read_whole(store, task, out["answers"], out["questions"])
    chosen = selection.page(page)
    writer = None
    if fmt in _spans.SPAN_FORMATS:
        writer = _spans.SpanWriter(store, task, fmt, out["tokenizer"])
        asked = pd.DataFrame({"question": [c.question for c in chosen]})
        names = set(_spans.select_questions(task, asked, fmt)["question"])
        chosen = [c for c in chosen if c.question in names]
    require_rows(sum(len(c.answers) for c in chosen), task, out["answers"])
    kept_notes = selection.notes()
    rows = maker.rows(chosen, page.chunks)
    dropped = selection.dropped()
    rows = _spans.finish(
        store, task, rows, writer, dropped, out["evidence"], out["evidence_template"]
    )
    if fmt in ("dpo", "hf-dpo"):
        unknown_text = out["unknown_text"]
        rows, no_pair = with_rejected(store, task, rows, lambda a: answer_text(a, unknown_text))
        dropped.append((NO_PAIR, no_pair))
    redaction.rows(rows)
    rows, duplicates = dedup(task, rows)
    dropped.append((DUPLICATE, duplicates))
    splits = split_rows(rows, out["fractions"], out["group_by"], out["seed"])
    splits = {name: part for name, part in splits.items() if part}
    prompts = {r.prompt: prompt_digest(r.prompt) for r in rows}
    for name, part in splits.items():
        tally.add(name, part, prompts)
    paths, dataset = _write(
        out["target"], fmt, splits, out["system_prompt"], out["evidence"] == "field", writer
    )
    return paths, dropped, _spans.lost_warnings(writer) + kept_notes, dataset


def _write(
    target: Path,
    fmt: str,
    splits: dict[str, list[Row]],
    system: str | None,
    evidence_field: bool = False,
    span_writer: Any = None,
) -> tuple[dict[str, Path], Any]:
    if fmt in ("hf", "hf-dpo"):
        path = target / "dataset"
        dataset = write_hf(path, splits, system, fmt == "hf-dpo", evidence_field)
        return {name: path for name in splits}, dataset
    paths = {}
    for name, rows in splits.items():
        suffix = ".jsonl" if fmt in JSONL_FORMATS or span_writer is not None else f".{fmt}"
        paths[name] = target / f"{name}{suffix}"
        if span_writer is not None:
            span_writer.write(paths[name], rows)
        else:
            write_rows(paths[name], rows, fmt, name, system, evidence_field)
    return paths, None


def _manifest(
    store: LabelStore, task: Task, out: dict[str, Any], tally: Tally, paths: dict[str, Path]
) -> Path:
    manifest = {
        "format": out["format"],
        "task": task.name,
        "task_hash": task.content_hash,
        "store": mask_url(str(store.url)),  # never a password, whatever store-like object
        "answers": out["answers"],
        "min_agreement": out["min_agreement"],
        "split": out["fractions"],
        "group_by": out["group_by"],
        "split_rule": "blake2b(seed, group key) -> share of [0, 1)",
        "seed": out["seed"],
        "unknown_text": out["unknown_text"],
        "system_prompt": out["system_prompt"],
        "counts": {name: tally.counts[name] for name in paths},
        "rows_sha256": tally.rows_sha256(list(paths)),
        "prompt_versions": tally.prompt_versions(),
        "documents": sorted(tally.documents),
        "files": {k: str(p.name) for k, p in paths.items()},
    }
    path = out["target"] / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return path
