"""The Labeler cannot lose or double work: re-sent submits, malformed payloads, long chunks."""

from __future__ import annotations

import json

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore
from tests.widgets.test_labeler import TASK, store, submit  # noqa: F401  (the shared fixture)


def test_a_re_sent_submit_message_is_stored_once(store: LabelStore) -> None:  # noqa: F811
    for hidden in ("hidden", "after_submit"):  # moved on, or kept on screen for the model diff
        w = lw.Labeler(store, TASK, labeler=f"alice-{hidden}", show_suggestions=hidden)
        first = w.chunk_id
        message = {"answers": {"has_clause": "no"}, "chunk_id": first}
        acks = [w.send_command("submit", 7, **message) for _ in range(2)]
        assert [a["ok"] for a in acks] == [True, True] and acks[1].get("repeated")
        mine = store.events().query("labeler == @w.labeler")
        assert mine["chunk_id"].tolist() == [first]
        assert w.send_command("submit", 8, answers={"has_clause": "no"})["ok"]
        assert len(store.events().query("labeler == @w.labeler")) == 2


def widgets(store: LabelStore) -> dict[str, lw.widgets._base.CommandWidget]:  # noqa: F811
    store.record_answers(TASK, store.chunk_order()[0], {"has_clause": "no"}, labeler="ann")
    store.record_answers(TASK, store.chunk_order()[0], {"has_clause": "yes"}, labeler="bob")
    return {
        "labeler": lw.Labeler(store, TASK, labeler="alice"),
        "reviewer": lw.Reviewer(store, TASK, reviewer="rita", include="all"),
        "promptlab": lw.PromptLab(store, TASK, lw.models.Callable(lambda p: "no", name="no")),
        "feedback": lw.Feedback(store, TASK, labeler="bob"),
    }


MALFORMED = [  # widget, message, what the error names
    ("labeler", ["submit", 1], "a command must be an object with a 'type', got a list"),
    ("labeler", "submit", "a command must be an object with a 'type', got a string"),
    ("reviewer", {"seq": 1}, "a command needs a 'type' string, got null"),
    ("feedback", {"type": 7, "seq": 1}, "a command needs a 'type' string, got a whole number"),
    ("promptlab", {"type": "dance", "seq": 1}, "unknown command 'dance'"),
    ("labeler", {"type": "submit", "seq": 1}, "command 'submit': missing field 'answers'"),
    (
        "labeler",
        {"type": "submit", "seq": 1, "answers": "yes"},
        "command 'submit': field 'answers' must be an object, got a string",
    ),
    (
        "labeler",
        {"type": "submit", "seq": 1, "answers": {}, "force": "yes"},
        "command 'submit': field 'force' must be true or false, got a string",
    ),
    (
        "labeler",
        {"type": "submit", "seq": 1, "answers": {}, "time_spent": "3s"},
        "command 'submit': field 'time_spent' must be a number or null, got a string",
    ),
    (
        "labeler",
        {"type": "submit", "seq": 1, "answers": {}, "evidence": [[0, 3]]},
        "command 'submit': field 'evidence' must be an object or null, got a list",
    ),
    (
        "labeler",
        {"type": "unknown", "seq": 1, "questions": ["has_clause", 3]},
        "command 'unknown': field 'questions' must be a list of strings or null, got a list",
    ),
    ("labeler", {"type": "skip", "seq": 1, "why": "x"}, "command 'skip': unknown field 'why'"),
    ("labeler", {"type": "flag", "seq": 1}, "command 'flag': missing field 'comment'"),
    (
        "labeler",
        {"type": "go_to", "seq": 1, "chunk_id": 4},
        "command 'go_to': field 'chunk_id' must be a string, got a whole number",
    ),
    ("labeler", {"type": "next", "seq": 1, "n": 2}, "command 'next': unknown field 'n'"),
    (
        "reviewer",
        {"type": "accept", "seq": 1, "index": "0"},
        "command 'accept': field 'index' must be a whole number, got a string",
    ),
    (
        "reviewer",
        {"type": "accept", "seq": 1, "index": True},
        "command 'accept': field 'index' must be a whole number, got true or false",
    ),
    ("reviewer", {"type": "edit", "seq": 1}, "command 'edit': missing field 'answer'"),
    (
        "reviewer",
        {"type": "feedback", "seq": 1, "labeler": "bob", "note": None},
        "command 'feedback': field 'note' must be a string, got null",
    ),
    (
        "promptlab",
        {"type": "run", "seq": 1, "template": {"text": "{chunk}"}},
        "command 'run': field 'template' must be a string, got an object",
    ),
    ("promptlab", {"type": "select", "seq": 1}, "command 'select': missing field 'question'"),
    ("feedback", {"type": "refresh", "seq": 1, "all": True}, "command 'refresh': unknown field"),
]


def test_malformed_messages_are_named_in_the_error_and_store_nothing(store: LabelStore) -> None:  # noqa: F811
    shown = widgets(store)
    events = store.events()
    for name, message, expected in MALFORMED:
        widget = shown[name]
        widget._dispatch(widget, message, [])
        assert widget.error.startswith(expected), (name, message, widget.error)
        assert widget.error.endswith("nothing was stored")
        assert not widget.ack["ok"] and widget.ack["message"].startswith(expected)
    assert len(store.events()) == len(events)
    # a well-formed command after a malformed one clears the banner and works
    assert shown["labeler"].send_command("skip", 99)["ok"] and shown["labeler"].error == ""
    assert len(store.events()) == len(events) + 1


