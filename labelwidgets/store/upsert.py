"""INSERT … ON CONFLICT for both backends (SQLite and PostgreSQL speak the same clause)."""

from __future__ import annotations

import functools
import operator
from typing import Any

from sqlalchemy import Connection, MetaData, Table


def _insert(conn: Connection, table: Table) -> Any:
    return _dialect_insert(conn.dialect.name, table)


def _dialect_insert(dialect_name: str, table: Table) -> Any:
    # Imported here: a SQLite store never loads the PostgreSQL dialect (and the reverse).
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def insert_rows(
    conn: Connection, table: Table, rows: list[dict[str, Any]], *, skip_existing: str | None = None
) -> int:
    """INSERT ``rows`` (dicts with the same keys) in one ``executemany`` handed straight to the
    driver (SQLAlchemy's per-row parameter handling costs more than SQLite's own insert); rows
    whose ``skip_existing`` key is stored already are left out. Returns how many were inserted."""
    if not rows:
        return 0
    columns = tuple(rows[0])
    sql, order = _insert_sql(conn.dialect, table, _schema(conn), columns, skip_existing)
    if order is None:
        params: list[Any] = rows
    elif len(order) == 1:
        params = [(row[order[0]],) for row in rows]
    else:
        params = list(map(operator.itemgetter(*order), rows))
    return conn.exec_driver_sql(sql, params).rowcount


def insert_tuples(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    skip_existing: str | None = None,
) -> int:
    """:func:`insert_rows` of tuples of the ``columns``' values: with the columns in the
    table's order they go to a positional driver (sqlite3) as they are, no dict per row."""
    if not rows:
        return 0
    sql, order = _insert_sql(conn.dialect, table, _schema(conn), columns, skip_existing)
    if order is None:  # a driver with named parameters (psycopg)
        params: list[Any] = [dict(zip(columns, row, strict=True)) for row in rows]
    elif order == columns:
        params = rows
    else:
        params = list(map(operator.itemgetter(*map(columns.index, order)), rows))
    return conn.exec_driver_sql(sql, params).rowcount


def _schema(conn: Connection) -> str | None:
    # Driver SQL bypasses the engine's schema_translate_map: name the schema in the statement.
    return conn.get_execution_options().get("schema_translate_map", {}).get(None)


@functools.lru_cache(maxsize=64)
def _insert_sql(
    dialect: Any, table: Table, schema: str | None, columns: tuple[str, ...], skip: str | None
) -> tuple[str, tuple[str, ...] | None]:
    """The INSERT's SQL and, for positional parameters, their order (compiled once)."""
    stmt = _dialect_insert(dialect.name, _in_schema(table, schema))
    if skip:
        stmt = stmt.on_conflict_do_nothing(index_elements=[skip])
    compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
    return compiled.string, tuple(compiled.positiontup or ()) if compiled.positional else None


@functools.cache
def _in_schema(table: Table, schema: str | None) -> Table:
    return table if schema is None else table.to_metadata(MetaData(), schema=schema)


def upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], *, key: list[str], update: list[str]
) -> None:
    """Insert ``rows``; where ``key`` already exists, overwrite the ``update`` columns."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=key, set_={name: getattr(stmt.excluded, name) for name in update}
    )
    conn.execute(stmt, rows)


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]], *, key: str) -> int:
    """Insert the ``rows`` whose ``key`` is not stored yet; returns how many were new."""
    if not rows:
        return 0
    column = table.c[key]
    unique = list({r[key]: r for r in rows}.values())
    existing: set[Any] = set()
    for i in range(0, len(unique), 500):
        batch = [r[key] for r in unique[i : i + 500]]
        existing.update(
            conn.execute(
                column.table.select().with_only_columns(column).where(column.in_(batch))
            ).scalars()
        )
    fresh = [r for r in unique if r[key] not in existing]
    if fresh:
        stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=[key])
        conn.execute(stmt, fresh)
    return len(fresh)
