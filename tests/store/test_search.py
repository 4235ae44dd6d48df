"""store.search: full text, document, metadata and status filters, paged, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import tables as t

TASK = lw.Task(
    "find",
    [
        lw.Question(
            "governing_law", allow_unknown=True, validators=[lw.validators.none_of(["UK"])]
        ),
        lw.Question("term_months", kind="number", allow_unknown=True),
    ],
)
PHRASE_AT = 3_000


def _corpus(n: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "doc_id": f"doc-{i // 100:03d}",
            "text": f"Section {i}. The supplier delivers lot {i} within thirty days of the order.",
            "page_start": 1 + (i % 100) // 10,
            "page_end": 1 + (i % 100) // 10,
            "section": f"s{i % 4}",
        }
        for i in range(n)
    ]
    if n < 10_000:
        return rows
    rows[PHRASE_AT]["text"] = (
        "Section 3000. This Agreement and any dispute are subject to the Governing  Law of the "
        "State of New York, without regard to its conflict rules."
    )
    # the same words, not as the phrase
    rows[7_000]["text"] = "Section 7000. The law governing notices is set out in Schedule 2."
    return rows


@pytest.fixture
def big(store: LabelStore) -> tuple[LabelStore, list[str]]:
    store.add_chunks(_corpus(10_000))
    store.add_task(TASK)
    return store, store.chunk_order()


def test_a_phrase_is_found_in_chunk_3000_of_10000(big: tuple[LabelStore, list[str]]) -> None:
    store, ids = big
    found = store.search(TASK, '"governing law"')
    assert found.chunk_ids == [ids[PHRASE_AT]] and found.total == 1
    row = found.to_frame().iloc[0]
    assert row["doc_id"] == "doc-030" and "Governing Law of the State of New York" in row["snippet"]
    # both words, in any order and place: the phrase and the other chunk
    assert store.search(TASK, "governing law").chunk_ids == [ids[PHRASE_AT], ids[7_000]]
    assert store.search(TASK, "governing law -york").chunk_ids == [ids[7_000]]
    assert store.search(TASK, "york or schedule").total == 2
    assert store.search(TASK, "GOVERNING").total == 2  # case-insensitive
    assert store.search(TASK, "govern").total == 0  # no stemming, no prefix


def test_pages_cover_the_result_in_labeling_order(big: tuple[LabelStore, list[str]]) -> None:
    store, ids = big
    expected = [ids[i] for i in range(10_000) if i % 4 == 2 and i // 100 in (4, 5)]
    seen: list[str] = []
    page = 0
    while True:
        found = store.search(
            TASK, meta={"section": "s2"}, doc_id=["doc-004", "doc-005"], page=page, page_size=7
        )
        assert len(found.chunk_ids) <= 7 and found.total == len(expected) == 50
        if not found.chunk_ids:
            break
        seen += found.chunk_ids
        page += 1
    assert seen == expected and page == found.pages == 8
    assert store.search(TASK, "supplier", doc_id="doc-099").total == 100
    on_page_3 = store.search(TASK, meta={"page_start": 3}, doc_id="doc-000")
    assert on_page_3.chunk_ids == ids[20:30]
    assert store.search(TASK, meta={"section": ["s0", "s1"]}, doc_id="doc-001").total == 50


@pytest.fixture
def small(store: LabelStore) -> tuple[LabelStore, list[str]]:
    store.add_chunks(_corpus(12))
    store.add_task(TASK)
    return store, store.chunk_order()


def test_status_filters(small: tuple[LabelStore, list[str]]) -> None:
    store, ids = small
    both = {"governing_law": "New York", "term_months": 12}
    store.record_answers(TASK, ids[0], both, labeler="ann")
    store.record_answers(TASK, ids[0], {**both, "governing_law": "Delaware"}, labeler="bob")
    store.record_answers(TASK, ids[1], both, labeler="ann")
    store.record_answers(TASK, ids[1], both, labeler="bob")
    store.skip(TASK, ids[2], labeler="ann")
    store.skip(TASK, ids[3], labeler="bob")
    store.flag(TASK, ids[4], labeler="bob", comment="garbled")
    store.record_answers(TASK, ids[5], {**both, "governing_law": "UK"}, labeler="ann", force=True)
    store.record_answers(TASK, ids[6], {"governing_law": lw.UNKNOWN}, labeler="ann")  # partial
    store.add_suggestions(
        [
            {
                "task": TASK.name,
                "chunk_id": ids[1],
                "question": "term_months",
                "model": "m",
                "answer": 24,
            },
            {
                "task": TASK.name,
                "chunk_id": ids[0],
                "question": "term_months",
                "model": "m",
                "answer": 12,
            },
        ]
    )

    def find(status: str, labeler: str | None = None) -> list[str]:
        return store.search(TASK, status=status, labeler=labeler, page_size=100).chunk_ids

    assert find("skipped", "ann") == [ids[2]]
    assert find("skipped") == [ids[2], ids[3]]
    assert find("answered", "ann") == [ids[0], ids[1], ids[5]]
    assert find("unanswered", "ann") == [ids[i] for i in (3, 4, 6, 7, 8, 9, 10, 11)]
    assert find("unanswered") == [ids[i] for i in (2, 3, 4, 6, 7, 8, 9, 10, 11)]
    assert find("flagged") == [ids[4]] and find("flagged", "ann") == []
    assert find("disagreed") == [ids[0]]
    assert find("failed_validator") == [ids[5]]
    assert find("model_disagrees") == [ids[1]] and find("model_disagrees", "ann") == [ids[1]]
    assert store.search(TASK, status=["skipped", "flagged"]).chunk_ids == [ids[2], ids[3], ids[4]]
    assert store.search(TASK, "supplier", status="skipped", labeler="bob").chunk_ids == [ids[3]]


def test_bad_filters_are_clear_errors(small: tuple[LabelStore, list[str]]) -> None:
    store, _ = small
    with pytest.raises(ValueError, match=r"unknown status \['done'\]; known: \['unanswered'"):
        store.search(TASK, status="done")
    with pytest.raises(ValueError, match=r"no chunk has a column 'chapter'; columns: .*'section'"):
        store.search(TASK, meta={"chapter": "1"})
    assert store.search(TASK, meta={"section": "s9"}).total == 0  # a known column, no such value
    with pytest.raises(ValueError, match="has no word to search for"):
        store.search(TASK, '"" -')
    with pytest.raises(ValueError, match="page_size must be 1 to 1000"):
        store.search(TASK, page_size=5000)
    with pytest.raises(TypeError, match="text must be a string"):
        store.search(TASK, 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"unknown task|no task"):
        store.search("nope", "x")
    # FTS syntax typed by a user is searched for as words, never run as a query language
    assert store.search(TASK, "supplier* ^(delivers: {lot}").total == 12
    assert store.search(TASK, "supplier NOT delivers").total == 0  # NOT is a word here


def test_new_chunks_are_found_as_soon_as_they_are_stored(store: LabelStore) -> None:
    store.add_task(TASK)
    assert store.search(TASK, "indemnify").total == 0
    with store.transaction():
        store.add_chunks([{"text": "The licensee shall indemnify the licensor."}])
        assert store.search(TASK, "indemnify").total == 1  # inside the transaction too
    store.add_chunks([{"text": "Each party shall indemnify the other."}] * 2)  # one new chunk
    assert store.search(TASK, "indemnify").total == 2


def test_a_version_3_store_gets_its_search_index_on_open(tmp_path: Path) -> None:
    path = tmp_path / "labels.db"
    store = LabelStore(path)
    store.add_chunks(_corpus(50))
    store.add_task(TASK)
    store.close()
    with sqlite3.connect(path) as db:  # what a version-3 store looked like
        db.execute("DROP TABLE chunks_fts")
        db.execute("DROP TRIGGER chunks_fts_delete")
        for table in t.V4_TABLES:
            db.execute(f"DROP TABLE {table.name}")
        db.execute("UPDATE lw_schema SET version = 3")
    migrated = LabelStore(path)
    assert migrated._schema_version() == t.SCHEMA_VERSION == 4
    assert migrated.search(TASK, "thirty days").total == 50
    migrated.add_chunks([{"text": "Thirty days notice."}])
    assert migrated.search(TASK, '"thirty days"').total == 51


def test_statuses_compare_answers_under_the_questions_match_rule(store: LabelStore) -> None:
    task = lw.Task(
        "laws",
        [lw.Question("governing_law", match="entity", allow_unknown=True)],
        labelers_per_chunk=3,
    )
    store.add_chunks(_corpus(4))
    store.add_task(task)
    ids = store.chunk_order()
    given = {
        ids[0]: ("the laws of New York", "New York"),  # one answer under match="entity"
        ids[1]: ("the laws of New York", "Delaware"),
        ids[2]: ("New York", lw.UNKNOWN),
    }
    for chunk_id, (ann, bob) in given.items():
        store.record_answers(task, chunk_id, {"governing_law": ann}, labeler="ann")
        store.record_answers(task, chunk_id, {"governing_law": bob}, labeler="bob")
    store.add_suggestions(
        [
            {
                "task": "laws",
                "chunk_id": cid,
                "question": "governing_law",
                "model": "m",
                "answer": a,
            }
            for cid, a in ((ids[0], "New York law"), (ids[1], "Delaware"))
        ]
    )

    def find(status: str, labeler: str | None = None) -> list[str]:
        return store.search(task, status=status, labeler=labeler).chunk_ids

    assert find("disagreed") == [ids[1], ids[2]]
    assert find("model_disagrees") == [ids[1]]  # ann's New York; bob's Delaware agrees
    assert find("model_disagrees", "bob") == []
    assert store.next_chunk(task, "cy", where={"status": "disagreed"}, lease=False) == ids[1]
    store.record_answers(task, ids[1], {"governing_law": "Delaware"}, labeler="ann")
    assert find("disagreed") == [ids[2]]  # settled: read again on each query
    assert store.next_chunk(task, "cy", where={"status": "disagreed"}, lease=False) == ids[2]
