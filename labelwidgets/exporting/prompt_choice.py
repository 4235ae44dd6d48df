"""Which prompt template renders each question's user turn in an export, and its version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from labelwidgets.models.prompts import default_template
from labelwidgets.schema import Task
from labelwidgets.store.ids import prompt_version_id

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore


class PromptChoice(NamedTuple):
    """A question's prompt in an export: its version id, its label and its template."""

    version_id: str
    label: str
    template: str


def templates_for(store: LabelStore, task: Task, prompt_version: Any) -> dict[str, PromptChoice]:
    """``{question: PromptChoice}`` for every question of ``task``.

    ``prompt_version`` is a label or version id (for every question), ``{question: …}`` or
    ``None`` (the stored default of each question).
    """
    stored = store.prompt_versions(task)
    chosen = {}
    for question in task.questions:
        mine = stored[stored["question"] == question.name]
        wanted = (
            prompt_version.get(question.name)
            if isinstance(prompt_version, Mapping)
            else prompt_version
        )
        if wanted is not None:
            match = mine[(mine["label"] == wanted) | (mine["version_id"] == wanted)]
            if match.empty:
                raise ValueError(f"no prompt version {wanted!r} for question {question.name!r}")
            row = match.iloc[-1]
            chosen[question.name] = PromptChoice(row["version_id"], row["label"], row["template"])
        elif len(mine):
            row = mine.iloc[-1]
            chosen[question.name] = PromptChoice(row["version_id"], row["label"], row["template"])
        else:
            template = default_template(question)
            version = prompt_version_id(task.name, question.name, template)
            chosen[question.name] = PromptChoice(version, "default", template)
    return chosen
