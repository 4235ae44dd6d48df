"""The answers view read in fewer cells a row.

A big read through sqlite3 (or psycopg) costs about the same per cell whether the cell holds a
chunk id or a 0/1 flag, and that per-cell cost is most of :meth:`LabelStore.answers`'s time.
The view shows eleven stored columns; three SQL expressions fold seven of them into three cells,
unfolded afterwards with array operations:

- ``pair``: labeler + US + answer text (US: the unit separator; ``""`` for NULL). Distinct pairs
  are few (each labeler gives few distinct answers to a question), so each is split and decoded
  once, instead of every row's answer being hashed to find its decoded value;
- ``stamp``: 4 x event_id + is_unknown + 2 x forced (ids stay far below 2**61);
- ``notes``: comment and evidence as one JSON array, NULL where both are NULL (they mostly are),
  decoded per row where not.

A folded cell is read only when the view asks for one of its columns (``columns=``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import String, and_, case, cast, func, literal, null
from sqlalchemy.dialects.postgresql import JSON

from labelwidgets.store.codec import decode_json
from labelwidgets.store.columnar import decode_coded

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy import Table as SqlTable

    from labelwidgets.store.columnar import Table

__all__ = ["FOLDED", "folded_cells", "pair_cell", "split_pairs", "unfold"]

_US = "\x1f"  # neither a name nor JSON text holds a raw control character
# each folded cell and the view columns it holds
FOLDS = {
    "pair": ("labeler", "answer"),
    "stamp": ("event_id", "is_unknown", "forced"),
    "notes": ("comment", "evidence"),
}
FOLDED = frozenset(column for columns in FOLDS.values() for column in columns)


def folded_cells(wanted: set[str], ca: SqlTable, dialect: str) -> list[ColumnElement[Any]]:
    """The folded cells to read for the view columns in ``wanted``."""
    c = ca.c
    cells = {
        "pair": lambda: pair_cell(ca),
        "stamp": lambda: (
            c.event_id * 4 + case((c.is_unknown, 1), else_=0) + case((c.forced, 2), else_=0)
        ),
        "notes": lambda: case(
            (and_(c.comment.is_(None), c.evidence.is_(None)), null()),
            else_=_json_pair(c.comment, c.evidence, dialect),
        ),
    }
    return [cells[name]().label(name) for name, holds in FOLDS.items() if wanted & set(holds)]


def pair_cell(table: SqlTable) -> ColumnElement[Any]:
    """``labeler + US + answer text`` of ``table``'s rows (``""`` for a NULL answer)."""
    return table.c.labeler + literal(_US) + func.coalesce(table.c.value, "")


def split_pairs(pairs: np.ndarray) -> tuple[np.ndarray, list[str], list[str | None]]:
    """Rows of :func:`pair_cell` -> each row's code into the distinct pairs, and each distinct
    pair's labeler and stored answer text (``None``: NULL). Each distinct pair is hashed and
    split once: neither a name nor JSON text holds a raw control character."""
    codes, distinct = pd.factorize(pairs)
    split = [text.rpartition(_US) for text in distinct.tolist()]
    # "": NULL (no JSON text is empty)
    return codes, [name for name, _, _ in split], [text or None for _, _, text in split]


def _json_pair(comment: Any, evidence: Any, dialect: str) -> ColumnElement[Any]:
    """``[comment, evidence]`` as JSON text (evidence is stored as JSON text)."""
    if dialect == "postgresql":
        return cast(func.json_build_array(comment, cast(evidence, JSON)), String)
    return func.json_array(comment, func.json(evidence))


def unfold(table: Table, wanted: set[str]) -> dict[str, Any]:
    """The view columns in ``wanted`` held by ``table``'s folded cells."""
    out: dict[str, Any] = {}
    if "pair" in table:
        out.update(_unfold_pairs(table.column("pair")))
    if "stamp" in table:
        stamp = table.column("stamp").astype(np.int64)
        out["event_id"] = stamp >> 2
        out["is_unknown"] = (stamp & 1).astype(bool)
        out["forced"] = (stamp & 2).astype(bool)
    if "notes" in table:
        out.update(_unfold_notes(table.column("notes")))
    return {name: values for name, values in out.items() if name in wanted}


def _unfold_pairs(pairs: np.ndarray) -> dict[str, Any]:
    codes, names, texts = split_pairs(pairs)
    labelers = np.array(names, dtype=object)
    return {"labeler": labelers[codes], "answer": decode_coded(codes, texts)}


def _unfold_notes(notes: np.ndarray) -> dict[str, np.ndarray]:
    comments = np.empty(len(notes), dtype=object)
    evidence = np.empty(len(notes), dtype=object)
    for row in np.flatnonzero(np.not_equal(notes, None)):  # mostly NULL: decode the rest
        comments[row], evidence[row] = decode_json(notes[row])
    return {"comment": comments, "evidence": evidence}
