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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from labelwidgets.schema import UNKNOWN

__all__ = ["make_contract_texts", "make_contracts", "write_pdf"]

_COMPANIES = [
    ("Northwind Traders", "LLC"),
    ("Contoso Pharmaceuticals", "Inc."),
    ("Fabrikam Logistics", "Ltd."),
    ("Tailspin Toys", "Inc."),
    ("Wide World Importers", "LLC"),
    ("Adventure Works Cycles", "Corp."),
    ("Litware Software", "Inc."),
    ("Proseware Analytics", "GmbH"),
    ("Lucerne Publishing", "S.A."),
    ("Coho Vineyard", "LLC"),
    ("Woodgrove Financial", "plc"),
    ("Alpine Ski House", "AG"),
    ("Blue Yonder Airlines", "Inc."),
    ("Margie's Travel", "Ltd."),
    ("Trey Research", "Inc."),
    ("Fourth Coffee", "Co."),
    ("Humongous Insurance", "Inc."),
    ("Graphic Design Institute", "LLC"),
]
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
]


_PRODUCTS = [
    "industrial sealant",
    "hydraulic pump",
    "control board",
    "filter cartridge",
    "steel fastener kit",
    "sensor module",
    "replacement valve",
    "cable harness",
    "coolant concentrate",
    "bearing assembly",
    "display panel",
    "battery pack",
]
_SERVICE_LEVELS = [
    "Availability: the Services shall be available {pct}% of each calendar month, excluding "
    "scheduled maintenance announced at least five business days in advance.",
    "Response time: Severity 1 incidents are acknowledged within {hours} hours, at any time of day.",
    "Resolution: Severity 2 incidents are resolved within {days} business days of notification.",
    "Reporting: the provider sends a monthly report of availability, incidents and open tickets.",
    "Service credits: each full percentage point below the availability target earns a credit of "
    "{credit}% of the monthly fee, up to a maximum of twenty percent.",
    "Escalation: unresolved incidents are escalated to the account manager after {hours} hours.",
    "Maintenance windows: planned maintenance takes place on Sundays between 01:00 and 05:00.",
    "Backups: customer data is backed up daily and kept for {days} weeks.",
]


def _schedules(rng: random.Random, kind: str) -> list[list[str]]:
    """Zero to two schedules, each printed on a page of its own (so a contract has 2-4 pages)."""
    schedules = []
    for letter in "AB"[: rng.choice([0, 1, 1, 2])]:
        if letter == "A":
            items = rng.sample(_PRODUCTS, k=rng.randrange(6, 11))
            lines = [f"SCHEDULE A - {'PRICING' if kind == 'supply' else 'FEES'}"]
            lines += [
                f"A.{i}. {item.capitalize()}: USD {rng.randrange(5, 900)}.{rng.randrange(100):02d} "
                f"per unit, minimum order {rng.choice([50, 100, 250, 500])} units, delivery "
                f"within {rng.randrange(2, 9)} weeks of the purchase order."
                for i, item in enumerate(items, start=1)
            ]
        else:
            lines = ["SCHEDULE B - SERVICE LEVELS"]
            lines += [
                f"B.{i}. "
                + text.format(
                    pct=rng.choice(["99.5", "99.9"]),
                    hours=rng.randrange(1, 9),
                    days=rng.randrange(2, 6),
                    credit=rng.randrange(2, 6),
                )
                for i, text in enumerate(_SERVICE_LEVELS, start=1)
            ]
        schedules.append(lines)
    return schedules


