"""Schema versions: create a new store, migrate an older one, refuse a newer one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, inspect, select, update

from labelwidgets.store import tables as t


class SchemaVersionError(RuntimeError):
    """The store was written by a newer labelwidgets than this one."""


def _v1_to_v2(conn: Connection) -> None:
    # v2 added leases and the progress projection (team assignment); both start from the
    # events already stored.
    t.metadata.create_all(conn, tables=[t.leases, t.progress], checkfirst=True)
    rebuild_projections(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2}


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
        conn.execute(insert(t.schema_info).values(id=1, version=t.SCHEMA_VERSION))
        return
    version = conn.execute(select(t.schema_info.c.version)).scalar_one()
    if version > t.SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this store was written by a newer labelwidgets (schema version {version}); this "
            f"version reads up to {t.SCHEMA_VERSION}. Upgrade: pip install -U labelwidgets"
        )
    while version < t.SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
        conn.execute(update(t.schema_info).values(version=version))


def rebuild_projections(conn: Connection) -> None:
    """Recompute ``current_answers`` and ``progress`` from ``events``."""
    from labelwidgets.store.projections import replay_events

    conn.execute(t.current_answers.delete())
    conn.execute(t.progress.delete())
    replay_events(conn)
