"""Flags: (labeler, question) pairs that look wrong, each saying why, with example items.

The algorithm, per labeler × question (every rate is over the answers it can apply to):

1. **wrong_type** — answers failing the question's validators, over the answers that are not
   UNKNOWN (a country where a city is asked). Rate >= ``wrong_type_rate``, at least 2.
2. **constant_answer** — the same answer (under the question's ``match=`` rule) on at least
   ``constant_share`` of the labeler's answers that are not UNKNOWN, on ``min_items`` or more
   items from ``min_documents`` or more documents whose references differ (at least two
   different reference answers): the labeler does not read the text. It explains the
   labeler's other mistakes on that question, so it is the only misread flag raised there.
3. **likely_misread** — the labeler's answers against their references (valid gold, else the
   consensus of the *other* labelers; :mod:`~labelwidgets.quality.consensus`) on items where
   both are answers (not UNKNOWN). An answer that contains its reference (the more precise
   "the laws of the State of New York" for "New York") is not a mistake. Signals, strongest
   first:

   - ``other_question``: answers that match another question's reference on the same chunk
     or elsewhere in the same document (governing law answered with a party's state, address
     line 2 with line 1), over the answered items of documents where that question has a
     reference answer;
   - a consistent transformation (:mod:`~labelwidgets.quality.misread`): swapped day and month,
     a constant shift or ratio, a reversed scale, one choice for another, partial answers;
   - ``disagrees``: the share of answered items that do not match the reference, leaving
     out answers that fail a validator (that is the ``wrong_type`` flag) and ratings (a
     rating one step off is a judgement; only a reversed scale is a misread there).

   A pattern flags at ``pattern_rate`` with at least ``min_hits`` answers; plain disagreement
   at ``misread_rate`` over at least ``min_items`` answered items.
4. **abstention** — ``misses_answers``: UNKNOWN where the reference is an answer;
   ``answers_unanswerable``: an answer where the reference is UNKNOWN. Rate >=
   ``abstention_rate`` with at least ``min_hits``.
5. **unsupported** — answers not found in the chunk text (:func:`labelwidgets.quality.support`),
   over the answers the check applies to. Rate >= ``unsupported_rate``, at least ``min_hits``.
6. **form** — right answers written in another form than the reference where the question
   says how to write them (:mod:`~labelwidgets.quality.form`). Rate >= ``form_rate``, at least
   ``min_hits``; not raised where a misread or constant-answer flag is.
7. **gold_fails_validator** — a gold answer failing its question's validators (the labeler
   column names who marked it); it is not used as a reference.

A labeler may carry several flags (one per issue and question).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from labelwidgets.quality.data import QualityData, load
from labelwidgets.quality.form import flagged_pairs, form_flags
from labelwidgets.quality.grouping import stable_order
from labelwidgets.quality.misread import (
    column,
    known_references,
    more_precise,
    other_question,
    pairs_of,
    patterns,
    show,
)
from labelwidgets.store.columnar import frame as as_frame

if TYPE_CHECKING:
    from labelwidgets.schema import Task
    from labelwidgets.store import LabelStore

__all__ = ["FLAG_COLUMNS", "Thresholds", "flags"]

FLAG_COLUMNS = ["labeler", "question", "issue", "signal", "rate", "answers", "out_of", "detail"]
FLAG_COLUMNS += ["examples"]
# what the rules read of each answer
# (chunk_id, answer and problem, read for examples only, are looked up by row: misread.column)
_COLUMNS = ["doc", "key", "key0", "unknown", "fails", "gold_key", "consensus_key"]


@dataclass(frozen=True)
class Thresholds:
    """The flag rules' parameters (documented defaults; see the module docs for each rule)."""

    min_items: int = 5
    min_hits: int = 3
    wrong_type_rate: float = 0.3
    misread_rate: float = 0.5
    pattern_rate: float = 0.5
    constant_share: float = 0.8
    min_documents: int = 3
    abstention_rate: float = 0.5
    unsupported_rate: float = 0.5
    form_rate: float = 0.6


def _flag(
    labeler: str,
    question: str,
    issue: str,
    signal: str,
    hits: int,
    out_of: int,
    detail: str,
    examples: list[str],
) -> dict[str, Any]:
    return {
        "labeler": labeler,
        "question": question,
        "issue": issue,
        "signal": signal,
        "rate": hits / out_of if out_of else np.nan,
        "answers": int(hits),
        "out_of": int(out_of),
        "detail": detail,
        "examples": list(dict.fromkeys(examples))[:5],
    }


