"""De-duplication with a fixed-size digest per exported row, so a streaming export remembers
16 bytes per row instead of the row.

A row is a duplicate when an earlier row has the same question, prompt and rejected reply and an
answer that is the same answer under the question's ``match=`` rule (the rule of
:func:`labelwidgets.exporting.selection.dedup`). For a keyed rule (every built-in rule but
``token_f1>=x`` and ``contains``) that is the same answer *key*, so a row is remembered as
``blake2b(question, prompt, rejected, key)``. Rules that compare answers in pairs keep, per
prompt, the first answer of each group of equal answers (see :class:`Deduplicator`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable
from itertools import compress
from operator import attrgetter
from typing import Any

import numpy as np

from labelwidgets.exporting.formats import Row
from labelwidgets.schema import UNKNOWN, Task

__all__ = ["Deduplicator", "DigestSet", "key_text", "prompt_digest"]

DIGEST = 16


def prompt_digest(prompt: str) -> bytes:
    """The 16-byte digest of a prompt's text."""
    return hashlib.blake2b(prompt.encode("utf-8", "surrogatepass"), digest_size=DIGEST).digest()


def key_text(key: Hashable) -> str | None:
    """A text equal for equal answer keys and different for different ones, or ``None`` for a
    key of a type it cannot vouch for (such keys are compared as themselves)."""
    if isinstance(key, str):
        return "s" + key
    if key is UNKNOWN:
        return "U"
    if key is None:
        return "N"
    if isinstance(key, (bool, int, float)):
        if isinstance(key, float):
            if key != key:  # NaN equals nothing, not even itself
                return None
            if key.is_integer():
                key = int(key)
        return "n" + repr(int(key) if isinstance(key, bool) else key)
    if isinstance(key, dt.date):
        return ("t" if isinstance(key, dt.datetime) else "d") + key.isoformat()
    if isinstance(key, (tuple, frozenset)):
        parts = [key_text(k) for k in key]
        if any(p is None for p in parts):
            return None
        inner = [f"{len(p)}:{p}" for p in parts]  # type: ignore[arg-type]
        if isinstance(key, frozenset):
            return "f" + "".join(sorted(inner))
        return "u" + "".join(inner)
    return None


class DigestSet:
    """A set of 16-byte digests, each kept as two 64-bit integers in sorted numpy runs (merged
    as they grow: a log-structured set): 16 bytes per member plus transient merge space.

    Runs are sorted by the first half (a radix sort) and looked up with ``searchsorted`` on
    integers (faster than on 16-byte strings); the second half settles a match.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(high) for high, _ in self._runs)

    def first_seen(self, digests: list[bytes]) -> list[bool]:
        """For each digest in order: whether it is new (not in the set, nor earlier in the
        list); the new ones join the set."""
        if not digests:
            return []
        halves = np.frombuffer(b"".join(digests), dtype="<u8").reshape(-1, 2)
        high, low = halves[:, 0], halves[:, 1]
        order = _first_of_each(high, low)
        high, low = high[order], low[order]
        fresh = np.ones(len(order), dtype=bool)
        for run in self._runs:
            fresh &= ~_members(run, high, low)
        new = np.zeros(len(digests), dtype=bool)
        new[order[fresh]] = True
        self._add(high[fresh], low[fresh])
        return new.tolist()

    def _add(self, high: np.ndarray, low: np.ndarray) -> None:
        if not len(high):
            return
        self._runs.append((high, low))
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (high, low), (older_high, older_low) = self._runs.pop(), self._runs.pop()
            high, low = np.concatenate([older_high, high]), np.concatenate([older_low, low])
            del older_high, older_low
            order = np.argsort(high, kind="stable")  # a radix sort of 64-bit integers
            self._runs.append((high[order], low[order]))


def _first_of_each(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct (high, low) pair, ordered by
    ``high``."""
    order = np.argsort(high, kind="stable")  # among equal digests the earliest comes first
    ordered_high, ordered_low = high[order], low[order]
    same_high = ordered_high[1:] == ordered_high[:-1]
    if not (same_high & (ordered_low[1:] != ordered_low[:-1])).any():
        return order[np.concatenate([[True], ~same_high])]
    # two different digests share a first half (rare beyond belief): pair by pair
    seen: set[tuple[int, int]] = set()
    first = []
    for position in order.tolist():
        pair = (int(high[position]), int(low[position]))
        if pair not in seen:
            seen.add(pair)
            first.append(position)
    return np.array(first, dtype=np.int64)


