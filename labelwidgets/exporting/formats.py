"""Writers of fine-tuning formats. Each writes rows, a batch at a time, to a temporary file that
is renamed over the split's file only when the export succeeds (:class:`SplitSink`)."""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from json.encoder import encode_basestring
from operator import attrgetter
from pathlib import Path
from typing import Any

dumps = _dumps = json.JSONEncoder(ensure_ascii=False).encode
_string = encode_basestring  # what _dumps does with a str, without the method call

JSONL_FORMATS = ("openai-chat", "trl-sft", "prompt-completion", "dpo", "alpaca")
SPAN_FORMATS = ("spans", "token-classification", "squad")  # written by exporting.spans
FORMATS = (*JSONL_FORMATS, "parquet", "csv", "hf", "hf-dpo", *SPAN_FORMATS)
FLAT_COLUMNS = [
    "split",
    "chunk_id",
    "doc_id",
    "question",
    "source",
    "answer",
    "is_unknown",
    "prompt",
    "completion",
    "rejected",
    "prompt_version",
    "prompt_version_id",
]


@dataclass(slots=True)
class Row:
    """One training example. ``evidence``: the answer's evidence spans (document coordinates);
    ``quote``: their text, written as an ``evidence`` field when the export asks for one;
    ``prompt_version`` / ``prompt_version_id``: the label and id of the prompt version that
    rendered ``prompt``."""

    chunk_id: str
    doc_id: str
    question: str
    source: str
    answer: Any
    is_unknown: bool
    prompt: str
    completion: str
    rejected: str | None = None
    evidence: list[list[int]] | None = None
    quote: str | None = None
    prompt_version: str | None = None
    prompt_version_id: str | None = None


class _Temporary:
    """A temporary file beside ``path``: :meth:`commit` renames it over ``path``,
    :meth:`discard` removes it."""

    def __init__(self, path: Path, mode: str = "w") -> None:
        fd, self.name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.path = path
        try:
            self.file = os.fdopen(
                fd,
                mode,
                encoding=None if "b" in mode else "utf-8",
                newline="" if "b" not in mode else None,
            )
        except BaseException:
            os.close(fd)
            os.unlink(self.name)
            raise

    def commit(self) -> None:
        self.file.close()
        os.replace(self.name, self.path)

    def discard(self) -> None:
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.name)


def prepare(target: Path) -> Path:
    """The export folder, created and checked writable (a clear error otherwise)."""
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


@contextlib.contextmanager
def atomic(path: Path, mode: str = "w") -> Iterator[Any]:
    """Write to a temporary file beside ``path``; rename it over ``path`` only on success."""
    temporary = _Temporary(path, mode)
    try:
        yield temporary.file
    except BaseException:
        temporary.discard()
        raise
    temporary.commit()


def _lines(
    fmt: str, system: str | None, evidence_field: bool = False
) -> Callable[[list[Row]], str]:
    """A function turning rows into JSON lines of ``fmt`` (with each row's evidence quote as
    an ``evidence`` field when asked), built from pre-encoded parts.

    Rows of one chunk and question come together and share their prompt: its part of the line
    is encoded once per run of them (and kept for the latest prompts)."""
    head = '{"messages": ['
    if system:
        head += '{"role": "system", "content": ' + _dumps(system) + "}, "
    prefix = (system + "\n\n") if system else ""
    if fmt in ("openai-chat", "trl-sft"):
        opening = functools.lru_cache(maxsize=256)(
            lambda p: (
                head
                + '{"role": "user", "content": '
                + _dumps(p)
                + '}, {"role": "assistant", "content": '
            )
        )
        middle = "}]"
    else:
        key, after = _PROMPT_FIELDS.get(fmt, (None, None))
        if key is None:
            raise ValueError(f"not a JSONL format: {fmt!r}")
        opening = functools.lru_cache(maxsize=256)(lambda p: "{" + key + _dumps(prefix + p) + after)
        middle = ""
    extras = []
    if fmt == "dpo":
        extras.append(lambda r: ', "rejected": ' + _dumps(r.rejected))
    if evidence_field:
        extras.append(lambda r: ', "evidence": ' + _dumps(r.quote))
    end = middle + "}\n"

    def lines(rows: list[Row]) -> str:
        parts: list[str] = []
        for prompt, group in groupby(rows, _PROMPT):
            start, run = opening(prompt), list(group)
            texts = [
                _string(c) if type(c) is str else _dumps(c)  # None: unknown_text=None
                for c in map(_COMPLETION, run)
            ]
            if extras:
                parts += [
                    start + text + middle + "".join([e(r) for e in extras]) + "}\n"
                    for text, r in zip(texts, run, strict=True)
                ]
            else:
                parts += [start + text + end for text in texts]
        return "".join(parts)

    return lines


