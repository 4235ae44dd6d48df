"""Texts cut into words for matching, with exact character offsets.

Words are cut on the *original* characters (so every offset points into the text as given), then
folded: unicode compatibility forms ("ﬁ" is "fi", full-width letters), accents and case folded,
apostrophes inside a word dropped ("Buyer’s" is "buyers"), dotted abbreviations joined ("U.S."
is "us"), thousands separators dropped ("1,500" is "1500"), a word hyphenated across a line
break joined, and a final plural "s" ignored. Used by :mod:`labelwidgets.schema.grounding`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from labelwidgets.schema.compare import _FOLD

__all__ = ["GENERIC_WORDS", "STOP_WORDS", "words"]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _word_set(
    "a an the of and or nor in into to by for with on at as from under upon its their his her "
    "this that these those such be is are was were been being shall will would may must any "
    "all each which who whom whose it hereof thereof herein therein hereto thereto hereunder "
    "thereunder said than then"
)
# Legal boilerplate: an answer need not be found by these words, but they are located when near.
GENERIC_WORDS = _word_set(
    "law laws state states commonwealth province provinces territory territories country "
    "jurisdiction applicable internal substantive govern governs governed governing construe "
    "construed interpreted accordance agreement contract"
)


@functools.cache
def _token() -> re.Pattern[str]:
    """The word pattern, built on first use: listing the combining marks walks the whole Basic
    Multilingual Plane, which importing the package should not pay for."""
    marks = re.escape(
        "".join(
            chr(i)
            for i in range(0x300, 0x10000)
            if unicodedata.category(chr(i)) in ("Mn", "Mc", "Me")
        )
    )
    rest = (  # the rest of a word after its first letter or digit: letters, accents, joiners
        rf"[^\W_]*[{marks}]*(?:(?:['’ʼ\u00ad]|-[ \t]*\r?\n[ \t]*)?[^\W_]+[{marks}]*)*"
    )
    # One pattern that starts with a character class (the regex engine skips to candidates
    # fast); no lookbehind before the first character: a text cut at word boundaries must cut
    # into the same words as the whole text.
    return re.compile(
        r"[^\W_](?:"
        r"(?<=[^\W\d_])\.(?:[^\W\d_]\.)+"  # U.S.A.
        r"|(?<=\d)\d{0,2}(?:,\d{3})+(?:\.\d+)?(?!\d)"  # 1,500.00
        r"|(?<=\d)\d*(?:\.\d+)+"  # 1.5, 12.3.4
        rf"|{rest})"
    )


def __getattr__(name: str) -> re.Pattern[str]:
    if name == "_TOKEN":  # the pattern under its old name
        return _token()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_JOINERS = re.compile(r"['’ʼ\u00ad,]|-\s*")


class _Word(NamedTuple):
    stem: str
    stop: bool
    generic: bool
    filler: bool  # function or boilerplate word: joins the phrases on either side


def _fold_word(raw: str) -> _Word:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", raw).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)
    text = _JOINERS.sub("", text)
    if raw[-1] == ".":  # only an abbreviation ends with a dot
        text = text.replace(".", "")
    stem = text[:-1] if len(text) > 3 and text[-1] == "s" and text[-2] not in "sui" else text
    stop, generic = text in STOP_WORDS, text in GENERIC_WORDS
    return _Word(stem, stop, generic, stop or generic)


class _WordCache(dict[str, _Word]):
    """raw word -> _Word; looked up in C (``map(cache.__getitem__, words)``): words repeat a lot."""

    def __missing__(self, raw: str) -> _Word:
        self[raw] = word = _fold_word(raw)
        return word


_WORDS = _WordCache()


def _tokens(text: str) -> Iterable[tuple[_Word, int, int]]:
    for match in _token().finditer(text):
        yield _WORDS[match.group()], match.start(), match.end()


def words(text: str) -> list[str]:
    """The folded words of ``text`` as they are matched (a final plural "s" left off).

    Examples
    --------
    >>> words("The Laws of the  State of\\nNEW YORK, U.S.A.")
    ['the', 'law', 'of', 'the', 'state', 'of', 'new', 'york', 'usa']
    >>> words("ﬁnancial Buyer’s Québec 1,500")
    ['financial', 'buyer', 'quebec', '1500']
    """
    return [w.stem for w, _, _ in _tokens(str(text))]


class _Index:
    """A text cut into words: their stems and flags; character spans worked out on demand."""

    __slots__ = ("_starts", "first", "last", "raws", "stems", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.raws: list[str] = _token().findall(text)
        self.words: list[_Word] = list(map(_WORDS.__getitem__, self.raws))  # map: no Python loop
        self.stems = [w.stem for w in self.words]
        # stem -> its first and last position, built by dict() in C (the ones between by
        # list.index): cheaper than a dict of position lists built word by word
        size = len(self.stems)
        self.first = dict(zip(reversed(self.stems), range(size - 1, -1, -1), strict=True))
        self.last = dict(zip(self.stems, range(size), strict=True))
        self._starts: list[int] = []

    def span(self, position: int) -> tuple[int, int]:
        """Character span of the word at ``position``. A word starts with a letter or digit and
        the text between words holds none, so each word is the next ``find`` of its text."""
        starts, raws, find = self._starts, self.raws, self.text.find
        at = starts[-1] + len(raws[len(starts) - 1]) if starts else 0
        for raw in raws[len(starts) : position + 1]:
            at = find(raw, at)
            starts.append(at)
            at += len(raw)
        return starts[position], starts[position] + len(raws[position])


@functools.lru_cache(maxsize=4096)  # many answers (labelers, models) are checked per chunk
def _index(text: str) -> _Index:
    if len(_WORDS) > 1 << 17:  # bound the memory of the word cache
        _WORDS.clear()
    return _Index(text)


def _positions(index: _Index, stem: str) -> list[int]:
    """Where ``stem`` occurs in the indexed text."""
    at = index.first.get(stem)
    if at is None:
        return []
    found, last, stems = [at], index.last[stem], index.stems
    while at < last:
        at = stems.index(stem, at + 1, last + 1)
        found.append(at)
    return found


@functools.lru_cache(maxsize=1 << 12)
def _anchor(phrase: tuple[str, ...]) -> int:
    """The position of the phrase's longest word: the rarest as a rule ("york", not "the")."""
    return max(range(len(phrase)), key=lambda j: len(phrase[j]))


def _hits(index: _Index, phrase: tuple[str, ...]) -> list[int]:
    """Word positions where ``phrase`` starts in the indexed text."""
    k = _anchor(phrase)
    found = _positions(index, phrase[k])
    if len(phrase) == 1 or not found:
        return found
    size, stems, wanted = len(phrase), index.stems, list(phrase)
    return [i - k for i in found if i >= k and stems[i - k : i - k + size] == wanted]
