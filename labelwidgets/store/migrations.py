"""Schema versions: create a new store, migrate an older one, refuse a newer one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, inspect, select, text, update

from labelwidgets.store import fulltext
from labelwidgets.store import tables as t


class SchemaVersionError(RuntimeError):
    """The store was written by a newer labelwidgets than this one."""


def _v1_to_v2(conn: Connection) -> None:
    # v2 added leases and the progress projection (team assignment); both start from the
    # events already stored.
    t.metadata.create_all(conn, tables=[t.leases, t.progress], checkfirst=True)
    _add_columns(conn, t.ADDED_COLUMNS[3])  # the replay reads and writes today's columns
    rebuild_projections(conn)


def _v2_to_v3(conn: Connection) -> None:
    # v3 added evidence (JSON span lists) to events, current answers and suggestions; rows
    # written before have none (NULL), so no projection needs rebuilding.
    _add_columns(conn, t.ADDED_COLUMNS[3])


def _add_columns(conn: Connection, columns: dict[str, list[str]]) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for each column the table does not have yet (idempotent)."""
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    quote = conn.dialect.identifier_preparer.quote
    for table_name, names in columns.items():
        present = {c["name"] for c in inspect(conn).get_columns(table_name, schema=schema)}
        table = t.metadata.tables[table_name]
        qualified = (f"{quote(schema)}." if schema else "") + quote(table_name)
        for name in names:
            if name not in present:
                column_type = table.c[name].type.compile(dialect=conn.dialect)
                conn.execute(
                    text(f"ALTER TABLE {qualified} ADD COLUMN {quote(name)} {column_type}")
                )


def _v3_to_v4(conn: Connection) -> None:
    # v4 added full-text search over chunk text (built here for the chunks already stored),
    # labeling orders and per-question routes (empty until used).
    t.metadata.create_all(conn, tables=list(t.V4_TABLES), checkfirst=True)
    fulltext.create_index(conn, existing_rows=True)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def migrate(conn: Connection) -> None:
    """Bring the store's schema to :data:`tables.SCHEMA_VERSION`."""
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    present = set(inspect(conn).get_table_names(schema=schema))
    if t.schema_info.name not in present:
        if present & {"events", "chunks"}:
            raise SchemaVersionError(
                "this database has label tables but no schema version row; it was not written by "
                "labelwidgets, or is damaged"
            )
        t.metadata.create_all(conn)
        fulltext.create_index(conn, existing_rows=False)
        conn.execute(insert(t.schema_info).values(id=1, version=t.SCHEMA_VERSION))
        return
    versions = list(conn.execute(select(t.schema_info.c.version)).scalars())
    if len(versions) != 1 or not isinstance(versions[0], int) or versions[0] < min(MIGRATIONS):
        raise SchemaVersionError(
            f"this store's schema version row is damaged ({versions or 'missing'}; expected one "
            f"version from {min(MIGRATIONS)} to {t.SCHEMA_VERSION}): restore the database from "
            "a backup"
        )
    version = versions[0]
    if version > t.SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this store was written by a newer labelwidgets (schema version {version}); this "
            f"version reads up to {t.SCHEMA_VERSION}. Upgrade: pip install -U labelwidgets"
        )
    while version < t.SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
        conn.execute(update(t.schema_info).values(version=version))
    for table in t.ADDED_TABLES:
        if table.name not in present:
            _create_if_writable(conn, table)


def _create_if_writable(conn: Connection, table: Any) -> None:
    from labelwidgets.store.errors import StoreReadOnly

    try:
        with conn.begin_nested():
            table.create(conn)
    except StoreReadOnly:
        pass  # a store opened read-only is never written, so it needs no new table


def rebuild_projections(conn: Connection) -> None:
    """Recompute ``current_answers`` and ``progress`` from ``events``."""
    from labelwidgets.store.projections import replay_events

    conn.execute(t.current_answers.delete())
    conn.execute(t.progress.delete())
    replay_events(conn)
