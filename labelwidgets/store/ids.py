"""Content-derived ids, so that adding the same content twice is a no-op."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable


def _digest(*parts: object, size: int) -> str:
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def doc_id_for_bytes(data: bytes) -> str:
    """Id of a document from its raw bytes (the same file under another name is the same document)."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def doc_id_for_text(text: str) -> str:
    """Id of a document given as plain text."""
    return doc_id_for_bytes(text.encode("utf-8", "surrogatepass"))


def chunk_id(doc_id: str, char_start: int | None, char_end: int | None, text: str) -> str:
    """Id of a chunk: a hash of its document, offsets and text."""
    return chunk_ids([doc_id], [char_start], [char_end], [text])[0]


def chunk_ids(
    doc_ids: Iterable[str],
    char_starts: Iterable[int | None],
    char_ends: Iterable[int | None],
    texts: Iterable[str],
) -> list[str]:
    """:func:`chunk_id` of many chunks (the same ids, hashed in one pass: one string and one
    hash call per chunk)."""
    blake2b = functools.partial(hashlib.blake2b, digest_size=10)
    return [
        blake2b(key.encode("utf-8", "surrogatepass")).hexdigest()
        for key in map(_CHUNK_KEY.format, doc_ids, char_starts, char_ends, texts)
    ]


_CHUNK_KEY = "{}\x1f{}\x1f{}\x1f{}\x1f"


def prompt_version_id(task: str, question: str, template: str) -> str:
    """Id of a prompt version: a hash of where it applies and its template."""
    return _digest(task, question, template, size=8)
