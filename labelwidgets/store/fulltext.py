"""Full-text search over chunk text, kept in step with the chunks table by the database itself.

SQLite: an FTS5 table ``chunks_fts`` with external content (the chunks table, keyed by
``ord``), filled by :func:`index_new_chunks` in the transaction that adds the chunks (one
``INSERT ... SELECT`` per batch: 3-4x cheaper than a trigger per row, measured), and kept in
step on delete by a trigger. PostgreSQL: a stored generated ``tsvector`` column ``text_search`` on
``chunks`` with a GIN index (a phrase query rechecks rows against the stored vector, never
re-parses their text). Both index the first :data:`INDEXED_CHARS` characters of each chunk
with the same word rules: no stemming, case-insensitive, accents kept ("café" is not "cafe").

Queries take the web-search grammar of PostgreSQL's ``websearch_to_tsquery`` on both
backends: words must all occur (any order), ``"governing law"`` is a phrase, ``-word``
excludes a word and ``or`` between two terms accepts either.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, bindparam, column, func, literal_column, select, table, text

INDEXED_CHARS = 100_000  # PostgreSQL refuses a tsvector over 1 MB; the same limit on SQLite
FTS_TABLE = "chunks_fts"
# columnsize=0: no per-row length table (only ranking functions read it, and search ranks by
# chunk order), one B-tree insert less per chunk. hashsize: terms of a bulk add are gathered in
# a 4 MB hash before a segment is written (1 MB by default), fewer segments to merge. Together
# about a third less time to index 100k chunks, measured.
_HASH_BYTES = 4 * 1024 * 1024
_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, content='chunks', "
    "content_rowid='ord', columnsize=0, tokenize='unicode61 remove_diacritics 0')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', {_HASH_BYTES})",
    f"CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
    f"VALUES ('delete', old.ord, substr(old.text, 1, {INDEXED_CHARS})); END",
)
_fts = table(FTS_TABLE, column("rowid"), column("text"))
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+")


def create_index(conn: Connection, *, existing_rows: bool) -> None:
    """Create the full-text index (idempotent); ``existing_rows``: index the rows stored now."""
    if conn.dialect.name == "sqlite":
        for ddl in _SQLITE_DDL:
            conn.exec_driver_sql(ddl)
        if existing_rows:
            conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        return
    schema = conn.get_execution_options().get("schema_translate_map", {}).get(None)
    quote = conn.dialect.identifier_preparer.quote
    chunks = (f"{quote(schema)}." if schema else "") + "chunks"
    conn.execute(
        text(
            f"ALTER TABLE {chunks} ADD COLUMN IF NOT EXISTS text_search tsvector GENERATED "
            f"ALWAYS AS (to_tsvector('simple'::regconfig, left(text, {INDEXED_CHARS}))) STORED"
        )
    )
    conn.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS ix_chunks_text_search ON {chunks} USING gin (text_search)"
        )
    )


def index_new_chunks(conn: Connection, after_ord: int) -> None:
    """Index the chunks stored after ``after_ord`` (SQLite; PostgreSQL's column fills itself)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT ord, substr(text, 1, {INDEXED_CHARS}) "
            "FROM chunks WHERE ord > ?",
            (after_ord,),
        )


def check_query(query: Any, where: str = "search") -> str:
    """The query text, or a ``ValueError``/``TypeError`` naming what is wrong with it."""
    if not isinstance(query, str):
        raise TypeError(f"{where}: text must be a string, got {type(query).__name__}")
    if "\x00" in query:
        raise ValueError(f"{where}: text contains a NUL character")
    terms = [w for w in _WORD.findall(query) if w.lower() != "or"]
    if not terms:
        raise ValueError(
            f"{where}: text {query!r} has no word to search for (letters or digits are needed)"
        )
    if len(query) > 1000:
        raise ValueError(f"{where}: text is {len(query)} characters long; at most 1000")
    return query


def sqlite_query(query: str) -> str:
    """``query`` (web-search grammar) as an FTS5 query where every term is a quoted string, so
    nothing the user typed is read as FTS5 syntax."""
    groups: list[list[str]] = [[]]  # AND of OR-groups
    negated: list[str] = []
    pending_or = False
    for token in _TOKEN.findall(query):
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        words = _WORD.findall(body.strip('"'))
        if not words:
            continue
        if not negate and not body.startswith('"') and body.lower() == "or":
            pending_or = bool(groups[-1])
            continue
        phrase = '"' + " ".join(words) + '"'
        if negate:
            negated.append(phrase)
        elif pending_or:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        pending_or = False
    parts = [g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups if g]
    if not parts:  # only exclusions: FTS5 cannot express "everything but"; nothing matches
        return '""'
    return " AND ".join(parts) + "".join(f" NOT {n}" for n in negated)


def matching_ords(dialect: str, query: str) -> Any:
    """A clause on ``chunks`` true for the chunks whose indexed text matches ``query``."""
    from labelwidgets.store import tables as t

    if dialect == "sqlite":
        hits = select(_fts.c.rowid).where(
            _fts.c.text.op("MATCH")(bindparam("fts_query", sqlite_query(query)))
        )
        return t.chunks.c.ord.in_(hits)
    tsquery = func.websearch_to_tsquery(
        literal_column("'simple'::regconfig"), bindparam("pg_query", query)
    )
    return literal_column("chunks.text_search").op("@@")(tsquery)


def count_matches(dialect: str, query: str) -> Any:
    """A query counting the chunks whose indexed text matches ``query``."""
    from labelwidgets.store import tables as t

    if dialect == "sqlite":  # FTS5 counts from its index without reading the chunks
        hits = _fts.c.text.op("MATCH")(bindparam("fts_query", sqlite_query(query)))
        return select(func.count()).select_from(_fts).where(hits)
    return select(func.count()).select_from(t.chunks).where(matching_ords(dialect, query))


def terms(query: str) -> list[str]:
    """The words and phrases of ``query`` a snippet should show (exclusions left out)."""
    found = []
    for token in _TOKEN.findall(query):
        if token.startswith("-") or token.lower() == "or":
            continue
        words = _WORD.findall(token.strip('"'))
        if words:
            found.append(" ".join(words))
    return found
