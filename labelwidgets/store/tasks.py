"""Tasks and prompt versions: a task is read with ``task()`` and only ever written by ``add_task``."""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, update

from labelwidgets.schema import Task
from labelwidgets.store import ids, input_rows, inputs
from labelwidgets.store import tables as t
from labelwidgets.store.routing import route_task
from labelwidgets.store.upsert import upsert

if TYPE_CHECKING:
    import pandas as pd

    from labelwidgets.store.store import LabelStore
else:  # opening a store builds no DataFrame: pandas loads on first use
    from labelwidgets.store.lazy import pandas as pd

PROMOTE = "promote"  # the event kind that makes a prompt version its question's default


class PromptVersion(NamedTuple):
    """A stored prompt version of a question: its version id, its label and its template."""

    version_id: str
    label: str
    template: str


class UnknownTaskError(ValueError, KeyError):
    """The store has no task of that name (a ``ValueError``, and a ``KeyError`` for lookups)."""

    __str__ = ValueError.__str__  # KeyError would show the message in quotes


class TasksMixin:
    """Tasks and prompt versions (mixed into :class:`LabelStore`)."""

    def add_task(self: LabelStore, task: Task | Mapping[str, Any]) -> Task:
        """Store a task (or update its definition). Returns the stored :class:`Task`.

        Editing instructions, prompts, validators or choices is fine; removing a question
        that already has events, or changing its kind, raises ``ValueError``.
        """
        if isinstance(task, Mapping):
            task = Task.from_dict(input_rows.task_definition(task))
        if not isinstance(task, Task):
            raise TypeError(f"add_task expects a Task, got {type(task).__name__}")
        inputs.task_ref(task, where="add_task")
        now = time.time()

        def write(conn: Connection) -> None:
            route_task(self, conn, task)  # Question(keep=...): the chunks each question is asked on
            row = conn.execute(select(t.tasks).where(t.tasks.c.task_id == task.name)).first()
            if row is not None and row.content_hash == task.content_hash:
                return
            if row is not None:
                self._check_task_change(conn, Task.from_json(row.definition), task)
            upsert(
                conn,
                t.tasks,
                [
                    {
                        "task_id": task.name,
                        "definition": task.to_json(),
                        "content_hash": task.content_hash,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
                key=["task_id"],
                update=["definition", "content_hash", "updated_at"],
            )
            conn.execute(t.questions.delete().where(t.questions.c.task_id == task.name))
            conn.execute(
                insert(t.questions),
                [
                    {
                        "task_id": task.name,
                        "name": q.name,
                        "position": i,
                        "kind": q.kind,
                        "definition": json.dumps(q.to_dict(), sort_keys=True),
                    }
                    for i, q in enumerate(task.questions)
                ],
            )

        self._write(write)
        self._tasks[task.name] = task
        return task

    @staticmethod
    def _check_task_change(conn: Connection, old: Task, new: Task) -> None:
        answered = set(
            conn.execute(
                select(t.events.c.question)
                .where(t.events.c.task_id == old.name, t.events.c.question.is_not(None))
                .distinct()
            ).scalars()
        )
        new_kinds = {q.name: q.kind for q in new.questions}
        for q in old.questions:
            if q.name not in answered:
                continue
            if q.name not in new_kinds:
                raise ValueError(
                    f"task {old.name!r}: question {q.name!r} has labels and cannot be removed"
                )
            if new_kinds[q.name] != q.kind:
                raise ValueError(
                    f"task {old.name!r}: question {q.name!r} has labels; its kind cannot change "
                    f"from {q.kind!r} to {new_kinds[q.name]!r} (add a new question instead)"
                )

    def task(self: LabelStore, name_or_task: Task | str) -> Task:
        """The stored task; only reads the store (:meth:`add_task` is what writes a task).

        Parameters
        ----------
        name_or_task
            A task name, or a :class:`Task` whose definition must be identical to the stored
            one (same content hash).

        Raises
        ------
        UnknownTaskError
            No task of that name is stored (a ``ValueError`` naming the known tasks).
        ValueError
            The given :class:`Task` differs from the stored definition: store it on purpose
            with ``store.add_task(task)``, which adds a version.
        """
        if isinstance(name_or_task, str):
            return self._stored_task(name_or_task)
        if not isinstance(name_or_task, Task):
            raise TypeError(
                f"task must be a Task or a task name, got {type(name_or_task).__name__}"
            )
        given = name_or_task
        # the stored definition with its keep= filters (JSON keeps only their names): this store
        # object then routes chunks added elsewhere (labelwidgets.store.routing.catch_up)
        filters = any(q.keep is not None for q in given.questions)
        cached = self._tasks.get(given.name)
        if cached is not None and cached.content_hash == given.content_hash:
            if filters:
                self._tasks[given.name] = given
            return self._tasks[given.name]
        self._tasks.pop(given.name, None)  # another session may have added a version meanwhile
        stored = self._stored_task(given.name)
        if stored.content_hash != given.content_hash:
            raise ValueError(
                f"task {given.name!r} differs from the definition stored in {self.url} "
                f"({_difference(stored, given)}); store.task() only reads: call "
                f"store.add_task(task) to store this definition as a new version"
            )
        if filters:
            self._tasks[given.name] = given
            return given
        return stored

    def get_task(self: LabelStore, name: str | Task) -> Task:
        """The stored task called ``name`` (or named like the given Task), whatever its definition.

        Raises :class:`UnknownTaskError` (a ``KeyError`` and a ``ValueError``) if there is none.
        """
        return self._stored_task(name.name if isinstance(name, Task) else name)

    def _stored_task(self: LabelStore, name: str) -> Task:
        if not isinstance(name, str):
            raise TypeError(f"task must be a Task or a task name, got {type(name).__name__}")
        if name in self._tasks:
            return self._tasks[name]
        with self._read() as conn:
            row = conn.execute(
                select(t.tasks.c.definition).where(t.tasks.c.task_id == name)
            ).first()
            known = (
                [] if row is not None else sorted(conn.execute(select(t.tasks.c.task_id)).scalars())
            )
        if row is None:
            raise UnknownTaskError(
                f"no task {name!r} in {self.url} (stored tasks: {known or 'none'}); "
                f"add it with store.add_task(task)"
            )
        task = Task.from_json(row.definition)
        self._tasks[name] = task
        return task

    def add_prompt_version(
        self: LabelStore,
        task: Task | str,
        question: str,
        template: str,
        *,
        label: str | None = None,
        note: str | None = None,
    ) -> str:
        """Store a prompt template for ``question``; returns its content-hashed version id.

        The same template again returns the same id. ``label`` defaults to ``"v1"``, ``"v2"``…
        """
        inputs.arguments(
            "add_prompt_version",
            required=("question",),
            task=task,
            question=question,
            template=template,
            label=label,
            note=note,
        )
        task = self.task(task)
        task.question(question)
        if not isinstance(template, str) or not template.strip():
            raise ValueError("add_prompt_version: template is empty")
        version_id = ids.prompt_version_id(task.name, question, template)
        pv = t.prompt_versions

        def write(conn: Connection) -> str:
            where = (pv.c.task_id == task.name) & (pv.c.question == question)
            if conn.execute(select(pv.c.version_id).where(pv.c.version_id == version_id)).first():
                if note is not None:
                    conn.execute(update(pv).where(pv.c.version_id == version_id).values(note=note))
                return version_id
            labels = set(conn.execute(select(pv.c.label).where(where)).scalars())
            chosen = label or next(
                f"v{n}" for n in range(len(labels) + 1, 10**6) if f"v{n}" not in labels
            )
            if chosen in labels:
                raise ValueError(
                    f"prompt label {chosen!r} is already used for {question!r} with another template"
                )
            conn.execute(
                insert(pv).values(
                    version_id=version_id,
                    task_id=task.name,
                    question=question,
                    label=chosen,
                    template=template,
                    note=note,
                    created_at=time.time(),
                )
            )
            return version_id

        return self._write(write)

    def prompt_versions(
        self: LabelStore, task: Task | str | None = None, question: str | None = None
    ) -> pd.DataFrame:
        """Stored prompt templates, oldest first: version_id, task, question, label, template,
        note, created_at and ``promoted`` (``True`` for the version promoted with
        :meth:`promote_prompt` as its question's default; where no version of a question is
        promoted, its default is the task's own template, ``lw.models.default_template``).

        A version becomes the default only when promoted, never by being the newest.
        """
        pv = t.prompt_versions
        task_id = None if task is None else self.task(task).name
        query = select(pv).order_by(pv.c.created_at, pv.c.version_id)
        if task_id is not None:
            query = query.where(pv.c.task_id == task_id)
        if question is not None:
            query = query.where(pv.c.question == question)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            promoted = set(_promoted(conn, task_id, question).values())
        columns = [c.name for c in pv.columns]
        frame = pd.DataFrame(rows, columns=columns).rename(columns={"task_id": "task"})
        frame["created_at"] = pd.to_datetime(
            frame["created_at"].astype("float64"), unit="s", utc=True
        )
        frame["promoted"] = frame["version_id"].isin(promoted).astype(bool)
        return frame

    def promote_prompt(
        self: LabelStore,
        task: Task | str,
        question: str,
        version: str | None,
        *,
        by: str | None = None,
        note: str | None = None,
    ) -> str | None:
        """Make a stored prompt version the default of ``question`` (for prelabel and export).

        Recorded as a ``"promote"`` event (append-only): the latest promotion wins and
        ``store.events(task, kind="promote")`` keeps the history.

        Parameters
        ----------
        task
            A Task or a task name.
        question
            The question whose default prompt changes.
        version
            A label such as ``"v2"`` or a version id of a stored version of ``question``;
            ``None`` goes back to the task's own template (no promoted version).
        by
            Who promoted it (default: the operating-system user name).
        note
            Why (kept on the event's comment).

        Returns
        -------
        str or None
            The promoted version id (``None`` when going back to the task's own template).

        Raises
        ------
        KeyError
            ``question`` is not a question of the task.
        ValueError
            The question has no such version (the error lists its stored labels); nothing is
            stored.
        """
        by = by if by is not None else _user()
        inputs.arguments(
            "promote_prompt",
            required=("question",),
            task=task,
            question=question,
            label=version,
            by=by,
            note=note,
        )
        task = self.task(task)
        task.question(question)
        chosen = None if version is None else self._version_of(task.name, question, version)
        self._append(task.name, None, question, by, PROMOTE, comment=note, subject=chosen)
        return chosen

    def promoted_prompt(self: LabelStore, task: Task | str, question: str) -> PromptVersion | None:
        """The version promoted as ``question``'s default, or ``None`` (the task's own template
        is the default; ``lw.models.default_prompt`` resolves both cases)."""
        task = self.task(task)
        task.question(question)
        pv = t.prompt_versions
        with self._read() as conn:
            version_id = _promoted(conn, task.name, question).get((task.name, question))
            if version_id is None:
                return None
            row = conn.execute(
                select(pv.c.version_id, pv.c.label, pv.c.template).where(
                    pv.c.version_id == version_id
                )
            ).one()
        return PromptVersion(*row)

    def promoted_prompts(self: LabelStore, task: Task | str) -> dict[str, str]:
        """``{question: promoted version id}`` for the questions of ``task`` that have one."""
        name = self.task(task).name
        with self._read() as conn:
            return {q: version for (_, q), version in _promoted(conn, name, None).items()}

    def _version_of(self: LabelStore, task_id: str, question: str, version: str) -> str:
        """The id of ``question``'s stored version labelled or identified by ``version``."""
        pv = t.prompt_versions
        mine = (pv.c.task_id == task_id) & (pv.c.question == question)
        with self._read() as conn:
            found = conn.execute(
                select(pv.c.version_id).where(
                    mine & ((pv.c.label == version) | (pv.c.version_id == version))
                )
            ).first()
            labels = [] if found else list(conn.execute(select(pv.c.label).where(mine)).scalars())
        if found is None:
            raise ValueError(
                f"promote_prompt: no prompt version {version!r} for question {question!r} of "
                f"task {task_id!r} (stored: {labels or 'none'}); store it first with "
                "store.add_prompt_version(...) or run it in PromptLab"
            )
        return str(found[0])


def _promoted(
    conn: Connection, task_id: str | None, question: str | None
) -> dict[tuple[str, str], str]:
    """``{(task, question): promoted version id}``: each question's latest promote event
    (one with no version means "back to the task's own template" and is left out)."""
    ev = t.events
    where = [ev.c.kind == PROMOTE]
    if task_id is not None:
        where.append(ev.c.task_id == task_id)
    if question is not None:
        where.append(ev.c.question == question)
    latest = (
        select(func.max(ev.c.event_id).label("event_id"))
        .where(*where)
        .group_by(ev.c.task_id, ev.c.question)
        .subquery()
    )
    rows = conn.execute(
        select(ev.c.task_id, ev.c.question, ev.c.subject).join(
            latest, ev.c.event_id == latest.c.event_id
        )
    )
    return {(task, q): subject for task, q, subject in rows if subject is not None}


def _user() -> str:
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no user name in this environment (some containers)
        return "unknown"


def _difference(stored: Task, given: Task) -> str:
    """What changed between two definitions of a task, in a few words."""
    old, new = stored.to_dict(), given.to_dict()
    changes = [
        f"{key} changed"
        for key in ("guidelines", "labelers_per_chunk", "highlight")
        if old[key] != new[key]
    ]
    old_q = {q["name"]: q for q in old["questions"]}
    new_q = {q["name"]: q for q in new["questions"]}
    changes += [f"question {n!r} added" for n in new_q if n not in old_q]
    changes += [f"question {n!r} removed" for n in old_q if n not in new_q]
    changes += [f"question {n!r} changed" for n in new_q if n in old_q and old_q[n] != new_q[n]]
    if not changes and list(old_q) != list(new_q):
        changes.append("questions reordered")
    return "; ".join(changes) or "definition changed"