def _members(run: tuple[np.ndarray, np.ndarray], high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Which (high, low) pairs are in the sorted ``run``."""
    run_high, run_low = run
    left = np.searchsorted(run_high, high, "left")
    right = np.searchsorted(run_high, high, "right")
    found = np.zeros(len(high), dtype=bool)
    single = right - left == 1
    found[single] = run_low[left[single]] == low[single]
    for index in np.nonzero(right - left > 1)[0]:  # equal first halves: rare beyond belief
        found[index] = bool((run_low[left[index] : right[index]] == low[index]).any())
    return found


_PROMPT, _QUESTION, _ANSWER = attrgetter("prompt"), attrgetter("question"), attrgetter("answer")
_REJECTED = attrgetter("rejected")


def _digest_into(prompts: dict[str, bytes], prompt: str) -> bytes:
    found = prompts[prompt] = prompt_digest(prompt)
    return found


class Deduplicator:
    """Drops rows that repeat an earlier row's prompt and answer, batch after batch."""

    def __init__(self, task: Task) -> None:
        self.matchers = {q.name: q.matcher for q in task.questions}
        self.seen = DigestSet()
        self.dropped = 0
        # rules without keys, and keys without a stable text: per prompt, what was seen
        self._pairs: dict[bytes, tuple[dict[Hashable, int], list[Any]]] = {}
        self._texts: dict[tuple[str, str], bytes | None] = {}

    def keep(self, rows: list[Row], prompts: dict[str, bytes]) -> list[Row]:
        """The rows of ``rows`` not seen before (in order); ``prompts`` maps each row's prompt
        to its :func:`prompt_digest` (filled in where missing)."""
        prompt_of = [prompts.get(p) or _digest_into(prompts, p) for p in map(_PROMPT, rows)]
        texts = self._known_texts(rows)
        if texts is not None:  # the usual batch: every answer has a known key text, no pairs
            blake2b = hashlib.blake2b
            digests = [
                blake2b(p + t, digest_size=DIGEST).digest()
                for p, t in zip(prompt_of, texts, strict=True)
            ]
            kept = list(compress(rows, self.seen.first_seen(digests)))
            self.dropped += len(rows) - len(kept)
            return kept
        digests = []
        keyed: list[int] = []
        verdict: list[bool] = [False] * len(rows)
        for index, row in enumerate(rows):
            prompt = prompt_of[index]
            text = self._key_text(row.question, row.answer)
            if row.rejected is not None or text is None:
                rejected = "" if row.rejected is None else f"r{len(row.rejected)}:{row.rejected}"
                item = f"{row.question}\x1f{rejected}\x1f".encode("utf-8", "surrogatepass")
                if text is None:
                    group = hashlib.blake2b(prompt + item, digest_size=DIGEST).digest()
                    verdict[index] = self._first_pair(
                        group, self.matchers[row.question], row.answer
                    )
                    continue
                text = item + text
            digests.append(hashlib.blake2b(prompt + text, digest_size=DIGEST).digest())
            keyed.append(index)
        for index, new in zip(keyed, self.seen.first_seen(digests), strict=True):
            verdict[index] = new
        kept = [row for row, new in zip(rows, verdict, strict=True) if new]
        self.dropped += len(rows) - len(kept)
        return kept

    def _known_texts(self, rows: list[Row]) -> list[bytes] | None:
        """Each row's :meth:`_key_text` when all of them are remembered and no row has a
        rejected reply, else ``None``."""
        if list(map(_REJECTED, rows)).count(None) != len(rows):
            return None
        items = zip(map(_QUESTION, rows), map(_ANSWER, rows), strict=True)
        try:
            texts: list[bytes | None] = list(map(self._texts.get, items))
        except TypeError:  # an unhashable answer (a list)
            return None
        if None in texts:  # answers not seen yet (or not kept: numbers)
            for index in [i for i, text in enumerate(texts) if text is None]:
                row = rows[index]
                texts[index] = self._key_text(row.question, row.answer)
                if texts[index] is None:
                    return None
        return texts  # type: ignore[return-value]

    def _key_text(self, question: str, answer: Any) -> bytes | None:
        """``question \x1f \x1f key_text`` of an answer under its question's rule (a text of
        the answer's key), or ``None`` to compare the answer in pairs."""
        # 1, 1.0 and True are one dict key, not one answer: only texts (and UNKNOWN) are kept
        cacheable = isinstance(answer, str) or answer is UNKNOWN
        if cacheable and (question, answer) in self._texts:
            return self._texts[(question, answer)]
        matcher = self.matchers[question]
        text = key_text(matcher.key(answer)) if matcher.keyed else None
        found = (
            None if text is None else f"{question}\x1f\x1f{text}".encode("utf-8", "surrogatepass")
        )
        if cacheable:
            if len(self._texts) >= 100_000:
                self._texts.clear()
            self._texts[(question, answer)] = found
        return found

    def _first_pair(self, group: bytes, matcher: Any, answer: Any) -> bool:
        """:func:`labelwidgets.schema.matching.cluster`, one answer at a time: whether
        ``answer`` starts a new group of equal answers among its prompt's answers."""
        keys, firsts = self._pairs.setdefault(group, ({}, []))
        key = matcher.key(answer)
        if key in keys:
            return False
        number = next((i for i, f in enumerate(firsts) if matcher.agree(answer, f)), len(firsts))
        keys[key] = number
        if number < len(firsts):
            return False
        firsts.append(answer)
        return True