def _contract(
    rng: random.Random, index: int, seed: int
) -> tuple[list[str], list[list[str]], dict[str, Any]]:
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
    ]
    body = rng.sample(_BOILERPLATE, k=len(_BOILERPLATE))
    if has_clause:
        law_clause = rng.choice(
            [
                f"Governing Law. This Agreement shall be governed by and construed in accordance with "
                f"{law_place[1]}, without regard to its conflict of laws principles.",
                f"Governing Law and Jurisdiction. This Agreement and any dispute arising out of it shall "
                f"be governed by {law_place[1]}. The courts of {law_place[0]} shall have exclusive "
                "jurisdiction.",
            ]
        )
        body.insert(rng.randrange(len(body) // 2, len(body)), law_clause)
    clauses += [f"{n}. {text}" for n, text in enumerate(body, start=4)]
    clauses.append(
        f"IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date. "
        f"{party_a}  By: ____________   {party_b}  By: ____________"
    )
    truth = {
        "contract": f"contract_{index:02d}",
        "agreement_type": kind,
        "title": title,
        "party_a": party_a,
        "party_a_city": place_a[0],
        "party_a_country": place_a[3],
        "party_b": party_b,
        "party_b_city": place_b[0],
        "party_b_country": place_b[3],
        "effective_date": effective.isoformat(),
        "renewal_months": renewal,
        "has_governing_law_clause": "yes" if has_clause else "no",
        "governing_law": law_place[1] if has_clause else UNKNOWN,
        "jurisdiction": law_place[2] if has_clause else UNKNOWN,
        "governing_law_jurisdiction": law_place[2] if has_clause else UNKNOWN,
    }
    schedules = _schedules(random.Random(f"labelwidgets-schedules-{seed}-{index}"), kind)
    truth["pages"] = 2 + len(schedules)
    return clauses, schedules, truth


def _generate(n: int, seed: int) -> list[tuple[list[str], list[list[str]], dict[str, Any]]]:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    rng = random.Random(seed)
    return [_contract(rng, i, seed) for i in range(n)]


def make_contract_texts(n: int = 12, *, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic contracts as text: one row per contract with ``name``, ``text`` and the
    known answers (``governing_law`` is :data:`~labelwidgets.UNKNOWN` where there is none)."""
    rows = []
    for clauses, schedules, truth in _generate(n, seed):
        text = "\n\n".join(clauses + [line for schedule in schedules for line in schedule])
        rows.append({"name": f"{truth['contract']}.txt", "text": text, **truth})
    return pd.DataFrame(rows)


def make_contracts(folder: str | Path, n: int = 12, *, seed: int = 0) -> pd.DataFrame:
    """Write ``n`` synthetic contract PDFs into ``folder``; return their known answers.

    Returns a DataFrame with one row per contract: ``file`` (the PDF path), ``name``, and the
    answers: ``agreement_type``, ``party_a``/``party_b`` with ``*_city``/``*_country``,
    ``effective_date`` (ISO), ``renewal_months``, ``has_governing_law_clause`` ("yes"/"no"),
    ``governing_law`` (as a lawyer writes it, e.g. "the laws of the State of New York", or
    UNKNOWN), ``governing_law_jurisdiction`` (also as ``jurisdiction``, e.g. "New York") and
    ``pages`` (2-4: the clauses, then up to two schedules on pages of their own).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for clauses, schedules, truth in _generate(n, seed):
        path = folder / f"{truth['contract']}.pdf"
        write_pdf(path, clauses, title=truth["title"], pages=schedules)
        rows.append({"file": str(path), "name": path.name, **truth})
    return pd.DataFrame(rows)


# -- a minimal PDF writer -----------------------------------------------------------------------
_LINES_PER_PAGE = 46


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(
    path: str | Path,
    paragraphs: list[str],
    *,
    title: str = "",
    pages: Sequence[Sequence[str]] = (),
) -> None:
    """Write ``paragraphs`` as a simple multi-page PDF (Helvetica 10.5 pt, US Letter).

    Text is encoded as WinAnsi (cp1252); characters outside it become "?". Each entry of
    ``pages`` is a further list of paragraphs that starts on a new page.
    """
    sheets: list[list[str]] = []
    for block in [paragraphs, *pages]:
        lines: list[str] = []
        for paragraph in block:
            lines += textwrap.wrap(paragraph, 92) or [""]
            lines.append("")
        sheets += [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    page_ids = []
    for number, page in enumerate(sheets, start=1):
        stream = [b"BT /F1 10.5 Tf 13 TL 60 740 Td"]
        stream += [b"(" + _escape(line) + b") Tj T*" for line in page]
        stream.append(b"ET")
        stream.append(b"BT /F1 8 Tf 290 30 Td (Page " + str(number).encode() + b") Tj ET")
        content = b"\n".join(stream)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % content_id
        )
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
        len(objects) + 1,
        len(objects),
        xref,
    )
    Path(path).write_bytes(bytes(out))
