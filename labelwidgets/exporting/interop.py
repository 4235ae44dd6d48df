"""Interop with Argilla 2.x and Label Studio, both ways, in the tools' own formats.

Exports carry the chunk text, model suggestions and every labeler's current answer; imports bring
them back into a store (chunks, suggestions, answers per labeler). The files are checked in the
tests with the tools' own SDKs (``argilla`` 2.x and ``label-studio-sdk``, offline).

- **Label Studio**: :func:`to_label_studio` writes the tasks (JSON) and, beside them, the labeling
  config generated from the task (:func:`label_studio_config`; one control per question kind,
  a "Not in the text" choice per question that allows it). See
  :mod:`labelwidgets.exporting.interop_ls`.
- **Argilla**: :func:`to_argilla` writes a dataset as ``rg.Dataset.to_disk`` does (a directory
  that ``rg.Dataset.from_disk(path, client=...)`` uploads), or one JSON file; labelers get
  stable UUIDs (:func:`labeler_id`), "not in the text" is the ``not_in_text`` question. See
  :mod:`labelwidgets.exporting.interop_argilla`.
- Spans questions and evidence travel as the tools' own spans (see
  :mod:`labelwidgets.exporting.interop_spans`); chunk offsets ride along (``data.char_start`` /
  ``metadata.char_start``) so spans keep their document coordinates.

Exports stream: chunks, their answers and their model answers are read and written a batch of
chunks at a time, so a file of any size is written without holding every task or answer in
memory.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tqdm.auto import tqdm

from labelwidgets.exporting.interop_argilla import (
    NOT_IN_TEXT,
    argilla_record,
    argilla_settings,
    labeler_id,
)
from labelwidgets.exporting.interop_import import ImportRejected, from_argilla, from_label_studio
from labelwidgets.exporting.interop_ls import label_studio_config, ls_task
from labelwidgets.schema import Task
from labelwidgets.store.frames import with_unknown

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = [
    "NOT_IN_TEXT",
    "ImportRejected",
    "argilla_settings",
    "from_argilla",
    "from_label_studio",
    "label_studio_config",
    "labeler_id",
    "to_argilla",
    "to_label_studio",
]

BATCH = 2_000  # chunks read and written at a time


def _records(
    store: LabelStore, task: Task, make: Any, progress: bool = False
) -> Iterator[dict[str, Any]]:
    """One exported record per chunk (in labeling order): chunks, their answers and their
    model answers read a batch of chunks at a time."""
    order = store.chunk_order()
    with tqdm(total=len(order), desc="export", unit="chunk", disable=not progress) as bar:
        for at in range(0, len(order), BATCH):
            batch = order[at : at + BATCH]
            answers = _by_chunk(store.answers(task, chunk_id=batch))
            suggestions = _by_chunk(store.suggestions(task, chunk_id=batch), parsed=True)
            rows = {c["chunk_id"]: c for c in store.chunks(chunk_ids=batch).to_dict("records")}
            for chunk_id in batch:
                chunk = rows[chunk_id]
                yield make(task, chunk, answers.get(chunk_id, []), suggestions.get(chunk_id, []))
            bar.update(len(batch))


def _by_chunk(frame: Any, parsed: bool = False) -> dict[str, list[Any]]:
    """The rows of a store view by chunk, in the view's order (``parsed``: only model answers
    that parsed)."""
    found: dict[str, list[Any]] = defaultdict(list)
    for row in with_unknown(frame).itertuples():
        if not parsed or not isinstance(row.parse_error, str):
            found[row.chunk_id].append(row)
    return found


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _write_list(out: IO[str], items: Iterator[dict[str, Any]]) -> int:
    count = 0
    out.write("[")
    for item in items:
        out.write(("\n" if not count else ",\n") + _dump(item))
        count += 1
    out.write("\n]" if count else "]")
    return count


def _temporary(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


# -- Label Studio ---------------------------------------------------------------------------------
def config_path(tasks_path: str | Path) -> Path:
    """Where :func:`to_label_studio` writes the labeling config: ``<tasks>.label_config.xml``."""
    path = Path(tasks_path)
    return path.with_name(path.stem + ".label_config.xml")


def to_label_studio(
    store: LabelStore, task: Task | str, path: str | Path | None = None, *, progress: bool = True
) -> list[dict[str, Any]] | Path:
    """Label Studio tasks: ``data`` (text and ids), ``predictions`` (one per model and prompt
    version: ``model_version`` is ``model@version``, with ``score``) and ``annotations`` (one per
    labeler, ``completed_by.email`` the labeler's name).

    Parameters
    ----------
    path
        Without one, the tasks are returned as a list. With one, they are streamed to that JSON
        file (written under a temporary name, then renamed, so a half-written file never has
        the real name) and the labeling config (:func:`label_studio_config`) is written beside
        it (:func:`config_path`); the tasks file's path is returned.
    progress
        A progress bar while a file is written.
    """
    task = store.task(task)
    config = label_studio_config(task)  # refuses names Label Studio cannot hold, before writing
    if path is None:
        return list(_records(store, task, ls_task))
    path = Path(path)
    partial = _temporary(path)
    with partial.open("w", encoding="utf-8") as out:
        _write_list(out, _records(store, task, ls_task, progress))
    config_path(path).write_text(config, encoding="utf-8")
    partial.replace(path)
    return path


# -- Argilla ----------------------------------------------------------------------------------------
def to_argilla(
    store: LabelStore, task: Task | str, path: str | Path | None = None, *, progress: bool = True
) -> dict[str, Any] | Path:
    """An Argilla 2.x dataset: ``settings`` (``rg.Settings.serialize()`` form, made by
    :func:`argilla_settings`) and ``records`` (``rg.Record.to_dict()`` form: fields, metadata,
    suggestions with score and ``model@version`` agent, responses per user with status).

    Parameters
    ----------
    path
        Without one, ``{"name", "settings", "records"}`` is returned. A path ending in
        ``.json`` gets that dict as one JSON file. Any other path is a directory written as
        ``rg.Dataset.to_disk`` writes one (``.argilla/settings.json``, ``.argilla/dataset.json``,
        ``records.json``), so ``rg.Dataset.from_disk(path, client=client)`` creates the dataset
        on an Argilla server and logs the records. Records are streamed; the path is returned.
    progress
        A progress bar while a file is written.
    """
    task = store.task(task)
    settings = argilla_settings(task)
    if path is None:
        records = list(_records(store, task, argilla_record))
        return {"name": task.name, "settings": settings, "records": records}
    path = Path(path)
    if path.suffix.lower() == ".json":
        partial = _temporary(path)
        with partial.open("w", encoding="utf-8") as out:
            out.write(f'{{"name": {_dump(task.name)}, "settings": {_dump(settings)}, "records": ')
            _write_list(out, _records(store, task, argilla_record, progress))
            out.write("}\n")
        partial.replace(path)
        return path
    (path / ".argilla").mkdir(parents=True, exist_ok=True)
    dataset = {
        "name": task.name,
        "status": "draft",
        "guidelines": settings["guidelines"],
        "allow_extra_metadata": True,
        "distribution": settings["distribution"],
    }
    (path / ".argilla" / "dataset.json").write_text(_dump(dataset), encoding="utf-8")
    (path / ".argilla" / "settings.json").write_text(_dump(settings), encoding="utf-8")
    partial = _temporary(path / "records.json")
    with partial.open("w", encoding="utf-8") as out:
        _write_list(out, _records(store, task, argilla_record, progress))
    partial.replace(path / "records.json")
    return path
