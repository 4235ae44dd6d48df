"""The streaming export: answers flow from the store to the split files a page at a time.

Per page: choose the targets (:class:`~labelwidgets.exporting.selection.Selection`), render
their prompts, quote evidence, redact, drop rows seen before (a 16-byte digest per row,
:class:`~labelwidgets.exporting.digests.Deduplicator`), send each row to its document's split
(a seeded hash, :class:`~labelwidgets.exporting.splitting.GroupSplitter`) and append it to that
split's file. What stays in memory is the digests, one entry per document and the current page.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.digests import Deduplicator
from labelwidgets.exporting.formats import JSONL_FORMATS, Row, SplitSink
from labelwidgets.exporting.rows import Redaction, RowMaker, Tally, answer_text
from labelwidgets.exporting.selection import Selection, with_rejected
from labelwidgets.exporting.splitting import GroupSplitter
from labelwidgets.schema import Task
from labelwidgets.store.batches import AnswerPage

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["STREAMED", "stream_rows"]

# Formats written row by row (DPO pairs read the model answers of each page). The others keep
# every row: "hf"/"hf-dpo" build one Dataset, the span formats read their chunks for the whole
# export.
STREAMED = (*JSONL_FORMATS, "csv", "parquet")
NO_PAIR = "no model answer that differs from the label (no DPO pair)"
DUPLICATE = "duplicate (prompt, answer)"
_BAR_FROM = 50_000  # rows before a progress bar is worth showing


def stream_rows(
    store: LabelStore,
    task: Task,
    pages: Iterable[AnswerPage],
    steps: tuple[Selection, RowMaker, Redaction, Tally],
    out: dict[str, Any],
) -> tuple[dict[str, Path], int, int]:
    """Write the rows of ``pages`` into split files; returns ``(paths, chosen, dropped)``:
    the rows chosen, and ``(reason, rows)`` left out after the choice (no DPO pair, duplicates).

    ``out`` holds ``target``, ``format``, ``fractions``, ``group_by``, ``seed``,
    ``system_prompt``, ``evidence``, ``evidence_template`` and ``progress``. Nothing is left
    behind when it fails: files are renamed into place only at the end. With nothing chosen,
    nothing is written.
    """
    selection, maker, redaction, tally = steps
    dedup = Deduplicator(task)
    split_of = GroupSplitter(out["fractions"], out["seed"])
    group_by, evidence = out["group_by"], out["evidence"]
    sinks: dict[str, SplitSink] = {}
    chosen_rows, no_pair, bar = 0, 0, None
    reply = functools.partial(answer_text, unknown_text=out["unknown_text"])
    collecting = gc.isenabled()
    gc.disable()  # a page makes ~10 objects per row and no cycles: collections only cost time
    try:
        for page in pages:
            chosen = selection.page(page)
            count = sum(len(c.answers) for c in chosen)
            chosen_rows += count
            rows = maker.rows(chosen, page.chunks)
            if evidence or maker.has_spans:
                _spans.finish_rows(store, task, rows, evidence, out["evidence_template"])
            if out["format"] == "dpo":
                rows, unpaired = with_rejected(store, task, rows, reply, list(page.chunks))
                no_pair += unpaired
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
            if bar is None and out["progress"] and chosen_rows >= _BAR_FROM:
                bar = tqdm(desc="export", unit="row", initial=chosen_rows)
            elif bar is not None:
                bar.update(count)
    except BaseException:
        for sink in sinks.values():
            sink.discard()
        raise
    finally:
        if collecting:
            gc.enable()
        if bar is not None:
            bar.close()
    for sink in sinks.values():
        sink.close()
    paths = {name: sinks[name].path for name in out["fractions"] if name in sinks}
    dropped = [(NO_PAIR, no_pair)] if out["format"] == "dpo" else []
    return paths, chosen_rows, [*dropped, (DUPLICATE, dedup.dropped)]


def _sink(out: dict[str, Any], name: str) -> SplitSink:
    fmt = out["format"]
    suffix = ".jsonl" if fmt in JSONL_FORMATS else f".{fmt}"
    return SplitSink(
        out["target"] / f"{name}{suffix}",
        fmt,
        name,
        out["system_prompt"],
        out["evidence"] == "field",
    )
