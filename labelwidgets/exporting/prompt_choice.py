"""Which prompt template renders each question's user turn in an export, and its version.

The rule is prelabel's (:mod:`labelwidgets.models.prompt_versions`): the version the caller
names, else the question's promoted version, else the task's own template — never merely the
newest stored version, so an unpromoted PromptLab experiment never reaches training data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from labelwidgets.models.prompt_versions import PromptVersion, default_prompts, named_version
from labelwidgets.schema import Task

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

PromptChoice = PromptVersion
"""A question's prompt in an export: its version id, its label and its template."""


def templates_for(store: LabelStore, task: Task, prompt_version: Any) -> dict[str, PromptChoice]:
    """``{question: PromptChoice}`` for every question of ``task``; reads the store only.

    ``prompt_version`` is a label or version id (for every question), ``{question: …}`` or
    ``None`` (each question's default: its promoted version, else the task's own template,
    labelled as stored or ``"default"``).
    """
    if isinstance(prompt_version, Mapping):
        unknown = set(prompt_version) - set(task.question_names)
        if unknown:
            raise ValueError(
                f"prompt_version: task {task.name!r} has no question(s) {sorted(unknown)}"
            )
    wanted_of = {
        name: prompt_version.get(name) if isinstance(prompt_version, Mapping) else prompt_version
        for name in task.question_names
    }
    chosen = default_prompts(store, task, [n for n, w in wanted_of.items() if w is None])
    for name, wanted in wanted_of.items():
        if wanted is not None:
            chosen[name] = named_version(store, task, name, wanted)
    return {name: chosen[name] for name in task.question_names}
