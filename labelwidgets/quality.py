"""Quality control: agreement per question, labeler scores and trials on gold, and detectors for
answers of the wrong type, misread questions and overlapping questions. All return DataFrames."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from labelwidgets import validators as _validators
from labelwidgets.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement
from labelwidgets.compare import answers_equal, normalize, token_f1
from labelwidgets.schema import UNKNOWN, Question, Task

__all__ = ["QualityReport", "agreement", "flags", "labelers", "question_overlap", "questions", "report",
           "trial_report"]  # fmt: skip

ALPHA_LEVEL = {"rating": "ordinal", "number": "interval"}


def _key(question: Question, value: Any) -> Any:
    """A hashable value that is equal exactly when two answers agree (for nominal measures)."""
    if value is UNKNOWN:
        return "\x00unknown"
    if question.kind == "multi_choice":
        return tuple(sorted(value))
    if question.kind in ("number", "rating"):
        return float(value)
    return normalize(value) if question.kind == "text" else str(value)


def _matrix(
    question: Question, rows: pd.DataFrame, numeric: bool
) -> tuple[list[list[Any]], list[str]]:
    labeler_names = sorted(rows["labeler"].unique())
    items = list(dict.fromkeys(rows["chunk_id"]))
    position = {c: i for i, c in enumerate(items)}
    matrix = [[None] * len(items) for _ in labeler_names]
    for r in rows.itertuples():
        value = (
            None
            if (numeric and r.answer is UNKNOWN)
            else (float(r.answer) if numeric else _key(question, r.answer))
        )
        matrix[labeler_names.index(r.labeler)][position[r.chunk_id]] = value
    return matrix, labeler_names


def agreement(store: Any, task: Task | str, *, answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per question: items rated by two or more labelers, percent agreement, Cohen's κ (exactly two
    labelers), Fleiss' κ (same number of ratings per item), Krippendorff's α (ordinal for ratings,
    interval for numbers, nominal otherwise) and mean pairwise token F1 (text)."""
    task = store._task(task)
    answers = store.answers(task) if answers is None else answers
    rows = []
    for question in task.questions:
        mine = answers[answers["question"] == question.name]
        shared = mine[mine.groupby("chunk_id")["labeler"].transform("nunique") >= 2]
        level = ALPHA_LEVEL.get(question.kind, "nominal")
        matrix, names = _matrix(question, shared, numeric=False)
        row = {"question": question.name, "kind": question.kind, "items": shared["chunk_id"].nunique(),
               "labelers": len(names), "percent_agreement": percent_agreement(matrix) if names else float("nan"),
               "cohen_kappa": cohen_kappa(*matrix) if len(names) == 2 else float("nan"),
               "fleiss_kappa": float("nan"), "alpha_level": level}  # fmt: skip
        per_item = shared.groupby("chunk_id").size()
        if len(per_item) and per_item.nunique() == 1:
            row["fleiss_kappa"] = fleiss_kappa(matrix)
        numeric_matrix = (
            _matrix(question, shared, numeric=True)[0] if level != "nominal" else matrix
        )
        row["krippendorff_alpha"] = (
            krippendorff_alpha(numeric_matrix, level) if names else float("nan")
        )
        row["mean_token_f1"] = _pairwise_f1(shared) if question.kind == "text" else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def _pairwise_f1(rows: pd.DataFrame) -> float:
    scores = [token_f1(a, b) for given in _by_item(rows).values()
              for (_, a, _), (_, b, _) in itertools.combinations(given, 2)]  # fmt: skip
    return sum(scores) / len(scores) if scores else float("nan")


def _gold_lookup(store: Any, task: Task) -> dict[tuple[str, str], Any]:
    gold = store.gold(task)
    return dict(
        zip(zip(gold["chunk_id"], gold["question"], strict=True), gold["answer"], strict=True)
    )


def _validator_problems(question: Question, value: Any) -> list[str]:
    if value is UNKNOWN:
        return []
    return _validators.run(question.validators, value)


