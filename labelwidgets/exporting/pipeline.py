"""Export labels as fine-tuning data: chat JSONL, TRL, DPO pairs, Alpaca, Parquet/CSV, HF datasets."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.checks import (  # noqa: F401 - the constants stay importable here
    ANSWER_SOURCES,
    UNKNOWN_TOO_FEW,
    UNKNOWN_TOO_MANY,
    check_arguments,
    report_warnings,
    require_rows,
)
from labelwidgets.exporting.formats import (
    JSONL_FORMATS,
    Row,
    write_csv,
    write_hf,
    write_jsonl,
    write_parquet,
)
from labelwidgets.exporting.prompt_choice import templates_for
from labelwidgets.exporting.redact import checked as checked_redactor
from labelwidgets.exporting.selection import dedup, select, with_rejected
from labelwidgets.exporting.splitting import fractions_of, split_rows
from labelwidgets.models.prompts import render
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.store import mask_url

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["ExportReport", "export"]


@dataclass
class ExportReport:
    """What :func:`export` wrote.

    ``paths`` maps each split to its file; ``counts`` the rows per split; ``dropped`` the rows left
    out and why; ``unknown`` how many targets are refusals (``unknown_text``); ``redactions``
    how many rows the redactor changed (``rows_changed``) and its replacements per kind
    (``{"PHONE": 3, "EMAIL": 1}``, from a redactor with ``counts``); ``manifest`` the JSON file
    that makes the export reproducible.
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
    unknown_text: str = "The document does not say.",
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
) -> ExportReport:
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
        The target written for "not in the text" answers, so the model learns to say so.
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
        default: the newest stored version per question, else the default template — the prompt
        the model is asked with in :func:`labelwidgets.prelabel`.
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
    """
    check_arguments(format, answers, group_by)
    task = store.task(task)
    target = _prepare(Path(path))
    fractions = fractions_of(split)
    selected, dropped, kept_notes = select(
        store,
        task,
        answers,
        min_agreement,
        questions,
        keep_failing=keep_failing,
        keep_conflicting=keep_conflicting,
    )
    writer, selected = _spans.writer_for(store, task, format, tokenizer, selected)
    require_rows(selected, task, answers)
    rows = _rows(store, task, selected, unknown_text, prompt_version, progress)
    rows = _spans.finish(store, task, rows, writer, dropped, evidence, evidence_template)
    if format in ("dpo", "hf-dpo"):
        rows, no_pair = with_rejected(store, task, rows, lambda a: answer_text(a, unknown_text))
        dropped.append(("no model answer that differs from the label (no DPO pair)", no_pair))
    redactions = _redact(task, rows, redact)
    rows, duplicates = dedup(task, rows)
    dropped.append(("duplicate (prompt, answer)", duplicates))
    splits = split_rows(rows, fractions, group_by, seed)
    empty = [name for name, part in splits.items() if not part]
    splits = {name: part for name, part in splits.items() if part}
    paths, dataset = _write(target, format, splits, system_prompt, evidence == "field", writer)
    unknown = sum(r.is_unknown for r in rows)
    lost = _spans.lost_warnings(writer) + kept_notes
    notes = report_warnings(format, unknown, len(rows), empty, group_by, lost)
    drops = pd.DataFrame([d for d in dropped if d[1]], columns=["reason", "rows"])
    manifest = _manifest(
        target,
        store,
        task,
        format,
        answers,
        min_agreement,
        fractions,
        group_by,
        seed,
        unknown_text,
        system_prompt,
        splits,
        paths,
    )
    return ExportReport(
        format,
        paths,
        {k: len(v) for k, v in splits.items()},
        drops,
        unknown,
        redactions,
        manifest,
        notes,
        dataset,
    )


def _prepare(target: Path) -> Path:
    try:
        target.mkdir(parents=True, exist_ok=True)
        probe = target / ".lw-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ValueError(
            f"cannot write the export to {str(target)!r}: {exc.strerror or exc}"
        ) from None
    return target


def answer_text(value: Any, unknown_text: str) -> str:
    """An answer as the assistant's reply."""
    if value is UNKNOWN:
        return unknown_text
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(
    store: LabelStore,
    task: Task,
    selected: pd.DataFrame,
    unknown_text: str,
    prompt_version: Any,
    progress: bool = False,
) -> list[Row]:
    templates = {q: c.template for q, c in templates_for(store, task, prompt_version).items()}
    chunk_text = dict(
        store.chunks(chunk_ids=sorted(set(selected["chunk_id"])))[["chunk_id", "text"]].values
    )
    prompts: dict[tuple[str, str, str], str] = {}
    answered: dict[tuple[str, ...], Any] = {}
    for r in selected.itertuples(index=False):
        answered[(r.chunk_id, r.question, r.source)] = r.answer
        answered.setdefault((r.chunk_id, r.question), r.answer)
    rows = []
    for r in tqdm(
        selected.itertuples(index=False),
        total=len(selected),
        desc="export",
        unit="row",
        disable=not progress or len(selected) < 50_000,
    ):
        question = task.question(r.question)
        previous = None
        if question.when is not None:  # a chained question is asked with its gate's answer
            gate = question.when[0]
            previous = answered.get((r.chunk_id, gate, r.source), answered.get((r.chunk_id, gate)))
        key = (r.chunk_id, r.question, repr(previous))
        if key not in prompts:  # many labelers share one prompt
            prompts[key] = render(
                question,
                chunk_text[r.chunk_id],
                templates[r.question],
                previous=previous,
                not_in_text=unknown_text,
            )
        rows.append(
            Row(
                r.chunk_id,
                r.doc_id,
                r.question,
                r.source,
                r.answer,
                r.answer is UNKNOWN,
                prompts[key],
                answer_text(r.answer, unknown_text),
                evidence=_spans.as_evidence(getattr(r, "evidence", None)),
            )
        )
    return rows


