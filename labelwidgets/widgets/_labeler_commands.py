"""The Labeler's front-end commands: each typed message ``{"type": ..., "seq": ...}`` runs one
of the widget's methods (see :class:`~labelwidgets.widgets._base.CommandWidget`).

A write answers with ``saved`` and the id of the last event it stored (``event_id``), which the
front end copies into the widget's ``saved`` trait once it has the ack: that change comes from
the front end, so a reactive notebook (marimo) re-runs the cells that read the widget.
"""

from __future__ import annotations

from typing import Any

from labelwidgets.widgets.labeler_wire import answers_from_wire, evidence_from_wire


class LabelerCommands:
    """The ``_on_<command>`` handlers, mixed into :class:`~labelwidgets.widgets.labeler.Labeler`."""

    def _read_back(self: Any, change: dict[str, Any]) -> None:
        """Read a number as it is typed, with the reader the submission uses: the front end
        shows "reads as 1500" (or why it will be refused) before anything is saved. Observes
        the ``reading`` trait (not a command: it never waits behind, or holds up, a save)."""
        reading = change["new"] or {}
        name, text = reading.get("question"), reading.get("text")
        if (
            not isinstance(name, str)
            or not isinstance(text, str)
            or name not in self.task.question_names
        ):
            return
        question = self.task.question(name)
        back: dict[str, Any] = {"question": name, "text": text}
        try:
            back["value"] = question.coerce(text)
        except (ValueError, TypeError) as exc:
            back["error"] = str(exc).removeprefix(f"question {name!r}: ")
        self.read_back = back

    def _on_submit(
        self: Any,
        answers: dict[str, Any],
        force: bool = False,
        time_spent: float | None = None,
        chunk_id: str | None = None,
        evidence: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        key = None if self.command_seq is None else f"{self._view_id}:{self.command_seq}"
        if key in self._submitted:  # a re-sent message: stored already, the chunk moved on
            return {"saved": True, "repeated": True}
        self._on_screen(chunk_id)
        decoded = answers_from_wire(self.task, answers, self._frame)
        spans = evidence_from_wire(self.task, evidence, decoded, self._frame)
        event_ids = self.submit(
            decoded, force=bool(force), time_spent=time_spent, evidence=spans, submission_id=key
        )
        if key is not None:
            self._submitted.add(key)
        return _saved(event_ids)

    def _on_unknown(
        self: Any, questions: list[str] | None = None, chunk_id: str | None = None
    ) -> dict[str, Any]:
        self._on_screen(chunk_id)
        return _saved(self.mark_unknown(questions))

    def _on_skip(
        self: Any, comment: str | None = None, chunk_id: str | None = None
    ) -> dict[str, Any]:
        self._on_screen(chunk_id)
        return _saved([self.skip(comment)])

    def _on_flag(
        self: Any, comment: str, question: str | None = None, chunk_id: str | None = None
    ) -> dict[str, Any]:
        self._on_screen(chunk_id)
        return _saved([self.flag(comment, question)])

    def _on_undo(self: Any) -> dict[str, Any]:
        undone = self.undo()
        return {**_saved(undone["event_ids"]), "undone": undone["undone"]}

    def _on_next(self: Any) -> None:
        self.next()

    def _on_previous(self: Any) -> None:
        self.previous()

    def _on_go_to(self: Any, chunk_id: str) -> None:
        self.go_to(chunk_id)

    def _on_show_more(self: Any, page: int | None = None) -> None:
        self.show_more(page)

    def _on_search(
        self: Any, text: str = "", document: str = "", status: str = "", page: int = 0
    ) -> dict[str, Any]:
        result = self.search(text, document=document, status=status, page=page)
        return {"found": 0 if result is None else int(result.total)}

    def _on_clear_search(self: Any) -> None:
        self.clear_search()

    def _on_accept_terms(self: Any) -> dict[str, Any]:
        return _saved([self.accept_terms()])

    def _on_screen(self: Any, chunk_id: str | None) -> None:
        """A write names the chunk the labeler saw; refuse it if another one is on screen now."""
        if chunk_id is not None and chunk_id != self.chunk_id:
            raise ValueError(f"chunk {chunk_id!r} is no longer on screen; nothing was stored")


def _saved(event_ids: list[int] | None) -> dict[str, Any]:
    ids = [int(i) for i in event_ids or [] if i is not None]
    return {"saved": True, "event_id": max(ids) if ids else None}
