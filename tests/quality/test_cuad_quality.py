"""The quality figures on real contracts (CUAD), against expectations computed independently in
:mod:`tests.quality.cuad_eval`: who ranks first with and without gold, who gets which flag, the
model's accuracy on the clauses it answered, and a trial that fails on governing law."""

from __future__ import annotations

import datetime as dt

import pytest

import labelwidgets as lw
from tests.quality import cuad_eval as cuad

pytestmark = pytest.mark.filterwarnings("ignore::labelwidgets._warnings.LabelwidgetsWarning")


@pytest.fixture(scope="module")
def data(tmp_path_factory, corpus_dir) -> cuad.EvalSet:
    return cuad.build(tmp_path_factory.mktemp("cuad") / "labels.db", corpus_dir)


@pytest.fixture(scope="module")
def report(data: cuad.EvalSet) -> lw.quality.QualityReport:
    return lw.quality.report(data.store, cuad.TASK)


def _items(data: cuad.EvalSet, question: str, answered: bool) -> list[str]:
    return [
        c for (c, q), g in data.gold.items() if q == question and (g is not lw.UNKNOWN) == answered
    ]


def test_the_set_is_real_and_mostly_not_in_the_text(data: cuad.EvalSet) -> None:
    clauses = _items(data, "governing_law", answered=True)
    assert len(data.contracts) == 44 and len(clauses) == 36  # one clause chunk per contract
    # most kept chunks mention law without saying which law governs: UNKNOWN dominates
    assert len(_items(data, "governing_law", answered=False)) > len(clauses)
    texts = dict(zip(data.chunks["chunk_id"], data.chunks["text"], strict=True))
    laws = {(c, q): g for (c, q), g in data.gold.items() if q == "governing_law"}
    assert all(laws[(c, "governing_law")].casefold() in texts[c].casefold() for c in clauses)


@pytest.mark.parametrize("reference", ["gold", "consensus"])
def test_the_careful_labeler_ranks_first_with_and_without_gold(
    data: cuad.EvalSet, reference: str
) -> None:
    scores = lw.quality.labelers(data.store, cuad.TASK, reference=reference).set_index("labeler")
    for name in cuad.LABELERS:
        assert scores.loc[name, "overall"] == pytest.approx(cuad.overall(data, name, reference))
    assert scores.loc["careful", "rank"] == 1 and scores.loc["careful", "overall"] == 1.0
    # terse writes "New York" where careful writes "the laws of the State of New York": the
    # same answer under match="entity", so the two share first place
    assert scores.loc["terse", "overall"] == 1.0
    for name in ("misreader", "swapper", "constant"):
        assert scores.loc[name, "overall"] < 1.0 and scores.loc[name, "rank"] > 1


def test_without_the_entity_rule_the_careful_labeler_would_score_zero(data) -> None:
    normalized = lw.Question("law").matcher
    entity = cuad.TASK.question("governing_law").matcher
    laws = [c.law for c in data.contracts if c.law]
    assert not any(normalized.agree(cuad.lawyer_form(law), law) for law in laws)
    assert all(entity.agree(cuad.lawyer_form(law), law) for law in laws)


def test_each_scripted_mistake_gets_its_flag_and_the_careful_none(data, report) -> None:
    flags = report.flags
    core = flags[flags["issue"] != "unsupported"]
    assert set(zip(core["labeler"], core["question"], core["issue"], strict=True)) == {
        ("misreader", "governing_law", "likely_misread"),
        ("swapper", "agreement_date", "likely_misread"),
        ("constant", "governing_law", "constant_answer"),
        # right in content, but bare names where the question asks for a lawyer's wording
        ("terse", "governing_law", "form"),
    }
    assert not flags["labeler"].eq("careful").any()
    assert set(flags.loc[flags["labeler"] == "terse", "issue"]) == {"form"}
    # answers not found in the chunk text, if checked, only for those who invent them
    assert set(flags.loc[flags["issue"] == "unsupported", "labeler"]) <= {"misreader", "constant"}
    by = core.set_index("labeler")
    clauses = _items(data, "governing_law", answered=True)
    misread = by.loc["misreader"]
    assert (misread["signal"], misread["answers"], misread["out_of"]) == (
        "disagrees",
        len(clauses),
        len(clauses),
    )
    assert set(misread["examples"]) <= set(clauses) and misread["detail"].startswith(
        f"disagrees with the reference on {len(clauses)} of {len(clauses)}"
    )
    dates = [
        dt.date.fromisoformat(data.gold[(c, "agreement_date")])
        for c in _items(data, "agreement_date", True)
    ]
    swappable = sum(d.day <= 12 and d.day != d.month for d in dates)
    swapped = by.loc["swapper"]
    assert (swapped["signal"], swapped["answers"], swapped["out_of"]) == (
        "day_month_swapped",
        swappable,
        swappable,
    )
    # careful, swapper and constant write "the laws of ..." on every clause, misreader a bare
    # name: the others' majority form is the lawyer's on each clause terse answers
    terse = by.loc["terse"]
    assert (terse["signal"], terse["answers"], terse["out_of"]) == (
        "written_differently",
        len(clauses),
        len(clauses),
    )
    constant = by.loc["constant"]
    assert (constant["answers"], constant["out_of"]) == (len(data.chunks), len(data.chunks))
    assert constant["detail"].startswith(f"answers '{cuad.CONSTANT}' on")


def test_model_accuracy_on_answered_is_the_share_of_clauses_it_named_right(data, report) -> None:
    clauses = _items(data, "governing_law", answered=True)
    named = [c for c in clauses if data.model[c] is not lw.UNKNOWN]
    right = [
        c for c in named if data.model[c].casefold() == data.gold[(c, "governing_law")].casefold()
    ]
    others = _items(data, "governing_law", answered=False)
    row = report.models.set_index(["model", "question"]).loc[("regex", "governing_law")]
    assert row["accuracy_on_answered"] == pytest.approx(len(right) / len(named))
    assert row["coverage"] == pytest.approx(len(named) / len(clauses))
    said_unknown = sum(data.model[c] is lw.UNKNOWN for c in others)
    assert row["unknown_recall"] == pytest.approx(said_unknown / len(others))
    # the figure the issue found misleading, pooled over UNKNOWN items, is reported nowhere
    assert "accuracy" not in report.models.columns


def test_the_misreaders_trial_fails_on_governing_law(data: cuad.EvalSet) -> None:
    trial = lw.quality.trial_report(data.store, cuad.TASK, ["careful", "misreader"], min_items=5)
    trial = trial.set_index("labeler")
    assert trial.loc["careful", "passed"] and trial.loc["careful", "failed_on"] == ""
    assert not trial.loc["misreader", "passed"]
    assert not trial.loc["misreader", "passed_governing_law"]
    assert trial.loc["misreader", "passed_agreement_date"]
    assert trial.loc["misreader", "failed_on"] == "governing_law: accuracy 0.00 < 0.80"
    assert trial.loc["misreader", "accuracy_governing_law"] == 0.0
    assert trial.loc["misreader", "coverage_governing_law"] == 1.0
