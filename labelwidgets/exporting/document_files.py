"""Files of the document-level export: chat JSONL, flat JSONL, Parquet, and the manifest.

Each file is written to a temporary file beside it and renamed on success.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labelwidgets.exporting.formats import atomic, prepare
from labelwidgets.schema import Task
from labelwidgets.store import mask_url

if TYPE_CHECKING:
    from labelwidgets.exporting.documents import DocumentRecord
    from labelwidgets.store import LabelStore

__all__ = ["manifest", "prepare", "write"]

_dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _chat(record: DocumentRecord, system: str | None) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system else []
    messages += [
        {"role": "user", "content": record.prompt},
        {"role": "assistant", "content": record.completion},
    ]
    return {"messages": messages}


def _flat(record: DocumentRecord, split: str) -> dict[str, Any]:
    return {
        "split": split,
        "doc_id": record.doc_id,
        "name": record.name,
        "prompt": record.prompt,
        "target": record.target,
        "completion": record.completion,
        "chunk_ids": record.chunk_ids,
        "truncated": record.truncated,
        "status": record.status,
    }


def _parquet(path: Path, records: list[DocumentRecord], split: str) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(
            "parquet export needs the 'parquet' extra: pip install 'labelwidgets[parquet]'"
        ) from None
    rows = [_flat(r, split) for r in records]
    for row in rows:  # objects of varying keys and value types travel as JSON text
        row["target"], row["status"] = _dumps(row["target"]), _dumps(row["status"])
    schema = pa.schema(
        [
            ("split", pa.string()),
            ("doc_id", pa.string()),
            ("name", pa.string()),
            ("prompt", pa.string()),
            ("target", pa.string()),
            ("completion", pa.string()),
            ("chunk_ids", pa.list_(pa.string())),
            ("truncated", pa.bool_()),
            ("status", pa.string()),
        ]
    )
    with atomic(path, "wb") as f:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), f)


def write(
    target: Path, fmt: str, splits: dict[str, list[DocumentRecord]], system: str | None
) -> dict[str, Path]:
    """Write each split into ``target``; the path of each split's file."""
    paths = {}
    for split, records in splits.items():
        if fmt == "parquet":
            paths[split] = target / f"{split}.parquet"
            _parquet(paths[split], records, split)
            continue
        paths[split] = target / f"{split}.jsonl"
        with atomic(paths[split]) as f:
            for record in records:
                line = _chat(record, system) if fmt != "jsonl" else _flat(record, split)
                f.write(_dumps(line) + "\n")
    return paths


def manifest(
    target: Path,
    store: LabelStore,
    task: Task,
    fmt: str,
    settings: dict[str, Any],
    splits: dict[str, list[DocumentRecord]],
    paths: dict[str, Path],
) -> Path:
    """``manifest.json``: the task and its hash, the store (no password), the settings, the
    counts, the documents and a hash of every record, so the export can be reproduced."""
    digest = hashlib.sha256()
    for name, records in splits.items():
        for r in records:
            digest.update(f"{name}\x1f{r.doc_id}\x1f{r.prompt}\x1f{r.completion}\x1e".encode())
    found = {
        "format": fmt,
        "level": "document",
        "task": task.name,
        "task_hash": task.content_hash,
        "store": mask_url(str(store.url)),
        **settings,
        "counts": {k: len(v) for k, v in splits.items()},
        "rows_sha256": digest.hexdigest(),
        "documents": sorted(r.doc_id for records in splits.values() for r in records),
        "files": {k: p.name for k, p in paths.items()},
    }
    path = target / "manifest.json"
    path.write_text(json.dumps(found, indent=2, ensure_ascii=False))
    return path
