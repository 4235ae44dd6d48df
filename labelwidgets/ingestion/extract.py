"""Text extraction from PDF and text files, one document at a time.

Everything here runs inside a worker process (see :mod:`labelwidgets.ingestion.workers`): a broken or
hostile PDF may raise anything, loop forever or eat memory, and must never take the batch down.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
BACKENDS = ("pypdf", "pypdfium2")
# Bump when normalize_page or the page loops change the text they give: a long PDF's document
# id includes it, so a store never mixes chunks of two readings of one file under one id.
TEXT_VERSION = 1
# A PDF of more pages is identified by its file, not its text (see file_doc_id).
STREAM_MIN_PAGES = 20

_BLANK = r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]"
# Runs of blanks other than a lone space (leaving those alone is much faster on long texts).
_SPACES = re.compile(rf" {_BLANK}+|[^\S \n\r]{_BLANK}*")
# Starting at the literal "-" lets the regex engine skip ahead; the letter before it is checked
# by the lookbehind.
_HYPHEN_BREAK = re.compile(r"-(?<=[^\W\d_]-)\n[ \t]*(?=[a-z])")
_TRAILING = re.compile(r" +\n")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_RULES = re.compile(r"^[-=_*~.]{8,}$", re.MULTILINE)
# What PDF text layers carry that no one types: typographic ligatures (a search for "financial"
# must find "ﬁnancial"), soft hyphens (with the line break they end, if any) and zero-width
# characters. NFKC would do the ligatures but also rewrite ½, ², ™ and full-width forms.
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
    | {"\ufb05": "st", "\ufb06": "st"}
)
_LIGATURE_CHARS = "".join(map(chr, range(0xFB00, 0xFB07)))
_INVISIBLE = re.compile(r"\u00ad(?:[ \t]*\n[ \t]*)?|[\u200b\u200c\u200d\u2060\ufeff]")
_INVISIBLES = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Whitespace other than a space and line ends (what str.isspace and the regexes' \s call
# whitespace): where none is left and no two spaces follow each other, _SPACES has no match.
_OTHER_SPACES = (
    "\t\v\f\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A rule line not at the very start begins after a line end.
_RULE_AFTER_NEWLINE = re.compile(r"\n[-=_*~.]{8}")


@dataclass
class Extracted:
    """What one document gave: its pages' text, or a status saying why not."""

    status: str = "ok"  # ok | encrypted | broken | no_text | low_quality_text | unsupported
    pages: list[str] = field(default_factory=list)
    message: str = ""
    n_pages: int = 0
    image_pages: list[bool] = field(default_factory=list)  # per page: does it draw an image?
    doc_id: str = ""  # a long PDF's document id (see file_doc_id); else "": from its text
    normalized: bool = False  # pages already through normalize_page


class PageSink:
    """Told what :func:`extract` reads as it reads it: a PDF's page count once it is open
    (before any page), then each page. The base class ignores both."""

    def opened(self, n_pages: int, doc_id: str) -> None:
        """The PDF is open: it has ``n_pages`` pages and will be stored as ``doc_id``."""

    def page(self, text: str, draws_image: bool) -> None:
        """One more page was read (in order)."""


