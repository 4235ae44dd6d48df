"""Telling good labels from bad ones: agreement, labeler and model scores, trials on gold,
flags for wrong-type and misread answers, overlapping questions, and the review queue.

Every function takes a store and a task and returns DataFrames; :func:`report` gathers them.
The statistics themselves (Cohen's and Fleiss' kappa, Krippendorff's alpha, pairwise F1) live in
``reliability`` (``lw.agreement``); the reviewer's queue and items in ``review`` (``lw.review``).
"""

from __future__ import annotations

from labelwidgets.quality import reliability, review
from labelwidgets.quality.scores import (
    QualityReport,
    agreement,
    flags,
    labeler_agreement_matrix,
    labelers,
    models,
    question_overlap,
    questions,
    report,
    trial_report,
)

__all__ = [
    "QualityReport",
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
    "trial_report",
]
