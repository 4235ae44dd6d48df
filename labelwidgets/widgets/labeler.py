"""The Labeler: keyboard-first labeling of one chunk after another in a notebook cell."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

import traitlets

from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.store import LabelStore
from labelwidgets.widgets._base import CommandWidget, bundle
from labelwidgets.widgets._labeler_commands import LabelerCommands
from labelwidgets.widgets._labeler_find import LabelerSearch
from labelwidgets.widgets._labeler_pages import MAX_TEXT_CHARS, framed, page_of, page_view
from labelwidgets.widgets._labeler_queue import LabelerQueue
from labelwidgets.widgets._labeler_state import (
    Chunks,
    answers_shown,
    highlighter,
    model_diff,
    task_view,
)
from labelwidgets.widgets.labeler_wire import ChunkFrame, answers_to_wire

_ESM, _CSS = bundle("labeler")
SHOW_SUGGESTIONS = ("after_submit", "prefill", "hidden")


class Labeler(LabelerQueue, LabelerSearch, LabelerCommands, CommandWidget):
    """Label chunks of ``store`` for ``task`` as ``labeler``, without touching the mouse.

    Parameters
    ----------
    store, task, labeler
        Where labels go, what is asked, and who answers (every event records the labeler).
    terms
        Confidentiality terms the labeler must accept once before any text is shown; the
        acceptance is stored with the terms' hash (see ``store.labelers()``).
    show_suggestions
        Model answers: ``"after_submit"`` (default: shown with a word diff once the labeler
        answered, so they do not anchor on them), ``"prefill"`` or ``"hidden"``.
    order
        Which chunk comes next: ``"document"`` (document, then position), ``"random"``
        (shuffled with ``seed``), or any order ``store.next_chunk`` takes (``"uncertain"``,
        ``"disagreement"``, ``"signal"``, a callable scoring chunks), computed by the store.
    where
        Only chunks these filters keep, as ``store.next_chunk(where=...)`` takes them (the
        filters of ``store.search``: text, document, metadata, status).
    chunks
        Only these chunks: a DataFrame with a ``chunk_id`` column or an iterable of ids.
    context_chars
        How much text around the chunk "more context" shows.
    max_text_chars
        At most this much of a chunk's text goes to the browser at once (default 100,000
        characters); a longer chunk is shown a part at a time (:meth:`show_more`, the "show
        more" button). The store keeps the whole text, and evidence marked on any part is
        stored in document coordinates.

    Evidence: selecting text in the chunk (mouse, or Alt+Shift+→/← by words) marks where the
    focused question's answer is written; a typed answer found in the chunk is proposed as its
    evidence; Ctrl+E copies the selection into the answer. Evidence is stored with the answer
    in document coordinates (:meth:`submit` ``evidence=``). ``kind="spans"`` questions are
    answered by selecting text and pressing the number of a label. The shortcut sheet (``?``)
    lists every key.

    Find: the search box (Alt+K) finds chunks by words, document and status (unanswered,
    skipped, flagged, answered: this labeler's), one page at a time (:meth:`search`); picking
    a result shows it, and clearing the search returns to the queue. "Skipped (n)" lists the
    labeler's skips to revisit. Undo (Alt+Z) goes back one submission or skip at a time, newest
    first, as new events.

    After each save the front end sets the ``saved`` trait to the id of the last event stored,
    so reactive notebooks (marimo, ``mo.ui.anywidget``) re-run the cells that read the widget.

    Everything the widget does is also a method: :meth:`submit`, :meth:`mark_unknown`,
    :meth:`skip`, :meth:`undo`, :meth:`flag`, :meth:`next`, :meth:`previous`, :meth:`go_to`,
    :meth:`search`, :meth:`clear_search`, :meth:`show_more`, :meth:`accept_terms`. Labelers see
    only their own answers.
    """

    _esm = _ESM
    _css = _CSS
    batch_replies = True  # the next item, progress and ack: one message per keypress
    task_view = traitlets.Dict({}).tag(sync=True)
    item = traitlets.Dict({}).tag(sync=True)
    progress = traitlets.Dict({}).tag(sync=True)
    review = traitlets.Dict({}).tag(sync=True)
    terms = traitlets.Unicode("").tag(sync=True)
    found = traitlets.Dict({}).tag(sync=True)  # one page of search results, {} when no search
    saved = traitlets.Int(0).tag(sync=True)  # set by the front end after each confirmed save
    reading = traitlets.Dict({}).tag(sync=True)  # a number being typed: {question, text}
    read_back = traitlets.Dict({}).tag(sync=True)  # what the submission would store, or why not

    def __init__(
        self,
        store: LabelStore,
        task: Task | str,
        labeler: str,
        *,
        terms: str | None = None,
        show_suggestions: str = "after_submit",
        order: Any = "document",
        where: Any = None,
        seed: int = 0,
        chunks: Chunks | None = None,
        context_chars: int = 600,
        max_text_chars: int = MAX_TEXT_CHARS,
        **kwargs: Any,
    ) -> None:
        if show_suggestions not in SHOW_SUGGESTIONS:
            raise ValueError(
                f"show_suggestions must be one of {list(SHOW_SUGGESTIONS)}, "
                f"got {show_suggestions!r}"
            )
        if not isinstance(labeler, str) or not labeler.strip():
            raise ValueError(f"labeler must be a non-empty name, got {labeler!r}")
        if not isinstance(max_text_chars, int) or max_text_chars < 1_000:
            raise ValueError(f"max_text_chars must be at least 1000, got {max_text_chars!r}")
        super().__init__(**kwargs)
        self.store = store
        self.task = store.task(task)
        self.labeler = labeler
        self.show_suggestions = show_suggestions
        self.context_chars = int(context_chars)
        self.max_text_chars = max_text_chars
        self._terms = terms
        self._queue(order, where, seed, chunks)
        self._undoable: list[str] = []  # chunks this widget submitted or skipped, newest last
        self._history: list[str] = []
        self._cursor = -1
        self._view_id = secrets.token_hex(6)  # with a command's seq: an idempotent submission
        self._submitted: set[str] = set()
        self._doc_cache: tuple[str, str] | None = None
        self._prefer: Mapping[str, str] | None = None
        self.observe(self._read_back, names="reading")
        self._frame = ChunkFrame("", None)
        self._highlight = highlighter(self.task.highlight)
        self._shown_at = time.monotonic()
        self.task_view = task_view(self.task)
        if terms and not store.has_accepted(labeler, terms, task=self.task):
            self.terms = terms
            self._set_progress()
            return
        self._advance(self._next_open(None))

    # -- what the widget does, as methods ------------------------------------------------------
    @property
    def chunk_id(self) -> str | None:
        """The chunk on screen (``None`` when everything is done)."""
        return self.item.get("chunk_id")

    def submit(
        self,
        answers: dict[str, Any],
        *,
        force: bool = False,
        time_spent: float | None = None,
        evidence: dict[str, Any] | None = None,
        submission_id: str | None = None,
    ) -> list[int]:
        """Store the answers for the chunk on screen (UNKNOWN for "not in the text").

        Every question asked for the chunk (given these answers and the labeler's earlier
        ones) needs an answer. Raises :class:`~labelwidgets.store.AnswerRejected` listing the
        problems per question (wrong kind, a validator's complaint, no answer); nothing is
        stored then. ``force=True`` stores answers that only validators or missing answers
        held back, and the override is recorded on the event. With suggestions shown after
        submit, the chunk stays on screen with the model's answers diffed against these;
        otherwise the next chunk comes up. The store decides all of this with
        :func:`labelwidgets.schema.check_submission`, in the write's transaction.

        ``evidence`` maps questions to where their answers are written: ``[(start, end), ...]``
        in *document* coordinates (as in :meth:`LabelStore.record_answers
        <labelwidgets.store.LabelStore.record_answers>`); a span outside the chunk's document
        is a ``ValueError`` and nothing is stored.

        ``submission_id`` (<= 64 characters): the store keeps a submission with a seen id once.
        """
        chunk_id = self._require_item()
        if not isinstance(answers, dict):
            raise TypeError(f"answers must be a dict of question -> answer, got {answers!r}")
        spent = time.monotonic() - self._shown_at if time_spent is None else time_spent
        event_ids, result = self.store.record_submission(
            self.task,
            chunk_id,
            answers,
            labeler=self.labeler,
            force=force,
            time_spent=spent,
            require_complete=True,
            evidence=evidence,
            submission_id=submission_id,
        )
        if result.complete:
            self._done.add(chunk_id)
            self._skipped.discard(chunk_id)
        self._undoable = [*(c for c in self._undoable if c != chunk_id), chunk_id]
        diff = self._model_diff(chunk_id, result.answers)
        if diff:
            self.review = {"chunk_id": chunk_id, "questions": diff}
            self._set_progress()
        else:
            self.next()
        return event_ids

    def mark_unknown(self, questions: str | Iterable[str] | None = None) -> list[int]:
        """Answer "Not in the text" (:data:`~labelwidgets.UNKNOWN`) and move on like :meth:`submit`.

        ``questions``: one name or several; by default every question asked on this chunk
        regardless of other answers that allows it (the chunk says nothing about any of them).
        """
        if questions is None:
            asked = self.item.get("questions")
            asked = self.task.question_names if asked is None else asked
            names = [
                q.name
                for q in self.task.questions
                if q.when is None and q.allow_unknown and q.name in asked
            ]
        else:
            names = [questions] if isinstance(questions, str) else list(questions)
        if not names:
            raise ValueError(f"no question of task {self.task.name!r} allows 'not in the text'")
        return self.submit(dict.fromkeys(names, UNKNOWN))

    def skip(self, comment: str | None = None) -> int:
        """Skip the chunk on screen (it will not come up again) and go to the next one.

        Returns the skip's event id. "Skipped (n)" in the widget (or
        ``search(status="skipped")``) lists the labeler's skips to revisit.
        """
        chunk_id = self._require_item()
        event_id = self.store.skip(
            self.task, chunk_id, labeler=self.labeler, comment=comment or None
        )
        self._done.add(chunk_id)
        self._skipped.add(chunk_id)
        self._undoable = [*(c for c in self._undoable if c != chunk_id), chunk_id]
        self.next()
        return event_id

    def undo(self) -> dict[str, Any]:
        """Undo this widget's last submission or skip and show that chunk again.

        Each call goes one step further back: the submissions and skips made in this widget
        are undone newest first, one chunk per call (a chunk answered twice is undone once).
        The undo is new events (:meth:`~labelwidgets.store.LabelStore.undo`, whose result
        this returns); a ``ValueError`` when there is nothing to undo.
        """
        if self.terms:
            raise ValueError("accept the terms first")
        if not self._undoable:
            raise ValueError("nothing to undo: no submission or skip in this Labeler yet")
        chunk_id = self._undoable[-1]
        undone = self.store.undo(self.task, labeler=self.labeler, chunk_id=chunk_id)
        self._undoable.pop()
        self._skipped.discard(chunk_id)
        self._done.discard(chunk_id)
        self._done |= self.store.finished(self.task, self.labeler) & {chunk_id}
        self._advance(chunk_id)
        return undone

    def flag(self, comment: str, question: str | None = None) -> int:
        """Flag the chunk on screen (or one question) with a comment for the reviewers;
        returns the flag's event id."""
        return self.store.flag(
            self.task,
            self._require_item(),
            labeler=self.labeler,
            comment=comment,
            question=question,
        )

    def next(self) -> None:
        """Forward through the chunks seen before, then on to the next unanswered one."""
        if self._cursor + 1 < len(self._history):
            self._cursor += 1
            self._show(self._history[self._cursor])
        else:
            self._advance(self._next_open(self.chunk_id))

    def previous(self) -> None:
        """Back to the chunk seen before this one (its answers can be changed)."""
        if self._cursor > 0:
            self._cursor -= 1
            self._show(self._history[self._cursor])

    def go_to(self, chunk_id: str) -> None:
        """Show a given chunk (one of ``chunks=`` when the widget was given a selection),
        also once everything is done."""
        if self.terms:
            raise ValueError("accept the terms first")
        if not isinstance(chunk_id, str):
            raise TypeError(f"chunk_id must be a string, got {chunk_id!r}")
        mine = self._order if self._order is not None else self._order_ids
        if mine is not None and chunk_id not in set(mine):
            raise ValueError(f"chunk {chunk_id!r} is not among this Labeler's chunks")
        self.store.chunk(chunk_id)  # KeyError naming the id if unknown
        self._advance(chunk_id)

    def show_more(self, page: int | None = None) -> None:
        """Show the next part of a long chunk (or part ``page``, from 0); answers stay."""
        chunk_id = self._require_item()
        number = self.item.get("page", 0) + 1 if page is None else page
        shown_at, review = self._shown_at, self.review
        self._show(chunk_id, number)
        self._shown_at, self.review = shown_at, review
        self.item = {**self.item, "paged": True}  # the same chunk: the front end keeps the form

    def accept_terms(self) -> int:
        """Record that the labeler accepted the terms, then show the first chunk; returns
        the acceptance's event id."""
        if not self._terms:
            raise ValueError("this Labeler has no terms to accept")
        event_id = self.store.accept_terms(self.labeler, self._terms, task=self.task)
        self.terms = ""
        self._advance(self._next_open(None))
        return event_id

    def close(self) -> None:
        """Close the widget and give back the chunk leased to this labeler."""
        if self.comm is not None and self._order is None and not self.terms:
            # The lease expires by itself; closing (also called from __del__) must not fail.
            with contextlib.suppress(Exception):
                self.store.release(self.task, self.labeler)
        super().close()

    # -- navigation ------------------------------------------------------------------------------------
    def _advance(self, chunk_id: str | None) -> None:
        if chunk_id is not None:
            del self._history[self._cursor + 1 :]
            self._history.append(chunk_id)
            self._cursor = len(self._history) - 1
        self._show(chunk_id)

    def _require_item(self) -> str:
        if self.terms:
            raise ValueError("accept the terms first")
        if not self.chunk_id:
            raise ValueError("there is no chunk on screen: everything is done")
        return self.chunk_id

    # -- building the view ------------------------------------------------------------------------------
    def _show(self, chunk_id: str | None, page: int = 0) -> None:
        self.review = {}
        self._shown_at = time.monotonic()
        if chunk_id is None:
            self.item = {"done": True}
            self._set_progress()
            return
        chunk = self.store.chunk(chunk_id)
        shown = page_of(len(chunk["text"]), page, self.max_text_chars)
        self._frame, before, after = framed(chunk, shown, self._document(chunk), self.context_chars)
        answers, evidence, prefilled = answers_shown(
            self.store,
            self.task,
            chunk_id,
            self.labeler,
            prefill=self.show_suggestions == "prefill",
            prefer=self._default_prompts,
        )
        self.item = {
            "chunk_id": chunk_id,
            "doc_name": chunk["doc_name"],
            "page_start": chunk["page_start"],
            "page_end": chunk["page_end"],
            "text": self._frame.text,
            "highlights": self._highlight(self._frame.text),
            "context_before": before,
            "context_after": after,
            "answers": answers_to_wire(self.task, answers, self._frame),
            "evidence": {q: self._frame.pairs_to_wire(e) for q, e in evidence.items()},
            "offsets": self._frame.char_start is not None,
            "prefilled": prefilled,
            "done_before": chunk_id in self._done,
            "status": self._status_of(chunk_id),
            "questions": self._applicable(chunk_id),
            **page_view(shown),
        }
        self._set_progress()

    def _applicable(self, chunk_id: str) -> list[str] | None:
        """The questions asked on the chunk (``Question(keep=...)`` routing); None: all."""
        if not any(q.routed for q in self.task.questions):
            return None
        return self.store.questions_for(self.task, chunk_id)

    def _status_of(self, chunk_id: str) -> str | None:
        """What this labeler did with the chunk: "skipped", "answered" or nothing yet."""
        if chunk_id not in self._done:
            return None
        return "skipped" if chunk_id in self._skipped else "answered"

    def _document(self, chunk: dict[str, Any]) -> str | None:
        if chunk["char_start"] is None or chunk["char_end"] is None or not self.context_chars:
            return None
        doc_id = chunk["doc_id"]
        if self._doc_cache is None or self._doc_cache[0] != doc_id:
            self._doc_cache = (doc_id, self.store.document_text(doc_id))
        return self._doc_cache[1]

    def _set_progress(self) -> None:
        position = (
            self._cursor + 1
            if self._order is None
            else (self._position.get(self.chunk_id or "", -1) + 1)
        )
        self.progress = {
            "done": len(self._done) - self._done_outside,
            "total": self._total,
            "position": position,
            "skipped": len(self._skipped),
        }

    def _model_diff(self, chunk_id: str, mine: Mapping[str, Any]) -> dict[str, Any]:
        if self.show_suggestions != "after_submit":
            return {}
        suggestions = self.store.latest_suggestions(
            self.task, chunk_id, prefer=self._default_prompts()
        )
        return model_diff(suggestions, mine, self.task, self._frame)

    def _default_prompts(self) -> Mapping[str, str]:
        """Each question's default prompt version id: the model answers shown are that
        version's, not a newer unpromoted experiment's (read once per widget)."""
        if self._prefer is None:
            from labelwidgets.models.prompt_versions import default_version_ids

            self._prefer = default_version_ids(self.store, self.task)
        return self._prefer
