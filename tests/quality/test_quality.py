"""Quality report on a seeded scenario: three labelers on the sample contracts — one careful, one
who writes countries where cities are asked, one who misreads a question — plus random slips
that must not be flagged, and a model."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

import labelwidgets as lw
from labelwidgets.schema.compare import answers_equal
from labelwidgets.store import LabelStore

ROOT = Path(__file__).resolve().parents[2]
CITY = [lw.validators.entity("city")]
TASK = lw.Task(
    "parties",
    [
        lw.Question("party_a_city", instructions="City of the first party", validators=CITY),
        lw.Question("party_b_city", instructions="City of the second party", validators=CITY),
        lw.Question(
            "agreement_type", kind="choice", choices=["supply", "license", "services", "other"]
        ),
        lw.Question("renewal_months", kind="number"),
        lw.Question("governing_law"),
        lw.Question("effective_date", kind="date"),
        lw.Question("clarity", kind="rating"),  # no gold: only agreement
    ],
)
GOLD = [
    "party_a_city",
    "party_b_city",
    "agreement_type",
    "renewal_months",
    "governing_law",
    "effective_date",
]
N = 16


def slip(rng: random.Random, question: str, value: object) -> object:
    """A random mistake (about one answer in ten): not consistent, so not a misread."""
    if rng.random() > 0.1:
        return value
    if question == "agreement_type":
        return rng.choice([c for c in ("supply", "license", "services", "other") if c != value])
    if question == "renewal_months":
        return rng.choice([m for m in (6, 12, 18, 24, 36) if m != value])
    return value


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    store = LabelStore(tmp_path_factory.mktemp("q") / "labels.db")
    truth = lw.samples.make_contract_texts(N, seed=5)
    lw.ingest(
        truth[["name", "text"]],
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=600, overlap=0),
        keep=lw.filters.keywords(["by and between"]),
        progress=False,
    )
    store.add_task(TASK)
    docs = store.documents().set_index("name")["doc_id"]
    chunk_of = {
        row.name: store.chunks(doc_id=docs[row.name])["chunk_id"].iloc[0]
        for row in truth.itertuples()
    }
    rng = random.Random(0)
    given: dict[str, list[tuple[str, str, object]]] = {"ana": [], "geo": [], "mo": []}
    gold, suggestions = [], []
    for i, row in enumerate(truth.itertuples()):
        c = chunk_of[row.name]
        right = {q: getattr(row, q) for q in GOLD}
        gold += [{"chunk_id": c, "question": q, "answer": v} for q, v in right.items()]
        # ana is careful (writes the law her own way, which normalizes to the same)
        law = (
            row.governing_law
            if row.governing_law is lw.UNKNOWN
            else row.governing_law.replace("the laws", "The Laws")
        )
        ana = {**right, "governing_law": law, "clarity": rng.choice([4, 5])}
        # geo writes the country where the city is asked, overriding the validator
        geo = {
            **{q: slip(rng, q, v) for q, v in right.items()},
            "party_a_city": row.party_a_country,
            "party_b_city": row.party_b_country,
            "clarity": 4,
        }
        # mo misreads party_a_city and gives the second party's city
        mo = {
            **{q: slip(rng, q, v) for q, v in right.items()},
            "party_a_city": row.party_b_city,
            "clarity": 5,
        }
        for name, answers in (("ana", ana), ("geo", geo), ("mo", mo)):
            store.record_answers(
                TASK, c, answers, labeler=name, time_spent=10.0, force=name == "geo"
            )
            given[name] += [(c, q, v) for q, v in answers.items()]
        # the model answers everything right but the second party's city, half the time a country
        model = {**right, "party_b_city": row.party_b_country if i % 2 else row.party_b_city}
        suggestions += [
            {
                "task": TASK.name,
                "chunk_id": c,
                "question": q,
                "answer": v,
                "model": "m1",
                "raw": str(v),
            }
            for q, v in model.items()
        ]
    store.add_gold(TASK, gold)
    store.add_suggestions(suggestions)
    gold_of = {(g["chunk_id"], g["question"]): g["answer"] for g in gold}
    return store, truth, given, gold_of, lw.quality.report(store, TASK)


def test_the_report_flags_exactly_the_careless_and_the_confused(scenario) -> None:
    _, truth, _, _, report = scenario
    flagged = set(report.flags[["labeler", "question", "issue"]].itertuples(index=False, name=None))
    assert flagged == {
        ("geo", "party_a_city", "wrong_type"),
        ("geo", "party_b_city", "wrong_type"),
        ("mo", "party_a_city", "likely_misread"),
    }
    detail = report.flags.set_index(["labeler", "question"])["detail"]
    assert detail[("geo", "party_a_city")].endswith("is a country, not a city")
    assert detail[("mo", "party_a_city")].startswith(
        "answers look like the answers to 'party_b_city' (e.g. "
    )
    assert detail[("mo", "party_a_city")].endswith(f"on {N} of {N} answers it applies to")
    signal = report.flags.set_index(["labeler", "question"])["signal"]
    assert signal[("mo", "party_a_city")] == "other_question"
    # the flags name example items: the misread ones are mo's answers on those chunks
    examples = report.flags.set_index(["labeler", "question"])["examples"]
    assert 0 < len(examples[("mo", "party_a_city")]) <= 5
    questions = report.questions.set_index("question")
    assert (
        questions.loc["party_a_city", "likely_misread"]
        and questions.loc["party_a_city", "misread_by"] == "mo"
    )
    assert questions["likely_misread"].sum() == 1
    # Singapore is a country and a city, so writing it is not a type error
    countries = (truth["party_a_country"] != "Singapore").sum()
    assert questions.loc["party_a_city", "wrong_type_labeler"] == countries
    assert questions.loc["party_b_city", "wrong_type_model"] == sum(
        truth["party_b_country"].iloc[i] != "Singapore" for i in range(1, N, 2)
    )


def _abstention(pairs: list[tuple[object, object, bool]]) -> dict[str, float]:
    """The abstention-aware figures computed by hand from (answer, reference, right)."""
    answerable = [(a, ok) for a, g, ok in pairs if g is not lw.UNKNOWN]
    answered = [ok for a, ok in answerable if a is not lw.UNKNOWN]
    unanswerable = [a for a, g, _ in pairs if g is lw.UNKNOWN]
    said = [g for a, g, _ in pairs if a is lw.UNKNOWN]
    recall = sum(a is lw.UNKNOWN for a in unanswerable) / len(unanswerable)
    return {
        "coverage": len(answered) / len(answerable),
        "accuracy_on_answered": sum(answered) / len(answered),
        "unknown_precision": sum(g is lw.UNKNOWN for g in said) / len(said) if said else math.nan,
        "unknown_recall": recall,
        "overall": (sum(answered) / len(answerable) + recall) / 2,
    }


def test_labeler_scores(scenario) -> None:
    store, truth, given, gold_of, report = scenario
    on_gold = lw.quality.labelers(store, TASK, reference="gold").set_index("labeler")
    for name, answers in given.items():
        judged = [
            (v, gold_of[(c, q)], answers_equal(v, gold_of[(c, q)], TASK.question(q).kind))
            for c, q, v in answers
            if (c, q) in gold_of
        ]
        for figure, expected in _abstention(judged).items():
            assert on_gold.loc[name, figure] == pytest.approx(expected, nan_ok=True), figure
        assert on_gold.loc[name, "gold_items"] == len(judged) == N * len(GOLD)
    assert on_gold.loc["ana", "overall"] == 1.0 and on_gold.loc["ana", "rank"] == 1
    assert report.labelers.sort_values("rank")["labeler"].iloc[0] == "ana"
    countries = (truth[["party_a_country", "party_b_country"]] != "Singapore").to_numpy().sum()
    labelers = report.labelers.set_index("labeler")
    assert labelers.loc["geo", "overrides"] == countries
    unknown = (truth["governing_law"].map(lambda v: v is lw.UNKNOWN)).sum()
    # failures over the answers a validator can apply to: those that are not UNKNOWN
    assert labelers.loc["geo", "validator_failure_rate"] == pytest.approx(
        countries / (N * len(TASK.questions) - unknown)
    )
    assert labelers.loc["ana", "time_spent_s"] == 10.0 * N  # once per submission, not per question
    assert unknown and labelers.loc["ana", "unknown_rate"] == pytest.approx(
        unknown / (N * len(TASK.questions))
    )
    assert (
        0
        < labelers.loc["mo", "agreement_with_others"]
        < labelers.loc["ana", "agreement_with_others"]
        < 1
    )
    per_question = report.labeler_questions.set_index(["labeler", "question"])
    assert per_question.loc[("mo", "party_a_city"), "accuracy_on_answered"] == 0.0
    assert per_question.loc[("ana", "party_a_city"), "rank"] == 1


def test_agreement_per_question(scenario) -> None:
    *_, report = scenario
    agreement = report.agreement.set_index("question")
    assert (agreement["items"] == N).all() and (agreement["labelers"] == 3).all()
    # governing_law: everyone agrees after normalization; mo and geo never slip on it
    assert agreement.loc["governing_law", "krippendorff_alpha"] == 1.0
    assert agreement.loc["governing_law", "mean_token_f1"] == 1.0
    assert (
        "every answer is the same" not in agreement.loc["governing_law", "note"]
    )  # laws differ by contract
    assert (
        agreement.loc["party_a_city", "percent_agreement"]
        < agreement.loc["agreement_type", "percent_agreement"]
    )
    assert agreement.loc["clarity", "alpha_level"] == "ordinal"
    assert agreement.loc["renewal_months", "alpha_level"] == "interval"
    assert not math.isnan(agreement.loc["party_b_city", "fleiss_kappa"])
    assert math.isnan(agreement.loc["party_b_city", "cohen_kappa"])
    assert "Cohen's kappa needs exactly two labelers (3)" in agreement.loc["party_b_city", "note"]
    matrix = report.labeler_agreement
    assert (
        matrix.loc["ana", "ana"] == 1.0 and matrix.loc["ana", "mo"] == matrix.loc["mo", "ana"] < 1.0
    )


def test_models(scenario) -> None:
    _, truth, _, _, report = scenario
    models = report.models.set_index(["model", "question"])
    expected = sum(
        truth["party_b_country"].iloc[i] == truth["party_b_city"].iloc[i] or i % 2 == 0
        for i in range(N)
    )
    assert models.loc[("m1", "party_b_city"), "accuracy_on_answered"] == pytest.approx(expected / N)
    assert models.loc[("m1", "party_b_city"), "coverage"] == 1.0
    assert models.loc[("m1", "governing_law"), "accuracy_on_answered"] == 1.0
    assert models.loc[("m1", "governing_law"), "unknown_recall"] == 1.0
    assert report.questions.set_index("question").loc[
        "party_b_city", "model_accuracy_on_answered"
    ] == pytest.approx(expected / N)


def test_trial_report_per_question_on_gold_only(scenario) -> None:
    store, _, _, _, _ = scenario
    trial = lw.quality.trial_report(store, TASK, pass_mark=0.9).set_index("labeler")
    assert trial.loc["ana", "passed"] and trial.loc["ana", "failed_on"] == ""
    assert not trial.loc["mo", "passed"] and not trial.loc["geo", "passed"]
    assert trial.loc["mo", "accuracy_party_a_city"] == 0.0
    assert not trial.loc["mo", "passed_party_a_city"] and trial.loc["mo", "passed_governing_law"]
    assert "party_a_city: accuracy 0.00 < 0.90" in trial.loc["mo", "failed_on"]
    assert trial.loc["ana", "gold_items"] == N * len(GOLD)
    assert trial.loc["ana", "items_party_a_city"] == N
    assert "accuracy_clarity" not in trial.columns  # no gold for it
    newcomer = lw.quality.trial_report(store, TASK, labelers=["ana", "zoe"]).set_index("labeler")
    assert list(newcomer.index) == ["ana", "zoe"]
    assert newcomer.loc["zoe", "gold_items"] == 0 and not newcomer.loc["zoe", "passed"]
    assert newcomer.loc["zoe", "failed_on"] == "no gold items answered"
    # a per-question bar: a lower mark for the party's city lets geo pass it, not the other
    marks = {"party_a_city": 0.0, "party_b_city": 0.0}
    lenient = lw.quality.trial_report(store, TASK, pass_mark=marks).set_index("labeler")
    assert lenient.loc["geo", "passed_party_a_city"] and lenient.loc["geo", "passed"] in (
        True,
        False,
    )


def test_trial_without_gold_says_why(tmp_path) -> None:
    store = LabelStore(tmp_path / "t.db")
    store.add_chunks([{"text": "chunk"}])
    task = store.add_task(lw.Task("t", [lw.Question("law")]))
    store.record_answer(task, store.chunk_order()[0], "law", "Texas", labeler="ann")
    with pytest.warns(lw._warnings.LabelwidgetsWarning, match="no gold answers yet"):
        trial = lw.quality.trial_report(store, task)
    assert trial.empty and "store.add_gold" in trial.attrs["note"]


def test_overlap_catches_questions_that_get_the_same_answer(scenario) -> None:
    store, _, _, _, report = scenario
    assert not report.overlap["overlap"].any()  # mo's misread covers one labeler of four sources
    line2 = lw.Task("address", [lw.Question("line1"), lw.Question("line2"), lw.Question("zip")])
    store.add_task(line2)
    for i, chunk_id in enumerate(store.chunk_order()[:6]):
        street = f"{i} Main Street"
        store.record_answers(
            line2,
            chunk_id,
            {"line1": street, "line2": street.upper() if i else "Suite 4", "zip": f"0{i}123"},
            labeler="ana",
        )
    found = lw.quality.question_overlap(store, line2)
    assert found.iloc[0][["question_a", "question_b", "items", "overlap"]].tolist() == [
        "line1",
        "line2",
        6,
        True,
    ]
    assert found.iloc[0]["same_answer_rate"] == pytest.approx(5 / 6)
    assert not found.iloc[1:]["overlap"].any()
    assert not lw.quality.question_overlap(store, line2, threshold=0.9)["overlap"].any()


def test_report_renders_as_text_and_escaped_html(scenario, tmp_path) -> None:
    _, _, _, _, report = scenario
    text = repr(report)
    assert text.startswith("QualityReport for task 'parties': 3 labelers, 3 flags")
    assert "likely_misread" in text and "Overlapping questions\n(none)" in text
    store = LabelStore(tmp_path / "x.db")
    store.add_chunks([{"text": f"chunk {i}"} for i in range(3)])
    task = store.add_task(
        lw.Task("t", [lw.Question("fee", validators=[lw.validators.entity("money")])])
    )
    for chunk_id in store.chunk_order():
        store.record_answer(
            task, chunk_id, "fee", "<img src=x onerror=alert(1)>", labeler="eve", force=True
        )
    html = lw.quality.report(store, task)._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_plot_draws_the_heatmap_and_coverage_against_accuracy(scenario) -> None:
    import matplotlib

    matplotlib.use("Agg")
    _, _, _, _, report = scenario
    figure = report.plot()
    heatmap, scatter, _ = figure.axes  # the colour bar comes last
    assert [t.get_text() for t in heatmap.get_xticklabels()] == ["ana", "geo", "mo"]
    (points,) = scatter.collections
    expected = report.labelers[["coverage", "accuracy_on_answered"]].to_numpy()
    assert points.get_offsets().ravel().tolist() == pytest.approx(expected.ravel().tolist())
    assert [t.get_text() for t in scatter.texts] == ["ana", "geo", "mo"]
    assert scatter.get_xlabel().startswith("coverage") and "accuracy" in scatter.get_ylabel()


def test_plot_without_matplotlib_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import pandas as pd\nfrom labelwidgets.quality import QualityReport\n"
        "empty = pd.DataFrame({'overlap': []})\n"
        "try:\n    QualityReport('t', *[empty] * 7).plot()\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "pip install 'labelwidgets[plot]'" in out.stdout, out.stderr


def test_small_and_empty_stores_give_defined_results(tmp_path) -> None:
    store = LabelStore(tmp_path / "e.db")
    store.add_chunks([{"text": f"chunk {i}"} for i in range(4)])
    task = store.add_task(lw.Task("t", [lw.Question("law"), lw.Question("n", kind="number")]))
    empty = lw.quality.report(store, task)
    assert empty.flags.empty and empty.labelers.empty and empty.overlap.empty
    assert empty.agreement["note"].tolist() == ["only one labeler", "only one labeler"]
    assert empty.agreement["krippendorff_alpha"].isna().all()
    chunks = store.chunk_order()
    for chunk_id in chunks:
        store.record_answers(task, chunk_id, {"law": "Texas", "n": lw.UNKNOWN}, labeler="solo")
    alone = lw.quality.report(store, task)
    assert alone.agreement.set_index("question").loc["law", "note"] == "only one labeler"
    assert math.isnan(alone.labelers.loc[0, "agreement_with_others"]) and math.isnan(
        alone.labelers.loc[0, "accuracy_on_answered"]
    )
    assert alone.labelers.loc[0, "scored"] == 0  # no gold and nobody else: no reference
    assert alone.labelers.loc[0, "unknown_rate"] == 0.5
    for chunk_id in chunks:
        store.record_answers(task, chunk_id, {"law": "texas", "n": lw.UNKNOWN}, labeler="duo")
    same = lw.quality.agreement(store, task).set_index("question")
    assert same.loc["law", "krippendorff_alpha"] == 1.0 and same.loc["law", "cohen_kappa"] == 1.0
    assert "every answer is the same" in same.loc["law", "note"]
    # interval alpha leaves UNKNOWN out: nothing numeric is left to compare
    assert (
        math.isnan(same.loc["n", "krippendorff_alpha"])
        and same.loc["n", "percent_agreement"] == 1.0
    )
    assert "no item has two or more usable answers" in same.loc["n", "note"]


def test_entity_validator_rejects_a_country_in_a_city_question(tmp_path) -> None:
    store = LabelStore(tmp_path / "e.db")
    store.add_chunks([{"text": "Acme Ltd., London, United Kingdom"}])
    store.add_task(TASK)
    (chunk,) = store.chunk_order()
    with pytest.raises(lw.store.AnswerRejected, match="'United Kingdom' is a country, not a city"):
        store.record_answer(TASK, chunk, "party_a_city", "United Kingdom", labeler="x")
    store.record_answer(TASK, chunk, "party_a_city", "London", labeler="x")
    assert lw.Task.from_json(TASK.to_json()) == TASK