def test_a_10_mb_chunk_is_sent_a_part_at_a_time(sqlite_store: LabelStore) -> None:
    size, cap = 10_000_000, 100_000
    body = "".join(f"{i:09d} " for i in range(size // 10))  # every position is distinct text
    preamble = "Preamble. "
    sqlite_store.add_documents([{"doc_id": "big", "name": "big.pdf", "text": preamble + body}])
    sqlite_store.add_chunks(
        [
            {
                "doc_id": "big",
                "text": body,
                "char_start": len(preamble),
                "char_end": len(preamble) + size,
            }
        ]
    )
    task = lw.Task("law", [lw.Question("governing_law", evidence=True)])
    sqlite_store.add_task(task)
    w = lw.Labeler(sqlite_store, task, labeler="ann")
    state = json.dumps({k: v for k, v in w.get_state().items() if k not in ("_esm", "_css")})
    assert len(state) < cap + 5_000 and w.max_text_chars == cap
    assert w.item["text_length"] == size and w.item["more"]
    parts = [w.item["text"]]
    for seq in range(1, size // cap):
        assert w.send_command("show_more", seq)["ok"]
        parts.append(w.item["text"])
        assert w.item["text_offset"] == seq * cap and len(w.item["text"]) <= cap
    assert "".join(parts) == body and not w.item["more"]
    refused = w.send_command("show_more", 999)
    assert not refused["ok"] and "page must be 0 to 99" in refused["message"]
    # evidence marked on page 3 (page coordinates) is stored where it is in the document
    w.send_command("show_more", 1000, page=3)
    where = w.item["text"].index(f"{3 * cap // 10 + 7:09d}")
    answer = w.item["text"][where : where + 9]
    ack = w.send_command(
        "submit",
        1001,
        answers={"governing_law": answer},
        evidence={"governing_law": [[where, where + 9]]},
    )
    assert ack["ok"], ack
    (pairs,) = sqlite_store.answers(task)["evidence"].map(lambda e: [list(p) for p in e])
    start = pairs[0][0]
    assert (preamble + body)[start : start + 9] == answer == f"{3 * cap // 10 + 7:09d}"


def test_a_short_chunk_is_one_page(store: LabelStore) -> None:  # noqa: F811
    w = lw.Labeler(store, TASK, labeler="alice")
    assert w.item["text_offset"] == 0 and not w.item["more"] and w.item["page"] == 0
    assert w.item["text_length"] == len(w.item["text"])
    refused = w.send_command("show_more", 1)
    assert not refused["ok"] and "page must be 0 to 0" in refused["message"]
    with pytest.raises(ValueError, match="max_text_chars must be at least 1000"):
        lw.Labeler(store, TASK, labeler="bob", max_text_chars=10)


def test_undo_a_skip_and_a_submission_shows_the_chunk_again(store: LabelStore) -> None:  # noqa: F811
    w = lw.Labeler(store, TASK, labeler="alice")
    first = w.chunk_id
    assert not w.send_command("undo", 1)["ok"] and "nothing to undo" in w.ack["message"]
    assert w.send_command("skip", 2, chunk_id=first)["ok"] and w.chunk_id != first
    second = w.chunk_id
    assert w.send_command("undo", 3)["ok"]
    assert w.ack["undone"] == "skip" and w.chunk_id == first
    assert w.item["status"] is None and first not in store.finished(TASK, "alice")
    kinds = store.events().query("labeler == 'alice'")["kind"].tolist()
    assert kinds == ["skip", "unskip"]  # append-only: both events stay
    assert submit(w, 4, has_clause="no")["ok"] and w.chunk_id == second
    assert w.send_command("undo", 5)["undone"] == "submission" and w.chunk_id == first
    assert store.answers(TASK).query("labeler == 'alice'").empty
    assert store.events()["kind"].tolist()[-2:] == ["answer", "retract"]
    assert first not in store.finished(TASK, "alice")
    # the store's replay of the events agrees with what the live writes kept
    store.rebuild_projections()
    assert first not in store.finished(TASK, "alice")
    w.skip()
    reopened = lw.Labeler(store, TASK, labeler="alice", chunks=store.chunk_order())
    reopened.go_to(first)
    assert reopened.item["status"] == "skipped" and reopened.item["done_before"]


@pytest.mark.parametrize("backend", ["sqlite_store", "pg_store"])
def test_store_undo_retracts_the_latest_skip_or_submission(backend: str, request) -> None:
    target: LabelStore = request.getfixturevalue(backend)
    target.add_chunks([{"doc_id": "d", "text": f"Clause {i}."} for i in range(3)])
    target.add_task(TASK)
    ids = target.chunk_order()
    target.record_answers(TASK, ids[0], {"has_clause": "no"}, labeler="bob")
    target.skip(TASK, ids[1], labeler="bob")
    assert target.undo(TASK, labeler="bob")["chunk_id"] == ids[1]  # the latest: the skip
    assert target.skipped(TASK, "bob") == set()
    assert target.undo(TASK, labeler="bob", chunk_id=ids[0])["undone"] == "submission"
    assert target.finished(TASK, "bob") == set() and target.answers(TASK).empty
    target.rebuild_projections()  # replaying the events gives the same
    assert target.finished(TASK, "bob") == set() and target.answers(TASK).empty
    assert target.next_chunk(TASK, "bob") == ids[0]
    with pytest.raises(ValueError, match="nothing to undo"):
        target.undo(TASK, labeler="bob", chunk_id=ids[0])
    with pytest.raises(ValueError, match="has answered or skipped nothing"):
        target.undo(TASK, labeler="nobody")
