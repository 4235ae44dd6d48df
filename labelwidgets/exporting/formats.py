"""Writers of fine-tuning formats. Each streams rows to a temporary file, renamed on success."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

dumps = _dumps = json.JSONEncoder(ensure_ascii=False).encode

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
]


@dataclass(slots=True)
class Row:
    """One training example. ``evidence``: the answer's evidence spans (document coordinates);
    ``quote``: their text, written as an ``evidence`` field when the export asks for one."""

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


@contextlib.contextmanager
def atomic(path: Path, mode: str = "w") -> Iterator[Any]:
    """Write to a temporary file beside ``path``; rename it over ``path`` only on success."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(
            fd,
            mode,
            encoding=None if "b" in mode else "utf-8",
            newline="" if "b" not in mode else None,
        ) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _line(fmt: str, system: str | None, evidence_field: bool = False) -> Callable[[Row], str]:
    """A function turning a row into one JSON line of ``fmt`` (with the row's evidence quote as
    an ``evidence`` field when asked)."""
    line = _bare_line(fmt, system)
    if not evidence_field:
        return line
    return lambda r: line(r)[:-2] + ', "evidence": ' + _dumps(r.quote) + "}\n"


def _bare_line(fmt: str, system: str | None) -> Callable[[Row], str]:
    """A function turning a row into one JSON line of ``fmt``, built from pre-encoded parts."""
    head = '{"messages": ['
    if system:
        head += '{"role": "system", "content": ' + _dumps(system) + "}, "
    if fmt in ("openai-chat", "trl-sft"):
        return lambda r: (
            head
            + '{"role": "user", "content": '
            + _dumps(r.prompt)
            + '}, {"role": "assistant", "content": '
            + _dumps(r.completion)
            + "}]}\n"
        )
    prefix = (system + "\n\n") if system else ""
    if fmt == "prompt-completion":
        return lambda r: (
            '{"prompt": '
            + _dumps(prefix + r.prompt)
            + ', "completion": '
            + _dumps(r.completion)
            + "}\n"
        )
    if fmt == "dpo":
        return lambda r: (
            '{"prompt": '
            + _dumps(prefix + r.prompt)
            + ', "chosen": '
            + _dumps(r.completion)
            + ', "rejected": '
            + _dumps(r.rejected)
            + "}\n"
        )
    if fmt == "alpaca":
        return lambda r: (
            '{"instruction": '
            + _dumps(prefix + r.prompt)
            + ', "input": "", "output": '
            + _dumps(r.completion)
            + "}\n"
        )
    raise ValueError(f"not a JSONL format: {fmt!r}")


def write_jsonl(
    path: Path, rows: list[Row], fmt: str, system: str | None, evidence_field: bool = False
) -> None:
    line = _line(fmt, system, evidence_field)
    with atomic(path) as f:
        for row in rows:
            f.write(line(row))


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
        *([row.quote] if evidence_field else []),
    ]


def write_csv(path: Path, rows: list[Row], split: str, evidence_field: bool = False) -> None:
    with atomic(path) as f:
        writer = csv.writer(f)
        writer.writerow(FLAT_COLUMNS + (["evidence"] if evidence_field else []))
        for row in rows:
            writer.writerow(_flat(row, split, evidence_field))


def write_parquet(path: Path, rows: list[Row], split: str, evidence_field: bool = False) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(
            "parquet export needs the 'parquet' extra: pip install 'labelwidgets[parquet]'"
        ) from None
    schema = pa.schema(
        [
            ("split", pa.string()),
            ("chunk_id", pa.string()),
            ("doc_id", pa.string()),
            ("question", pa.string()),
            ("source", pa.string()),
            ("answer", pa.string()),
            ("is_unknown", pa.bool_()),
            ("prompt", pa.string()),
            ("completion", pa.string()),
            ("rejected", pa.string()),
            *([("evidence", pa.string())] if evidence_field else []),
        ]
    )
    names = FLAT_COLUMNS + (["evidence"] if evidence_field else [])
    with atomic(path, "wb") as f, pq.ParquetWriter(f, schema) as writer:
        for start in range(0, len(rows), 10_000):
            batch = [_flat(r, split, evidence_field) for r in rows[start : start + 10_000]]
            columns = list(zip(*batch, strict=True)) if batch else [[] for _ in names]
            arrays = [
                pa.array(
                    [None if v is None else (v if n == "is_unknown" else str(v)) for v in col],
                    type=schema.field(n).type,
                )
                for n, col in zip(names, columns, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


def write_hf(
    path: Path,
    splits: dict[str, list[Row]],
    system: str | None,
    dpo: bool,
    evidence_field: bool = False,
) -> Any:
    """A ``datasets.DatasetDict`` in TRL's conversational format, saved with ``save_to_disk``."""
    try:
        import datasets
    except ImportError:
        raise ImportError(
            "hf export needs the 'hf' extra: pip install 'labelwidgets[hf]'"
        ) from None

    def conversational(row: Row) -> dict[str, Any]:
        user = [{"role": "system", "content": system}] if system else []
        user.append({"role": "user", "content": row.prompt})
        extra = {"evidence": row.quote} if evidence_field else {}
        if dpo:
            return {
                "prompt": user,
                "chosen": [{"role": "assistant", "content": row.completion}],
                "rejected": [{"role": "assistant", "content": row.rejected}],
                **extra,
            }
        return {"messages": [*user, {"role": "assistant", "content": row.completion}], **extra}

    message = [{"role": datasets.Value("string"), "content": datasets.Value("string")}]
    columns = (
        {"prompt": message, "chosen": message, "rejected": message}
        if dpo
        else {"messages": message}
    )
    if evidence_field:
        columns["evidence"] = datasets.Value("string")
    features = datasets.Features(columns)
    dataset = datasets.DatasetDict(
        {
            name: datasets.Dataset.from_list([conversational(r) for r in rows], features=features)
            for name, rows in splits.items()
        }
    )
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    dataset.save_to_disk(str(tmp))
    if path.exists():
        import shutil

        shutil.rmtree(path)
    os.replace(tmp, path)
    return dataset