def file_doc_id(path: str, backend: str) -> str:
    """The id of the document a PDF of more than :data:`STREAM_MIN_PAGES` pages becomes: a hash
    of its bytes, the backend and its version, and :data:`TEXT_VERSION` (shorter ones, and
    text, are identified by their text). Known before any page is read, so the chunks of a long
    document can be stored while its later pages are still being read; the same file read
    again the same way is the same document, and read another way (another backend, another
    version of it or of the normalization) another one, as its text may differ."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"pdf\x1f{backend}\x1f{_backend_version(backend)}\x1f{TEXT_VERSION}\x1f".encode())
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _opened(sink: PageSink, path: str, backend: str, n_pages: int) -> str:
    """Tell the sink the PDF is open; its document id if it is identified by its file."""
    doc_id = file_doc_id(path, backend) if n_pages > STREAM_MIN_PAGES else ""
    sink.opened(n_pages, doc_id)
    return doc_id


def _backend_version(backend: str) -> str:
    if backend == "pypdf":
        import pypdf

        return str(pypdf.__version__)
    import pypdfium2

    return f"{pypdfium2.version.PYPDFIUM_INFO}/{pypdfium2.version.PDFIUM_INFO}"


def normalize_page(text: str) -> str:
    """Normalize whitespace (non-breaking and other spaces become plain spaces), expand
    ligatures, drop soft hyphens and zero-width characters, and join words hyphenated across
    line breaks. Runs on each page before the document is stored and chunked, so every offset
    (chunks, evidence, search) indexes the normalized text and provenance stays exact."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The steps below are skipped when they cannot match (each check is a scan in C, or for
    # characters above the text's widest none at all; a step is a regex or Python-level
    # pass): a mapping translate() alone costs more than reading the page.
    if not text.isascii():
        # Some PDF fonts map ";" to U+037E (Greek question mark), whose NFC form is ";": one
        # such page makes the quick check fail and NFC re-compose the whole page
        if "\u037e" in text:
            text = text.replace("\u037e", ";")
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if any(c in text for c in _LIGATURE_CHARS):
            text = text.translate(_LIGATURES)
        if any(c in text for c in _INVISIBLES):
            text = _INVISIBLE.sub("", text)
        # Contracts are full of no-break spaces: each is one blank, as _SPACES would make it
        if "\u00a0" in text:
            text = text.replace("\u00a0", " ")
    if "  " in text or any(c in text for c in _OTHER_SPACES):
        text = _SPACES.sub(" ", text)
    if " \n" in text:
        text = _TRAILING.sub("\n", text)
    if "-\n" in text:
        text = _HYPHEN_BREAK.sub("", text)
    if _RULES.match(text) or _RULE_AFTER_NEWLINE.search(text):
        text = _RULES.sub("", text)
    text = "\n".join(map(str.strip, text.split("\n")))
    if "\n\n\n" in text:
        text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def default_backend() -> str:
    """``"pypdfium2"`` when the ``[fast-pdf]`` extra is installed (about 10-80x faster), else
    ``"pypdf"``."""
    from importlib.util import find_spec

    return "pypdfium2" if find_spec("pypdfium2") is not None else "pypdf"


def extract(
    path: str,
    backend: str = "pypdf",
    password: str | None = None,
    *,
    finish: bool = True,
    sink: PageSink | None = None,
) -> Extracted:
    """Extract the pages of ``path`` and (``finish=True``) :func:`finish_pages` them; never raises
    for a bad file. Worker processes pass ``finish=False``: the parent finishes pages while the
    worker reads on. ``sink`` is told a PDF's page count once it is open (a worker's time
    budget grows with it), then each page as it is read (a worker sends them on in batches)."""
    suffix = Path(path).suffix.lower()
    sink = sink or PageSink()
    try:
        if suffix in TEXT_SUFFIXES:
            result = _text_file(path)
        elif suffix in PDF_SUFFIXES:
            read = _pypdf if backend == "pypdf" else _pdfium
            result = read(path, password, sink)
        else:
            return Extracted(
                "unsupported",
                message=f"unsupported file type {suffix or '(none)'!r}; "
                "ingest reads .pdf, .txt and .md",
            )
    except MemoryError:
        result = Extracted("broken", message="ran out of memory while reading this file")
    except Exception as exc:  # a broken PDF raises anything: TypeError, AssertionError, ...
        result = Extracted("broken", message=f"cannot read this file: {type(exc).__name__}: {exc}")
    return finish_pages(result) if finish else result


def finish_pages(result: Extracted) -> Extracted:
    """Normalize the pages of a readable document and judge its text (no text, junk text)."""
    if result.status == "ok":
        if not result.normalized:
            result.pages = [normalize_page(p) for p in result.pages]
            result.normalized = True
        judge_text(result)
    return result


def _text_file(path: str) -> Extracted:
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    pages = text.split("\f") if "\f" in text else [text]
    return Extracted(pages=pages, n_pages=len(pages))