def _redact(task: Task, rows: list[Row], redact: Callable[[str], str] | None) -> dict[str, int]:
    """Redact prompts (the document's text) and the quoted evidence everywhere, and answers
    only for ``pii=True`` questions; how many rows changed and replacements per kind."""
    if redact is None:
        return {}
    changed, apply = 0, checked_redactor(redact)
    before_counts = Counter(getattr(redact, "counts", {}))
    personal = {q.name for q in task.questions if q.pii}
    for row in rows:
        before = (row.prompt, row.completion, row.rejected, row.quote)
        row.prompt = apply(row.prompt)
        if row.quote is not None:
            row.quote = apply(row.quote)
        if row.question in personal:
            row.completion = apply(row.completion)
            if row.rejected is not None:
                row.rejected = apply(row.rejected)
        changed += before != (row.prompt, row.completion, row.rejected, row.quote)
    counts = Counter(getattr(redact, "counts", {}))
    counts.subtract(before_counts)  # a redactor used for several exports counts them all
    return {"rows_changed": changed, **{k: n for k, n in sorted(counts.items()) if n}}


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
        if span_writer is not None:
            paths[name] = target / f"{name}.jsonl"
            span_writer.write(paths[name], rows)
        elif fmt in JSONL_FORMATS:
            paths[name] = target / f"{name}.jsonl"
            write_jsonl(paths[name], rows, fmt, system, evidence_field)
        elif fmt == "csv":
            paths[name] = target / f"{name}.csv"
            write_csv(paths[name], rows, name, evidence_field)
        else:
            paths[name] = target / f"{name}.parquet"
            write_parquet(paths[name], rows, name, evidence_field)
    return paths, None


def _manifest(
    target: Path,
    store: LabelStore,
    task: Task,
    fmt: str,
    answers: str,
    min_agreement: Any,
    fractions: dict[str, float],
    group_by: str,
    seed: int,
    unknown_text: str,
    system: str | None,
    splits: dict[str, list[Row]],
    paths: dict[str, Path],
) -> Path:
    digest = hashlib.sha256()
    for name in splits:
        for r in splits[name]:
            digest.update(
                f"{name}\x1f{r.chunk_id}\x1f{r.question}\x1f{r.prompt}\x1f{r.completion}\x1e".encode()
            )
    manifest = {
        "format": fmt,
        "task": task.name,
        "task_hash": task.content_hash,
        "store": mask_url(str(store.url)),  # never a password, whatever store-like object
        "answers": answers,
        "min_agreement": min_agreement,
        "split": fractions,
        "group_by": group_by,
        "seed": seed,
        "unknown_text": unknown_text,
        "system_prompt": system,
        "counts": {k: len(v) for k, v in splits.items()},
        "rows_sha256": digest.hexdigest(),
        "documents": sorted({r.doc_id for rows in splits.values() for r in rows}),
        "files": {k: str(p.name) for k, p in paths.items()},
    }
    path = target / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return path
