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
