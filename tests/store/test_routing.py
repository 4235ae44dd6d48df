"""Question(keep=...): a question is asked only on chunks its filter keeps (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

LAW = lw.filters.keywords(["governing law", "laws of"])
DAYS = lw.filters.regex(r"\b\d+ days\b")
TASK = lw.Task(
    "routed",
    [
        lw.Question("governing_law", allow_unknown=True, keep=LAW),
        lw.Question("notice_days", kind="number", allow_unknown=True, keep=DAYS),
    ],
)
TEXTS = [
    "This Agreement is governed by the laws of Delaware.",  # law
    "Payment is due within 30 days of the invoice.",  # days
    "The parties signed on the date below.",  # neither
    "Governing law: New York. Either party may end it on 60 days notice.",  # both
    "Schedule A lists the products.",  # neither
    "Notices must be sent within 10 days.",  # days
]


def _asked(text: str) -> list[str]:
    """What the filters say, computed here with plain re (independently of lw.filters)."""
    names = []
    if re.search(r"governing\s+law|laws\s+of", text, re.IGNORECASE):
        names.append("governing_law")
    if re.search(r"\b\d+ days\b", text):
        names.append("notice_days")
    return names


@pytest.fixture
def routed(store: LabelStore) -> tuple[LabelStore, list[str]]:
    store.add_chunks([{"doc_id": "contract", "text": text} for text in TEXTS])
    store.add_task(TASK)
    return store, store.chunk_order()


def test_questions_for_follows_each_filter(routed: tuple[LabelStore, list[str]]) -> None:
    store, ids = routed
    assert [store.questions_for(TASK, cid) for cid in ids] == [_asked(x) for x in TEXTS]
    with pytest.raises(KeyError, match="no chunk 'nope'"):
        store.questions_for(TASK, "nope")


def test_next_chunk_never_offers_a_chunk_no_question_applies_to(
    routed: tuple[LabelStore, list[str]],
) -> None:
    store, ids = routed
    # through an order and a filter too
    assert store.next_chunk(TASK, "bob", order="signal", lease=False) == ids[3]  # both questions
    assert store.next_chunk(TASK, "bob", where={"text": "schedule"}, lease=False) is None
    assert store.next_chunk(TASK, "bob", where={"text": "signed"}, order="random") is None
    offered = []
    chunk_id = store.next_chunk(TASK, "ann")
    while chunk_id is not None:
        offered.append(chunk_id)
        asked = store.questions_for(TASK, chunk_id)
        assert asked, "a chunk where no question applies was offered"
        answers = {"governing_law": "Delaware", "notice_days": 30}
        result = store.record_submission(
            TASK, chunk_id, {q: answers[q] for q in asked}, labeler="ann", require_complete=True
        )[1]
        assert result.complete and set(result.applicable) == set(asked)
        chunk_id = store.next_chunk(TASK, "ann", after=chunk_id)
    assert offered == [ids[i] for i, text in enumerate(TEXTS) if _asked(text)]
    assert store.progress(TASK, "ann")["done"] == len(offered)


def test_a_submission_needs_only_the_questions_asked(routed: tuple[LabelStore, list[str]]) -> None:
    store, ids = routed
    store.record_answers(TASK, ids[1], {"notice_days": 30}, labeler="ann")
    assert ids[1] in store.finished(TASK, "ann")  # done: the law question is not asked there
    store.record_answers(TASK, ids[3], {"notice_days": 60}, labeler="ann")
    assert ids[3] not in store.finished(TASK, "ann")  # both are asked there
    with pytest.raises(lw.store.AnswerRejected, match="governing_law: needs an answer"):
        store.record_submission(
            TASK, ids[3], {"notice_days": 60}, labeler="bob", require_complete=True
        )
    store.record_submission(TASK, ids[5], {"notice_days": 10}, labeler="bob", require_complete=True)
    assert ids[5] in store.finished(TASK, "bob")
    store.rebuild_projections()  # the event replay decides the same
    assert store.finished(TASK, "bob") == {ids[5]}
    assert store.finished(TASK, "ann") == {ids[1]}


def test_new_chunks_are_routed_and_coverage_counts_them(
    routed: tuple[LabelStore, list[str]],
) -> None:
    store, ids = routed
    store.add_chunks([{"doc_id": "late", "text": "Late: governed by the laws of Texas."}])
    late = store.chunk_order()[-1]
    assert store.questions_for(TASK, late) == ["governing_law"]
    store.record_answers(TASK, ids[0], {"governing_law": "Delaware"}, labeler="ann")
    store.record_answers(
        TASK, ids[3], {"governing_law": lw.UNKNOWN, "notice_days": 60}, labeler="ann"
    )
    table = store.coverage(TASK).set_index("question")
    law = [i for i, text in enumerate(TEXTS) if "governing_law" in _asked(text)]
    days = [i for i, text in enumerate(TEXTS) if "notice_days" in _asked(text)]
    assert table.loc["governing_law", "chunks"] == len(law) + 1
    assert table.loc["notice_days", "chunks"] == len(days)
    assert table.loc["governing_law", ["answered", "unknown", "open"]].tolist() == [
        1,
        1,
        len(law) - 1,
    ]
    assert table.loc["notice_days", "keep"] == DAYS.name
    assert table.loc["notice_days", "share"] == pytest.approx(len(days) / (len(TEXTS) + 1))


def test_a_task_read_back_keeps_its_routes(routed: tuple[LabelStore, list[str]]) -> None:
    store, ids = routed
    stored = lw.Task.from_json(TASK.to_json())
    assert stored.question("governing_law").keep is None
    assert stored.question("governing_law").keep_name == LAW.name and stored == TASK
    assert [store.questions_for(stored, cid) for cid in ids] == [_asked(x) for x in TEXTS]
    store._tasks.clear()  # as in another process: the store knows the task from its JSON only
    store.add_chunks([{"doc_id": "late", "text": "Nothing to see."}])
    late = store.chunk_order()[-1]
    assert store.questions_for(TASK.name, late) == [
        "governing_law",
        "notice_days",
    ]  # not routed yet
    store.add_task(TASK)  # the task with its filters: routes what it has not seen
    assert store.questions_for(TASK.name, late) == []
    changed = lw.Task(
        TASK.name,
        [
            lw.Question("governing_law", allow_unknown=True, keep=lw.filters.keywords(["nothing"])),
            lw.Question("notice_days", kind="number", allow_unknown=True),
        ],
    )
    store.add_task(changed)
    assert store.questions_for(changed, late) == ["governing_law", "notice_days"]
    assert store.questions_for(changed, ids[0]) == ["notice_days"]


def test_a_bad_filter_is_a_clear_error(store: LabelStore) -> None:
    with pytest.raises(TypeError, match="keep= must be a filter"):
        lw.Question("x", keep=["governing law"])
    store.add_chunks([{"text": "Some text."}])

    def broken(text: str) -> bool:
        raise RuntimeError("boom")

    task = lw.Task("broken", [lw.Question("x", keep=broken)])
    with pytest.raises(
        ValueError, match=r"question 'x': its keep= filter failed on a chunk: RuntimeError: boom"
    ):
        store.add_task(task)
    assert store.tasks().empty  # nothing stored


def test_the_ingest_report_shows_where_each_question_is_asked(store: LabelStore) -> None:
    report = lw.ingest(
        ["\n\n".join(TEXTS)],
        store,
        task=TASK,
        chunker=lw.chunkers.Paragraphs(max_chars=80, overlap=0),
        progress=False,
    )
    texts = store.chunks()["text"].tolist()
    expected = {name: sum(name in _asked(text) for text in texts) for name in TASK.question_names}
    assert report.summary()["asked_on"] == expected == {"governing_law": 2, "notice_days": 3}
    assert report.questions is not None and report.questions["chunks"].tolist() == [2, 3]


def test_chunks_another_process_adds_are_routed_where_the_filters_are(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store = LabelStore(path)
    store.add_chunks([{"doc_id": "contract", "text": text} for text in TEXTS])
    store.add_task(TASK)  # this process holds the filters
    late = ["Schedule B lists the prices.", "This is governed by the laws of Texas."]
    # another process (an ingestion job) knows the task from the store's JSON only
    script = (
        "import sys, labelwidgets as lw\n"
        "store = lw.LabelStore(sys.argv[1])\n"
        "assert store.task('routed').question('governing_law').keep is None\n"
        f"store.add_chunks([{{'doc_id': 'late', 'text': t}} for t in {late!r}])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=120)
    nothing, law = store.chunk_order()[-2:]
    # a labeler's session given the task (with its filters) routes them too, without add_task
    labeling = LabelStore(path)
    assert labeling.task("routed").question("governing_law").keep is None  # read from JSON
    assert labeling.questions_for(TASK, nothing) == []
    assert labeling.task(TASK).question("governing_law").keep is LAW
    store.add_chunks([{"doc_id": "late", "text": "Schedule C."}])  # routed as it is added
    # the queue skips the late chunk no question applies to
    walked: list[str | None] = []
    while (
        after := store.next_chunk(TASK, "ann", after=walked[-1] if walked else None, lease=False)
    ) not in walked:
        walked.append(after)
    assert nothing not in walked and law in walked
    assert store.questions_for(TASK, nothing) == []
    assert store.questions_for(TASK, law) == ["governing_law"]
    table = store.coverage(TASK).set_index("question")
    asked = [x for x in [*TEXTS, *late] if "governing_law" in _asked(x)]
    assert table.loc["governing_law", "chunks"] == len(asked)
