"""One input contract on SQLite and PostgreSQL: every bad input is the same clear error on both
backends, raised before any SQL, and leaves the store byte-for-byte unchanged.

The table below crosses every public write path with the kinds of bad input a hostile or careless
caller sends (NUL, lone surrogate, too long, wrong type, None, empty, NaN/inf, huge numbers); each
case runs on both backends in one test, so a difference between them fails the case.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import inputs as limits
from labelwidgets.store import tables as t
from tests.conftest import drop_pg_schema
from tests.store.helpers import CONTRACT_TASK as TASK
from tests.store.helpers import fill

NUL, SURROGATE = "ab\x00c", "ab\ud800c"
HUGE, NAN, INF = 10**400, math.nan, math.inf


def _long(limit: int) -> str:
    return "x" * (limit + 1)


# -- the write paths, each with good arguments that a case overrides --------------------------------
def _answers(store: LabelStore, chunk: str, **kw: Any) -> Any:
    args = {"answers": {"has_clause": "yes", "governing_law": "the laws of Texas"}}
    return store.record_answers(TASK, chunk, **{**args, "labeler": "alice", **kw})


def _text_answer(store: LabelStore, chunk: str, answer: Any) -> Any:
    return _answers(store, chunk, answers={"has_clause": "yes", "governing_law": answer})


def _number_answer(store: LabelStore, chunk: str, answer: Any) -> Any:
    return store.record_answer(TASK, chunk, "renewal_months", answer, labeler="alice")


PATHS: dict[str, Callable[..., Any]] = {
    "record_answers": _answers,
    "text answer": _text_answer,
    "number answer": _number_answer,
    "skip": lambda s, c, **kw: s.skip(TASK, c, **{"labeler": "alice", **kw}),
    "flag": lambda s, c, **kw: s.flag(TASK, c, **{"labeler": "alice", "comment": "two", **kw}),
    "retract": lambda s, c, **kw: s.retract(
        TASK, c, **{"question": "has_clause", "labeler": "alice", **kw}
    ),
    "feedback": lambda s, c, **kw: s.feedback(
        TASK, c, "has_clause", **{"reviewer": "rita", "labeler": "alice", "note": "ok", **kw}
    ),
    "adjudicate": lambda s, c, **kw: s.adjudicate(
        TASK, c, "governing_law", **{"answer": "the laws of Texas", "reviewer": "rita", **kw}
    ),
    "mark_gold": lambda s, c, **kw: s.mark_gold(
        TASK, c, "has_clause", **{"answer": "yes", "by": "gold", **kw}
    ),
    "add_gold row": lambda s, c, **kw: s.add_gold(
        TASK, [{"chunk_id": c, "question": "has_clause", "answer": "yes", **kw}]
    ),
    "mark_unclear": lambda s, c, **kw: s.mark_unclear(
        TASK, "has_clause", **{"reviewer": "rita", **kw}
    ),
    "accept_terms": lambda s, c, **kw: s.accept_terms(**{"labeler": "alice", "terms": "NDA", **kw}),
    "add_prompt_version": lambda s, c, **kw: s.add_prompt_version(
        TASK, **{"question": "governing_law", "template": "Q: {chunk}", **kw}
    ),
    "add_suggestions row": lambda s, c, **kw: s.add_suggestions(
        [{"task": TASK.name, "chunk_id": c, "question": "has_clause", "model": "m", **kw}]
    ),
    "add_documents row": lambda s, c, **kw: s.add_documents([{"doc_id": "doc-9", **kw}]),
    "add_chunks row": lambda s, c, **kw: s.add_chunks(
        [{"text": "A new clause.", "doc_id": "doc-9", **kw}]
    ),
    "add_task": lambda s, c, task: s.add_task(task),
}


def _text_cases(
    path: str, field: str, limit: int, *, required: bool, ints_ok: bool = False
) -> list[tuple]:
    """NUL, lone surrogate, too long, wrong types and huge or NaN numbers; None and empty when
    the field is required. ``ints_ok``: a whole number is a fine id in this row."""
    bad = [
        ("NUL", NUL),
        ("lone surrogate", SURROGATE),
        ("too long", _long(limit)),
        ("wrong type", 4.2 if ints_ok else 42),
        ("bytes", b"bytes"),
        ("NaN", NAN),
        ("huge number", HUGE),
    ]
    if required:
        bad += [("None", None), ("empty", "  ")]
    return [(path, field, name, {field: value}, field) for name, value in bad]


def _number_cases(path: str, field: str, *, whole: bool = False) -> list[tuple]:
    bad = [("NaN", NAN), ("inf", INF), ("huge number", HUGE), ("wrong type", "abc"), ("neg", -1)]
    if whole:
        bad += [("fraction", 1.5), ("over int32", 2**31)]
    return [(path, field, name, {field: value}, field) for name, value in bad]


def _cases() -> list[tuple]:
    person, comment = limits.PERSON_CHARS, limits.COMMENT_CHARS
    cases: list[tuple] = []
    for path in ("record_answers", "skip", "flag", "retract"):
        cases += _text_cases(path, "labeler", person, required=True)
    for path in ("record_answers", "skip", "flag"):
        cases += _text_cases(path, "chunk_id", limits.CHUNK_ID_CHARS, required=True)
    cases += _text_cases("record_answers", "comment", comment, required=False)
    cases += _text_cases("flag", "comment", comment, required=True)
    cases += _number_cases("record_answers", "time_spent")
    cases += [("record_answers", "force", n, {"force": v}, "force") for n, v in [("str", "yes")]]
    cases += [
        ("record_answers", "answers", n, {"answers": v}, f)
        for n, v, f in [
            ("None", None, "answers"),
            ("str", "yes", "answers"),
            ("int key", {5: "x"}, "question name"),
            ("NUL key", {"has\x00clause": "yes"}, "question name"),
        ]
    ]
    cases += [
        ("text answer", "answer", n, {"answer": v}, "governing_law")
        for n, v in [
            ("NUL", NUL),
            ("lone surrogate", SURROGATE),
            ("too long", _long(limits.ANSWER_CHARS)),
            ("wrong type", 42),
            ("huge number", HUGE),
            ("empty", "  "),
            ("None", None),
        ]
    ]
    cases += [
        ("number answer", "answer", n, {"answer": v}, "renewal_months")
        for n, v in [("NaN", NAN), ("inf", INF), ("huge", HUGE), ("words", "abc"), ("str NUL", NUL)]
    ]
    cases += _text_cases("feedback", "note", comment, required=True)
    cases += _text_cases("feedback", "reviewer", person, required=True)
    cases += _text_cases("feedback", "labeler", person, required=True)
    cases += _text_cases("adjudicate", "reviewer", person, required=True)
    cases += _text_cases("adjudicate", "accepted_from", person, required=False)
    cases += _text_cases("adjudicate", "note", comment, required=False)
    cases += [("adjudicate", "answer", n, {"answer": v}, "answer") for n, v in [("NUL", NUL)]]
    cases += _text_cases("mark_gold", "by", person, required=True)
    cases += [("mark_gold", "answer", "surrogate", {"answer": SURROGATE}, "answer")]
    cases += _text_cases("add_gold row", "comment", comment, required=False)[:3]
    cases += _text_cases("mark_unclear", "note", comment, required=False)[:3]
    cases += _text_cases("accept_terms", "terms", limits.TEMPLATE_CHARS, required=True)
    cases += _text_cases("accept_terms", "labeler", person, required=True)[:3]
    cases += _text_cases("add_prompt_version", "template", limits.TEMPLATE_CHARS, required=True)
    cases += _text_cases("add_prompt_version", "label", limits.PROMPT_LABEL_CHARS, required=False)
    cases += _text_cases("add_prompt_version", "question", limits.QUESTION_CHARS, required=True)
    cases += _rows_cases()
    cases += _task_cases()
    return cases


def _rows_cases() -> list[tuple]:
    cases = _text_cases("add_suggestions row", "model", limits.PERSON_CHARS, required=True)
    cases += _text_cases(
        "add_suggestions row", "chunk_id", limits.CHUNK_ID_CHARS, required=True, ints_ok=True
    )
    for field in ("score", "latency_ms"):
        cases += _number_cases("add_suggestions row", field)[: 5 if field == "latency_ms" else 4]
    cases += _number_cases("add_suggestions row", "chain_step", whole=True)
    cases += [
        ("add_suggestions row", "raw", "wrong type", {"raw": {"a": 1}}, "raw"),
        ("add_suggestions row", "meta", "str", {"meta": "str"}, "meta"),
        ("add_suggestions row", "prompt_version", "too long", {"prompt_version": _long(32)}, "pr"),
    ]
    cases += _text_cases(
        "add_documents row", "doc_id", limits.DOC_ID_CHARS, required=True, ints_ok=True
    )
    cases += [
        ("add_documents row", f, n, {f: v}, f)
        for f, n, v in [
            ("text", "wrong type", 42),
            ("name", "wrong type", ["a"]),
            ("page_offsets", "str", "abc"),
            ("page_offsets", "negative", [-1]),
            ("page_offsets", "decreasing", [5, 2]),
            ("n_pages", "NaN", NAN),
            ("n_pages", "huge", HUGE),
            ("meta", "str", "str"),
            ("meta", "surrogate", {"k": SURROGATE}),
        ]
    ]
    cases += [
        ("add_chunks row", f, n, {f: v}, f)
        for f, n, v in [
            ("text", "None", None),
            ("text", "empty", "   "),
            ("text", "wrong type", 42),
            ("doc_id", "too long", _long(limits.DOC_ID_CHARS)),
            ("doc_id", "NUL", NUL),
            ("doc_id", "float", 1.5),
            ("chunk_id", "too long", _long(limits.CHUNK_ID_CHARS)),
            ("chunk_id", "surrogate", SURROGATE),
            ("page_start", "str", "abc"),
            ("page_start", "fraction", 1.5),
            ("page_start", "over int32", 2**31),
            ("seq", "NaN", NAN),
            ("char_start", "huge", HUGE),
            ("meta", "str", "str"),
            ("meta", "list", [1, 2]),
        ]
    ]
    return cases


def _task_cases() -> list[tuple]:
    nul_prompt = lw.Task("nul-task", [lw.Question("q", prompt="What\x00?")])
    surrogate_choice = lw.Task("sur-task", [lw.Question("q", kind="choice", choices=["a\udc80"])])
    return [
        ("add_task", "task", n, {"task": v}, f)
        for n, v, f in [
            ("empty dict", {}, "'name'"),
            ("no questions", {"name": "x"}, "'questions'"),
            ("None questions", {"name": "x", "questions": None}, "'questions'"),
            ("str questions", {"name": "x", "questions": "q1"}, "'questions'"),
            ("question not a dict", {"name": "x", "questions": ["q1"]}, "question 0"),
            ("NUL in a prompt", nul_prompt, "prompt"),
            ("surrogate in a choice", surrogate_choice, "choices"),
            ("wrong type", 42, "Task"),
            ("None", None, "Task"),
        ]
    ]


CASES = _cases()


# -- fixtures and helpers ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[dict]:
    """One filled store per backend, shared by every case (no case may change them)."""
    schema = f"lw_test_{uuid.uuid4().hex[:12]}"
    both = {
        "sqlite": LabelStore(Path(tmp_path_factory.mktemp("contract")) / "labels.db"),
        "postgresql": LabelStore(pg_url, schema=schema),
    }
    chunk_ids = [fill(store) for store in both.values()]
    assert chunk_ids[0] == chunk_ids[1]  # content-derived ids: the same on both backends
    for store in both.values():
        store.record_answer(TASK, chunk_ids[0][0], "has_clause", "yes", labeler="alice")
    yield {"chunk": chunk_ids[0][0], **both}
    for store in both.values():
        store.close()
    drop_pg_schema(pg_url, schema)


def snapshot(store: LabelStore) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table."""
    found = {}
    with store._read() as conn:
        for table in t.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()
            found[table.name] = (len(rows), digest)
    return found