def _pypdf(path: str, password: str | None, sink: PageSink) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(password or ""):
            return _locked(password)
        doc_id = _opened(sink, path, "pypdf", len(reader.pages))
        pages, images = [], []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            images.append(_few_words(pages[-1]) and _pypdf_draws_image(page))
            sink.page(pages[-1], images[-1])
    except FileNotDecryptedError:
        return _locked(password)
    except DependencyError as exc:
        return Extracted("encrypted", message=f"{exc} (install pypdf[crypto])")
    return Extracted(pages=pages, n_pages=len(pages), image_pages=images, doc_id=doc_id)


def _pypdf_draws_image(page: Any) -> bool:
    try:
        xobjects = page["/Resources"]["/XObject"]
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    except Exception:  # no resources, or a damaged dictionary: treat as "no image"
        return False


def _pdfium(path: str, password: str | None, sink: PageSink) -> Extracted:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise ImportError(
            "backend='pypdfium2' needs the 'fast-pdf' extra: pip install 'labelwidgets[fast-pdf]'"
        ) from None
    try:
        document = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return _locked(password)
        raise
    from pypdfium2 import raw

    try:
        doc_id = _opened(sink, path, "pypdfium2", len(document))
        pages, images = [], []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            if _few_words(pages[-1]):  # only then does it matter (walking objects is slow)
                drawn = page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2)
                images.append(next(drawn, None) is not None)
            else:
                images.append(False)
            page.close()
            sink.page(pages[-1], images[-1])
    finally:
        document.close()
    return Extracted(pages=pages, n_pages=len(pages), image_pages=images, doc_id=doc_id)


def _locked(password: str | None) -> Extracted:
    why = "the password given is wrong" if password else "it needs a password (password=...)"
    return Extracted("encrypted", message=f"this PDF is encrypted and {why}")


def judge_text(result: Extracted) -> None:
    """Flag documents with no text layer, or with a text layer that is mostly junk."""
    images = result.image_pages or [False] * len(result.pages)
    textless = [
        i
        for i, (page, image) in enumerate(zip(result.pages, images, strict=False), 1)
        if not _has_text_layer(page, image)
    ]
    if len(textless) == len(result.pages):
        result.status = "no_text"
        result.message = (
            f"no text layer on any of the {result.n_pages} page(s): it is probably "
            "scanned and needs OCR first (OCR is not part of labelwidgets)"
        )
        return
    if text_quality(" ".join(result.pages)) < 0.5:
        result.status = "low_quality_text"
        result.message = (
            "the text layer is mostly not words (a bad OCR layer?): re-run OCR before labeling"
        )
        return
    if textless:
        listed = ", ".join(map(str, textless[:10])) + (", ..." if len(textless) > 10 else "")
        result.message = (
            f"{len(textless)} of {result.n_pages} page(s) have no text layer "
            f"(page {listed}): OCR is needed there"
        )


_WORD = re.compile(r"[^\W\d_]{2,}")
_WORDLIKE = re.compile(r"[^\W\d_]{2,}|\d+")


def _few_words(page: str) -> bool:
    """Fewer than three words of two letters or more."""
    return sum(1 for _ in itertools.islice(_WORD.finditer(page), 3)) < 3


def _has_text_layer(page: str, draws_image: bool) -> bool:
    if not any(c.isalnum() for c in page):
        return False
    # A scanned page often carries a stray label or stamp ("Background", "CONFIDENTIAL") over
    # its image; that is not a text layer. A page without images keeps even one word ("Potato").
    return not draws_image or not _few_words(page)


def text_quality(text: str) -> float:
    """Share of the non-space characters that belong to words (runs of two or more letters) or
    numbers: about 0.95 for prose and contracts in any script, about 0.3 for a junk OCR layer
    made of stray letters and punctuation. Long texts are judged on 40 evenly spread samples."""
    if len(text) > 100_000:
        step = len(text) // 40
        text = " ".join(text[i : i + 2_000] for i in range(0, len(text), step))
    # Words and numbers hold no whitespace: what removing them takes away are their characters,
    # and the non-space characters left (str.split: the \s set) are the rest.
    rest = _WORDLIKE.sub("", text)
    in_words = len(text) - len(rest)
    total = in_words + sum(map(len, rest.split()))
    return in_words / total if total else 0.0
