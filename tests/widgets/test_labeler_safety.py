"""The Labeler cannot lose or double work: re-sent submits, malformed payloads, long chunks."""

from __future__ import annotations

import labelwidgets as lw
from labelwidgets.store import LabelStore
from tests.widgets.test_labeler import TASK, store  # noqa: F401  (the shared fixture)


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
