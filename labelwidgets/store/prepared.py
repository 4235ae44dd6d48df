"""Statements of the hot paths compiled once and run as driver SQL.

Building a SQLAlchemy statement, computing its cache key and looking it up costs more than
SQLite's own work for the small statements a submit runs. The statements here are built once
per dialect, PostgreSQL schema and shape (say, the number of rows of a multi-row INSERT), and
run with :meth:`Connection.exec_driver_sql`: still the engine's connection, transaction and
error translation, without the per-call statement building.

A builder takes a :class:`Scope` (the dialect's name, tables placed in the store's schema, the
dialect's INSERT) and a shape ``n``, and returns a statement whose parameters are named
``bindparam``\\ s; :func:`run` passes the values by those names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, Table

from labelwidgets.store.upsert import _dialect_insert, _in_schema


@dataclass(frozen=True)
class Scope:
    """What a builder needs: the dialect's name and the store's PostgreSQL schema."""

    dialect: str
    schema: str | None

    def table(self, table: Table) -> Table:
        """``table`` in the store's schema (driver SQL bypasses ``schema_translate_map``)."""
        return _in_schema(table, self.schema)

    def insert(self, table: Table) -> Any:
        """The dialect's INSERT (with ``on_conflict_do_*``) into ``table`` in the schema."""
        return _dialect_insert(self.dialect, self.table(table))


Builder = Callable[[Scope, int], Any]


@dataclass(frozen=True)
class Prepared:
    """A compiled statement: its SQL and, for positional parameters, their names in order."""

    sql: str
    order: tuple[str, ...] | None

    def params(self, values: Mapping[str, Any]) -> Any:
        if self.order is None:
            return values
        return tuple([values[name] for name in self.order])


_CACHE: dict[tuple[Any, ...], Prepared] = {}
_GUARD = threading.Lock()


def prepare(conn: Connection, builder: Builder, n: int = 1) -> Prepared:
    """The statement ``builder`` makes for this connection's dialect and schema, compiled once."""
    dialect = conn.dialect
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    key = (dialect.name, dialect.paramstyle, schema, builder, n)
    found = _CACHE.get(key)
    if found is None:
        compiled = builder(Scope(dialect.name, schema), n).compile(dialect=dialect)
        positional = tuple(compiled.positiontup or ()) if compiled.positional else None
        found = Prepared(compiled.string, positional)
        with _GUARD:
            if len(_CACHE) > 512:  # shapes are few; this only bounds a pathological caller
                _CACHE.clear()
            _CACHE[key] = found
    return found


def run(
    conn: Connection, builder: Builder, values: Mapping[str, Any], n: int = 1
) -> CursorResult[Any]:
    """Run the statement ``builder`` makes (compiled once) with ``values`` by parameter name."""
    prepared = prepare(conn, builder, n)
    return conn.exec_driver_sql(prepared.sql, prepared.params(values))


__all__ = ["Builder", "Prepared", "Scope", "prepare", "run"]