def _outcome(store: LabelStore, chunk: str, path: str, args: dict[str, Any]) -> BaseException:
    before = snapshot(store)
    with pytest.raises((ValueError, TypeError)) as failure:
        PATHS[path](store, chunk, **args)
    assert snapshot(store) == before, f"{store.dialect}: the store changed"
    return failure.value


def test_the_table_has_over_a_hundred_bad_inputs() -> None:
    assert len(CASES) >= 100
    assert len({(c[0], c[1], c[2]) for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("path", "field", "bad", "args", "named"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES],
)
def test_bad_input_is_the_same_clear_error_on_both_backends(
    stores: dict, path: str, field: str, bad: str, args: dict, named: str
) -> None:
    errors = [_outcome(stores[b], stores["chunk"], path, args) for b in ("sqlite", "postgresql")]
    sqlite_error, pg_error = errors
    assert type(sqlite_error) is type(pg_error)
    assert str(sqlite_error) == str(pg_error)
    message = str(sqlite_error)
    assert named in message, message
    assert "SELECT" not in message and "INSERT" not in message and "[SQL" not in message
    assert len(message) < 800


def test_typed_text_errors_name_the_field_the_value_and_the_fix(stores: dict) -> None:
    store, chunk = stores["postgresql"], stores["chunk"]
    with pytest.raises(ValueError) as failure:
        store.flag(TASK, chunk, labeler="alice", comment="wrong\x00clause")
    assert str(failure.value) == (
        "flag: comment contains a NUL character (\\x00) at position 5, got 'wrong\\x00clause'; "
        "remove it (the store keeps no NUL characters in text)"
    )
    with pytest.raises(ValueError, match=r"labeler is too long \(250 characters; at most 200\)"):
        store.skip(TASK, chunk, labeler="b" * 250)
    with pytest.raises(TypeError, match=r"chunk_id must be a string, got 7; pass str\(7\)"):
        store.skip(TASK, 7, labeler="bob")
    with pytest.raises(ValueError, match=r"lone surrogate \(\\ud83d\) at position 2"):
        store.record_answer(TASK, chunk, "has_clause", "ye\ud83d", labeler="bob")


def test_extracted_text_keeps_its_offsets_with_u_fffd(store: LabelStore) -> None:
    text = "Governed by the laws of Eng\x00land \ud800 here."
    store.add_documents([{"doc_id": "d", "name": "scan\udcff.pdf", "text": text}])
    store.add_chunks(
        [{"doc_id": "d", "text": text[12:31], "char_start": 12, "char_end": 31, "page_start": 1}]
    )
    stored = store.document_text("d")
    assert stored == text.replace("\x00", "\ufffd").replace("\ud800", "\ufffd")
    chunk = store.chunks().iloc[0]
    assert (
        stored[chunk["char_start"] : chunk["char_end"]]
        == chunk["text"]
        == "the laws of Eng\ufffdlan"
    )
    assert store.documents()["name"].tolist() == ["scan\ufffd.pdf"]


def test_a_model_reply_with_nul_is_stored_with_u_fffd(store: LabelStore) -> None:
    (chunk, *_) = fill(store)
    store.add_suggestions(
        [
            {
                "task": TASK.name,
                "chunk_id": chunk,
                "question": "governing_law",
                "model": "m",
                "answer": "the laws of\x00Texas",
                "raw": "Answer: the laws of\x00Texas",
            }
        ]
    )
    row = store.suggestions(TASK).iloc[0]
    assert row["answer"] == "the laws of\ufffdTexas"
    assert row["raw"] == "Answer: the laws of\ufffdTexas"


def test_ingest_on_postgresql_keeps_going_past_a_pdf_whose_text_has_nul(
    pg_store: LabelStore, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "a_texas.txt").write_text("This Agreement is governed by the laws of Texas.")
    lw.samples.write_pdf(folder / "b_nul.pdf", ["Governed by the laws of Eng\x00land.", "Term."])
    lw.samples.write_pdf(folder / "c_paris.pdf", ["Notices shall be sent to Paris."])
    # pypdf is the backend that returns the NUL (pdfium, the default with [fast-pdf], drops it)
    report = lw.ingest(folder, pg_store, progress=False, backend="pypdf")
    assert report.df["name"].tolist() == ["a_texas.txt", "b_nul.pdf", "c_paris.pdf"]
    assert report.df["status"].tolist() == ["ok", "ok", "ok"]
    assert report.df["chunks_added"].tolist() == [1, 1, 1]
    chunks = pg_store.chunks()
    nul = chunks[chunks["text"].str.contains("England", regex=False) == False]  # noqa: E712
    assert any("Eng\ufffdland." in text for text in nul["text"])
    for chunk in chunks.itertuples():
        document = pg_store.document_text(chunk.doc_id)
        assert document[chunk.char_start : chunk.char_end] == chunk.text
        assert "\x00" not in document


# -- no code from the database ------------------------------------------------------------------------
def test_a_task_row_naming_a_callable_runs_nothing(store: LabelStore) -> None:
    """A teammate with INSERT/UPDATE on a shared store must not make other kernels run code."""
    definition = json.dumps(
        {
            "name": "planted",
            "questions": [
                {"name": "q", "validators": [{"type": "callable", "ref": "builtins:len"}]},
                {"name": "r", "validators": [{"type": "callable", "name": "this:s"}]},
            ],
        }
    )
    with store._writer.begin() as conn:
        conn.execute(
            insert(t.tasks).values(
                task_id="planted",
                definition=definition,
                content_hash="0" * 16,
                created_at=0.0,
                updated_at=0.0,
            )
        )
    modules = set(sys.modules)
    (chunk, *_) = fill(store)
    for call in (
        lambda: store.task("planted"),
        lambda: store.record_answer("planted", chunk, "q", "abc", labeler="alice"),
    ):
        with pytest.raises(ValueError, match="validator 'builtins:len' is not registered"):
            call()
    assert set(sys.modules) == modules  # 'this' was never imported
    assert store.events().empty


def test_a_transaction_stores_all_of_its_writes_or_none(store: LabelStore) -> None:
    ids = fill(store)
    before = snapshot(store)
    with pytest.raises(RuntimeError, match="stop"), store.transaction():
        store.add_chunks([{"text": "A clause added in the transaction."}])
        store.record_answer(TASK, ids[0], "has_clause", "no", labeler="alice")
        assert store.count_chunks() == 6  # reads inside see the transaction's writes
        raise RuntimeError("stop")
    assert snapshot(store) == before
    with store.transaction():
        store.record_answer(TASK, ids[0], "has_clause", "no", labeler="alice")
        with pytest.raises(ValueError):  # refused inside: it leaves none of its rows
            store.record_answers(TASK, ids[1], {"has_clause": "no", "nope": 1}, labeler="bo")
        with store.transaction():  # joins the outer one
            store.skip(TASK, ids[2], labeler="alice")
    assert store.events()["kind"].tolist() == ["answer", "skip"]
