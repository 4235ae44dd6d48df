"""PromptLab's Python side: runs versions on gold, scores them, shows what changed (tier 2)."""

from __future__ import annotations

import time

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

TASK = lw.Task("law", [lw.Question("governing_law", prompt="Which law governs?")])


def model_reply(prompt: str) -> str:
    if "laws of Texas" not in prompt:
        return "The document does not say."
    return "the laws of Texas" if "lawyer" in prompt else "Texas"


@pytest.fixture
def store(sqlite_store: LabelStore) -> LabelStore:
    sqlite_store.add_chunks(
        [
            {
                "text": f"Clause {i}. "
                + ("Governed by the laws of Texas." if i % 2 else "Pay on time.")
            }
            for i in range(8)
        ]
    )
    sqlite_store.add_task(TASK)
    sqlite_store.add_gold(
        TASK,
        [
            {
                "chunk_id": c,
                "question": "governing_law",
                "answer": "the laws of Texas" if i % 2 else lw.UNKNOWN,
            }
            for i, c in enumerate(sqlite_store.chunk_order())
        ],
    )
    return sqlite_store


def test_two_versions_are_scored_and_the_changes_listed(store: LabelStore) -> None:
    lab = lw.PromptLab(store, TASK, lw.models.Callable(model_reply, name="rules"))
    assert "{chunk}" in lab.template and lab.versions == []
    lab.run(lab.template)
    assert [v["version"] for v in lab.versions] == ["v1"]
    assert lab.versions[0]["normalized"] == 0.5
    ack = lab.send_command(
        "run", 1, template="As a lawyer writes it: {question}\n{chunk}\n{not_in_text}?"
    )
    assert ack["ok"]
    lab._thread.join(10)
    assert [v["version"] for v in lab.versions] == ["v1", "v2"]
    assert lab.versions[1]["normalized"] == 1.0
    assert len(lab.changes) == 4 and {c["outcome"] for c in lab.changes} == {"win"}
    assert lab.running == {"running": False, "done": 8, "total": 8, "cancelled": False}


def test_bad_templates_and_cancel(store: LabelStore) -> None:
    slow = lw.models.Callable(lambda p: (time.sleep(0.05), "x")[1], name="slow")
    lab = lw.PromptLab(store, TASK, slow)
    assert "must include {chunk}" in lab.send_command("run", 1, template="no chunk here")["message"]
    lab.run("{chunk} {question}", wait=False)
    lab.cancel()
    lab._thread.join(10)
    assert lab.running["cancelled"] and lab.running["done"] < 8
