"""prompt_report on a hand-computed choice example: parse errors, failed requests, two models,
gold from both gold marks and review decisions."""

from __future__ import annotations

import math

import matplotlib
import pytest

import labelwidgets as lw
from labelwidgets.models.prompts import NOT_IN_TEXT

matplotlib.use("Agg")

TASK = lw.Task(
    "kinds", [lw.Question("kind", kind="choice", choices=["supply", "license", "other"])]
)
TEXTS = [
    "c0 supplies goods",
    "c1 grants a licence",
    "c2 says nothing",
    "c3 is a lease",
    "c4 supplies parts",
]
GOLD = ["supply", "license", lw.UNKNOWN, "other", "supply"]
# v1: right, unparseable, hallucinated, wrong "unknown", request fails
V1 = ["Supply", "lease", "license", NOT_IN_TEXT, RuntimeError("503 upstream")]
# v2: right, right, right unknown, wrong, right
V2 = ["supply", "License.", NOT_IN_TEXT, "supply", "supply"]


def _model(name: str, replies: list) -> lw.models.Callable:
    def reply(prompt: str) -> str:
        (answer,) = [r for t, r in zip(TEXTS, replies, strict=True) if t in prompt]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return lw.models.Callable(reply, name=name)


@pytest.fixture
def report_store(sqlite_store):
    store = sqlite_store
    store.add_chunks([{"text": t} for t in TEXTS])
    store.add_task(TASK)
    ids = store.chunk_order()
    store.add_gold(
        TASK,
        [
            {"chunk_id": c, "question": "kind", "answer": g}
            for c, g in zip(ids[:4], GOLD, strict=False)
        ],
    )
    # the last item's reference answer comes from review: marked "license", adjudicated "supply"
    store.mark_gold(TASK, ids[4], "kind", "license")
    store.adjudicate(TASK, ids[4], "kind", "supply", reviewer="rita")
    v1, v2 = "[v1] {chunk}", "[v2] {answer_format}\n{chunk}\n{not_in_text}"
    lw.prelabel(store, TASK, _model("a", V1), prompt_version={"kind": v1}, progress=False)
    lw.prelabel(store, TASK, _model("a", V2), prompt_version={"kind": v2}, progress=False)
    lw.prelabel(store, TASK, _model("b", ["other"] * 5), prompt_version="v2", progress=False)
    return store


def test_scores_match_the_hand_computation(report_store) -> None:
    report = lw.prompt_report(report_store, TASK, "kind")
    df = report.df.set_index(["prompt_version", "model"])
    assert list(df.index) == [("v1", "a"), ("v2", "a"), ("v2", "b")]  # oldest version first
    assert df["gold"].tolist() == [5, 5, 5]
    v1, v2, b = df.loc[("v1", "a")], df.loc[("v2", "a")], df.loc[("v2", "b")]
    # v1: the failed request is not scored; the parse error counts as an answer, wrong.
    # gold has an answer on c0, c1, c3: v1 answered c0 (right) and c1 (parse error) and said
    # "not in the text" on c3; gold's "not in the text" on c2 got "license"
    assert (v1["n"], v1["parse_errors"], v1["failed"]) == (4, 1, 1)
    assert v1["coverage"] == 2 / 3 and v1["accuracy_on_answered"] == 1 / 2
    assert v1["accuracy"] == 1 / 2  # the same items: no figure pooled over c2's UNKNOWN
    assert v1["unknown_precision"] == 0 and v1["unknown_recall"] == 0 and v1["hallucinated"] == 1
    assert v1["overall"] == pytest.approx((1 / 3 + 0) / 2)
    # v2: every answerable item answered, three of four right, the UNKNOWN right
    assert (v2["n"], v2["parse_errors"], v2["failed"]) == (5, 0, 0)
    assert v2["coverage"] == 1 and v2["accuracy_on_answered"] == 3 / 4
    assert v2["unknown_precision"] == 1 and v2["unknown_recall"] == 1 and v2["hallucinated"] == 0
    assert v2["overall"] == pytest.approx((3 / 4 + 1) / 2)
    assert b["accuracy_on_answered"] == 1 / 4 and math.isnan(b["unknown_precision"])
    assert b["unknown_recall"] == 0 and b["hallucinated"] == 1
    assert b["overall"] == pytest.approx(1 / 8)
    assert report.metric == "overall" and "exact" not in report.df


def test_items_keep_parse_errors_and_gold(report_store) -> None:
    items = lw.prompt_report(report_store, TASK, "kind").items
    v1 = items[(items["prompt_version"] == "v1")].set_index("chunk_id")
    ids = report_store.chunk_order()
    assert (
        v1.loc[ids[1], "answer"] is None
        and "not one of the choices" in v1.loc[ids[1], "parse_error"]
    )
    assert not v1.loc[ids[1], "correct"]
    assert ids[4] not in v1.index  # the failed request
    assert items.set_index(["prompt_version", "chunk_id"]).loc[("v2", ids[4]), "gold"].tolist() == [
        "supply",
        "supply",
    ]  # the review decision is gold, for both models


