"""Ingestion throughput on the corpus's normal PDFs: raw extraction vs full ingest.

    .venv/bin/python tests/benchmarks/bench_ingest.py [--corpus ../shared/corpus]

Prints pages/s of raw backend extraction (one process, no chunking, no store), of the full
`ingest` with one worker (target >= 0.9x raw), with two workers, and pypdf vs pypdfium2.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import labelwidgets as lw
from labelwidgets.extract import extract

NORMAL = [  # the corpus's readable PDFs (CERES excluded: it takes ~110 s by itself)
    "cuad/pdf/BLUEFLYINC_03_27_2002-EX-10.27-e-business Hosting Agreement.PDF",
    "cuad/pdf/CYBERIANOUTPOSTINC_07_09_1998-EX-10.13-PROMOTION AGREEMENT.PDF",
    "cuad/pdf/DYNAMEXINC_06_06_1996-EX-10.4-TRANSPORTATION SERVICES AGREEMENT.PDF",
    "cuad/pdf/FLOTEKINDUSTRIESINCCN_05_09_2019-EX-10.1-SUPPLY AGREEMENT.PDF",
    "cuad/pdf/GOOSEHEADINSURANCE,INC_04_02_2018-EX-10.6-Franchise Agreement.PDF",
    "cuad/pdf/LohaCompanyltd_20191209_F-1_EX-10.16_11917878_EX-10.16_Supply Agreement.pdf",
    "cuad/pdf/SECURIANFUNDSTRUST_05_01_2012-EX-99.28.H.9-NET INVESTMENT INCOME MAINTENANCE AGREEMENT.PDF",
    "cuad/pdf/TUNIUCORP_03_06_2014-EX-10-COOPERATION AGREEMENT.PDF",
    "cuad/pdf/ULTRAGENYXPHARMACEUTICALINC_12_23_2013-EX-10.9-SUPPLY AGREEMENT.PDF",
    "sample-files/004-pdflatex-4-pages/pdflatex-4-pages.pdf",
    "sample-files/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf",
    "sample-files/026-latex-multicolumn/multicolumn.pdf",
    "pypdf-resources/Seige_of_Vicksburg_Sample_OCR.pdf",
]


def raw(paths: list[Path], backend: str) -> tuple[int, float]:
    started = time.perf_counter()
    pages = sum(extract(str(p), backend).n_pages for p in paths)
    return pages, time.perf_counter() - started


def full(paths: list[Path], backend: str, workers: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = lw.LabelStore(Path(tmp) / "labels.db")
        started = time.perf_counter()
        report = lw.ingest(paths, store, backend=backend, workers=workers, progress=False)
        elapsed = time.perf_counter() - started
        store.close()
    return int(report.df["pages"].sum()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", default=str(Path(__file__).resolve().parents[3] / "shared" / "corpus")
    )
    args = parser.parse_args()
    paths = [Path(args.corpus) / p for p in NORMAL]
    print(f"{len(paths)} PDFs from {args.corpus}")
    for backend in ("pypdf", "pypdfium2"):
        pages, raw_s = raw(paths, backend)
        _, one_s = full(paths, backend, 1)
        _, two_s = full(paths, backend, 2)
        print(f"{backend:9s} raw extraction {pages / raw_s:7.1f} pages/s | ingest 1 worker "
              f"{pages / one_s:7.1f} pages/s ({raw_s / one_s:.2f}x raw) | 2 workers "
              f"{pages / two_s:7.1f} pages/s ({one_s / two_s:.2f}x speed-up)")  # fmt: skip


if __name__ == "__main__":
    main()
