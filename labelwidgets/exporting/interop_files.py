"""Reading interop input: the files, and the stored chunks that records name (spans are read
in the coordinates of the stored chunk)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["as_stored", "load", "named_ids"]


def load(source: Any, tool: str) -> Any:
    """The records of an interop file (JSON, or the ``records.json`` of an Argilla dataset
    directory); anything else is returned as given."""
    if not isinstance(source, (str, Path)):
        return source
    if Path(source).is_dir():  # an Argilla dataset as rg.Dataset.to_disk writes it
        source = Path(source) / "records.json"
    text = Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{tool} import refused, nothing was stored: {str(source)!r} is not valid JSON "
            f"({exc.msg} at line {exc.lineno}, column {exc.colno}); is the file complete?"
        ) from None


def as_stored(store: LabelStore, ids: list[Any]) -> Callable[[dict[str, Any]], Mapping[str, Any]]:
    """The chunk whose coordinates spans are read in: the stored one when the store has it
    (the chunks the records name are read in one query; others one at a time)."""
    wanted = [i for i in ids if isinstance(i, str) and len(i) <= 40 and i.isprintable()]
    known = {c["chunk_id"]: c for c in store.chunks(chunk_ids=wanted).to_dict("records")}
    looked = set(wanted)

    def find(row: dict[str, Any]) -> Mapping[str, Any]:
        chunk_id = row["chunk_id"]
        if len(chunk_id) > 40 or not chunk_id.isprintable():
            return row  # not an id the store could hold: add_chunks will say why
        if chunk_id in looked:
            return known.get(chunk_id, row)
        try:
            return store.chunk(chunk_id)
        except KeyError:
            return row

    return find


def named_ids(records: list[Any], where: Callable[[Any], Any]) -> list[str]:
    """The chunk ids the records name (a malformed record is named later, by its plan)."""
    found = []
    for record in records:
        try:
            value = where(record)
        except (KeyError, TypeError, IndexError):
            continue
        if isinstance(value, str):
            found.append(value)
    return found