def test_compare_wins_and_losses(report_store) -> None:
    report = lw.prompt_report(report_store, TASK, "kind")
    with pytest.raises(ValueError, match="several models"):
        report.compare("v1", "v2")
    versus = report.compare("v1", "v2", model="a").set_index("chunk_id")
    ids = report_store.chunk_order()
    assert versus["outcome"].to_dict() == {
        ids[0]: "tie",
        ids[1]: "win",
        ids[2]: "win",
        ids[3]: "tie",
    }
    assert (
        versus.loc[ids[2], "answer_a"] == "license" and versus.loc[ids[2], "answer_b"] is lw.UNKNOWN
    )
    back = report.compare("v2", "v1", model="a")
    assert set(back["outcome"]) == {"tie", "loss"}
    # version ids work as well as labels
    v1_id = report.df.loc[0, "version_id"]
    assert report.compare(v1_id, "v2", model="a")["outcome"].tolist() == versus["outcome"].tolist()
    with pytest.raises(ValueError, match="no scored answers for prompt version 'v9'"):
        report.compare("v1", "v9")


def test_versions_scored_on_different_items_are_flagged(report_store) -> None:
    report = lw.prompt_report(report_store, TASK, "kind")
    ids = report_store.chunk_order()
    # v1's request on c4 failed: it was scored on four gold items, v2 on all five
    assert report.scored_on("v1", model="a") == frozenset(ids[:4])
    assert report.scored_on("v2", model="a") == frozenset(ids)
    assert report.df.set_index(["prompt_version", "model"])["n"].tolist() == [4, 5, 5]
    warning = report.different_items(model="a")
    assert warning.startswith("versions were scored on different gold items (v1 on 4, v2 on 5;")
    assert "4 in common" in warning
    assert report.different_items(["v2"], model="a") == ""
    assert lw.prompt_report(report_store, TASK, "kind", models=["b"]).different_items() == ""
    assert len(report.compare("v1", "v2", model="a")) == 4  # compared on the common items
    # scored again on the four items both answered: v2 loses c4, which it got right
    common = report.on_common_items(model="a").df.set_index("prompt_version")
    assert common["gold"].tolist() == [4, 4] and common["n"].tolist() == [4, 4]
    assert common.loc["v1", "overall"] == pytest.approx((1 / 3 + 0) / 2)  # as before
    assert common.loc["v2", "coverage"] == 1 and common.loc["v2", "accuracy_on_answered"] == 2 / 3
    assert common.loc["v2", "overall"] == pytest.approx((2 / 3 + 1) / 2)
    assert common["failed"].tolist() == [0, 0] and common.loc["v1", "parse_errors"] == 1
    assert report.on_common_items(model="a").different_items() == ""
    only_v2 = report.on_common_items(["v2"], model="a").df
    assert only_v2["n"].tolist() == [5] and only_v2["overall"].tolist() == [pytest.approx(7 / 8)]


def test_filters_and_plot(report_store) -> None:
    only_b = lw.prompt_report(report_store, TASK, "kind", models=["b"])
    assert only_b.df[["prompt_version", "model"]].values.tolist() == [["v2", "b"]]
    only_v1 = lw.prompt_report(report_store, TASK, "kind", versions=["v1"])
    assert only_v1.df["prompt_version"].tolist() == ["v1"]
    ax = lw.prompt_report(report_store, TASK, "kind").plot()
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines["a"] == pytest.approx([1 / 6, 7 / 8]) and lines["b"] == pytest.approx([1 / 8])
    assert ax.get_ylabel() == "overall"
    with pytest.raises(ValueError, match="has no question 'nope'"):
        lw.prompt_report(report_store, TASK, "nope")


def test_no_gold_means_an_empty_report(sqlite_store) -> None:
    sqlite_store.add_chunks([{"text": t} for t in TEXTS])
    sqlite_store.add_task(TASK)
    lw.prelabel(sqlite_store, TASK, _model("b", ["other"] * 5), progress=False)
    report = lw.prompt_report(sqlite_store, TASK, "kind")
    assert report.df.empty and report.items.empty


def test_text_questions_use_the_match_rule_and_leave_unknown_gold_out(sqlite_store) -> None:
    store = sqlite_store
    task = lw.Task("law", [lw.Question("law", match="entity")])
    texts = [f"c{i}: governed by the laws of {s}" for i, s in enumerate(["New York", "Texas"])]
    store.add_chunks([{"text": t} for t in [*texts, "c2: no governing law here"]])
    store.add_task(task)
    ids = store.chunk_order()
    gold = ["New York", "Texas", lw.UNKNOWN]  # CUAD's style: bare state names
    store.add_gold(
        task,
        [{"chunk_id": c, "question": "law", "answer": g} for c, g in zip(ids, gold, strict=True)],
    )
    replies = ["the laws of the State of New York", "the laws of the State of Delaware", "New York"]

    def reply(prompt: str) -> str:
        return next(r for t, r in zip(["c0", "c1", "c2"], replies, strict=True) if t in prompt)

    lw.prelabel(store, task, lw.models.Callable(reply, name="m"), progress=False)
    row = lw.prompt_report(store, task, "law").df.iloc[0]
    # entity: the lawyer's form of New York is right; Texas vs Delaware wrong; the answer on
    # c2 (gold "not in the text") counts against UNKNOWN recall, not accuracy
    assert row["coverage"] == 1 and row["accuracy_on_answered"] == 1 / 2
    assert row["normalized"] == 0 and row["token_f1"] < 1  # the text figures on the same items
    assert row["unknown_recall"] == 0 and row["hallucinated"] == 1
    assert row["overall"] == pytest.approx(1 / 4)
