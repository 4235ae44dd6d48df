"""Issue 12's scenario on real contracts, without any gold: three scripted labelers answer the
CUAD governing-law chunks of :mod:`tests.quality.cuad_eval` — ``careful`` (the lawyer's form
"the laws of the State of X", with the span where X is written as evidence), ``constant``
("the laws of the State of Delaware" everywhere) and ``terse`` (bare "X"). ``quality.report``
ranks careful first and flags the other two: constant for its constant answer and for answers
not found in the text, terse for the form of its answers (right in content under
``match="entity"``, but not written as the question asks). Every expectation is computed here
from the scripted answers and the chunk texts, independently of the library's rules."""

from __future__ import annotations

from collections import Counter

import pytest

import labelwidgets as lw
from labelwidgets.quality.form import says_how_to_write
from tests.cuad import written
from tests.quality import cuad_eval as cuad

pytestmark = pytest.mark.filterwarnings("ignore::labelwidgets._warnings.LabelwidgetsWarning")

NAMES = ("careful", "constant", "terse")
LAW = "governing_law"


@pytest.fixture(scope="module")
def data(tmp_path_factory, corpus_dir) -> cuad.EvalSet:
    path = tmp_path_factory.mktemp("cuad-no-gold") / "labels.db"
    return cuad.build(path, corpus_dir, gold=False, labelers=NAMES, evidence=True)


@pytest.fixture(scope="module")
def report(data: cuad.EvalSet) -> lw.quality.QualityReport:
    return lw.quality.report(data.store, cuad.TASK)


def _shape(answer: object) -> str:
    """The test's reading of a scripted answer's form: a bare name or the lawyer's phrase."""
    text = str(answer)
    if text in cuad.STATES + cuad.COUNTRIES:
        return "bare"
    assert text.startswith("the laws of "), text
    return "lawyer"


def _form_hits(data: cuad.EvalSet, name: str) -> tuple[list[str], int]:
    """The test's own form rule: items where another labeler gives the same law as ``name``
    and the other labelers' answers mostly (two or more, more than any other) have one shape;
    the hits are those where ``name``'s shape is another."""
    hits, applies = [], 0
    for (chunk_id, question), answer in data.answers[name].items():
        if question != LAW or answer is lw.UNKNOWN:
            continue
        others = [data.answers[o][(chunk_id, LAW)] for o in NAMES if o != name]
        others = [o for o in others if o is not lw.UNKNOWN]
        shapes = Counter(map(_shape, others)).most_common()
        majority = (
            shapes and shapes[0][1] >= 2 and (len(shapes) == 1 or shapes[1][1] < shapes[0][1])
        )
        if not majority or not any(cuad.same_law(answer, o) for o in others):
            continue
        applies += 1
        hits += [chunk_id] if _shape(answer) != shapes[0][0] else []
    return hits, applies


def _clauses(data: cuad.EvalSet) -> dict[str, str]:
    """Clause chunk -> the state or country whose law governs (careful answers those)."""
    return {
        c: a.removeprefix("the laws of the State of ").removeprefix("the laws of ")
        for (c, q), a in data.answers["careful"].items()
        if q == LAW and a is not lw.UNKNOWN
    }


def test_there_is_no_gold_and_the_careful_labeler_cites_its_evidence(data) -> None:
    assert data.store.gold(cuad.TASK).empty
    clauses = _clauses(data)
    assert len(clauses) == 36
    answers = data.store.answers(cuad.TASK)
    careful = answers[(answers["labeler"] == "careful") & (answers["question"] == LAW)]
    cited = careful[careful["chunk_id"].isin(list(clauses))]
    texts = dict(zip(data.chunks["chunk_id"], data.chunks["text"], strict=True))
    starts = dict(zip(data.chunks["chunk_id"], data.chunks["char_start"], strict=True))
    for chunk_id, spans in zip(cited["chunk_id"], cited["evidence"], strict=True):
        ((start, end),) = [tuple(s) for s in spans]
        quoted = texts[chunk_id][start - starts[chunk_id] : end - starts[chunk_id]]
        assert quoted.casefold() == clauses[chunk_id].casefold()


