"""Quality report: a seeded scenario with a careless and a confused labeler, entity validators,
question overlap, trials on gold."""

from __future__ import annotations

import math
import random

import pytest

import labelwidgets as lw
from labelwidgets.store import LabelStore

CITY = [lw.validators.entity("city")]
TASK = lw.Task("parties", [
    lw.Question("party_a_city", instructions="City of the first party", validators=CITY),
    lw.Question("party_b_city", instructions="City of the second party", validators=CITY),
    lw.Question("agreement_type", kind="choice", choices=["supply", "license", "services", "other"]),
    lw.Question("clarity", kind="rating"),
])  # fmt: skip


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> tuple[LabelStore, object]:
    store = LabelStore(tmp_path_factory.mktemp("q") / "labels.db")
    truth = lw.samples.make_contract_texts(12, seed=5)
    lw.ingest(truth[["name", "text"]], store, chunker=lw.chunkers.Paragraphs(max_chars=600, overlap=0),
              keep=lw.filters.keywords(["by and between"]), progress=False)  # fmt: skip
    store.add_task(TASK)
    docs = store.documents().set_index("name")["doc_id"]
    chunk_of = {
        row.name: store.chunks(doc_id=docs[row.name])["chunk_id"].iloc[0]
        for row in truth.itertuples()
    }
    rng = random.Random(0)
    gold = []
    for row in truth.itertuples():
        c = chunk_of[row.name]
        gold += [{"chunk_id": c, "question": "party_a_city", "answer": row.party_a_city},
                 {"chunk_id": c, "question": "party_b_city", "answer": row.party_b_city},
                 {"chunk_id": c, "question": "agreement_type", "answer": row.agreement_type}]  # fmt: skip
        truthful = {"party_a_city": row.party_a_city, "party_b_city": row.party_b_city,
                    "agreement_type": row.agreement_type}  # fmt: skip
        store.record_answers(TASK, c, {**truthful, "clarity": rng.choice([4, 5])}, labeler="ana")
        # geo writes the country where the city is asked (stored with an override)
        store.record_answers(TASK, c, {**truthful, "party_a_city": row.party_a_country,
                                       "party_b_city": row.party_b_country, "clarity": 4},
                             labeler="geo", force=True)  # fmt: skip
        # mo misreads party_a_city: gives the second party's city
        store.record_answers(TASK, c, {**truthful, "party_a_city": row.party_b_city, "clarity": 5},
                             labeler="mo")  # fmt: skip
    store.add_gold(TASK, gold)
    return store, lw.quality.report(store, TASK)


def test_the_report_flags_exactly_the_careless_and_the_confused(scenario) -> None:
    _, report = scenario
    flagged = set(report.flags[["labeler", "question", "issue"]].itertuples(index=False, name=None))
    assert flagged == {("geo", "party_a_city", "wrong_type"), ("geo", "party_b_city", "wrong_type"),
                       ("mo", "party_a_city", "likely_misread")}  # fmt: skip
    detail = report.flags.set_index(["labeler", "question"])["detail"]
    assert "is a country, not a city" in detail[("geo", "party_a_city")]
    assert "party_b_city" in detail[("mo", "party_a_city")]
    questions = report.questions.set_index("question")
    assert (
        questions.loc["party_a_city", "likely_misread"]
        and questions.loc["party_a_city", "misread_by"] == "mo"
    )
    # Singapore is a country and a city, so writing it is not a type error
    truth = lw.samples.make_contract_texts(12, seed=5)
    assert (
        questions.loc["party_a_city", "wrong_type_labeler"]
        == (truth["party_a_country"] != "Singapore").sum()
    )


def test_labeler_scores(scenario) -> None:
    _, report = scenario
    labelers = report.labelers.set_index("labeler")
    assert labelers.loc["ana", "accuracy"] == 1.0
    truth = lw.samples.make_contract_texts(12, seed=5)
    lucky = (truth["party_a_country"] == truth["party_a_city"]).sum() + (
        truth["party_b_country"] == truth["party_b_city"]
    ).sum()  # Singapore, Singapore
    assert labelers.loc["geo", "accuracy"] == pytest.approx((12 + lucky) / 36)
    countries = (truth[["party_a_country", "party_b_country"]] != "Singapore").to_numpy().sum()
    assert labelers.loc["geo", "overrides"] == countries
    assert labelers.loc["geo", "validator_failure_rate"] == pytest.approx(countries / 48)
    assert labelers.loc["mo", "accuracy"] == pytest.approx(24 / 36)


def test_agreement_per_question(scenario) -> None:
    _, report = scenario
    agreement = report.agreement.set_index("question")
    assert agreement.loc["agreement_type", "krippendorff_alpha"] == 1.0
    assert (
        agreement.loc["party_a_city", "percent_agreement"] < 0.1
    )  # three different answers, bar Singapore
    assert agreement.loc["agreement_type", "percent_agreement"] == 1.0
    assert agreement.loc["clarity", "alpha_level"] == "ordinal"
    assert not math.isnan(agreement.loc["party_b_city", "fleiss_kappa"])
    assert report.labeler_agreement.loc["ana", "ana"] == 1.0


def test_trial_report_on_gold_only(scenario) -> None:
    store, _ = scenario
    trial = lw.quality.trial_report(store, TASK, pass_mark=0.9).set_index("labeler")
    assert trial.loc["ana", "passed"] and not trial.loc["mo", "passed"]
    assert trial.loc["mo", "accuracy_party_a_city"] == 0.0
    assert trial.loc["ana", "gold_items"] == 36


def test_overlap_catches_questions_that_get_the_same_answer(scenario) -> None:
    store, report = scenario
    overlap = report.overlap.set_index(["question_a", "question_b"])
    # mo's party_a_city answers equal everyone's party_b_city answers: a third of the pairs
    assert not overlap["overlap"].any()
    line2 = lw.Task("address", [lw.Question("line1"), lw.Question("line2")])
    store.add_task(line2)
    for i, chunk_id in enumerate(store.chunk_order()[:5]):
        store.record_answers(line2, chunk_id, {"line1": f"{i} Main Street", "line2": f"{i} Main Street"},
                             labeler="ana")  # fmt: skip
    found = lw.quality.question_overlap(store, line2)
    assert found.iloc[0][["question_a", "question_b", "same_answer_rate", "overlap"]].tolist() == [
        "line1",
        "line2",
        1.0,
        True,
    ]


def test_plot_draws_the_heatmap_and_bars(scenario) -> None:
    import matplotlib

    matplotlib.use("Agg")
    _, report = scenario
    figure = report.plot()
    assert len(figure.axes) == 3  # heatmap, its colour bar, accuracy bars
    assert "Flags" in report._repr_html_()


def test_entity_validator_rejects_a_country_in_a_city_question(tmp_path) -> None:
    store = LabelStore(tmp_path / "e.db")
    store.add_chunks([{"text": "Acme Ltd., London, United Kingdom"}])
    (chunk,) = store.chunk_order()
    with pytest.raises(lw.store.AnswerRejected, match="'United Kingdom' is a country, not a city"):
        store.record_answer(TASK, chunk, "party_a_city", "United Kingdom", labeler="x")
    store.record_answer(TASK, chunk, "party_a_city", "London", labeler="x")
    assert lw.Task.from_json(TASK.to_json()) == TASK
