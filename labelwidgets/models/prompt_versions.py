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

__all__ = [
    "PromptVersion",
    "default_prompt",
    "default_prompts",
    "default_version_ids",
    "named_version",
    "resolve_versions",
]

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
    return default_prompts(store, task, [question])[question]


def default_prompts(
    store: LabelStore, task: Task | str, questions: Iterable[str] | None = None
) -> dict[str, PromptVersion]:
    """:func:`default_prompt` of each of ``questions`` (default: every question of the task),
    read in two queries whatever their number."""
    task = store.task(task)
    names = task.question_names if questions is None else list(questions)
    for name in names:
        task.question(name)  # an unknown question is named before the store is read
    if not names:
        return {}
    one = names[0] if len(names) == 1 else None  # one question: read only its versions
    rows = store.prompt_versions(task, one)[["question", "version_id", "label", "template"]]
    by_id = {(r[0], r[1]): PromptVersion(r[1], r[2], r[3]) for r in rows.itertuples(index=False)}
    chosen = {}
    for name, version_id in default_version_ids(store, task).items():
        if name not in names:
            continue
        stored = by_id.get((name, version_id))  # a promoted version is always stored
        template = stored.template if stored else default_template(task.question(name))
        chosen[name] = PromptVersion(version_id, stored.label if stored else BUILT_IN, template)
    return chosen


def default_version_ids(store: LabelStore, task: Task | str) -> dict[str, str]:
    """``{question: version id}`` of every question's default prompt (the one rule
    :func:`default_prompts` also uses), without reading the templates (one small query; what widgets use to show the
    default prompt's model answer rather than a newer experiment's)."""
    task = store.task(task)
    promoted = store.promoted_prompts(task)
    return {
        q.name: promoted.get(q.name) or prompt_version_id(task.name, q.name, default_template(q))
        for q in task.questions
    }


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
    questions = list(questions)
    wanted_of = {
        q.name: prompt_version.get(q.name)
        if isinstance(prompt_version, Mapping)
        else prompt_version
        for q in questions
    }
    defaults = default_prompts(store, task, [n for n, w in wanted_of.items() if w is None])
    chosen: dict[str, PromptVersion] = {}
    new: dict[str, tuple[str, str | None]] = {}
    for question in questions:
        wanted = wanted_of[question.name]
        if wanted is None:
            default = defaults[question.name]
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
