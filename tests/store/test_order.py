"""next_chunk(order=..., where=...): each order on a seeded store, expectations derived here."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

import labelwidgets as lw
from labelwidgets.store import LabelStore
from labelwidgets.store import tables as t
from labelwidgets.store.ordering import KEEP_SETS

TASK = lw.Task(
    "order",
    [lw.Question("law", allow_unknown=True), lw.Question("n", kind="number", allow_unknown=True)],
    highlight=("governing law",),
    labelers_per_chunk=3,
)
N = 40


def _text(i: int) -> str:
    if i % 5 == 0:
        return f"Clause {i}. The governing law of this agreement is set out below{'.' * i}"
    return f"Clause {i}. Delivery and payment terms{'.' * (i % 7)}"


# (chunk index, question, model, answer, score): written once, scored by hand below
SUGGESTIONS = [
    (3, "law", "a", "X", None),
    (3, "law", "b", "X", None),
    (7, "law", "a", "X", None),
    (7, "law", "b", "Y", None),  # models disagree: uncertain +2
    (10, "law", "a", lw.UNKNOWN, None),  # "not in the text" where the keyword occurs: +1
    (11, "law", "a", lw.UNKNOWN, None),  # ... where it does not: +0
    (12, "n", "a", 4, 0.2),  # a confidence of 0.2: +0.8
    (13, "n", "a", 4, 0.9),  # +0.1
    (14, "law", "a", "Delaware", None),  # written apart, one answer under match=: +0
    (14, "law", "b", "delaware", None),
]


def _expected_uncertain() -> list[int]:
    score = dict.fromkeys(range(N), 0.0)
    answers: dict[tuple[int, str], set[object]] = {}
    for i, question, _, answer, confidence in SUGGESTIONS:
        rule = next(q for q in TASK.questions if q.name == question).matcher
        answers.setdefault((i, question), set()).add(rule.key(answer))
        if answer is lw.UNKNOWN and "governing law" in _text(i):
            score[i] += 1
        if confidence is not None:
            score[i] += 1 - confidence
    for (i, _), given in answers.items():
        if len(given) > 1:
            score[i] += 2
    return sorted(range(N), key=lambda i: (-score[i], i))


def _expected_signal() -> list[int]:
    score = {i: float("governing law" in _text(i)) for i in range(N)}
    real = {(i, q) for i, q, _, answer, _ in SUGGESTIONS if answer is not lw.UNKNOWN}
    for i, _ in real:
        score[i] += 1
    return sorted(range(N), key=lambda i: (-score[i], i))


@pytest.fixture
def seeded(store: LabelStore) -> tuple[LabelStore, list[str]]:
    store.add_chunks([{"doc_id": f"d{i // 10}", "text": _text(i)} for i in range(N)])
    store.add_task(TASK)
    ids = store.chunk_order()
    store.add_suggestions(
        [
            {"task": TASK.name, "chunk_id": ids[i], "question": q, "model": m, "answer": a}
            | ({"score": s} if s is not None else {})
            for i, q, m, a, s in SUGGESTIONS
        ]
    )
    return store, ids


def _walk(store: LabelStore, labeler: str, steps: int, **queue: object) -> list[str]:
    """The first ``steps`` chunks of the queue, following next_chunk(after=...)."""
    seen: list[str] = []
    after = None
    for _ in range(steps):
        after = store.next_chunk(TASK, labeler, after=after, lease=False, **queue)
        assert after is not None
        seen.append(after)
    return seen


def test_uncertain_signal_and_document_orders(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    first = [ids[i] for i in _expected_uncertain()[:8]]
    assert first[:4] == [ids[7], ids[10], ids[12], ids[13]]  # the hand-made scores, in short
    assert ids[14] not in first
    assert _walk(store, "ann", 8, order="uncertain") == first
    assert _walk(store, "ann", 8, order="signal") == [ids[i] for i in _expected_signal()[:8]]
    assert _walk(store, "ann", 5, order="document") == ids[:5]
    assert _walk(store, "ann", 5) == ids[:5]
    # a finished chunk leaves the queue; the rest keeps its order
    store.record_answers(TASK, ids[10], {"law": "Delaware", "n": 1}, labeler="ann")
    assert _walk(store, "ann", 3, order="uncertain") == [ids[7], ids[12], ids[13]]


def test_disagreement_order(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    given = {
        4: {"ann": ("X", 1), "bob": ("Y", 1)},  # one question disagrees
        9: {"ann": ("X", 1), "bob": ("Y", 2)},  # two do
        1: {"ann": ("X", 1), "bob": ("X", 1)},  # agreement
        0: {"ann": ("Delaware", 1), "bob": ("delaware", 1)},  # one answer under match=
    }
    for i, by in given.items():
        for labeler, (law, n) in by.items():
            store.record_answers(TASK, ids[i], {"law": law, "n": n}, labeler=labeler)
    assert _walk(store, "dan", 4, order="disagreement") == [ids[9], ids[4], ids[0], ids[1]]


def test_random_order_is_seeded_and_stable(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    one = _walk(store, "ann", N, order="random", seed=1)
    assert sorted(one) == sorted(ids) and one != ids
    assert _walk(store, "ann", N, order="random", seed=1) == one
    assert _walk(store, "ann", N, order="random", seed=2) != one
    store.add_chunks([{"doc_id": "d9", "text": f"Late clause {i}."} for i in range(5)])
    grown = _walk(store, "ann", N + 5, order="random", seed=1)
    assert [c for c in grown if c in set(ids)] == one  # old chunks keep their relative order
    assert set(grown) == set(store.chunk_order())


def test_a_callable_order(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    longest = sorted(range(N), key=lambda i: (-len(_text(i)), i))
    assert _walk(store, "ann", 6, order=lambda chunks: chunks["text"].str.len()) == [
        ids[i] for i in longest[:6]
    ]
    by_id = lambda chunks: chunks.set_index("chunk_id")["text"].str.count("1")  # noqa: E731
    ones = sorted(range(N), key=lambda i: (-_text(i).count("1"), i))
    assert _walk(store, "ann", 3, order=by_id) == [ids[i] for i in ones[:3]]
    with pytest.raises(ValueError, match="returned 2 scores for 40 chunks"):
        store.next_chunk(TASK, "ann", order=lambda chunks: [1, 2])
    with pytest.raises(ValueError, match="is 'high', not a number"):
        store.next_chunk(TASK, "ann", order=lambda chunks: ["high"] * len(chunks))


def test_where_narrows_every_order(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    in_d1 = _walk(store, "ann", 10, order="uncertain", where={"doc_id": "d1"})
    assert in_d1 == [ids[i] for i in (10, 12, 13, 11, 14, 15, 16, 17, 18, 19)]
    keyword = [i for i in range(N) if "governing law" in _text(i)]
    assert _walk(store, "ann", len(keyword), where={"text": '"governing law"'}) == [
        ids[i] for i in keyword
    ]
    assert _walk(
        store, "ann", 2, where=lw.Where(text="governing", doc_id="d2"), order="signal"
    ) == [
        ids[20],
        ids[25],
    ]
    store.flag(TASK, ids[30], labeler="bob", comment="unclear")
    store.flag(TASK, ids[6], labeler="bob", comment="unclear")
    flagged = {"status": "flagged"}
    assert store.next_chunk(TASK, "ann", where=flagged, order="uncertain", lease=False) == ids[6]
    assert store.next_chunk(TASK, "ann", where=flagged, after=ids[6], lease=False) == ids[30]
    store.record_answers(TASK, ids[6], {"law": "X", "n": 1}, labeler="ann")
    store.record_answers(TASK, ids[30], {"law": "X", "n": 1}, labeler="ann")
    assert store.next_chunk(TASK, "ann", where=flagged) is None  # nothing left there


def test_a_ranking_is_kept_until_refreshed(seeded: tuple[LabelStore, list[str]]) -> None:
    store, ids = seeded
    assert store.next_chunk(TASK, "ann", order="uncertain", lease=False) == ids[7]
    store.add_suggestions(
        [
            {"task": TASK.name, "chunk_id": ids[30], "question": "law", "model": m, "answer": a}
            for m, a in (("a", "X"), ("b", "Y"), ("c", "Z"))
        ]
        + [
            {
                "task": TASK.name,
                "chunk_id": ids[30],
                "question": "n",
                "model": "a",
                "answer": 1,
                "score": 0,
            }
        ]
    )
    assert store.next_chunk(TASK, "ann", order="uncertain", lease=False) == ids[7]
    assert store.next_chunk(TASK, "ann", order="uncertain", lease=False, refresh=True) == ids[30]
    # another store object on the same database reuses the stored ranking
    if store.dialect == "sqlite":
        other = LabelStore(store._url)
        assert other.next_chunk(TASK, "ann", order="uncertain", lease=False) == ids[30]
        other.close()


def test_bad_orders_and_filters_are_clear_errors(seeded: tuple[LabelStore, list[str]]) -> None:
    store, _ = seeded
    with pytest.raises(ValueError, match=r"order must be one of \['document', 'random'"):
        store.next_chunk(TASK, "ann", order="newest")
    with pytest.raises(ValueError, match=r"unknown filter\(s\) \['txt'\]"):
        store.next_chunk(TASK, "ann", where={"txt": "law"})
    with pytest.raises(ValueError, match="unknown status"):
        store.next_chunk(TASK, "ann", where={"status": "finished"})
    with pytest.raises(TypeError, match="where must be a dict of filters"):
        store.next_chunk(TASK, "ann", where="law")  # type: ignore[arg-type]


def test_reshuffling_keeps_few_order_sets_and_a_pruned_set_is_ranked_again(
    seeded: tuple[LabelStore, list[str]],
) -> None:
    store, _ = seeded
    other = LabelStore(store._url, schema=store.schema)  # another session on the same store
    first = _walk(other, "bob", 3, order="random", seed=1)  # remembered by this store object
    signal = _walk(store, "ann", 2, order="signal")
    for seed in range(2, 40):  # a user re-shuffling
        store.next_chunk(TASK, "ann", order="random", seed=seed, lease=False)
    with store._read() as conn:
        sets = conn.execute(select(t.order_sets.c.spec)).scalars().all()
        rows = conn.execute(select(func.count()).select_from(t.chunk_order)).scalar_one()
    kept = [json.loads(spec) for spec in sets]
    assert len(kept) == KEEP_SETS + 1 and rows == len(kept) * N
    assert any(s["order"] == "signal" for s in kept)  # the newest set of each order stays
    assert not any(s["order"] == "random" and s["seed"] == 1 for s in kept)  # pruned
    # the store object that walked seed 1 ranks it again, the same order, and goes on
    assert _walk(other, "bob", 5, order="random", seed=1)[:3] == first
    assert _walk(store, "ann", 2, order="signal") == signal