def _by_item(
    answers: pd.DataFrame, task: Task | None = None
) -> dict[tuple[str, str], list[tuple[str, Any, Any]]]:
    """(chunk, question) -> [(labeler, answer, comparison key), ...] in one pass. Two answers agree
    exactly when their keys are equal (see :func:`_key`); keys are computed once per answer."""
    questions = {q.name: q for q in task.questions} if task is not None else {}
    grouped: dict[tuple[str, str], list[tuple[str, Any, Any]]] = {}
    for chunk_id, qname, labeler, answer in zip(answers["chunk_id"], answers["question"], answers["labeler"],
                                                answers["answer"], strict=True):  # fmt: skip
        key = _key(questions[qname], answer) if qname in questions else None
        grouped.setdefault((chunk_id, qname), []).append((labeler, answer, key))
    return grouped


def labelers(store: Any, task: Task | str, *, answers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per labeler: chunks, answers, time spent, agreement with other labelers, accuracy against
    gold/adjudicated answers, UNKNOWN rate, validator-failure rate and overrides."""
    task = store._task(task)
    answers = store.answers(task) if answers is None else answers
    gold = _gold_lookup(store, task)
    stats: dict[str, Counter[str]] = {}
    for (chunk_id, qname), given in _by_item(answers, task).items():
        question = task.question(qname)
        gold_key = _key(question, gold[(chunk_id, qname)]) if (chunk_id, qname) in gold else None
        for labeler, answer, key in given:
            s = stats.setdefault(labeler, Counter())
            others = [key == k for who, _, k in given if who != labeler]
            s["agree"] += sum(others)
            s["compared"] += len(others)
            if gold_key is not None:
                s["gold"] += 1
                s["correct"] += key == gold_key
            s["failures"] += bool(_validator_problems(question, answer))
    # one submission (same labeler, chunk and time) counts its time once, not once per question
    spent = (
        answers.drop_duplicates(["labeler", "chunk_id", "created_at"])
        .groupby("labeler")["time_spent"]
        .sum()
    )
    rows = []
    for name, mine in answers.groupby("labeler"):
        s = stats[name]
        rows.append({"labeler": name, "chunks": mine["chunk_id"].nunique(), "answers": len(mine),
                     "time_spent_s": float(spent.get(name, 0.0) or 0.0),
                     "agreement_with_others": s["agree"] / s["compared"] if s["compared"] else float("nan"),
                     "gold_items": s["gold"], "accuracy": s["correct"] / s["gold"] if s["gold"] else float("nan"),
                     "unknown_rate": float(mine["is_unknown"].mean()),
                     "validator_failure_rate": s["failures"] / len(mine), "overrides": int(mine["forced"].sum())})  # fmt: skip
    return pd.DataFrame(rows)


def trial_report(store: Any, task: Task | str, labelers: list[str] | None = None, *,
                 pass_mark: float = 0.8, min_items: int = 5) -> pd.DataFrame:  # fmt: skip
    """Score labelers on gold items only (trial them before trusting them): per labeler and
    question, and overall with ``passed`` (accuracy >= ``pass_mark`` on >= ``min_items``)."""
    task = store._task(task)
    gold = _gold_lookup(store, task)
    answers = store.answers(task)
    if labelers is not None:
        answers = answers[answers["labeler"].isin(labelers)]
    scored = answers[
        [(c, q) in gold for c, q in zip(answers["chunk_id"], answers["question"], strict=True)]
    ]
    correct = [answers_equal(a, gold[(c, q)], task.question(q).kind)
               for c, q, a in zip(scored["chunk_id"], scored["question"], scored["answer"], strict=True)]  # fmt: skip
    scored = scored.assign(correct=correct)
    per_question = scored.pivot_table(
        index="labeler", columns="question", values="correct", aggfunc="mean"
    )
    overall = scored.groupby("labeler")["correct"].agg(gold_items="size", accuracy="mean")
    overall["passed"] = (overall["accuracy"] >= pass_mark) & (overall["gold_items"] >= min_items)
    return overall.join(per_question.add_prefix("accuracy_")).reset_index()


def flags(
    store: Any, task: Task | str, *, min_items: int = 3, answers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """(labeler, question) pairs that look wrong: ``wrong_type`` (answers failing the question's
    validators, e.g. a country where a city is asked) and ``likely_misread`` (most answers
    disagree with gold in one consistent way: always the same value, or the gold answer of
    another question)."""
    task = store._task(task)
    answers = store.answers(task) if answers is None else answers
    gold = _gold_lookup(store, task)
    found = []
    for (name, qname), rows in answers.groupby(["labeler", "question"]):
        question = task.question(qname)
        problems = [p for a in rows["answer"] for p in _validator_problems(question, a)]
        if len(problems) >= 2 and len(problems) / len(rows) >= 0.3:
            found.append({"labeler": name, "question": qname, "issue": "wrong_type",
                          "rate": len(problems) / len(rows), "detail": problems[0]})  # fmt: skip
            continue
        misread = _misread(task, question, rows, gold, min_items)
        if misread:
            found.append({"labeler": name, "question": qname, "issue": "likely_misread", **misread})
    return pd.DataFrame(found, columns=["labeler", "question", "issue", "rate", "detail"])


def _misread(
    task: Task, question: Question, rows: pd.DataFrame, gold: dict, min_items: int
) -> dict | None:
    judged = [
        (r.chunk_id, r.answer) for r in rows.itertuples() if (r.chunk_id, question.name) in gold
    ]
    if len(judged) < min_items:
        return None
    wrong = [
        (c, a) for c, a in judged if not answers_equal(a, gold[(c, question.name)], question.kind)
    ]
    if len(wrong) / len(judged) < 0.5:
        return None
    rate = len(wrong) / len(judged)
    for other in task.questions:
        if other.name == question.name:
            continue
        hits = sum(answers_equal(a, gold.get((c, other.name)), question.kind) for c, a in wrong)
        if hits / len(wrong) >= 0.6:
            return {"rate": rate, "detail": f"answers look like the answers to {other.name!r}"}
    value, count = Counter(repr(a) for _, a in wrong).most_common(1)[0]
    if count / len(wrong) >= 0.6 and len(wrong) >= 2:
        return {"rate": rate, "detail": f"mostly answers {value} where gold differs"}
    return None


def questions(store: Any, task: Task | str, *, flagged: pd.DataFrame | None = None,
              answers: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Per question: answers, UNKNOWN rate (is the chunking giving signal?), disagreement rate,
    answers of the wrong type (labelers and model), model accuracy against gold, and whether a
    labeler likely misread it."""
    task = store._task(task)
    answers = store.answers(task) if answers is None else answers
    suggestions = store.suggestions(task)
    suggestions = suggestions[suggestions["parse_error"].isna()]
    gold = _gold_lookup(store, task)
    flagged = flags(store, task, answers=answers) if flagged is None else flagged
    rows = []
    for question in task.questions:
        mine = answers[answers["question"] == question.name]
        model = suggestions[suggestions["question"] == question.name]
        groups = [given for given in _by_item(mine, task).values() if len(given) >= 2]
        disagree = [len({repr(k) for _, _, k in given}) > 1 for given in groups]
        scored = [(a, gold[(c, question.name)]) for c, a in zip(model["chunk_id"], model["answer"], strict=True)
                  if (c, question.name) in gold]  # fmt: skip
        misread = flagged[
            (flagged["question"] == question.name) & (flagged["issue"] == "likely_misread")
        ]
        rows.append({
            "question": question.name, "answers": len(mine),
            "unknown_rate": float(mine["is_unknown"].mean()) if len(mine) else float("nan"),
            "disagreement_rate": sum(disagree) / len(disagree) if disagree else float("nan"),
            "wrong_type_labeler": sum(bool(_validator_problems(question, a)) for a in mine["answer"]),
            "wrong_type_model": sum(bool(_validator_problems(question, a)) for a in model["answer"]),
            "model_accuracy": (sum(answers_equal(a, g, question.kind) for a, g in scored) / len(scored)
                               if scored else float("nan")),
            "likely_misread": bool(len(misread)),
            "misread_by": ", ".join(misread["labeler"]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def question_overlap(store: Any, task: Task | str, *, threshold: float = 0.8, min_items: int = 3,
                     answers: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Pairs of questions whose answers (by the same labeler or model) coincide on more than
    ``threshold`` of the chunks where both were answered — e.g. "address line 1" and "address
    line 2" getting the same answer: the questions overlap, or one is misread."""
    task = store._task(task)
    answers = (store.answers(task) if answers is None else answers)[
        ["chunk_id", "question", "labeler", "answer"]
    ]
    model = store.suggestions(task)
    model = model[model["parse_error"].isna()].rename(columns={"model": "labeler"})
    everything = pd.concat(
        [answers, model[["chunk_id", "question", "labeler", "answer"]]], ignore_index=True
    )
    everything = everything[[a is not UNKNOWN for a in everything["answer"]]]
    table = {(r.chunk_id, r.labeler, r.question): r.answer for r in everything.itertuples()}
    rows = []
    for first, second in itertools.combinations(task.questions, 2):
        both = [(table[(c, w, first.name)], table[(c, w, second.name)]) for (c, w, q) in table
                if q == first.name and (c, w, second.name) in table]  # fmt: skip
        if len(both) < min_items:
            continue
        same = sum(normalize(a) == normalize(b) for a, b in both) / len(both)
        rows.append({"question_a": first.name, "question_b": second.name, "items": len(both),
                     "same_answer_rate": same, "overlap": same > threshold})  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["question_a", "question_b", "items", "same_answer_rate", "overlap"]
    )
    return frame.sort_values("same_answer_rate", ascending=False, ignore_index=True)


def labeler_agreement_matrix(
    store: Any, task: Task | str, *, answers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Labeler × labeler share of agreeing answers on the items both answered."""
    task = store._task(task)
    answers = store.answers(task) if answers is None else answers
    names = sorted(answers["labeler"].unique())
    agree: Counter[tuple[str, str]] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for given in _by_item(answers, task).values():
        for (a, _, x), (b, _, y) in itertools.combinations_with_replacement(given, 2):
            pair = (a, b) if a <= b else (b, a)
            pairs[pair] += 1
            agree[pair] += x == y
    matrix = pd.DataFrame(float("nan"), index=names, columns=names)
    for (a, b), n in pairs.items():
        matrix.loc[a, b] = matrix.loc[b, a] = agree[(a, b)] / n
    return matrix


@dataclass
class QualityReport:
    """Everything :func:`report` found, as DataFrames, plus :meth:`plot`."""

    agreement: pd.DataFrame
    labelers: pd.DataFrame
    questions: pd.DataFrame
    flags: pd.DataFrame
    overlap: pd.DataFrame
    labeler_agreement: pd.DataFrame

    def plot(self) -> Any:
        """An agreement heatmap (labeler × labeler) and per-labeler accuracy bars (``[plot]``)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "plot() needs the 'plot' extra: pip install 'labelwidgets[plot]'"
            ) from None
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        matrix = self.labeler_agreement
        image = left.imshow(matrix.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis")
        left.set_xticks(range(len(matrix)), matrix.columns, rotation=45, ha="right")
        left.set_yticks(range(len(matrix)), matrix.index)
        left.set_title("agreement between labelers")
        fig.colorbar(image, ax=left)
        right.bar(self.labelers["labeler"], self.labelers["accuracy"].fillna(0))
        right.set_ylim(0, 1)
        right.set_title("accuracy against gold")
        fig.tight_layout()
        return fig

    def _repr_html_(self) -> str:
        parts = [f"<h4>{title}</h4>" + frame.to_html(index=False, float_format="{:.3f}".format)
                 for title, frame in (("Flags", self.flags), ("Questions", self.questions),
                                      ("Agreement", self.agreement), ("Labelers", self.labelers),
                                      ("Question overlap", self.overlap))]  # fmt: skip
        return "".join(parts)


def report(store: Any, task: Task | str) -> QualityReport:
    """Agreement, labelers, question diagnostics, flags and question overlap in one object."""
    task = store._task(task)
    answers = store.answers(task)  # read once, shared by every part
    found = flags(store, task, answers=answers)
    return QualityReport(
        agreement(store, task, answers=answers),
        labelers(store, task, answers=answers),
        questions(store, task, flagged=found, answers=answers),
        found,
        question_overlap(store, task, answers=answers),
        labeler_agreement_matrix(store, task, answers=answers),
    )
