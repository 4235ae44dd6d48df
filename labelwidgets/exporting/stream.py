"""The streaming export: answers flow from the store to the split files a page at a time.

Per page: choose the targets (:class:`~labelwidgets.exporting.selection.Selection`), render
their prompts, quote evidence, keep what a span format can express, pair DPO rows with the
page's model answers, redact, drop rows seen before (a 16-byte digest per row,
:class:`~labelwidgets.exporting.digests.Deduplicator`), send each row to its document's split
(a seeded hash, :class:`~labelwidgets.exporting.splitting.GroupSplitter`) and append it to that
split's file. What stays in memory is the digests, one entry per document and the current page.
"""

from __future__ import annotations

import functools
import gc
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.digests import Deduplicator
from labelwidgets.exporting.formats import JSONL_FORMATS, SPAN_FORMATS, Row, SplitSink
from labelwidgets.exporting.hf import HFSplitSink, finish_dataset
from labelwidgets.exporting.rows import Redaction, RowMaker, Tally, answer_text
from labelwidgets.exporting.selection import Selection, with_rejected
from labelwidgets.exporting.splitting import GroupSplitter
from labelwidgets.schema import Task
from labelwidgets.store.batches import AnswerPage

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["STREAMED", "stream_rows"]

# Formats written page by page: all of them (DPO pairs read the model answers of each page,
# the span formats its chunks). The whole-list export is their reference in the tests.
HF = ("hf", "hf-dpo")
DPO = ("dpo", "hf-dpo")
STREAMED = (*JSONL_FORMATS, "csv", "parquet", *HF, *SPAN_FORMATS)
NO_PAIR = "no model answer that differs from the label (no DPO pair)"
DUPLICATE = "duplicate (prompt, answer)"
_BAR_FROM = 50_000  # rows before a progress bar is worth showing


def stream_rows(
    store: LabelStore,
    task: Task,
    pages: Iterable[AnswerPage],
    steps: tuple[Selection, RowMaker, Redaction, Tally],
    out: dict[str, Any],
) -> tuple[dict[str, Path], int, list[tuple[str, int]], Any]:
    """Write the rows of ``pages`` into split files; returns ``(paths, chosen, dropped,
    dataset)``: the rows chosen, ``(reason, rows)`` left out after the choice (no DPO pair,
    duplicates) and, for ``"hf"`` / ``"hf-dpo"``, the saved ``DatasetDict``.

    ``out`` holds ``target``, ``format``, ``fractions``, ``group_by``, ``seed``,
    ``system_prompt``, ``evidence``, ``evidence_template`` and ``progress``; for a span format
    also ``span_writer`` (a :class:`~labelwidgets.exporting.spans.SpanWriter`) and
    ``span_questions`` (the questions it exports). Nothing is left
    behind when it fails: files are renamed into place only at the end. With nothing chosen,
    nothing is written.
    """
    selection, maker, redaction, tally = steps
    dedup = Deduplicator(task)
    split_of = GroupSplitter(out["fractions"], out["seed"])
    group_by, evidence = out["group_by"], out["evidence"]
    sinks: dict[str, SplitSink | HFSplitSink] = {}
    chosen_rows, bar, spans = 0, None, out.get("span_writer")
    # (reason, rows) left out after the choice, in the report's order
    after_choice: Counter[str] = Counter({NO_PAIR: 0} if out["format"] in DPO else {})
    reply = functools.partial(answer_text, unknown_text=out["unknown_text"])
    collecting = gc.isenabled()
    gc.disable()  # a page makes ~10 objects per row and no cycles: collections only cost time
    try:
        for page in pages:
            chosen = selection.page(page)
            if spans is not None:  # a span format exports only the questions it can express
                chosen = [c for c in chosen if c.question in out["span_questions"]]
            count = sum(len(c.answers) for c in chosen)
            chosen_rows += count
            rows = maker.rows(chosen, page.chunks)
            if evidence or maker.has_spans:
                _spans.finish_rows(store, task, rows, evidence, out["evidence_template"])
            if spans is not None:
                rows, lost = spans.prepare(rows)
                for reason, n in lost:
                    after_choice[reason] += n
            if out["format"] in DPO:
                rows, unpaired = with_rejected(store, task, rows, reply, list(page.chunks))
                after_choice[NO_PAIR] += unpaired
            redaction.rows(rows)
            prompts: dict[str, bytes] = {}
            by_split: dict[str, list[Row]] = {}
            # rows of one group come together: one lookup per run of them
            for key, run in groupby(dedup.keep(rows, prompts), attrgetter(group_by)):
                by_split.setdefault(split_of(key), []).extend(run)
            for name, part in by_split.items():
                sink = sinks.get(name) or sinks.setdefault(name, _sink(out, name))
                sink.write(part)
                tally.add(name, part, prompts)
            if spans is not None:
                spans.forget()
            if bar is None and out["progress"] and chosen_rows >= _BAR_FROM:
                bar = tqdm(desc="export", unit="row", initial=chosen_rows)
            elif bar is not None:
                bar.update(count)
    except BaseException:
        for sink in sinks.values():
            sink.discard()
        _remove_parts(out)
        raise
    finally:
        if collecting:
            gc.enable()
        if bar is not None:
            bar.close()
    try:
        after_choice[DUPLICATE] = dedup.dropped
        return _finish(sinks, out, chosen_rows, list(after_choice.items()))
    finally:
        _remove_parts(out)


def _finish(
    sinks: dict[str, Any], out: dict[str, Any], chosen: int, dropped: list[tuple[str, int]]
) -> tuple[dict[str, Path], int, list[tuple[str, int]], Any]:
    """Close the split files; a Hugging Face dataset becomes its folder."""
    for sink in sinks.values():
        sink.close()
    paths = {name: sinks[name].path for name in out["fractions"] if name in sinks}
    dataset = None
    if out["format"] in HF and paths:
        dataset = finish_dataset(
            out["target"] / "dataset",
            out["parts"],
            list(paths),
            out["format"] == "hf-dpo",
            out["evidence"] == "field",
        )
    return paths, chosen, dropped, dataset


def _remove_parts(out: dict[str, Any]) -> None:
    if "parts" in out:
        shutil.rmtree(out.pop("parts"), ignore_errors=True)


def _sink(out: dict[str, Any], name: str) -> SplitSink | HFSplitSink:
    fmt = out["format"]
    if fmt in HF:
        if "parts" not in out:
            out["parts"] = Path(tempfile.mkdtemp(dir=out["target"], prefix=".hf-parts."))
        return HFSplitSink(
            out["parts"],
            name,
            out["target"] / "dataset",
            out["system_prompt"],
            fmt == "hf-dpo",
            out["evidence"] == "field",
        )
    suffix = ".jsonl" if fmt in JSONL_FORMATS or fmt in SPAN_FORMATS else f".{fmt}"
    spans = out.get("span_writer")
    return SplitSink(
        out["target"] / f"{name}{suffix}",
        fmt,
        name,
        out["system_prompt"],
        out["evidence"] == "field",
        None if spans is None else spans.record,
    )
