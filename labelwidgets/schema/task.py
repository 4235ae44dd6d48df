"""Tasks and questions: what labelers (and models) are asked, and what counts as an answer.

A :class:`Question` carries two texts: ``prompt`` for the model and ``instructions`` for the
labeler, because the two audiences need different words. :data:`UNKNOWN` is the first-class
"not in the text" answer.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from labelwidgets.schema import matching as _matching
from labelwidgets.schema import routing as _routing
from labelwidgets.schema import spans as _spans
from labelwidgets.schema import validators as _validators
from labelwidgets.schema import values as _values
from labelwidgets.schema.answers import (
    UNKNOWN,
    accepted_from_json,
    accepted_to_json,
    is_missing,
)

__all__ = ["KINDS", "UNKNOWN", "Question", "Task"]

KINDS: Final = ("text", "choice", "multi_choice", "rating", "number", "date", "spans")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,99}$")


@dataclass(frozen=True)
class Question:
    """One question asked about every chunk.

    Parameters
    ----------
    name
        Identifier, unique within the task (letters, digits, ``_`` and ``-``).
    kind
        ``"text"``, ``"choice"``, ``"multi_choice"``, ``"rating"``, ``"number"``, ``"date"`` or
        ``"spans"`` (the labeler marks zero or more passages of the chunk, each with one of
        ``labels``; see :mod:`labelwidgets.schema.spans`).
    prompt
        What the model is asked (rendered into prompt templates).
    instructions
        Plain instructions for the human labeler.
    choices
        The options of a choice / multi-choice question.
    allow_unknown
        Whether "not in the text" (:data:`UNKNOWN`) is an acceptable answer. Default: yes,
        except for ``spans`` questions, where "nothing here" is the empty list ``[]`` and
        UNKNOWN would be a second way to say the same thing (``allow_unknown=True`` is refused).
    validators
        Declarative validators from :mod:`labelwidgets.schema.validators` or any callables.
    when
        ``("other_question", value)``: ask this question only when ``other_question`` got
        ``value`` (or one of several values given as a tuple/list).
    scale
        ``(low, high)`` of a rating question.
    labels
        The labels of a ``spans`` question (required there, unique; e.g. CUAD's clause types).
    evidence
        Whether labelers (and models) mark *where* in the document the answer is: one or more
        ``(char_start, char_end)`` spans in document coordinates stored with the answer. Default:
        on for ``text`` questions (their answers are usually written in the document; set
        ``evidence=False`` for a summary or a judgement), off for the other kinds (turn it on
        for, say, a choice the text states). Never for ``spans`` questions: their answer is
        already spans. Evidence is optional on each answer; ``evidence=False`` refuses it.
    match
        When two answers are the same answer (agreement, accuracy, review grouping, export
        de-duplication): ``"normalized"`` (default), ``"exact"``, ``"token_f1>=0.8"``,
        ``"contains"``, ``"number"``, ``"date"``, ``"entity"`` ("New York law" is "the laws of
        the State of New York"), or a rule registered with :func:`lw.register_match
        <labelwidgets.schema.matching.register_match>`; see :mod:`labelwidgets.schema.matching`.
    locale
        How numbers and numeric dates are written ("en": "1,500.50" and 03/04/2021 = March 4;
        "de": "1.500,50" and 03.04.2021 = April 3). Without one, "1.500", "1,500" and
        "03/04/2021" are refused with both readings; see :mod:`labelwidgets.schema.values`.
    pii
        Whether answers are personal data (a name, a phone number): an export's ``redact=``
        redactor is applied to the answers of PII questions; other answers (a date, an
        amount) are exported as labeled. Prompts are always redacted.
    keep
        Ask this question only on chunks whose text this filter keeps (a callable
        ``text -> bool`` such as ``lw.filters.keywords([...])``); the store saves where it
        applies when the task is added and as chunks are added. Only the filter's name is
        stored; see :mod:`labelwidgets.store.routing`.
    """

    name: str
    kind: str = "text"
    prompt: str = ""
    instructions: str = ""
    choices: tuple[str, ...] = ()
    allow_unknown: bool | None = None
    validators: tuple[Any, ...] = ()
    when: tuple[str, Any] | None = None
    scale: tuple[int, int] = (1, 5)
    labels: tuple[str, ...] = ()
    evidence: bool | None = None
    match: str = "normalized"
    locale: str | None = None
    pii: bool = False
    keep: Any = field(default=None, compare=False, repr=False)
    keep_name: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(
                f"question name {self.name!r} is invalid: use letters, digits, '_' or '-' "
                "(starting with a letter or '_')"
            )
        if self.kind not in KINDS:
            raise ValueError(
                f"question {self.name!r}: unknown kind {self.kind!r}; expected one of {list(KINDS)}"
            )
        choices = self.choices
        if isinstance(choices, (str, Mapping)) or not isinstance(choices, Iterable):
            raise TypeError(
                f"question {self.name!r}: choices must be a list of strings, got {choices!r:.60}"
            )
        object.__setattr__(self, "choices", tuple(str(c) for c in choices))
        if self.kind in ("choice", "multi_choice"):
            if not self.choices:
                raise ValueError(f"question {self.name!r}: a {self.kind} question needs choices")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError(f"question {self.name!r}: duplicate choices {list(self.choices)}")
        elif self.choices:
            raise ValueError(f"question {self.name!r}: choices only apply to choice questions")
        object.__setattr__(
            self, "validators", tuple(_validators.as_validator(v) for v in self.validators)
        )
        low, high = (int(x) for x in self.scale)
        if low >= high:
            raise ValueError(f"question {self.name!r}: scale {self.scale} must be (low, high)")
        object.__setattr__(self, "scale", (low, high))
        if self.when is not None:
            if not (isinstance(self.when, Sequence) and len(self.when) == 2):
                raise ValueError(
                    f"question {self.name!r}: when= must be (question_name, value), got {self.when!r}"
                )
            gate, value = self.when
            if isinstance(value, list):
                value = tuple(value)
            object.__setattr__(self, "when", (str(gate), value))
        self._check_spans_and_evidence()
        object.__setattr__(self, "match", _matching.check(self.match, self.kind))
        if self.locale is not None:
            _values.number_format(self.locale)  # a ValueError naming a locale it does not know
        if not isinstance(self.pii, bool):
            raise TypeError(f"question {self.name!r}: pii must be True or False, got {self.pii!r}")
        keep, name = _routing.keep_filter(self.name, self.keep)
        object.__setattr__(self, "keep", keep)
        object.__setattr__(self, "keep_name", name)

    @property
    def routed(self) -> bool:
        """Whether the question is asked only on the chunks its ``keep=`` filter keeps."""
        return self.keep_name is not None

    @property
    def matcher(self) -> _matching.Matcher:
        """The ``match=`` rule, resolved: ``.matches(answer, reference)``, ``.agree(a, b)``."""
        return _matching.resolve(self.match, self.kind, locale=self.locale)

    def _check_spans_and_evidence(self) -> None:
        settings = _spans.question_settings(
            f"question {self.name!r}", self.kind, self.labels, self.allow_unknown, self.evidence
        )
        for name, value in settings.items():
            object.__setattr__(self, name, value)

    # -- answers ---------------------------------------------------------------------------
    def coerce(self, answer: Any) -> Any:
        """Return ``answer`` in this question's canonical form, or raise ``ValueError``/``TypeError``.

        text → stripped ``str``; choice → one of ``choices``; multi_choice → list of choices in
        choice order; rating → ``int`` on the scale; number → ``int`` or ``float``;
        date → ISO ``"YYYY-MM-DD"``; spans → list of ``{"start", "end", "label"}`` sorted,
        without duplicates (``[]`` is the answer "no such span here"). :data:`UNKNOWN` passes
        through when allowed.
        """
        if answer is UNKNOWN:
            if not self.allow_unknown:
                hint = " (say 'no spans here' with an empty list)" if self.kind == "spans" else ""
                raise ValueError(f"question {self.name!r} does not allow 'not in the text'{hint}")
            return UNKNOWN
        if is_missing(answer):
            raise ValueError(f"question {self.name!r}: the answer is empty")
        return getattr(self, f"_coerce_{self.kind}")(answer)

    def _coerce_text(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise TypeError(f"question {self.name!r} expects text, got {type(answer).__name__}")
        text = answer.strip()
        if not text:
            raise ValueError(f"question {self.name!r}: the answer is empty")
        return text

    def _coerce_choice(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise TypeError(
                f"question {self.name!r} expects one of {list(self.choices)}, "
                f"got {type(answer).__name__}"
            )
        if answer not in self.choices:
            raise ValueError(
                f"question {self.name!r}: {answer!r} is not one of {list(self.choices)}"
            )
        return answer

    def _coerce_multi_choice(self, answer: Any) -> list[str]:
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            raise TypeError(
                f"question {self.name!r} expects a list of choices, got {type(answer).__name__}"
            )
        picked = set()
        for item in answer:
            picked.add(self._coerce_choice(item))
        if not picked:
            raise ValueError(f"question {self.name!r}: pick at least one choice")
        return [c for c in self.choices if c in picked]

    def _coerce_rating(self, answer: Any) -> int:
        value = self._coerce_number(answer)
        low, high = self.scale
        if value != int(value) or not low <= value <= high:
            raise ValueError(
                f"question {self.name!r}: rating {answer!r} must be a whole number {low}–{high}"
            )
        return int(value)

    def _coerce_number(self, answer: Any) -> int | float:
        return _values.read_as_question(_values.read_number, answer, self.locale, self.name)

    def _coerce_date(self, answer: Any) -> str:
        """ISO text: a day, or a year-month / year for a partial date ("March 2020")."""
        return _values.read_as_question(_values.read_date, answer, self.locale, self.name)

    def _coerce_spans(self, answer: Any) -> list[dict[str, Any]]:
        return _spans.coerce_spans(answer, self.labels, f"question {self.name!r}")

    def coerce_evidence(self, evidence: Any, answer: Any = None) -> list[list[int]] | None:
        """Evidence for ``answer`` as sorted ``[start, end]`` document offsets, or ``None``;
        see :func:`labelwidgets.schema.spans.answer_evidence`."""
        where = f"question {self.name!r}"
        return _spans.answer_evidence(where, self.evidence, evidence, answer is UNKNOWN)

    def validate(self, answer: Any) -> list[str]:
        """Human-readable problems with ``answer`` (kind and validators); empty when it is fine."""
        try:
            value = self.coerce(answer)
        except (TypeError, ValueError) as exc:
            return [str(exc)]
        if value is UNKNOWN:
            return []
        return _validators.run(self.validators, value)

    def condition_met(self, answers: Mapping[str, Any]) -> bool:
        """Whether this question is asked, given the other answers for the same chunk.

        A ``spans`` gate matches when one of its spans has the expected label; an UNKNOWN (or
        missing) answer matches when UNKNOWN is among the accepted values.
        """
        if self.when is None:
            return True
        gate, expected = self.when
        if gate not in answers:
            return False
        given = answers[gate]
        accepted = expected if isinstance(expected, tuple) else (expected,)
        if given is UNKNOWN or is_missing(given):
            return any(value is UNKNOWN for value in accepted)
        if isinstance(given, list) and given and isinstance(given[0], Mapping):
            given = [span.get("label") for span in given]
        if isinstance(given, (list, tuple, set)):
            return any(a in given for a in accepted)
        return given in accepted

    # -- serialization ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description; :meth:`from_dict` is its inverse."""
        # UNKNOWN as {"unknown": true}
        when = None if self.when is None else [self.when[0], accepted_to_json(self.when[1])]
        return {
            "name": self.name,
            "kind": self.kind,
            "prompt": self.prompt,
            "instructions": self.instructions,
            "choices": list(self.choices),
            "allow_unknown": self.allow_unknown,
            "validators": [v.to_dict() for v in self.validators],
            "when": when,
            "scale": list(self.scale),
            # only when they say something: the JSON (and content hash) of tasks written
            # before spans and evidence existed stays the same
            **({"labels": list(self.labels)} if self.labels else {}),
            **({"evidence": self.evidence} if self.evidence != (self.kind == "text") else {}),
            **({"match": self.match} if self.match != "normalized" else {}),
            **({"locale": self.locale} if self.locale is not None else {}),
            **({"pii": True} if self.pii else {}),
            **({"keep": self.keep_name} if self.keep_name is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        """Rebuild a question from :meth:`to_dict` output."""
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"question: unknown field(s) {sorted(unknown)}")
        fields = dict(data)
        fields["validators"] = tuple(_validators.from_dict(v) for v in data.get("validators", ()))
        fields["choices"] = tuple(data.get("choices", ()))
        if data.get("when") is not None:
            fields["when"] = (data["when"][0], accepted_from_json(data["when"][1]))
        if "scale" in data:
            fields["scale"] = tuple(data["scale"])
        if "labels" in data:
            fields["labels"] = tuple(data["labels"])
        with _matching.loading():  # a stored rule name is checked when used, never imported
            return cls(**fields)


@dataclass(frozen=True)
class Task:
    """A named set of questions asked about every chunk.

    Parameters
    ----------
    name
        Identifier of the task in the store.
    questions
        The questions, in the order labelers see them. A question with ``when=`` must come
        after the question it depends on.
    guidelines
        General instructions shown to labelers above the questions.
    labelers_per_chunk
        How many labelers answer each chunk (overlap for agreement measures).
    highlight
        Keywords highlighted in the chunk text for labelers.
    """

    name: str
    questions: tuple[Question, ...]
    guidelines: str = ""
    labelers_per_chunk: int = 1
    highlight: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"task name {self.name!r} is invalid: use letters, digits, '_' or '-'")
        if isinstance(self.questions, (str, Mapping)) or not isinstance(self.questions, Iterable):
            raise TypeError(
                f"task {self.name!r}: questions must be a list of lw.Question, "
                f"got {self.questions!r:.60}"
            )
        questions = tuple(self.questions)
        if not questions:
            raise ValueError(f"task {self.name!r} needs at least one question")
        for q in questions:
            if not isinstance(q, Question):
                raise TypeError(f"task {self.name!r}: {q!r} is not a Question")
        seen: dict[str, Question] = {}
        for q in questions:
            if q.name in seen:
                raise ValueError(f"task {self.name!r}: duplicate question name {q.name!r}")
            if q.when is not None:
                gate = q.when[0]
                if gate not in seen:
                    where = (
                        "later in the task" if any(o.name == gate for o in questions) else "missing"
                    )
                    raise ValueError(
                        f"task {self.name!r}: question {q.name!r} depends on {gate!r}, which is "
                        f"{where}; a question may only depend on an earlier one"
                    )
            seen[q.name] = q
        object.__setattr__(self, "questions", questions)
        if isinstance(self.highlight, str):
            raise TypeError(f"task {self.name!r}: highlight must be a list of keywords")
        object.__setattr__(self, "highlight", tuple(str(k) for k in self.highlight))
        k = self.labelers_per_chunk
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ValueError(f"task {self.name!r}: labelers_per_chunk must be >= 1, got {k!r}")

    def question(self, name: str) -> Question:
        """The question called ``name`` (``KeyError`` naming the known ones otherwise)."""
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(
            f"task {self.name!r} has no question {name!r}; "
            f"questions: {[q.name for q in self.questions]}"
        )

    @property
    def question_names(self) -> list[str]:
        return [q.name for q in self.questions]

    def applicable(self, answers: Mapping[str, Any]) -> list[Question]:
        """Questions asked for a chunk given the answers so far (``when=`` conditions). Only
        the answers of asked questions count: a gate that is no longer asked asks nothing."""
        seen: dict[str, Any] = {}
        for q in self.questions:  # gates come before the questions they gate
            if q.name in answers and q.condition_met(seen):
                seen[q.name] = answers[q.name]
        return [q for q in self.questions if q.condition_met(seen)]

    # -- serialization ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "guidelines": self.guidelines,
            "labelers_per_chunk": self.labelers_per_chunk,
            "highlight": list(self.highlight),
            "questions": [q.to_dict() for q in self.questions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        unknown = set(data) - {"name", "guidelines", "labelers_per_chunk", "highlight", "questions"}
        if unknown:
            raise ValueError(f"task: unknown field(s) {sorted(unknown)}")
        return cls(
            name=data["name"],
            questions=tuple(Question.from_dict(q) for q in data["questions"]),
            guidelines=data.get("guidelines", ""),
            labelers_per_chunk=data.get("labelers_per_chunk", 1),
            highlight=tuple(data.get("highlight", ())),
        )

    def to_json(self, **kwargs: Any) -> str:
        """The task as JSON (:meth:`from_json` restores it exactly)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, **kwargs)

    @classmethod
    def from_json(cls, text: str) -> Task:
        return cls.from_dict(json.loads(text))

    @functools.cached_property  # a frozen task: computed once (the store compares it per call)
    def content_hash(self) -> str:
        """A hash of the definition: changes whenever anything about the task changes."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]
