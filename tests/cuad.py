"""CUAD governing-law contracts for the support tests, read in place from the shared corpus.

Only one CUAD contract's full text is staged (``cuad/txt``), so most documents here are rebuilt
from ``master_clauses.csv``: each contract's clause excerpts (parties, dates, governing law, ...,
the lawyers' own cuts of the real text) joined in column order, then ingested and chunked like
any document. The expectations are computed here with plain regular expressions over the chunk
text, independently of :mod:`labelwidgets.schema.grounding`.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import labelwidgets as lw

STATES = [
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
]
# words a governing-law answer may carry that the clause need not repeat
FILLER = {"the", "of", "and", "or", "law", "laws", "state", "province", "commonwealth"}
KEYWORDS = ["governing law", "laws of", "law of", "governed by", "construed"]


@dataclass
class Contract:
    name: str
    answer: str  # CUAD's normalized answer, e.g. "New York" or "England; Wales"
    clauses: list[str]  # CUAD's governing-law excerpts
    text: str  # the document ingested
    chunk_id: str = ""
    chunk_text: str = ""
    char_start: int = 0


def squash(text: str) -> str:
    """Lower case, accents dropped, curly apostrophes straight, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    return " ".join(text.lower().split())


def written(answer: str, text: str) -> bool:
    """Independent check: every part of ``answer`` (split at ';' and ',') is in ``text``, each
    run of its words between filler words as a whole-word phrase."""
    haystack = squash(text)
    runs: list[list[str]] = []
    for part in re.split(r"[;,]", answer):
        run: list[str] = []
        for word in re.findall(r"[\w']+", squash(part)):
            if word in FILLER:
                runs.append(run)
                run = []
            else:
                run.append(word)
        runs.append(run)
    runs = [r for r in runs if r]
    return bool(runs) and all(
        re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, r)) + r"(?!\w)", haystack) for r in runs
    )


def wrong_state(text: str, seed: int) -> str:
    """A US state whose name is nowhere in ``text`` (picked by rotation from ``seed``)."""
    haystack = squash(text)
    for k in range(len(STATES)):
        state = STATES[(seed + k) % len(STATES)]
        if not re.search(rf"(?<!\w){re.escape(state.lower())}(?!\w)", haystack):
            return state
    raise AssertionError("every state is named in the text")


def main_place(answer: str) -> str:
    """The first place of a CUAD answer: "New York" of "New York; Delaware"."""
    return re.split(r"[;,]", answer)[0].strip()


def _clauses(cell: object) -> list[str]:
    if not isinstance(cell, str) or not cell.startswith("["):
        return []
    try:
        return [c for c in ast.literal_eval(cell) if isinstance(c, str) and c.strip()]
    except (ValueError, SyntaxError):
        return []


def governing_law_contracts(corpus_dir: Path, every: int = 12) -> list[Contract]:
    """Every ``every``-th contract (by file name) of master_clauses.csv that has a governing-law
    clause and answer: 36 contracts with the default."""
    table = pd.read_csv(corpus_dir / "cuad" / "master_clauses.csv", dtype=str)
    categories = [c for c in table.columns if c != "Filename" and not c.endswith("-Answer")]
    table = table.sort_values("Filename", ignore_index=True)
    picked = []
    for row in table.itertuples(index=False):
        values = dict(zip(table.columns, row, strict=True))
        answer = values["Governing Law-Answer"]
        clauses = _clauses(values["Governing Law"])
        if not clauses or not isinstance(answer, str) or answer.strip() in ("", "[]"):
            continue
        parts = [c for category in categories for c in _clauses(values[category])]
        picked.append(Contract(values["Filename"], answer.strip(), clauses, "\n\n".join(parts)))
    return picked[::every]


def staged_contracts(corpus_dir: Path) -> list[tuple[Path, Contract]]:
    """The staged CUAD files with a governing-law clause: the PDFs (CERES aside: it takes
    ~110 s to extract) and the one full text file, each with its labels_subset.csv row."""
    table = pd.read_csv(corpus_dir / "cuad" / "labels_subset.csv", dtype=str)
    labels = {
        Path(name).stem: row
        for name, row in zip(table["Filename"], table.itertuples(), strict=True)
    }
    files = sorted((corpus_dir / "cuad" / "pdf").iterdir()) + sorted(
        (corpus_dir / "cuad" / "txt").iterdir()
    )
    staged = []
    for path in files:
        row = labels[path.stem]
        clauses = _clauses(row[table.columns.get_loc("Governing Law") + 1])
        answer = row[table.columns.get_loc("Governing Law-Answer") + 1]
        if clauses and isinstance(answer, str) and not path.name.startswith("CERES"):
            staged.append((path, Contract(path.name, answer.strip(), clauses, "")))
    return staged


def ingest_contracts(
    store: lw.LabelStore,
    contracts: list[Contract],
    files: list[Path] | None = None,
    backend: str = "pypdf",
) -> list[Contract]:
    """Ingest the contracts (their ``text``, or ``files``) with a governing-law keyword filter
    and fill in each one's clause chunk: the kept chunk holding the middle of its first
    governing-law excerpt. Contracts whose clause chunk the filter dropped are left out."""
    frame = pd.DataFrame({"name": [c.name for c in contracts], "text": [c.text for c in contracts]})
    report = lw.ingest(
        frame if files is None else files,
        store,
        chunker=lw.chunkers.Paragraphs(max_chars=1500, overlap=150),
        keep=lw.filters.keywords(KEYWORDS),
        backend=backend,
        workers=2,
        progress=False,
    )
    doc_ids = dict(zip(report.df["name"], report.df["doc_id"], strict=True))
    found = []
    for contract in contracts:
        clause = squash(contract.clauses[0])
        middle = clause[len(clause) // 2 - 15 : len(clause) // 2 + 15]
        chunks = store.chunks(doc_id=doc_ids[contract.name])
        holding = [r for r in chunks.itertuples() if middle in squash(r.text)]
        if holding:
            contract.chunk_id, contract.chunk_text = holding[0].chunk_id, holding[0].text
            contract.char_start = int(holding[0].char_start)
            found.append(contract)
    return found
