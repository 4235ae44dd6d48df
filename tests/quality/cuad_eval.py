"""A realistic evaluation set from CUAD (read in place from the shared corpus, never copied).

Only one CUAD contract's full text is staged (``cuad/txt``), so each contract here is rebuilt
from ``master_clauses.csv``: its clause excerpts (the lawyers' own cuts of the real text: parties,
dates, governing law, assignment, audit, ...) joined in column order, one paragraph each, then
ingested with :func:`lw.ingest`, chunked, and filtered by governing-law and date keywords like
any corpus. Every expectation here is computed with plain string rules, independently of the
library's matching, consensus and scoring code.

Scripted labelers answer every kept chunk:

- ``careful``: CUAD's governing law as a lawyer writes it ("the laws of the State of New
  York", "the laws of England") and CUAD's agreement date;
- ``terse``: CUAD's bare jurisdiction ("New York") and the date;
- ``misreader``: reads "governing law" as "where is the party": another state (CUAD has no
  state-of-incorporation label: the first other US state written in the contract's excerpts,
  else one picked from the file name, stands in for the party's state), the date right;
- ``swapper``: the governing law like ``careful``, dates with day and month swapped whenever
  that gives another valid date;
- ``constant``: "the laws of the State of Delaware" on every chunk, the date right.

The ``regex`` model answers the first "laws of [the State of] X" it finds (two capitalised
words at most), else "not in the text".
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import labelwidgets as lw
from tests.cuad import STATES as US_STATES

# "Washington" is left out: in contracts it is as often the city (or D.C.) as the state.
STATES = [state for state in US_STATES if state != "Washington"]
COUNTRIES = ["England", "Israel", "Germany", "Japan", "Netherlands", "Singapore", "Switzerland"]
STATE_NAMES = re.compile(r"\b(" + "|".join(sorted(STATES, key=len, reverse=True)) + r")\b")
MODEL_RULE = re.compile(
    r"laws? of (?:the )?(?:State of |Commonwealth of )?([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)"
)
KEEP = ["law", "laws", "governed", "dated", "as of", "entered into", "day of"]
CONSTANT = "the laws of the State of Delaware"
TASK = lw.Task(
    "cuad-quality",
    [
        lw.Question(
            "governing_law",
            instructions="Which law governs the agreement? Write it as a lawyer would.",
            match="entity",
        ),
        lw.Question("agreement_date", kind="date", instructions="When was it signed?"),
    ],
)
LABELERS = ["careful", "terse", "misreader", "swapper", "constant"]


@dataclass
class Contract:
    name: str
    text: str
    law: str | None  # CUAD's answer, None when the contract has no governing law clause
    law_span: tuple[int, int] | None
    date: str | None  # ISO
    date_span: tuple[int, int] | None
    other_state: str | None


@dataclass
class EvalSet:
    store: lw.LabelStore
    contracts: list[Contract]
    chunks: pd.DataFrame  # the kept chunks: chunk_id, doc_name, text, char_start, char_end
    gold: dict[tuple[str, str], object] = field(default_factory=dict)
    answers: dict[str, dict[tuple[str, str], object]] = field(default_factory=dict)
    model: dict[str, object] = field(default_factory=dict)


def _excerpts(cell: object) -> list[str]:
    if not isinstance(cell, str) or not cell.startswith("["):
        return []
    return [" ".join(x.split()) for x in ast.literal_eval(cell) if str(x).strip()]


def _iso(cell: object) -> str | None:
    if not isinstance(cell, str) or not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", cell.strip()):
        return None
    return dt.datetime.strptime(cell.strip(), "%m/%d/%y").date().isoformat()


def _contract(row: pd.Series, columns: list[str]) -> Contract | None:
    parts, spans, offset = [], {}, 0
    for column in columns:
        for excerpt in _excerpts(row[column]):
            spans.setdefault(column, (offset, offset + len(excerpt)))
            parts.append(excerpt)
            offset += len(excerpt) + 2
    text = "\n\n".join(parts)
    law = row["Governing Law-Answer"] if isinstance(row["Governing Law-Answer"], str) else None
    if law is not None and (
        law not in STATES + COUNTRIES or len(_excerpts(row["Governing Law"])) != 1
    ):
        return None
    law_span = spans.get("Governing Law")
    elsewhere = text[: law_span[0]] + text[law_span[1] :] if law_span else text
    # the party's state: a state named elsewhere in the contract, else (CUAD has no such
    # label) one picked from the contract's name that differs from the governing law
    others = [s for s in STATE_NAMES.findall(elsewhere) if s != law]
    others.append(_stand_in(row["Filename"], law))
    return Contract(
        row["Filename"],
        text,
        law,
        law_span if law else None,
        _iso(row["Agreement Date-Answer"]),
        spans.get("Agreement Date"),
        others[0] if others else None,
    )


def _stand_in(name: str, law: str | None) -> str:
    choices = [s for s in STATES if s != law]
    return choices[sum(map(ord, name)) % len(choices)]


def load_contracts(corpus: Path, with_law: int = 36, without_law: int = 8) -> list[Contract]:
    """The first contracts (in file order) whose governing law is one US state or country, plus
    some without a governing law clause."""
    frame = pd.read_csv(corpus / "cuad" / "master_clauses.csv")
    columns = [c for c in frame.columns[1::2] if not c.endswith("Answer")]
    chosen, unknown = [], []
    for _, row in frame.iterrows():
        found = _contract(row, columns)
        if found is None or not found.text:
            continue
        if found.law is not None and len(chosen) < with_law:
            chosen.append(found)
        elif found.law is None and len(unknown) < without_law:
            unknown.append(found)
        if len(chosen) == with_law and len(unknown) == without_law:
            break
    return chosen + unknown


def lawyer_form(law: str) -> str:
    return f"the laws of the State of {law}" if law in STATES else f"the laws of {law}"


def swapped(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    if day.day > 12 or day.day == day.month:
        return iso
    return dt.date(day.year, day.day, day.month).isoformat()


def model_answer(text: str) -> object:
    found = MODEL_RULE.search(text)
    return found.group(1) if found else lw.UNKNOWN


def _holder(chunks: pd.DataFrame, doc_id: str, span: tuple[int, int] | None) -> str | None:
    """The kept chunk of ``doc_id`` holding most of ``span`` (None if no kept chunk does)."""
    if span is None:
        return None
    mine = chunks[chunks["doc_id"] == doc_id]
    overlap = (mine["char_end"].clip(upper=span[1]) - mine["char_start"].clip(lower=span[0])).clip(
        lower=0
    )
    return None if mine.empty or overlap.max() <= 0 else mine.loc[overlap.idxmax(), "chunk_id"]


def _script(chunk_id: str, contract: Contract, holds: dict[str, bool]) -> dict[str, dict]:
    """What each labeler answers on one chunk."""
    law = contract.law if holds["law"] else None
    date = contract.date if holds["date"] else None
    u = lw.UNKNOWN
    right_date = date or u
    return {
        "careful": {"governing_law": lawyer_form(law) if law else u, "agreement_date": right_date},
        "terse": {"governing_law": law or u, "agreement_date": right_date},
        "misreader": {
            "governing_law": contract.other_state if law else u,
            "agreement_date": right_date,
        },
        "swapper": {
            "governing_law": lawyer_form(law) if law else u,
            "agreement_date": swapped(date) if date else u,
        },
        "constant": {"governing_law": CONSTANT, "agreement_date": right_date},
    }


def _evidence(row: object, answer: object, law: str | None) -> dict[str, list[tuple[int, int]]]:
    """Where the careful labeler read the governing law: the jurisdiction's name in the chunk,
    in document offsets (none for UNKNOWN)."""
    if answer is lw.UNKNOWN or law is None:
        return {}
    found = re.search(rf"(?<!\w){re.escape(law)}(?!\w)", row.text, re.IGNORECASE)
    assert found is not None, f"{law!r} is not written in its clause chunk"
    return {"governing_law": [(row.char_start + found.start(), row.char_start + found.end())]}


def build(
    path: Path,
    corpus: Path,
    *,
    gold: bool = True,
    labelers: tuple[str, ...] = tuple(LABELERS),
    evidence: bool = False,
) -> EvalSet:
    """Ingest the contracts of the shared ``corpus`` into a store at ``path`` and record the
    scripted answers of ``labelers`` (and CUAD's as gold). With ``evidence``, the careful
    labeler's governing-law answers carry the span where the jurisdiction is written."""
    contracts = load_contracts(corpus)
    store = lw.LabelStore(path)
    lw.ingest(
        pd.DataFrame({"name": [c.name for c in contracts], "text": [c.text for c in contracts]}),
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=1200, overlap=0),
        keep=lw.filters.keywords(KEEP),
        progress=False,
    )
    store.add_task(TASK)
    docs = store.documents().set_index("name")["doc_id"]
    chunks = store.chunks()
    found = EvalSet(store, contracts, chunks, answers={n: {} for n in labelers})
    suggestions = []
    for contract in contracts:
        doc_id = docs[contract.name]
        law_chunk = _holder(chunks, doc_id, contract.law_span)
        date_chunk = _holder(chunks, doc_id, contract.date_span)
        for row in chunks[chunks["doc_id"] == doc_id].itertuples():
            holds = {"law": row.chunk_id == law_chunk, "date": row.chunk_id == date_chunk}
            found.gold[(row.chunk_id, "governing_law")] = (
                contract.law if holds["law"] else lw.UNKNOWN
            )
            found.gold[(row.chunk_id, "agreement_date")] = (
                contract.date if holds["date"] and contract.date else lw.UNKNOWN
            )
            for name, answers in _script(row.chunk_id, contract, holds).items():
                if name not in labelers:
                    continue
                law = contract.law if holds["law"] else None
                spans = _evidence(row, answers["governing_law"], law) if evidence else {}
                spans = spans if name == "careful" else {}
                store.record_answers(
                    TASK, row.chunk_id, answers, labeler=name, evidence=spans or None
                )
                found.answers[name].update({(row.chunk_id, q): a for q, a in answers.items()})
            found.model[row.chunk_id] = model_answer(row.text)
            suggestions.append(
                {
                    "task": TASK.name,
                    "chunk_id": row.chunk_id,
                    "question": "governing_law",
                    "answer": found.model[row.chunk_id],
                    "model": "regex",
                    "raw": str(found.model[row.chunk_id]),
                }
            )
    store.add_suggestions(suggestions)
    if gold:
        store.add_gold(
            TASK, [{"chunk_id": c, "question": q, "answer": a} for (c, q), a in found.gold.items()]
        )
    return found


