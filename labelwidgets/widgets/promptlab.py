"""PromptLab: edit a question's prompt, run it on gold chunks, and compare with earlier versions."""

from __future__ import annotations

import random
import threading
from typing import Any

import traitlets

from labelwidgets.models.base import Model
from labelwidgets.models.prelabeling import FAILED, prelabel
from labelwidgets.models.prompt_versions import default_prompt
from labelwidgets.models.prompts import check_template, default_template
from labelwidgets.models.scoring import PromptReport, prompt_report
from labelwidgets.schema import Task, answer_to_json
from labelwidgets.store import LabelStore
from labelwidgets.widgets._base import CommandWidget, JobFailed, bundle

_ESM, _CSS = bundle("promptlab")
_METRICS = (
    "n",
    "coverage",
    "accuracy_on_answered",
    "unknown_precision",
    "unknown_recall",
    "overall",
    "exact",
    "normalized",
    "token_f1",
    "hallucinated",
    "parse_errors",
)


class PromptLab(CommandWidget):
    """Prompt versions of ``task``'s questions scored against gold, for ``model``.

    Pick a question, edit its prompt template, run it on up to ``sample`` gold chunks (progress is
    shown and the run can be cancelled), and see the score table against earlier versions (with
    the n each was scored on, and a warning when they were scored on different items) and the
    items whose answer changed, with word diffs. A run stores the template as a new version that
    is *not* the question's default: :meth:`promote` (the Promote button of its row) makes it
    the prompt prelabel and export use. Also plain methods: :meth:`run`, :meth:`select`.
    A run that fails (the model raises or is unreachable, the store fails) ends: ``running`` is
    reset and the ``error`` trait says why; the next run clears it.
    """

    _esm = _ESM
    _css = _CSS
    questions = traitlets.List([]).tag(sync=True)
    question = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode("").tag(sync=True)
    versions = traitlets.List([]).tag(sync=True)
    changes = traitlets.List([]).tag(sync=True)
    running = traitlets.Dict({"running": False, "done": 0, "total": 0}).tag(sync=True)
    # the question's default prompt: {"version": label, "promoted": bool, "scored": bool}
    default = traitlets.Dict({}).tag(sync=True)
    warning = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        store: LabelStore,
        task: Task | str,
        model: Model,
        *,
        sample: int = 20,
        seed: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.task = store.task(task)
        self.model = model
        self.sample = sample
        self.seed = seed
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.questions = self.task.question_names
        self.select(self.questions[0])

    def select(self, question: str) -> None:
        """Show ``question``: its newest prompt version and the score table."""
        q = self.task.question(question)
        stored = self.store.prompt_versions(self.task, question)
        self.question = question
        self.template = stored["template"].iloc[-1] if len(stored) else default_template(q)
        self._refresh_scores()

    def promote(self, version: str, *, by: str | None = None, note: str | None = None) -> str:
        """Make ``version`` (a label or id of the shown question) the prompt that prelabel and
        export use for it (``store.promote_prompt``); returns its version id."""
        promoted = self.store.promote_prompt(self.task, self.question, version, by=by, note=note)
        self._refresh_scores()
        return str(promoted)

    def run(
        self, template: str, *, label: str | None = None, note: str | None = None, wait: bool = True
    ) -> str:
        """Store ``template`` as a version and answer the sample of gold chunks with it.

        The version is not the question's default until it is promoted (:meth:`promote`)."""
        check_template(template)
        if self.running.get("running"):
            raise ValueError("a run is already in progress")
        version = self.store.add_prompt_version(
            self.task, self.question, template, label=label, note=note
        )
        gold = self.store.gold(self.task, question=self.question)["chunk_id"].tolist()
        if not gold:
            raise ValueError(
                f"no gold answers for {self.question!r} yet: mark some with store.add_gold()"
            )
        chunk_ids = random.Random(self.seed).sample(gold, min(self.sample, len(gold)))
        self.template = template
        self._cancel.clear()
        self.error = ""
        self.running = {"running": True, "done": 0, "total": len(chunk_ids), "cancelled": False}
        self._thread = self.start_job(
            lambda: self._work(version, chunk_ids), finish=self._finish, wait=wait
        )
        return version

    def cancel(self) -> None:
        """Stop the run after the chunk being answered (answers so far are kept)."""
        self._cancel.set()

    def _work(self, version: str, chunk_ids: list[str]) -> None:
        done, failed = 0, []
        for start in range(0, len(chunk_ids), 4):
            if self._cancel.is_set():
                break
            batch = chunk_ids[start : start + 4]
            summary = prelabel(
                self.store,
                self.task,
                self.model,
                prompt_version={self.question: version},
                chunks=batch,
                questions=[self.question],
                progress=False,
            )
            done += len(batch)
            self.running = {**self.running, "done": done}
            if int(summary["failed"].sum()):
                failed += self._failures(version, batch)
                if len(failed) == done:  # nothing has worked yet: the model is down, stop asking
                    break
        if failed:
            raise JobFailed(
                f"the model failed on {len(failed)} of {done} gold chunks ({failed[0]}); "
                "they are asked again on the next run"
            )

    def _failures(self, version: str, chunk_ids: list[str]) -> list[str]:
        """Why the model failed on these chunks (one reason per failed chunk)."""
        stored = self.store.suggestions(
            self.task, question=self.question, prompt_version=version, model=self.model.name
        )
        reasons = stored.loc[stored["chunk_id"].isin(chunk_ids), "parse_error"].dropna()
        return [r.removeprefix(FAILED) for r in reasons if r.startswith(FAILED)]

    def _finish(self) -> None:
        self.running = {**self.running, "running": False, "cancelled": self._cancel.is_set()}
        self._refresh_scores()

    def _refresh_scores(self) -> None:
        report = prompt_report(self.store, self.task, self.question, models=[self.model.name])
        rows = report.df.to_dict("records")
        promoted = self.store.promoted_prompt(self.task, self.question)
        default = promoted or default_prompt(self.store, self.task, self.question)
        self.default = {
            "version": default.label,
            "promoted": promoted is not None,
            "scored": any(r["version_id"] == default.version_id for r in rows),
        }
        self.warning = _items_warning(report, self.model.name)
        self.versions = [
            {"version": r["prompt_version"], **{m: _number(r.get(m)) for m in _METRICS if m in r}}
            for r in rows
        ]
        self.changes = []
        if len(rows) >= 2:
            versus = report.compare(rows[-2]["prompt_version"], rows[-1]["prompt_version"])
            changed = versus[versus["outcome"] != "tie"].head(20)
            self.changes = [
                {
                    "chunk_id": r.chunk_id,
                    "gold": answer_to_json(r.gold),
                    "before": answer_to_json(r.answer_a),
                    "after": answer_to_json(r.answer_b),
                    "outcome": r.outcome,
                    "ops": r.diff,
                }
                for r in changed.itertuples()
            ]

    def _on_select(self, question: str) -> None:
        self.select(question)

    def _on_run(self, template: str, label: str | None = None) -> dict[str, Any]:
        self.run(template, label=label or None, wait=False)
        return {"started": True}

    def _on_promote(self, version: str) -> dict[str, Any]:
        return {"promoted": self.promote(version)}

    def _on_cancel(self) -> None:
        self.cancel()


def _items_warning(report: PromptReport, model: str) -> str:
    """The report's warning when versions were scored on different items, with each version's
    overall score on the items they share."""
    warning = report.different_items(model=model)
    if not warning:
        return ""
    common = report.on_common_items(model=model).df
    scores = ", ".join(
        f"{r.prompt_version} {'—' if _number(r.overall) is None else f'{r.overall:.3f}'}"
        for r in common.itertuples()
    )
    return f"{warning}. Overall on the common items: {scores}"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else round(number, 4)
