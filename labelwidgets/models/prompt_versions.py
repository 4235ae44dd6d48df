"""Which prompt version asks (prelabel) and renders (export) each question.

One rule everywhere: a version named by the caller; else the version promoted with
``store.promote_prompt`` as the question's default; else the task's own template
(:func:`~labelwidgets.models.prompts.default_template`, which asks the question's ``prompt=``).
Being the newest stored version never makes a prompt the default: a PromptLab experiment stays
an experiment until it is promoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from labelwidgets.models.prompts import check_template, default_template
from labelwidgets.schema import Question, Task
from labelwidgets.store.ids import prompt_version_id
from labelwidgets.store.tasks import PromptVersion

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = ["PromptVersion", "default_prompt", "named_version", "resolve_versions"]

BUILT_IN = "default"  # the label of the task's own template while it is not stored as a version


def default_prompt(store: LabelStore, task: Task | str, question: str) -> PromptVersion:
    """The default prompt of ``question``: its promoted version, else the task's own template.

    The task's own template has the version id it gets when stored, and the label it was stored
    under (prelabel stores it as a version the first time it is used), else ``"default"``.

    Examples
    --------
    >>> lw.models.default_prompt(store, task, "governing_law").label  # doctest: +SKIP
    'v1'
    """
    task = store.task(task)
    promoted = store.promoted_prompt(task, question)
    if promoted is not None:
        return promoted
    template = default_template(task.question(question))
    version_id = prompt_version_id(task.name, question, template)
    stored = store.prompt_versions(task, question)
    labels = stored.loc[stored["version_id"] == version_id, "label"].tolist()
    return PromptVersion(version_id, labels[0] if labels else BUILT_IN, template)


def named_version(store: LabelStore, task: Task, question: str, wanted: str) -> PromptVersion:
    """The stored version of ``question`` labelled or identified by ``wanted``."""
    stored = store.prompt_versions(task, question)
    match = stored[(stored["label"] == wanted) | (stored["version_id"] == wanted)]
    if match.empty:
        raise ValueError(
            f"no prompt version {wanted!r} for question {question!r}; "
            f"stored: {stored['label'].tolist()}"
        )
    row = match.iloc[0]  # labels and ids are unique per question
    return PromptVersion(row["version_id"], row["label"], row["template"])


def resolve_versions(
    store: LabelStore,
    task: Task,
    questions: Iterable[Question],
    prompt_version: str | Mapping[str, str | None] | None,
) -> dict[str, PromptVersion]:
    """``{question: PromptVersion}`` for prelabeling; the templates it uses are stored.

    ``prompt_version`` may be ``None`` (each question's default, see :func:`default_prompt`),
    a label such as ``"v2"`` or a version id (for every question), or a dict ``{question: label
    | version id | template text | None}``. Template text is stored as a new version, which
    does not become the default. Every template is checked before any is stored, so a bad one
    stores nothing.
    """
    chosen: dict[str, PromptVersion] = {}
    new: dict[str, tuple[str, str | None]] = {}
    for question in questions:
        wanted = (
            prompt_version.get(question.name)
            if isinstance(prompt_version, Mapping)
            else prompt_version
        )
        if wanted is None:
            default = default_prompt(store, task, question.name)
            if default.label == BUILT_IN:  # stored, so its answers say which prompt made them
                new[question.name] = (default.template, "default template")
            else:
                chosen[question.name] = default
        elif "{" not in wanted:
            chosen[question.name] = named_version(store, task, question.name, wanted)
        else:
            check_template(wanted)
            new[question.name] = (wanted, None)
    for name, (template, note) in new.items():
        version_id = store.add_prompt_version(task, name, template, note=note)
        stored = store.prompt_versions(task, name)
        label = stored.loc[stored["version_id"] == version_id, "label"].iloc[0]
        chosen[name] = PromptVersion(version_id, label, template)
    return chosen
