"""Finding chunks: full text, document, metadata and status filters, served by SQL a page at a time.

:meth:`SearchMixin.search` returns one page of chunk ids (in labeling order) and the total;
the same filters, as a :class:`Where`, narrow :meth:`LabelStore.next_chunk
<labelwidgets.store.assign.AssignmentMixin.next_chunk>`.

Statuses
--------
Per labeler (``labeler=``), or over all labelers when none is given:

``"unanswered"``
    not finished (every asked question answered) and not skipped by the labeler; without a
    labeler: finished by nobody.
``"answered"``, ``"skipped"``
    finished / skipped by the labeler (by anyone without one).
``"flagged"``
    flagged by the labeler (by anyone without one).
``"failed_validator"``
    a current answer was stored over its validators' complaints (``force=True``).
``"model_disagrees"``
    a model suggestion differs from a labeler's current answer to the same question.
``"disagreed"`` (task-wide)
    two labelers' current answers to a question differ.

Both compare answers under each question's ``match=`` rule, as the review queue does: under
``match="entity"``, "New York" and "the laws of New York" are one answer, not a disagreement
(see :mod:`labelwidgets.store.agreement`). Their chunks are computed when the query runs and
bound to it as a list of ids (:func:`status_params`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, cast, exists, false, func, literal, or_, select, true

from labelwidgets.schema import Task
from labelwidgets.store import agreement, fulltext
from labelwidgets.store import tables as t

if TYPE_CHECKING:
    import pandas as pd

    from labelwidgets.store.store import LabelStore
else:
    from labelwidgets.store.lazy import pandas as pd

STATUSES = (
    "unanswered",
    "answered",
    "skipped",
    "flagged",
    "failed_validator",
    "model_disagrees",
    "disagreed",
)
MAX_PAGE_SIZE = 1000
_CHUNK_COLUMNS = ("seq", "page_start", "page_end", "char_start", "char_end")
_SNIPPET_CHARS = 160
_SNIPPET_SOURCE = 20_000  # characters of each listed chunk read to cut its snippet from


@dataclass(frozen=True)
class Where:
    """Filters on chunks, shared by :meth:`LabelStore.search` and ``next_chunk(where=...)``.

    Parameters
    ----------
    text
        Full-text query (web-search grammar: words, ``"a phrase"``, ``-excluded``, ``or``).
    doc_id
        A document id or a list of them.
    meta
        ``{column: value}`` (or a list of accepted values) over the chunks' metadata columns
        (``store.chunks()["meta"]``) and ``seq``, ``page_start``, ``page_end``.
    status
        One status or a list (any of them); see :mod:`labelwidgets.store.search`.
    labeler
        Whose status (``"answered"`` by this labeler ...); ``None``: anyone's.
    """

    text: str | None = None
    doc_id: str | tuple[str, ...] | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False)
    status: str | tuple[str, ...] | None = None
    labeler: str | None = None

    @classmethod
    def of(cls, where: Where | Mapping[str, Any] | None, what: str = "where") -> Where:
        """A :class:`Where` from ``None``, a dict of its fields or a :class:`Where`."""
        if where is None:
            return cls()
        if isinstance(where, Where):
            return where
        if not isinstance(where, Mapping):
            raise TypeError(
                f"{what} must be a dict of filters (text, doc_id, meta, status, labeler) or an "
                f"lw.Where, got {type(where).__name__}"
            )
        unknown = set(where) - {"text", "doc_id", "meta", "status", "labeler"}
        if unknown:
            raise ValueError(
                f"{what}: unknown filter(s) {sorted(unknown)}; known: text, doc_id, meta, "
                "status, labeler"
            )
        return cls(**where)

    def fixed(self) -> dict[str, Any]:
        """The filters that depend only on chunk content (not on labels), as plain JSON."""
        return {
            "text": self.text,
            "doc_id": _as_list(self.doc_id),
            "meta": None if self.meta is None else {k: self.meta[k] for k in sorted(self.meta)},
        }


@dataclass(frozen=True)
class SearchResult:
    """One page of :meth:`LabelStore.search`: ``chunk_ids`` in labeling order, ``total`` found."""

    chunk_ids: list[str]
    total: int
    page: int
    page_size: int
    rows: tuple[dict[str, Any], ...] = field(repr=False, default=())

    @property
    def pages(self) -> int:
        """How many pages the whole result has."""
        return -(-self.total // self.page_size)

    def to_frame(self) -> pd.DataFrame:
        """This page as a DataFrame: chunk_id, doc_id, page_start, page_end, snippet."""
        columns = ["chunk_id", "doc_id", "page_start", "page_end", "snippet"]
        return pd.DataFrame(list(self.rows), columns=columns)


class SearchMixin:
    """Search (mixed into :class:`LabelStore`)."""

    def search(
        self: LabelStore,
        task: Task | str,
        text: str | None = None,
        *,
        doc_id: str | Iterable[str] | None = None,
        meta: Mapping[str, Any] | None = None,
        status: str | Iterable[str] | None = None,
        labeler: str | None = None,
        page: int = 0,
        page_size: int = 50,
    ) -> SearchResult:
        """Chunks matching every filter given, one page at a time, in labeling order.

        Parameters
        ----------
        task
            The task whose statuses ``status`` refers to.
        text
            Full-text query over chunk text: words (all must occur), ``"a phrase"``,
            ``-word`` to exclude, ``or`` between alternatives. No stemming; case-insensitive.
        doc_id, meta, status, labeler
            See :class:`Where`. ``meta={"section": "7"}`` keeps chunks whose metadata column
            ``section`` is ``"7"``; ``status="skipped", labeler="ann"`` lists ann's skips.
        page, page_size
            Which page (from 0) of how many chunks (at most 1000).

        Returns
        -------
        SearchResult
            ``.chunk_ids`` (this page), ``.total``, ``.page``, ``.page_size``, ``.to_frame()``.

        Examples
        --------
        >>> store.search(task, '"governing law" york', status="unanswered").chunk_ids
        ... # doctest: +SKIP
        """
        task = self.task(task)
        where = Where(text, _tuple(doc_id), meta, _tuple(status), labeler)
        page, page_size = _page(page, page_size)
        clauses = where_clauses(self.dialect, task, where)
        c = t.chunks
        # the page's chunks first, then their text: PostgreSQL would otherwise read the text of
        # every hit before keeping a page of them (44 -> 8 ms for 1,923 hits at 100k chunks)
        on_page = (
            select(c.c.ord)
            .where(*clauses)
            .order_by(c.c.ord)
            .limit(page_size)
            .offset(page * page_size)
            .subquery()
        )
        listed = (
            select(
                c.c.chunk_id,
                c.c.doc_id,
                c.c.page_start,
                c.c.page_end,
                func.substr(c.c.text, 1, _SNIPPET_SOURCE).label("text"),
            )
            .join(on_page, on_page.c.ord == c.c.ord)
            .order_by(c.c.ord)
        )
        with self._read() as conn:
            bound = status_params(self, conn, task, where)
            rows = conn.execute(listed, bound).all()
            if len(rows) < page_size and page == 0:
                total = len(rows)
            elif text is not None and len(clauses) == 1:  # the index alone counts its hits
                total = conn.execute(fulltext.count_matches(self.dialect, text)).scalar()
            else:
                counted = select(func.count()).select_from(c).where(*clauses)
                total = conn.execute(counted, bound).scalar()
            if total == 0 and where.meta:
                check_meta_columns(conn, where.meta)
        found = terms_pattern(text)
        return SearchResult(
            chunk_ids=[r.chunk_id for r in rows],
            total=int(total),
            page=page,
            page_size=page_size,
            rows=tuple(
                {
                    "chunk_id": r.chunk_id,
                    "doc_id": r.doc_id,
                    "page_start": r.page_start,
                    "page_end": r.page_end,
                    "snippet": snippet(r.text, found),
                }
                for r in rows
            ),
        )


def where_clauses(dialect: str, task: Task, where: Where, *, dynamic: bool = True) -> list[Any]:
    """SQL clauses on ``chunks`` for ``where``; ``dynamic=False`` leaves out the status
    filters (those that change as labels come in)."""
    c = t.chunks
    clauses: list[Any] = []
    if where.text is not None:
        clauses.append(fulltext.matching_ords(dialect, fulltext.check_query(where.text)))
    doc_ids = _as_list(where.doc_id)
    if doc_ids is not None:
        if not doc_ids or not all(isinstance(d, str) for d in doc_ids):
            raise ValueError(f"doc_id must be a document id or a list of them, got {doc_ids!r}")
        clauses.append(c.c.doc_id.in_(doc_ids))
    if where.meta is not None:
        clauses.extend(meta_clauses(dialect, where.meta))
    if where.labeler is not None and (not isinstance(where.labeler, str) or not where.labeler):
        raise ValueError(f"labeler must be a labeler's name, got {where.labeler!r}")
    statuses = _as_list(where.status)
    if statuses is not None:
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown or not statuses:
            raise ValueError(f"unknown status {unknown or statuses!r}; known: {list(STATUSES)}")
        if dynamic:
            clauses.append(
                or_(*(status_clause(task.name, s, where.labeler, dialect) for s in statuses))
            )
    return clauses


def status_params(store: LabelStore, conn: Connection, task: Task, where: Where) -> dict[str, str]:
    """The values to run :func:`where_clauses`' clauses with: the chunks of the statuses
    compared under ``match=`` (``"disagreed"``, ``"model_disagrees"``), read again once
    answers or suggestions were written since this store object last read them."""
    statuses = _as_list(where.status) or []
    memo = store.__dict__.setdefault("_matched_statuses", {})
    return agreement.status_ids(conn, task, statuses, where.labeler, memo)


def meta_clauses(dialect: str, meta: Mapping[str, Any]) -> list[Any]:
    """One clause per metadata column: its value is (one of) the given value(s)."""
    if not isinstance(meta, Mapping) or not meta:
        raise ValueError(f"meta must be a non-empty dict of column -> value, got {meta!r}")
    c = t.chunks
    clauses = []
    for key, wanted in meta.items():
        _check_meta_key(key)
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        if not values:
            raise ValueError(f"meta: no value given for column {key!r}")
        if key in _CHUNK_COLUMNS:
            clauses.append(c.c[key].in_(values))
            continue
        if all(isinstance(v, str) for v in values):
            # a cheap text search first: a string value is stored as this JSON text (the
            # store writes meta with json.dumps(ensure_ascii=False)); the JSON check confirms
            find = func.instr if dialect == "sqlite" else func.strpos
            needles = [json.dumps(v, ensure_ascii=False) for v in values]
            clauses.append(or_(*(find(c.c.meta, n) > 0 for n in needles)))
        if dialect == "sqlite":
            stored = func.json_extract(c.c.meta, _json_path(key))
            sqlite_values = [int(v) if isinstance(v, bool) else v for v in values]
            clauses.append(
                or_(*(stored.is_(None) if v is None else stored == v for v in sqlite_values))
            )
        else:
            from sqlalchemy.dialects.postgresql import JSONB

            stored = cast(c.c.meta, JSONB).op("->")(literal(key))
            clauses.append(or_(*(stored == cast(literal(json.dumps(v)), JSONB) for v in values)))
    return clauses


def check_meta_columns(conn: Connection, meta: Mapping[str, Any]) -> None:
    """A ``ValueError`` naming a metadata column no chunk has (and the columns there are)."""
    c = t.chunks
    for key in meta:
        if key in _CHUNK_COLUMNS:
            continue
        if conn.dialect.name == "sqlite":
            present = func.json_type(c.c.meta, _json_path(key)).is_not(None)
        else:
            from sqlalchemy.dialects.postgresql import JSONB

            present = cast(c.c.meta, JSONB).op("?")(literal(key))
        if conn.execute(select(exists().where(present))).scalar():
            continue
        sample = conn.execute(select(c.c.meta).where(c.c.meta.is_not(None)).limit(1000))
        known = sorted({k for (m,) in sample for k in (json.loads(m) or {})} | set(_CHUNK_COLUMNS))
        raise ValueError(f"meta: no chunk has a column {key!r}; columns: {known}")


def status_clause(task_id: str, status: str, labeler: str | None, dialect: str) -> Any:
    """A clause on ``chunks``: the chunk has ``status`` in the task (for ``labeler``); those
    of :data:`~labelwidgets.store.agreement.MATCHED` need :func:`status_params` to run."""
    c, pr, ev, ca = t.chunks, t.progress, t.events, t.current_answers
    mine = (lambda col: col == labeler) if labeler is not None else (lambda col: true())
    # Statuses that few chunks have are read from their own table's index, then the chunks
    # looked up; the others are checked chunk by chunk.
    if status in ("answered", "skipped"):
        state = "done" if status == "answered" else "skipped"
        return c.c.chunk_id.in_(
            select(pr.c.chunk_id).where(
                pr.c.task_id == task_id, pr.c.status == state, mine(pr.c.labeler)
            )
        )
    if status == "unanswered":
        return ~exists().where(
            pr.c.task_id == task_id,
            pr.c.chunk_id == c.c.chunk_id,
            mine(pr.c.labeler),
            pr.c.status == "done" if labeler is None else true(),
        )
    if status == "flagged":
        return c.c.chunk_id.in_(
            select(ev.c.chunk_id).where(
                ev.c.task_id == task_id, ev.c.kind == "flag", mine(ev.c.labeler)
            )
        )
    if status == "failed_validator":
        return exists().where(
            ca.c.task_id == task_id,
            ca.c.chunk_id == c.c.chunk_id,
            ca.c.forced == true(),
            mine(ca.c.labeler),
        )
    if status in agreement.MATCHED:
        return agreement.chunk_in_list(dialect, c.c.chunk_id, status)
    return false()


def snippet(text: str | None, terms: re.Pattern[str] | None) -> str:
    """A short excerpt of ``text``: around the first match of ``terms`` (see
    :func:`terms_pattern`), else its start."""
    text = text or ""
    found = terms.search(text) if terms is not None else None
    start = max(0, found.start() - _SNIPPET_CHARS // 3) if found else 0
    piece = " ".join(text[start : start + _SNIPPET_CHARS].split())
    return ("…" if start else "") + piece + ("…" if start + _SNIPPET_CHARS < len(text) else "")


def terms_pattern(query: str | None) -> re.Pattern[str] | None:
    """One pattern finding any word or phrase of a search query (for snippets)."""
    terms = fulltext.terms(query) if query else []
    if not terms:
        return None
    parts = [r"\W+".join(map(re.escape, term.split())) for term in terms]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})", re.IGNORECASE)


def _check_meta_key(key: Any) -> None:
    if not isinstance(key, str) or not key or len(key) > 100 or '"' in key or "\\" in key:
        raise ValueError(
            f"meta: column names are non-empty strings without quotes or backslashes, got {key!r}"
        )


def _json_path(key: str) -> str:
    return f'$."{key}"'


def _page(page: Any, page_size: Any) -> tuple[int, int]:
    for name, value in (("page", page), ("page_size", page_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"search: {name} must be a whole number, got {value!r}")
    if page < 0:
        raise ValueError(f"search: page must be >= 0, got {page}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"search: page_size must be 1 to {MAX_PAGE_SIZE}, got {page_size}")
    return page, page_size


def _tuple(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return tuple(value) if isinstance(value, Iterable) else value


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


__all__ = ["STATUSES", "SearchMixin", "SearchResult", "Where"]