def test_the_careful_labeler_ranks_first_without_gold(data, report) -> None:
    scores = report.labelers.set_index("labeler")
    for name in NAMES:
        assert scores.loc[name, "overall"] == pytest.approx(cuad.overall(data, name, "consensus"))
    # careful and terse give the same answers under match="entity": the same overall score;
    # the form flag orders them, and the constant labeler is last on its score alone
    assert scores.loc["careful", "overall"] == scores.loc["terse", "overall"] == 1.0
    assert scores.loc["constant", "overall"] < 1.0
    assert list(scores["rank"].sort_values().index) == ["careful", "terse", "constant"]
    assert dict(scores["rank"]) == {"careful": 1, "terse": 2, "constant": 3}
    # the plain scores table (no flags read) still calls careful and terse equal
    plain = lw.quality.labelers(data.store, cuad.TASK).set_index("labeler")
    assert plain.loc["careful", "rank"] == plain.loc["terse", "rank"] == 1
    per_question = report.labeler_questions.set_index(["labeler", "question"])["rank"]
    assert per_question[("careful", LAW)] == 1 and per_question[("terse", LAW)] == 2


def test_the_constant_and_the_terse_labelers_are_flagged_and_careful_is_not(data, report) -> None:
    flags = report.flags
    assert set(zip(flags["labeler"], flags["question"], flags["issue"], strict=True)) == {
        ("constant", LAW, "constant_answer"),
        ("constant", LAW, "unsupported"),
        ("terse", LAW, "form"),
    }
    constant = flags[flags["issue"] == "constant_answer"].iloc[0]
    assert (constant["answers"], constant["out_of"]) == (len(data.chunks), len(data.chunks))
    assert constant["detail"].startswith(f"answers '{cuad.CONSTANT}' on")


def test_the_constant_labeler_is_not_supported_where_the_chunk_names_another_state(
    data, report
) -> None:
    texts = dict(zip(data.chunks["chunk_id"], data.chunks["text"], strict=True))
    elsewhere = [
        c
        for c, law in _clauses(data).items()
        if law != "Delaware" and not written("Delaware", texts[c])
    ]
    assert len(elsewhere) >= 20
    checked = lw.quality.support(data.store, cuad.TASK).answers
    mine = checked[(checked["who"] == "constant") & (checked["question"] == LAW)]
    assert mine.set_index("chunk_id").loc[elsewhere, "supported"].eq(False).all()
    # careful's answers are supported by their evidence on every clause
    careful = checked[(checked["who"] == "careful") & (checked["question"] == LAW)]
    careful = careful[careful["chunk_id"].isin(list(_clauses(data)))]
    assert careful["supported"].eq(True).all() and set(careful["via"]) == {"evidence"}
    unsupported = report.flags[report.flags["issue"] == "unsupported"].iloc[0]
    # every chunk not naming Delaware is unsupported (none is confirmed by the others)
    never = [c for c in data.chunks["chunk_id"] if not written("Delaware", texts[c])]
    assert set(never) <= set(mine.loc[mine["supported"].eq(False), "chunk_id"])
    assert unsupported["answers"] >= len(never) and unsupported["out_of"] == len(mine)


def test_the_terse_labeler_is_flagged_for_its_form_not_for_misreading(data, report) -> None:
    hits, applies = _form_hits(data, "terse")
    # careful and constant both write "the laws of ...": on every clause terse is the odd one
    assert sorted(hits) == sorted(_clauses(data)) and applies == len(hits) == 36
    for name in ("careful", "constant"):
        assert _form_hits(data, name)[0] == []
    flag = report.flags[report.flags["issue"] == "form"].iloc[0]
    assert (flag["labeler"], flag["signal"]) == ("terse", "written_differently")
    assert (flag["answers"], flag["out_of"]) == (len(hits), applies)
    assert set(flag["examples"]) <= set(hits)
    law = _clauses(data)[flag["examples"][0]]  # the detail shows the first example
    shown = f"{law!r} where the reference is written {cuad.lawyer_form(law)!r}"
    assert shown in flag["detail"]
    assert "Write it as a lawyer would." in flag["detail"]
    misread = report.flags["issue"].isin(["likely_misread", "abstention"])
    assert not report.flags.loc[misread, "labeler"].eq("terse").any()


def test_the_form_rule_has_a_threshold_and_needs_the_question_to_say_how_to_write(
    data,
) -> None:
    hits, applies = _form_hits(data, "terse")
    above = lw.quality.flags(data.store, cuad.TASK, form_rate=(len(hits) + 1) / applies)
    assert "form" not in set(above["issue"])
    assert lw.quality.Thresholds().form_rate == 0.6
    assert says_how_to_write(cuad.TASK.question(LAW))
    assert not says_how_to_write(lw.Question("law", instructions="Which law governs?"))
    assert not says_how_to_write(lw.Question("law", instructions="Write it out.", match="exact"))
    assert says_how_to_write(lw.Question("law", prompt="Answer in the form 'the laws of X'."))
    assert not says_how_to_write(lw.Question("n", kind="number", instructions="Write digits."))
