"""What is asked and what counts as an answer: the bottom layer, with no dependency on the rest.

- :class:`Task` and :class:`Question` (``task``): the questions, with a model prompt and plain
  labeler instructions, typed answers and ``when=`` chains;
- :data:`UNKNOWN` (``answers``): the first-class "not in the text" answer;
- ``validators`` and ``entities``: typed checks on answers (a city, a date, one of ...);
- ``compare``: when two answers are the same answer, token F1 and word diffs;
- ``matching``: a question's ``match=`` rule (exact, normalized, token F1, contains, number,
  date, entity, or one registered with :func:`register_match`); ``abstention``: the
  abstention-aware scores (coverage, accuracy on answered, UNKNOWN precision/recall, overall);
- ``spans``: labeled spans (``kind="spans"`` answers), evidence spans and span F1;
- ``grounding``: whether an answer is written in the text (:func:`locate`, :func:`is_supported`);
- ``submission``: the one rule that decides what a submission means (which questions apply,
  what is missing, coerced values, problems), used by the store, its replay and the widgets.
"""

from __future__ import annotations

from labelwidgets.schema import (
    abstention,
    compare,
    entities,
    grounding,
    matching,
    spans,
    validators,
)
from labelwidgets.schema.answers import UNKNOWN, answer_from_json, answer_to_json, is_missing
from labelwidgets.schema.grounding import is_supported, locate
from labelwidgets.schema.matching import register_match
from labelwidgets.schema.submission import AnswerRejected, Submission, check_submission
from labelwidgets.schema.task import KINDS, Question, Task

__all__ = [
    "KINDS",
    "UNKNOWN",
    "AnswerRejected",
    "Question",
    "Submission",
    "Task",
    "abstention",
    "answer_from_json",
    "answer_to_json",
    "check_submission",
    "compare",
    "entities",
    "grounding",
    "is_missing",
    "is_supported",
    "locate",
    "matching",
    "register_match",
    "spans",
    "validators",
]
