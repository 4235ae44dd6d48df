"""A task is read with ``store.task(...)`` and changes only through ``store.add_task``."""

from __future__ import annotations

from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore, UnknownTaskError
from tests.store.helpers import CONTRACT_TASK, fill

RENAMED = lw.Task(
    CONTRACT_TASK.name,
    [
        *CONTRACT_TASK.questions[:2],
        lw.Question("renewal_months", kind="number", instructions="Months, as a number."),
        lw.Question("notice_days", kind="number"),
    ],
)


def snapshot(store: LabelStore) -> tuple[list[str], int, int, int]:
    tasks = store.tasks()
    return (
        tasks["content_hash"].tolist(),
        len(store.events()),
        len(store.prompt_versions()),
        len(store.suggestions()),
    )


def test_a_name_reads_the_stored_task(store: LabelStore) -> None:
    store.add_task(CONTRACT_TASK)
    assert store.task("contract-facts") == CONTRACT_TASK
    assert store.task(CONTRACT_TASK) == CONTRACT_TASK
    assert store.get_task(RENAMED) == CONTRACT_TASK  # by name, whatever the definition


def test_an_unknown_name_names_the_stored_tasks(store: LabelStore) -> None:
    with pytest.raises(ValueError, match=r"no task 'contract-facts' .*stored tasks: none"):
        store.task("contract-facts")
    store.add_task(CONTRACT_TASK)
    with pytest.raises(UnknownTaskError) as raised:
        store.task("contract_facts")
    message = str(raised.value)
    assert "stored tasks: ['contract-facts']" in message and "store.add_task(task)" in message
    assert isinstance(raised.value, KeyError)  # get_task's contract
    assert not message.startswith('"')  # shown as a message, not a quoted key
    with pytest.raises(KeyError, match="no task 'nope'"):
        store.get_task("nope")
    with pytest.raises(TypeError, match="got int"):
        store.task(3)  # type: ignore[arg-type]


def test_a_task_object_not_yet_stored_is_not_added(store: LabelStore) -> None:
    with pytest.raises(ValueError, match=r"add it with store\.add_task\(task\)"):
        store.task(CONTRACT_TASK)
    assert store.tasks().empty


def test_a_changed_definition_raises_and_names_the_change(store: LabelStore) -> None:
    ids = fill(store)
    store.record_answer(CONTRACT_TASK, ids[0], "renewal_months", 12, labeler="alice")
    before = snapshot(store)
    with pytest.raises(ValueError) as raised:
        store.task(RENAMED)
    message = str(raised.value)
    assert "question 'notice_days' added" in message
    assert "question 'renewal_months' changed" in message
    assert "store.add_task(task)" in message
    for write in (
        lambda: store.record_answer(RENAMED, ids[1], "renewal_months", 3, labeler="bob"),
        lambda: store.skip(RENAMED, ids[1], labeler="bob"),
        lambda: store.add_gold(RENAMED, [{"chunk_id": ids[1], "question": "has_clause"}]),
        lambda: store.add_prompt_version(RENAMED, "renewal_months", "{chunk} {question}"),
        lambda: store.add_suggestion(RENAMED, ids[1], "renewal_months", 3, model="m"),
        lambda: store.next_chunk(RENAMED, "bob"),
    ):
        with pytest.raises(ValueError, match=r"differs from the definition stored"):
            write()
    assert snapshot(store) == before
    assert store.task("contract-facts") == CONTRACT_TASK


def test_add_task_is_how_a_definition_changes(store: LabelStore) -> None:
    ids = fill(store)
    assert store.add_task(RENAMED) == RENAMED
    assert store.task("contract-facts") == RENAMED
    store.record_answer(RENAMED, ids[1], "notice_days", 30, labeler="bob")
    with pytest.raises(ValueError, match="question 'notice_days' removed"):
        store.task(CONTRACT_TASK)


def test_another_session_adding_a_version_is_seen(tmp_path: Path) -> None:
    mine, theirs = LabelStore(tmp_path / "t.db"), LabelStore(tmp_path / "t.db")
    mine.add_task(CONTRACT_TASK)
    assert mine.task("contract-facts") == CONTRACT_TASK
    theirs.add_task(RENAMED)
    assert mine.task(RENAMED) == RENAMED  # a definition that is stored now reads fine
    with pytest.raises(ValueError, match="differs"):
        mine.task(CONTRACT_TASK)


def test_layers_above_the_store_only_read_tasks(tmp_path: Path) -> None:
    store = LabelStore(tmp_path / "above.db")
    ids = fill(store)
    model = lw.models.Callable(lambda prompt: "12", name="twelve")
    for call in (
        lambda: lw.prelabel(store, RENAMED, model, progress=False),
        lambda: lw.prompt_report(store, RENAMED, "renewal_months"),
        lambda: lw.quality.report(store, RENAMED),
        lambda: lw.export(store, RENAMED, "openai-chat", tmp_path / "out"),
        lambda: lw.interop.to_label_studio(store, RENAMED),
        lambda: lw.Labeler(store, RENAMED, labeler="ann"),
    ):
        with pytest.raises(ValueError, match=r"store\.add_task\(task\)"):
            call()
    assert store.task("contract-facts") == CONTRACT_TASK
    assert store.suggestions().empty and store.prompt_versions().empty
    assert store.chunk_order() == ids


def test_an_import_stores_the_task_it_imports(tmp_path: Path) -> None:
    source = LabelStore(tmp_path / "source.db")
    ids = fill(source)
    source.record_answer(CONTRACT_TASK, ids[0], "renewal_months", 12, labeler="alice")
    exported = lw.interop.to_label_studio(source, CONTRACT_TASK)
    target = LabelStore(tmp_path / "target.db")
    with pytest.raises(ValueError, match="no task 'contract-facts'"):
        lw.interop.from_label_studio(target, "contract-facts", exported)
    counts = lw.interop.from_label_studio(target, CONTRACT_TASK, exported)
    assert counts["answers"] == 1 and target.task("contract-facts") == CONTRACT_TASK
    lw.interop.from_argilla(target, RENAMED, lw.interop.to_argilla(source, CONTRACT_TASK))
    assert target.task("contract-facts") == RENAMED  # importing with a definition versions it