def _wrong_type(
    data: QualityData, rows: pd.DataFrame, who: str, qname: str, rules: Thresholds
) -> list[dict[str, Any]]:
    # counted on arrays first: most (labeler, question) pairs are not flagged
    said = ~rows["unknown"].to_numpy()
    fails = said & rows["fails"].to_numpy()
    if fails.sum() < 2 or fails.sum() < rules.wrong_type_rate * said.sum():
        return []
    answered = rows[said]
    failing = answered[answered["fails"].to_numpy()]
    detail = pd.Series(column(data, failing, "problem")).value_counts().index[0]
    return [
        _flag(
            who,
            qname,
            "wrong_type",
            "validator",
            len(failing),
            len(answered),
            detail,
            list(column(data, failing, "chunk_id")),
        )
    ]


def _documents(rows: pd.DataFrame) -> int:
    """How many documents ``rows`` come from (their ``doc`` codes: -1 for a chunk no longer
    stored, not counted, as ``doc_id`` None is not)."""
    docs = rows["doc"].to_numpy()
    return len(np.unique(docs[docs >= 0]))


def _constant(
    data: QualityData, rows: pd.DataFrame, ref: np.ndarray, who: str, qname: str, rules: Thresholds
) -> list[dict[str, Any]]:
    said = ~rows["unknown"].to_numpy()
    keys = rows["key"].to_numpy()[said]
    if len(keys) < rules.min_items:
        return []
    top = pd.Series(keys).value_counts()
    key, count = int(top.index[0]), int(top.iloc[0])
    if count < rules.constant_share * len(keys):  # most pairs stop here, before any copy
        return []
    answered = rows[said]
    same = answered[answered["key"] == key]
    refs = ref[~rows["unknown"].to_numpy()][answered["key"].to_numpy() == key]
    varied = len(set(refs[refs >= 0].tolist()))
    if (
        count < rules.constant_share * len(answered)
        or _documents(same) < rules.min_documents
        or varied < 2
    ):
        return []
    detail = (
        f"answers {pd.Series(column(data, same, 'answer')).map(show).value_counts().index[0]} on {count} of "
        f"{len(answered)} answered items "
        f"across {_documents(same)} documents whose references differ ({varied} different answers)"
    )
    return [
        _flag(
            who,
            qname,
            "constant_answer",
            "same_answer",
            count,
            len(answered),
            detail,
            list(column(data, same, "chunk_id")),
        )
    ]


def _misread(
    data: QualityData,
    known: dict[str, tuple[np.ndarray, np.ndarray]],
    rows: pd.DataFrame,
    ref: np.ndarray,
    who: str,
    qname: str,
    rules: Thresholds,
) -> list[dict[str, Any]]:
    question = data.task.question(qname)
    answered = (ref >= 0) & ~rows["unknown"].to_numpy() & ~data.is_unknown(ref)
    right = data.correct(rows, ref)
    wrong = answered & ~right
    if question.kind == "text":  # a more precise answer is not a mistake
        wrong &= ~more_precise(data, rows["key"].to_numpy(), ref, wrong)
    found = other_question(data, known, rows, ref, answered, wrong, qname)
    found += patterns(question, pairs_of(data, rows[answered], ref[answered], ~wrong[answered]))
    wrong &= ~rows["fails"].to_numpy()  # failing a validator is the wrong_type flag
    found = [f for f in found if f.hits >= rules.min_hits and f.rate >= rules.pattern_rate]
    if found:
        best = max(found, key=lambda f: f.hits)
        detail = f"{best.detail} on {best.hits} of {best.applicable} answers it applies to"
        return [
            _flag(
                who,
                qname,
                "likely_misread",
                best.signal,
                best.hits,
                best.applicable,
                detail,
                best.chunks,
            )
        ]
    total, misses = int(answered.sum()), int(wrong.sum())
    if question.kind == "rating" or total < rules.min_items or misses < rules.misread_rate * total:
        return []
    example = int(np.flatnonzero(wrong)[0])
    detail = (
        f"disagrees with the reference on {misses} of {total} answered items (e.g. "
        f"{show(column(data, rows.iloc[[example]], 'answer')[0])} where the reference is {show(data.representative[ref[example]])})"
    )
    return [
        _flag(
            who,
            qname,
            "likely_misread",
            "disagrees",
            misses,
            total,
            detail,
            list(column(data, rows, "chunk_id")[wrong][:5]),
        )
    ]


def _abstention(
    data: QualityData, rows: pd.DataFrame, ref: np.ndarray, who: str, qname: str, rules: Thresholds
) -> list[dict[str, Any]]:
    has = ref >= 0
    ref_unknown = has & data.is_unknown(ref)
    said = rows["unknown"].to_numpy()
    found = []
    for signal, applies, hit, detail in (
        (
            "misses_answers",
            has & ~ref_unknown,
            said,
            "says 'not in the text' where the reference is an answer",
        ),
        (
            "answers_unanswerable",
            ref_unknown,
            ~said,
            "answers where the reference says 'not in the text'",
        ),
    ):
        hits, out_of = int((applies & hit).sum()), int(applies.sum())
        if hits >= rules.min_hits and hits >= rules.abstention_rate * out_of:
            chunks = list(column(data, rows, "chunk_id")[applies & hit])
            found.append(
                _flag(
                    who,
                    qname,
                    "abstention",
                    signal,
                    hits,
                    out_of,
                    f"{detail} on {hits} of {out_of} such items",
                    chunks,
                )
            )
    return found


