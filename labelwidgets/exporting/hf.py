"""The Hugging Face formats (``"hf"``, ``"hf-dpo"``): a ``datasets.DatasetDict`` in TRL's
conversational format, in the folder ``save_to_disk`` writes, built a batch of rows at a time.

Each split's records go into an Arrow stream file as they come (:class:`HFSplitSink`), so no
split is held in memory. At the end (:func:`finish_dataset`) ``save_to_disk`` lays out the folder
for the empty splits (``dataset_dict.json``, each split's ``dataset_info.json`` and
``state.json``) and each split's written file becomes its one data file, named in its
``state.json`` as ``save_to_disk`` names it; ``datasets.load_from_disk`` reads the folder.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from labelwidgets.exporting.formats import Row

__all__ = ["HFSplitSink", "features", "finish_dataset", "write_hf"]

_BATCH = 10_000  # records per Arrow record batch
_DATA_FILE = "data-00000-of-00001.arrow"  # save_to_disk's name for a split's one shard


def features(dpo: bool, evidence_field: bool) -> Any:
    """The dataset's ``datasets.Features``: ``messages`` (or ``prompt`` / ``chosen`` /
    ``rejected`` for DPO) as lists of ``{role, content}``, ``prompt_version`` and
    ``prompt_version_id`` (TRL's trainers drop columns they do not use), and ``evidence``
    when asked."""
    try:
        import datasets
    except ImportError:
        raise ImportError(
            "hf export needs the 'hf' extra: pip install 'labelwidgets[hf]'"
        ) from None
    message = [{"role": datasets.Value("string"), "content": datasets.Value("string")}]
    columns: dict[str, Any] = (
        {"prompt": message, "chosen": message, "rejected": message}
        if dpo
        else {"messages": message}
    )
    columns["prompt_version"] = columns["prompt_version_id"] = datasets.Value("string")
    if evidence_field:
        columns["evidence"] = datasets.Value("string")
    return datasets.Features(columns)


def _record(row: Row, system: str | None, dpo: bool, evidence_field: bool) -> dict[str, Any]:
    user = [{"role": "system", "content": system}] if system else []
    user.append({"role": "user", "content": row.prompt})
    extra = {"prompt_version": row.prompt_version, "prompt_version_id": row.prompt_version_id}
    if evidence_field:
        extra["evidence"] = row.quote
    if dpo:
        return {
            "prompt": user,
            "chosen": [{"role": "assistant", "content": row.completion}],
            "rejected": [{"role": "assistant", "content": row.rejected}],
            **extra,
        }
    return {"messages": [*user, {"role": "assistant", "content": row.completion}], **extra}


class HFSplitSink:
    """One split of a Hugging Face dataset, written a batch of rows at a time into
    ``<parts>/<split>.arrow``; ``path`` is the dataset's folder (shared by its splits)."""

    def __init__(
        self,
        parts: Path,
        split: str,
        path: Path,
        system: str | None,
        dpo: bool,
        evidence_field: bool = False,
    ) -> None:
        self.schema = features(dpo, evidence_field).arrow_schema  # names the extra if missing
        import pyarrow as pa

        self.pa, self.path, self.rows = pa, path, 0
        self.options = (system, dpo, evidence_field)
        self.part = parts / f"{split}.arrow"
        self._file = pa.OSFile(str(self.part), "wb")
        self._writer = pa.ipc.new_stream(self._file, self.schema)

    def write(self, rows: list[Row]) -> None:
        self.rows += len(rows)
        for start in range(0, len(rows), _BATCH):
            records = [_record(r, *self.options) for r in rows[start : start + _BATCH]]
            self._writer.write_batch(self.pa.RecordBatch.from_pylist(records, schema=self.schema))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._file.close()
            self._writer = None

    def discard(self) -> None:
        self.close()
        self.part.unlink(missing_ok=True)


def finish_dataset(path: Path, parts: Path, splits: list[str], dpo: bool, evidence: bool) -> Any:
    """The dataset folder ``path`` made of the closed split files in ``parts`` (replacing what
    was there); returns the ``DatasetDict`` read back from it (memory-mapped)."""
    import datasets

    shape = features(dpo, evidence)
    empty = {
        name: datasets.Dataset.from_dict({c: [] for c in shape}, features=shape) for name in splits
    }
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        datasets.DatasetDict(empty).save_to_disk(str(folder))
        for name in splits:
            state_file = folder / name / "state.json"
            state = json.loads(state_file.read_text(encoding="utf-8"))
            os.replace(parts / f"{name}.arrow", folder / name / _DATA_FILE)
            state["_data_files"] = [{"filename": _DATA_FILE}]
            # the empty splits' fingerprints say nothing of the rows: a fresh one, as from_list
            state["_fingerprint"] = secrets.token_hex(8)
            state_file.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        if path.exists():
            shutil.rmtree(path)
        os.replace(folder, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return datasets.load_from_disk(str(path))


def write_hf(
    path: Path,
    splits: dict[str, list[Row]],
    system: str | None,
    dpo: bool,
    evidence_field: bool = False,
) -> Any:
    """Every split's rows at once as the dataset folder ``path`` (the whole-list export)."""
    parts = Path(tempfile.mkdtemp(dir=path.parent, prefix=".hf-parts."))
    try:
        for name, rows in splits.items():
            sink = HFSplitSink(parts, name, path, system, dpo, evidence_field)
            sink.write(rows)
            sink.close()
        return finish_dataset(path, parts, list(splits), dpo, evidence_field)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