# -- the test's own reading of answers (independent of labelwidgets.schema.matching) ----------
def same_law(a: object, b: object) -> bool:
    """Two governing-law answers name the same single jurisdiction (the forms scripted here)."""
    if a is lw.UNKNOWN or b is lw.UNKNOWN:
        return a is b
    strip = re.compile(r"^(?:the )?(?:laws of )?(?:the )?(?:state of )?", re.IGNORECASE)
    return strip.sub("", str(a)).casefold() == strip.sub("", str(b)).casefold()


def same(question: str, a: object, b: object) -> bool:
    return same_law(a, b) if question == "governing_law" else a == b


def consensus(others: list[object], question: str) -> object | None:
    """The answer at least two of ``others`` give, more than give any other; None if none."""
    groups: list[list[object]] = []
    for answer in others:
        for group in groups:
            if same(question, group[0], answer):
                group.append(answer)
                break
        else:
            groups.append([answer])
    sizes = sorted((len(g) for g in groups), reverse=True)
    best = max(groups, key=len)
    return best[0] if sizes[0] >= 2 and (len(sizes) == 1 or sizes[0] > sizes[1]) else None


def overall(data: EvalSet, name: str, reference: str) -> float:
    """The documented overall score, computed by hand: ½ share of answerable items answered
    right + ½ share of "not in the text" items answered UNKNOWN, over both questions."""
    counts = Counter()
    for (chunk_id, question), answer in data.answers[name].items():
        if reference == "gold":
            ref = data.gold[(chunk_id, question)]
        else:
            others = [data.answers[o][(chunk_id, question)] for o in data.answers if o != name]
            ref = consensus(others, question)
        if ref is None:
            continue
        if ref is lw.UNKNOWN:
            counts["unanswerable"] += 1
            counts["unknown_right"] += answer is lw.UNKNOWN
        else:
            counts["answerable"] += 1
            counts["right"] += answer is not lw.UNKNOWN and same(question, answer, ref)
    return (
        counts["right"] / counts["answerable"] + counts["unknown_right"] / counts["unanswerable"]
    ) / 2
