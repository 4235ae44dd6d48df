"""Telling good labels from bad ones: agreement, labeler and model scores, trials on gold,
flags for wrong-type and misread answers, overlapping questions, and the review queue.

Scores are abstention-aware (coverage, accuracy on answered items, "not in the text" precision
and recall, and ``overall``; :mod:`labelwidgets.schema.abstention`), answers compare under each
question's ``match=`` rule, and the misread detector is documented in ``flagging``.

Every function takes a store and a task and returns DataFrames; :func:`report` gathers them.
:func:`support` says whether each labeler and model answer is written in its chunk.
The statistics themselves (Cohen's and Fleiss' kappa, Krippendorff's alpha, pairwise F1) live in
``reliability`` (``lw.agreement``); the reviewer's queue and items in ``review`` (``lw.review``);
span-level F1 of ``spans`` questions in ``spans`` (``lw.quality.spans.span_agreement``).
"""

from __future__ import annotations

from labelwidgets.quality import reliability, review, spans
from labelwidgets.quality.diagnostics import question_overlap, questions
from labelwidgets.quality.flagging import Thresholds, flags
from labelwidgets.quality.reporting import QualityReport, report
from labelwidgets.quality.scores import (
    agreement,
    labeler_agreement_matrix,
    labelers,
    models,
    trial_report,
)
from labelwidgets.quality.support import SupportReport, support

__all__ = [
    "QualityReport",
    "SupportReport",
    "Thresholds",
    "agreement",
    "flags",
    "labeler_agreement_matrix",
    "labelers",
    "models",
    "question_overlap",
    "questions",
    "reliability",
    "report",
    "review",
    "spans",
    "support",
    "trial_report",
]
