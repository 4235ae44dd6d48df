"""The store's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

``events`` is append-only. ``current_answers``, ``progress`` and ``chunk_progress`` are
projections maintained in the same transaction as each event, so "current answer" and "next
chunk" are index lookups instead of scans; :meth:`LabelStore.rebuild_projections` recomputes
them from ``events``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 4

metadata = MetaData()

# SQLite only autoincrements an INTEGER PRIMARY KEY, PostgreSQL wants BIGINT for big tables.
_BigId = BigInteger().with_variant(Integer(), "sqlite")

schema_info = Table(
    "lw_schema",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("source", Text),
    Column("text", Text),
    Column("page_offsets", Text),  # JSON list: char offset where each page starts
    Column("n_pages", Integer),
    Column("n_chars", Integer),
    Column("meta", Text),
    Column("created_at", Float, nullable=False),
)

chunks = Table(
    "chunks",
    metadata,
    Column("chunk_id", String(40), primary_key=True),
    Column("ord", _BigId, nullable=False, unique=True),  # global labeling order
    Column("doc_id", String(64), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("page_start", Integer),
    Column("page_end", Integer),
    Column("char_start", Integer),
    Column("char_end", Integer),
    Column("text", Text, nullable=False),
    Column("meta", Text),
    Column("created_at", Float, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

questions = Table(
    "questions",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("definition", Text, nullable=False),
)

prompt_versions = Table(
    "prompt_versions",
    metadata,
    Column("version_id", String(32), primary_key=True),
    Column("task_id", String(100), nullable=False),
    Column("question", String(100), nullable=False),
    Column("label", String(100), nullable=False),
    Column("template", Text, nullable=False),
    Column("note", Text),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("task_id", "question", "label", name="uq_prompt_label"),
)

suggestions = Table(
    "suggestions",
    metadata,
    Column("suggestion_id", _BigId, primary_key=True, autoincrement=True),
    Column("task_id", String(100), nullable=False),
    Column("chunk_id", String(40), nullable=False),
    Column("question", String(100), nullable=False),
    Column("model", String(200), nullable=False),
    Column("prompt_version", String(32), nullable=False),  # '' when none
    Column("value", Text),
    Column("is_unknown", Boolean, nullable=False),
    Column("raw", Text),
    Column("parse_error", Text),
    Column("score", Float),
    Column("chain_step", Integer, nullable=False),
    Column("latency_ms", Float),
    Column("meta", Text),
    Column("created_at", Float, nullable=False),
    Column("evidence", Text),  # v3: JSON [[start, end], ...] in document coordinates, or NULL
    UniqueConstraint(
        "task_id", "chunk_id", "question", "prompt_version", "model", name="uq_suggestion"
    ),
)

events = Table(
    "events",
    metadata,
    Column("event_id", _BigId, primary_key=True, autoincrement=True),
    Column("task_id", String(100), nullable=False),
    Column("chunk_id", String(40)),
    Column("question", String(100)),
    Column("labeler", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Text),
    Column("is_unknown", Boolean, nullable=False, default=False),
    Column("comment", Text),
    Column("time_spent", Float),
    Column("forced", Boolean, nullable=False, default=False),
    Column("problems", Text),
    Column("subject", String(200)),
    Column("meta", Text),
    Column("created_at", Float, nullable=False),
    Column("evidence", Text),  # v3: JSON [[start, end], ...] in document coordinates, or NULL
    Index("ix_events_task_chunk", "task_id", "chunk_id"),
    Index("ix_events_task_kind", "task_id", "kind"),
)

CURRENT_COPIED = (
    "value",
    "is_unknown",
    "forced",
    "comment",
    "time_spent",
    "created_at",
    "evidence",
)
_CURRENT_COPIES = {
    "value": Text,
    "is_unknown": Boolean,
    "forced": Boolean,
    "comment": Text,
    "time_spent": Float,
    "created_at": Float,
    "evidence": Text,
}
# columns added after a table was first released, by the schema version that added them
ADDED_COLUMNS = {
    3: {"events": ["evidence"], "current_answers": ["evidence"], "suggestions": ["evidence"]}
}

current_answers = Table(
    "current_answers",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("chunk_id", String(40), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("labeler", String(200), primary_key=True),
    Column("event_id", _BigId, nullable=False),
    # copied from the event so that answers() reads one table, without a join
    *(Column(name, type_) for name, type_ in _CURRENT_COPIES.items()),
    sqlite_with_rowid=False,  # clustered by task: answers(task) is one sequential range scan
)

progress = Table(
    "progress",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("labeler", String(200), primary_key=True),
    Column("chunk_id", String(40), primary_key=True),
    Column("status", String(16), nullable=False),  # 'done' | 'skipped'
    Column("updated_at", Float, nullable=False),
    Index("ix_progress_chunk", "task_id", "chunk_id"),
)

# One row per stored submission, keyed by the id its client gave it (or one generated per call),
# so a submission retried after a lost reply is stored once. Added after v3 without a version
# bump: older versions ignore the table, and opening a store creates it when missing.
submissions = Table(
    "submissions",
    metadata,
    Column("submission_id", String(64), primary_key=True),
    Column("task_id", String(100), nullable=False),
    Column("labeler", String(200), nullable=False),
    Column("event_ids", Text, nullable=False),  # JSON list, in the order of the answers
    Column("created_at", Float, nullable=False),
)
ADDED_TABLES = (submissions,)

leases = Table(
    "leases",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("chunk_id", String(40), primary_key=True),
    Column("labeler", String(200), primary_key=True),
    Column("expires_at", Float, nullable=False),
)

# v4: labeling orders and per-question routing (see labelwidgets.store.ordering / routing).
# An order set is the task's chunks in one order (and through the fixed filters of a where=),
# computed once when first asked for; next_chunk walks it by position.
order_sets = Table(
    "order_sets",
    metadata,
    Column("set_id", _BigId, primary_key=True, autoincrement=True),
    Column("task_id", String(100), nullable=False),
    Column("spec_key", String(64), nullable=False),  # hash of the order and fixed filters
    Column("spec", Text, nullable=False),  # JSON, for people reading the database
    Column("max_ord", BigInteger, nullable=False),  # the last chunk when it was built
    Column("n_chunks", Integer, nullable=False),
    Column("built_at", Float, nullable=False),
    UniqueConstraint("task_id", "spec_key", name="uq_order_set"),
)

chunk_order = Table(
    "chunk_order",
    metadata,
    Column("set_id", BigInteger, primary_key=True, autoincrement=False),
    Column("pos", Integer, primary_key=True, autoincrement=False),
    Column("chunk_id", String(40), nullable=False),
    Column("score", Float),
    Index("ix_chunk_order_chunk", "set_id", "chunk_id"),
    sqlite_with_rowid=False,
)

# The chunks a routed question (Question(keep=...)) applies to; a question's chunks up to
# route_marks.upto_ord have been through its filter, later ones have not (they are asked).
routes = Table(
    "routes",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("chunk_id", String(40), primary_key=True),
    Index("ix_routes_chunk", "task_id", "chunk_id"),
    sqlite_with_rowid=False,
)

route_marks = Table(
    "route_marks",
    metadata,
    Column("task_id", String(100), primary_key=True),
    Column("question", String(100), primary_key=True),
    Column("keep", Text, nullable=False),  # the filter's name when the routes were computed
    Column("upto_ord", BigInteger, nullable=False),
    Column("updated_at", Float, nullable=False),
)
V4_TABLES = (order_sets, chunk_order, routes, route_marks)