def _unsupported(data: QualityData, support: Any, rules: Thresholds) -> list[dict[str, Any]]:
    """Answers not found in the chunk text that their reference does not confirm either (when
    the gold or the others give the same answer, the chunk may just not hold it)."""
    a = data.answers
    ref = data.reference(a, "auto")
    confirmed = a.loc[data.correct(a, ref), ["chunk_id", "question", "labeler"]]
    rows = support.answers
    rows = rows[(rows["source"] == "labeler") & rows["supported"].notna()]
    rows = rows.merge(
        confirmed.assign(confirmed=True).rename(columns={"labeler": "who"}),
        on=["chunk_id", "question", "who"],
        how="left",
    )
    rows["confirmed"] = rows["confirmed"].eq(True)
    found = []
    for (who, qname), mine in rows.groupby(["who", "question"], sort=True):
        missing = mine[mine["supported"].eq(False) & ~mine["confirmed"]]
        if len(missing) >= rules.min_hits and len(missing) >= rules.unsupported_rate * len(mine):
            detail = (
                f"{len(missing)} of {len(mine)} answers are not found in the chunk text and not "
                f"confirmed by the reference (e.g. {show(missing['answer'].iloc[0])})"
            )
            chunks = list(missing["chunk_id"])
            found.append(
                _flag(
                    who,
                    qname,
                    "unsupported",
                    "not_in_text",
                    len(missing),
                    len(mine),
                    detail,
                    chunks,
                )
            )
    return found


def _gold(data: QualityData) -> list[dict[str, Any]]:
    failing = data.gold[data.gold["problem"].notna()]
    found = []
    for (by, qname), rows in failing.groupby(["by", "question"], sort=True):
        total = int(((data.gold["by"] == by) & (data.gold["question"] == qname)).sum())
        detail = f"gold answers fail the validators: {rows['problem'].iloc[0]}; they are not used as a reference"
        found.append(
            _flag(
                str(by),
                qname,
                "gold_fails_validator",
                "validator",
                len(rows),
                total,
                detail,
                list(rows["chunk_id"]),
            )
        )
    return found


def flags(
    store: LabelStore,
    task: Task | str,
    *,
    thresholds: Thresholds | None = None,
    support: Any = None,
    data: QualityData | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """(labeler, question) pairs that look wrong, by the algorithm in the module docs.

    Parameters
    ----------
    thresholds : Thresholds, optional
        The rules' parameters; single ones may also be given as keywords
        (``flags(store, task, min_items=3)``).
    support : SupportReport, optional
        :func:`labelwidgets.quality.support`'s result, for the ``unsupported`` flag.

    Returns
    -------
    DataFrame
        labeler, question, issue (wrong_type, constant_answer, likely_misread, abstention,
        unsupported, form, gold_fails_validator), signal (which rule or pattern), rate = answers /
        out_of (the answers the rule applies to), detail (why, with an example), examples
        (up to five chunk ids).
    """
    unknown = set(overrides) - set(asdict(Thresholds()))
    if unknown:
        raise TypeError(f"flags() got unknown threshold(s) {sorted(unknown)}")
    rules = Thresholds(**{**asdict(thresholds or Thresholds()), **overrides})
    data = load(store, task) if data is None else data
    found = _gold(data)
    known = known_references(data)
    groups = data.answer_groups(("labeler", "question"))
    order = stable_order(groups.codes, groups.size)
    bounds = np.searchsorted(groups.codes[order], np.arange(groups.size + 1))
    # one take per column (no block consolidation); each group is then a slice of it
    a = as_frame(
        {"row": order, **{c: data.answers[c].to_numpy()[order] for c in _COLUMNS}}, len(order)
    )
    for number, (who, qname) in enumerate(groups.index):
        rows = a.iloc[bounds[number] : bounds[number + 1]]
        ref = data.reference(rows, "auto")
        found += _wrong_type(data, rows, who, qname, rules)
        constant = _constant(data, rows, ref, who, qname, rules)
        found += constant or _misread(data, known, rows, ref, who, qname, rules) + _abstention(
            data, rows, ref, who, qname, rules
        )
    if support is not None:
        found += _unsupported(data, support, rules)
    found += form_flags(
        data, rules, flagged_pairs(pd.DataFrame(found, columns=FLAG_COLUMNS)), _flag
    )
    frame = pd.DataFrame(found, columns=FLAG_COLUMNS)
    return frame.sort_values(["labeler", "question", "issue"], kind="stable", ignore_index=True)