# the field before the prompt and the one after it, up to the completion's value
_PROMPT_FIELDS = {
    "prompt-completion": ('"prompt": ', ', "completion": '),
    "dpo": ('"prompt": ', ', "chosen": '),
    "alpaca": ('"instruction": ', ', "input": "", "output": '),
}
_PROMPT, _COMPLETION = attrgetter("prompt"), attrgetter("completion")


def _flat(row: Row, split: str, evidence_field: bool = False) -> list[Any]:
    answer = row.answer
    if row.is_unknown:
        answer = None
    elif not isinstance(answer, (str, int, float)):
        answer = json.dumps(answer, ensure_ascii=False)
    return [
        split,
        row.chunk_id,
        row.doc_id,
        row.question,
        row.source,
        answer,
        row.is_unknown,
        row.prompt,
        row.completion,
        row.rejected,
        row.prompt_version,
        row.prompt_version_id,
        *([row.quote] if evidence_field else []),
    ]


class SplitSink:
    """One split's file in a line, CSV or Parquet format, written a batch of rows at a time
    into a temporary file: :meth:`close` renames it into place, :meth:`discard` removes it.
    A span format writes the JSON record ``record(row)`` of each row."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        split: str,
        system: str | None,
        evidence_field: bool = False,
        record: Callable[[Row], Any] | None = None,
    ) -> None:
        self.path, self.fmt, self.split, self.evidence = path, fmt, split, evidence_field
        self.rows = 0
        self._parquet: Any = None
        if fmt in JSONL_FORMATS:
            self._lines = _lines(fmt, system, evidence_field)
            self._file = _Temporary(path)
        elif fmt in SPAN_FORMATS and record is not None:
            self._lines = lambda rows: "".join([_dumps(record(r)) + "\n" for r in rows])
            self._file = _Temporary(path)
        elif fmt == "csv":
            self._file = _Temporary(path)
            self._csv = csv.writer(self._file.file)
            self._csv.writerow(FLAT_COLUMNS + (["evidence"] if evidence_field else []))
        elif fmt == "parquet":
            self._parquet = _ParquetTable(evidence_field)
            self._file = _Temporary(path, "wb")
            self._parquet.open(self._file.file)
        else:
            raise ValueError(f"no row-by-row writer for {fmt!r}")

    def write(self, rows: list[Row]) -> None:
        self.rows += len(rows)
        if self.fmt in JSONL_FORMATS or self.fmt in SPAN_FORMATS:
            self._file.file.write(self._lines(rows))
        elif self.fmt == "csv":
            self._csv.writerows([_flat(r, self.split, self.evidence) for r in rows])
        else:
            for start in range(0, len(rows), 10_000):
                self._parquet.write(
                    [_flat(r, self.split, self.evidence) for r in rows[start : start + 10_000]]
                )

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        self._file.commit()

    def discard(self) -> None:
        if self._parquet is not None:
            with contextlib.suppress(Exception):
                self._parquet.close()
        self._file.discard()


class _ParquetTable:
    """The flat table as Parquet, a row group per batch."""

    def __init__(self, evidence_field: bool) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError(
                "parquet export needs the 'parquet' extra: pip install 'labelwidgets[parquet]'"
            ) from None
        self.pa, self.pq = pa, pq
        self.names = FLAT_COLUMNS + (["evidence"] if evidence_field else [])
        self.schema = pa.schema(
            [(n, pa.bool_() if n == "is_unknown" else pa.string()) for n in self.names]
        )
        self.writer: Any = None

    def open(self, file: Any) -> None:
        self.writer = self.pq.ParquetWriter(file, self.schema)

    def write(self, batch: list[list[Any]]) -> None:
        columns = list(zip(*batch, strict=True)) if batch else [[] for _ in self.names]
        arrays = [
            self.pa.array(
                [None if v is None else (v if n == "is_unknown" else str(v)) for v in col],
                type=self.schema.field(n).type,
            )
            for n, col in zip(self.names, columns, strict=True)
        ]
        self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def write_rows(
    path: Path,
    rows: list[Row],
    fmt: str,
    split: str,
    system: str | None = None,
    evidence_field: bool = False,
    record: Callable[[Row], Any] | None = None,
) -> None:
    """All of a split's rows to ``path`` at once (the whole-list export)."""
    sink = SplitSink(path, fmt, split, system, evidence_field, record)
    try:
        sink.write(rows)
    except BaseException:
        sink.discard()
        raise
    sink.close()


def write_jsonl(
    path: Path, rows: list[Row], fmt: str, system: str | None, evidence_field: bool = False
) -> None:
    write_rows(path, rows, fmt, "", system, evidence_field)


def write_csv(path: Path, rows: list[Row], split: str, evidence_field: bool = False) -> None:
    write_rows(path, rows, "csv", split, None, evidence_field)


def write_parquet(path: Path, rows: list[Row], split: str, evidence_field: bool = False) -> None:
    write_rows(path, rows, "parquet", split, None, evidence_field)
