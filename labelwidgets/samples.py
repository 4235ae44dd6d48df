"""Synthetic sample contracts with known answers, for the quickstart, the docs and the tests.

The contracts are generated here (no third-party documents are shipped): plausible clauses, a
governing-law clause in most but not all of them (so "not in the text" is a real answer), and
distractor clauses that mention "laws" without choosing one. PDFs are written by a tiny PDF
writer, so no extra dependency is needed.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

from labelwidgets.schema import UNKNOWN

__all__ = ["make_contract_texts", "make_contracts", "write_pdf"]

_COMPANIES = [
    ("Northwind Traders", "LLC"), ("Contoso Pharmaceuticals", "Inc."), ("Fabrikam Logistics", "Ltd."),
    ("Tailspin Toys", "Inc."), ("Wide World Importers", "LLC"), ("Adventure Works Cycles", "Corp."),
    ("Litware Software", "Inc."), ("Proseware Analytics", "GmbH"), ("Lucerne Publishing", "S.A."),
    ("Coho Vineyard", "LLC"), ("Woodgrove Financial", "plc"), ("Alpine Ski House", "AG"),
    ("Blue Yonder Airlines", "Inc."), ("Margie's Travel", "Ltd."), ("Trey Research", "Inc."),
    ("Fourth Coffee", "Co."), ("Humongous Insurance", "Inc."), ("Graphic Design Institute", "LLC"),
]  # fmt: skip
# (city, region as a lawyer names the governing law, jurisdiction, country)
_PLACES = [
    ("New York", "the laws of the State of New York", "New York", "United States"),
    ("Wilmington", "the laws of the State of Delaware", "Delaware", "United States"),
    ("San Francisco", "the laws of the State of California", "California", "United States"),
    ("Austin", "the laws of the State of Texas", "Texas", "United States"),
    ("London", "the laws of England and Wales", "England and Wales", "United Kingdom"),
    ("Toronto", "the laws of the Province of Ontario", "Ontario", "Canada"),
    ("Munich", "the laws of the Federal Republic of Germany", "Germany", "Germany"),
    ("Zurich", "the laws of Switzerland", "Switzerland", "Switzerland"),
    ("Singapore", "the laws of the Republic of Singapore", "Singapore", "Singapore"),
]
_TYPES = {
    "supply": ("Supply Agreement", "supply the Products listed in Schedule A"),
    "license": ("License Agreement", "license the Licensed Software to the Licensee"),
    "services": ("Services Agreement", "perform the Services described in the Statement of Work"),
    "other": ("Cooperation Agreement", "cooperate on the joint marketing program"),
}
_BOILERPLATE = [
    "Confidentiality. Each party shall hold the other party's Confidential Information in "
    "confidence and shall not disclose it to any third party except as permitted herein.",
    "Compliance. Each party shall comply with all applicable laws, rules and regulations in the "
    "performance of its obligations under this Agreement.",
    "Notices. All notices under this Agreement shall be in writing and delivered by courier or "
    "registered mail to the addresses set out above.",
    "Force Majeure. Neither party shall be liable for any delay caused by events beyond its "
    "reasonable control, including acts of God, war, strikes or changes in laws.",
    "Assignment. Neither party may assign this Agreement without the prior written consent of the "
    "other party, which shall not be unreasonably withheld.",
    "Limitation of Liability. In no event shall either party be liable for indirect, incidental or "
    "consequential damages arising out of this Agreement.",
    "Entire Agreement. This Agreement constitutes the entire agreement between the parties and "
    "supersedes all prior negotiations, representations and agreements.",
    "Severability. If any provision of this Agreement is held invalid, the remaining provisions "
    "shall continue in full force and effect.",
    "Insurance. Each party shall maintain commercially reasonable insurance coverage during the "
    "term of this Agreement.",
    "Audit. The Buyer may, on thirty days' notice, audit the records of the Seller relating to "
    "this Agreement once per calendar year.",
    "Warranties. Each party warrants that it has full power and authority to enter into this "
    "Agreement and to perform its obligations.",
    "Export Control. Each party shall observe the export control laws of any country that apply "
    "to the products supplied under this Agreement.",
]  # fmt: skip


def _contract(rng: random.Random, index: int) -> tuple[list[str], dict[str, Any]]:
    (name_a, form_a), (name_b, form_b) = rng.sample(_COMPANIES, 2)
    place_a, place_b = rng.sample(_PLACES, 2)
    kind = rng.choice(list(_TYPES))
    title, purpose = _TYPES[kind]
    effective = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365))
    renewal = rng.choice([12, 24, 36, 6])
    law_place = rng.choice([place_a, place_b])
    has_clause = index % 4 != 3  # every fourth contract does not say
    party_a, party_b = f"{name_a} {form_a}", f"{name_b} {form_b}"
    clauses = [
        title.upper(),
        f'This {title} (the "Agreement") is entered into as of {effective:%B %-d, %Y} (the '
        f'"Effective Date") by and between {party_a}, with its principal office in {place_a[0]}, '
        f'{place_a[3]} ("Party A"), and {party_b}, with its principal office in {place_b[0]}, '
        f'{place_b[3]} ("Party B").',
        f"1. Purpose. Party A agrees to {purpose} on the terms and conditions set out below.",
        f"2. Term. This Agreement commences on the Effective Date and continues for an initial term "
        f"of {renewal} months. It renews automatically for successive periods of {renewal} months "
        "unless either party gives ninety days' written notice of non-renewal.",
        "3. Payment. Invoices are payable within thirty (30) days of receipt. Late payments bear "
        "interest at one percent per month.",
    ]  # fmt: skip
    body = rng.sample(_BOILERPLATE, k=len(_BOILERPLATE))
    if has_clause:
        law_clause = rng.choice([
            f"Governing Law. This Agreement shall be governed by and construed in accordance with "
            f"{law_place[1]}, without regard to its conflict of laws principles.",
            f"Governing Law and Jurisdiction. This Agreement and any dispute arising out of it shall "
            f"be governed by {law_place[1]}. The courts of {law_place[0]} shall have exclusive "
            "jurisdiction.",
        ])  # fmt: skip
        body.insert(rng.randrange(len(body) // 2, len(body)), law_clause)
    clauses += [f"{n}. {text}" for n, text in enumerate(body, start=4)]
    clauses.append(
        f"IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date. "
        f"{party_a}  By: ____________   {party_b}  By: ____________"
    )
    truth = {
        "contract": f"contract_{index:02d}", "agreement_type": kind, "title": title,
        "party_a": party_a, "party_a_city": place_a[0], "party_a_country": place_a[3],
        "party_b": party_b, "party_b_city": place_b[0], "party_b_country": place_b[3],
        "effective_date": effective.isoformat(), "renewal_months": renewal,
        "has_governing_law_clause": "yes" if has_clause else "no",
        "governing_law": law_place[1] if has_clause else UNKNOWN,
        "jurisdiction": law_place[2] if has_clause else UNKNOWN,
    }  # fmt: skip
    return clauses, truth


def make_contract_texts(n: int = 12, *, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic contracts as text: one row per contract with ``name``, ``text`` and the
    known answers (``governing_law`` is :data:`~labelwidgets.UNKNOWN` where there is none)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        clauses, truth = _contract(rng, i)
        rows.append({"name": f"{truth['contract']}.txt", "text": "\n\n".join(clauses), **truth})
    return pd.DataFrame(rows)


def make_contracts(folder: str | Path, n: int = 12, *, seed: int = 0) -> pd.DataFrame:
    """Write ``n`` synthetic contract PDFs into ``folder``; return their known answers.

    Returns a DataFrame with one row per contract: ``file`` (the PDF path), ``name``, and the
    answers: ``agreement_type``, ``party_a``/``party_b`` with ``*_city``/``*_country``,
    ``effective_date``, ``renewal_months``, ``has_governing_law_clause`` ("yes"/"no"),
    ``governing_law`` (as a lawyer writes it, or UNKNOWN) and ``jurisdiction``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    texts = make_contract_texts(n, seed=seed)
    files = []
    for row in texts.itertuples():
        path = folder / f"{row.contract}.pdf"
        write_pdf(path, row.text.split("\n\n"), title=row.title)
        files.append(str(path))
    frame = texts.drop(columns=["text"]).assign(file=files, name=[Path(f).name for f in files])
    return frame[["file", *[c for c in frame.columns if c != "file"]]]


# -- a minimal PDF writer -----------------------------------------------------------------------
_LINES_PER_PAGE = 46


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(path: str | Path, paragraphs: list[str], *, title: str = "") -> None:
    """Write ``paragraphs`` as a simple multi-page PDF (Helvetica 10.5 pt, US Letter)."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(paragraph, 92) or [""]
        lines.append("")
    pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    page_ids = []
    for number, page in enumerate(pages, start=1):
        stream = [b"BT /F1 10.5 Tf 13 TL 60 740 Td"]
        stream += [b"(" + _escape(line) + b") Tj T*" for line in page]
        stream.append(b"ET")
        stream.append(b"BT /F1 8 Tf 290 30 Td (Page " + str(number).encode() + b") Tj ET")
        content = b"\n".join(stream)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % content_id)  # fmt: skip
        page_ids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)
    info = b"<< /Title (" + _escape(title) + b") /Producer (labelwidgets samples) >>"
    objects.append(info)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)  # fmt: skip
    Path(path).write_bytes(bytes(out))
