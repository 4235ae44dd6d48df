"""Span exports: character offsets, token classification (BIO) and SQuAD-style extractive QA,
plus the evidence quoted in chat targets.

Formats (each one JSON object per line, loadable with ``datasets.load_dataset("json", ...)``):

- ``"spans"``: answers of ``spans`` questions in *chunk* coordinates:
  ``{"text": chunk text, "spans": [{"start", "end", "label"}], ...}``.
- ``"token-classification"``: the same spans as BIO tags over tokens
  (``{"tokens": [...], "ner_tags": ["B-Term", "I-Term", "O", ...], "offsets": [[s, e], ...]}``),
  the layout of Hugging Face token-classification datasets (string tags; ``offsets`` are the
  tokens' chunk coordinates). :func:`bio_to_spans` turns tags back into spans.
- ``"squad"``: text answers with evidence as extractive QA, SQuAD 2.0 style: ``context`` (the
  chunk), ``question`` (the question's prompt), ``answers: {"text": [...], "answer_start":
  [...]}`` from the evidence spans; a "not in the text" answer has empty lists (unanswerable).

Every record also carries ``id``, ``chunk_id``, ``doc_id``, ``char_start`` (where the chunk starts
in its document: chunk offset + ``char_start`` = document offset), ``question_name`` and
``source``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labelwidgets.exporting.formats import SPAN_FORMATS, Row, write_rows
from labelwidgets.schema import UNKNOWN, Task
from labelwidgets.schema.compare import answers_equal

if TYPE_CHECKING:
    from labelwidgets.store import LabelStore

__all__ = [
    "SPAN_FORMATS",
    "bio_to_spans",
    "quote",
    "spans_to_bio",
    "tokenize",
    "tokenizer_for",
]

DEFAULT_EVIDENCE_TEMPLATE = '{answer}\nQuote: "{evidence}"'
Token = tuple[str, int, int]  # text, start, end (end exclusive)
_TOKEN_PATTERNS = {"whitespace": re.compile(r"\S+"), "words": re.compile(r"\w+|[^\w\s]")}


# -- tokenizers -------------------------------------------------------------------------------------
def tokenize(text: str, tokenizer: Any = "whitespace") -> list[Token]:
    """Tokens of ``text`` as ``(token, start, end)``; see :func:`tokenizer_for`."""
    return tokenizer_for(tokenizer)(text)


def tokenizer_for(tokenizer: Any = "whitespace") -> Callable[[str], list[Token]]:
    """A function ``text -> [(token, start, end), ...]``.

    Parameters
    ----------
    tokenizer
        ``"whitespace"`` (default: runs of non-space characters, so "Delaware." is one token),
        ``"words"`` (words and single punctuation marks: "Delaware", "."; better when spans end
        before punctuation), a Hugging Face tokenizer (``transformers``: any tokenizer called with
        ``return_offsets_mapping=True``, i.e. a fast one; or a ``tokenizers.Tokenizer``), or a
        callable returning ``(token, start, end)`` triples.
    """
    if isinstance(tokenizer, str):
        pattern = _TOKEN_PATTERNS.get(tokenizer)
        if pattern is None:
            raise ValueError(
                f"unknown tokenizer {tokenizer!r}; use 'whitespace', 'words', a Hugging Face "
                "tokenizer or a callable"
            )
        return lambda text: [(m.group(), m.start(), m.end()) for m in pattern.finditer(text)]
    if hasattr(tokenizer, "convert_ids_to_tokens"):
        return lambda text: _hf_tokens(tokenizer, text)
    if hasattr(tokenizer, "encode") and hasattr(tokenizer, "token_to_id"):  # tokenizers.Tokenizer
        return lambda text: _encoding_tokens(tokenizer.encode(text, add_special_tokens=False))
    if callable(tokenizer):
        return lambda text: [(str(t), int(s), int(e)) for t, s, e in tokenizer(text)]
    raise TypeError(
        f"tokenizer must be a name, a Hugging Face tokenizer or a callable: {tokenizer!r}"
    )


def _hf_tokens(tokenizer: Any, text: str) -> list[Token]:
    try:
        encoded = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
    except NotImplementedError:
        raise ValueError(
            "this Hugging Face tokenizer gives no character offsets; use a fast tokenizer "
            "(AutoTokenizer.from_pretrained(..., use_fast=True))"
        ) from None
    names = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    return [
        (str(n), int(s), int(e)) for n, (s, e) in zip(names, encoded["offset_mapping"], strict=True)
    ]


def _encoding_tokens(encoding: Any) -> list[Token]:
    return [
        (str(n), int(s), int(e))
        for n, (s, e) in zip(encoding.tokens, encoding.offsets, strict=True)
    ]


# -- BIO ------------------------------------------------------------------------------------------------
def spans_to_bio(
    spans: Iterable[Mapping[str, Any]], tokens: Sequence[Token]
) -> tuple[list[str], dict[str, int]]:
    """BIO tags of ``tokens`` for labeled ``spans`` (both in the same coordinates).

    A token belongs to a span when they share a character. BIO cannot say everything spans can,
    so the returned counts say what was lost: ``"widened"`` spans whose start or end falls inside
    a token (the tags cover the whole token), ``"overlapping"`` spans that overlap an earlier
    one (left out: a token has one tag), ``"empty"`` spans that cover no token (left out).
    Token-aligned spans that do not overlap round-trip exactly through :func:`bio_to_spans`.
    """
    tags = ["O"] * len(tokens)
    counts = {"widened": 0, "overlapping": 0, "empty": 0}
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        start, end, label = span["start"], span["end"], span["label"]
        covered = [i for i, (_, s, e) in enumerate(tokens) if s < end and start < e and e > s]
        if not covered:
            counts["empty"] += 1
            continue
        if any(tags[i] != "O" for i in covered):
            counts["overlapping"] += 1
            continue
        if tokens[covered[0]][1] != start or tokens[covered[-1]][2] != end:
            counts["widened"] += 1
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags, counts


def bio_to_spans(tags: Sequence[str], tokens: Sequence[Token]) -> list[dict[str, Any]]:
    """Labeled spans from BIO (IOB2) tags: ``[{"start", "end", "label"}]`` in token coordinates.

    An ``I-`` tag that does not continue a span of its label starts one (the usual lenient
    reading of model output).
    """
    if len(tags) != len(tokens):
        raise ValueError(f"{len(tags)} tags for {len(tokens)} tokens")
    spans: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for tag, (_, start, end) in zip(tags, tokens, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I", "O") or (prefix != "O" and not label):
            raise ValueError(f"not a BIO tag: {tag!r}")
        if prefix == "I" and current is not None and current["label"] == label:
            current["end"] = end
            continue
        current = None
        if prefix in ("B", "I"):
            current = {"start": start, "end": end, "label": label}
            spans.append(current)
    return spans


# -- evidence --------------------------------------------------------------------------------------------
def quote(
    evidence: Any, chunk_text: str, char_start: int | None, document: Callable[[], str]
) -> str:
    """The text of evidence spans (document coordinates), joined by " … ".

    Spans inside the chunk are read from ``chunk_text``; others from ``document()``, called only
    when needed.
    """
    parts = []
    offset = char_start or 0
    for start, end in evidence or ():
        if char_start is not None and offset <= start and end <= offset + len(chunk_text):
            parts.append(chunk_text[start - offset : end - offset])
        else:
            parts.append(document()[start:end])
    return " … ".join(" ".join(p.split()) for p in parts)


def spans_target(spans: Any, chunk_text: str, char_start: int | None) -> str:
    """A chat target for a spans answer: one ``label: "text"`` line per span (``None`` if none)."""
    offset = char_start or 0
    lines = [
        f'{s["label"]}: "{chunk_text[s["start"] - offset : s["end"] - offset]}"' for s in spans
    ]
    return "\n".join(lines) if lines else "None"


# -- rows of every format -----------------------------------------------------------------------------
def select_questions(task: Task, selected: Any, fmt: str) -> Any:
    """The rows of ``selected`` (a DataFrame with a ``question`` column) that ``fmt`` exports:
    spans questions for ``"spans"``/``"token-classification"``, questions that take evidence for
    ``"squad"``; a ``ValueError`` when the task has none."""
    if fmt == "squad":
        names = [q.name for q in task.questions if q.kind != "spans" and q.evidence]
        need = "a question that takes evidence (Question(..., evidence=True))"
    else:
        names = [q.name for q in task.questions if q.kind == "spans"]
        need = "a spans question (Question(..., kind='spans', labels=[...]))"
    if not names:
        raise ValueError(f"format {fmt!r} needs {need}; task {task.name!r} has none")
    return selected[selected["question"].isin(names)].reset_index(drop=True)


def finish_rows(
    store: LabelStore, task: Task, rows: list[Row], evidence: bool | str, template: str
) -> None:
    """Write spans answers as readable targets, and add the evidence quote to each row: into
    the target through ``template`` (``evidence=True``) or as the row's ``quote``
    (``evidence="field"``). Rows without evidence keep the bare answer."""
    if evidence not in (False, True, "field"):
        raise ValueError(f"evidence must be False, True or 'field', got {evidence!r}")
    if evidence is True:
        try:
            template.format(answer="", evidence="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"evidence_template {template!r} may only use {{answer}} and {{evidence}} ({exc})"
            ) from None
    kinds = {q.name: q.kind for q in task.questions}
    wanted = [r for r in rows if kinds[r.question] == "spans" or (evidence and r.evidence)]
    if not wanted:
        return
    frame = store.chunks(chunk_ids=sorted({r.chunk_id for r in wanted}))
    chunks = {r.chunk_id: r for r in frame.itertuples(index=False)}
    documents: dict[str, str] = {}
    for row in wanted:
        chunk = chunks[row.chunk_id]
        start = None if chunk.char_start != chunk.char_start else int(chunk.char_start)
        if kinds[row.question] == "spans":
            row.completion = spans_target(row.answer, chunk.text, start)
            continue
        text = quote(
            row.evidence,
            chunk.text,
            start,
            lambda d=row.doc_id: (
                documents.get(d) or documents.setdefault(d, store.document_text(d))
            ),
        )
        if evidence == "field":
            row.quote = text
        else:
            row.completion = template.format(answer=row.completion, evidence=text)


def as_evidence(value: Any) -> list[list[int]] | None:
    """Evidence as read from a store view (a list of pairs, or None/NaN when there is none)."""
    if value is None or isinstance(value, float) or not len(value):
        return None
    return [[int(s), int(e)] for s, e in value]


def agreed_evidence(group: Any, best: Any, kind: str) -> list[list[int]] | None:
    """The evidence of the first labeler in ``group`` whose answer equals ``best`` and has any."""
    if "evidence" not in group:
        return None
    for answer, evidence in zip(group["answer"], group["evidence"], strict=True):
        if as_evidence(evidence) and answers_equal(answer, best, kind):
            return as_evidence(evidence)
    return None


_LOST = {
    "widened": "{n} span(s) did not start or end on a token boundary: widened to whole tokens",
    "overlapping": "{n} span(s) overlap an earlier span: left out (a token has one BIO tag)",
    "empty": "{n} span(s) cover no token: left out",
    "evidence outside the chunk": "{n} evidence span(s) outside their chunk: left out",
}


def lost_warnings(writer: SpanWriter | None) -> list[str]:
    """What a span export could not express, as report warnings."""
    if writer is None:
        return []
    return [_LOST[name].format(n=n) for name, n in writer.lost.items() if n]


def writer_for(
    store: Any, task: Task, fmt: str, tokenizer: Any, selected: Any
) -> tuple[SpanWriter | None, Any]:
    """The span writer of a span format (``None`` for the others) and the rows it exports."""
    if fmt not in SPAN_FORMATS:
        return None, selected
    return SpanWriter(store, task, fmt, tokenizer), select_questions(task, selected, fmt)


def finish(
    store: Any,
    task: Task,
    rows: list[Row],
    writer: SpanWriter | None,
    dropped: list[tuple[str, int]],
    evidence: bool | str,
    template: str,
) -> list[Row]:
    """:func:`finish_rows`, then keep the rows a span format can express (why others go is
    appended to ``dropped``)."""
    finish_rows(store, task, rows, evidence, template)
    if writer is None:
        return rows
    rows, lost = writer.prepare(rows)
    dropped += lost
    return rows


# -- records ------------------------------------------------------------------------------------------------
class SpanWriter:
    """Writes the span formats for one export (chunk texts looked up once)."""

    def __init__(
        self, store: LabelStore, task: Task, fmt: str, tokenizer: Any = "whitespace"
    ) -> None:
        if fmt not in SPAN_FORMATS:
            raise ValueError(f"not a span format: {fmt!r}")
        self.store, self.task, self.fmt = store, task, fmt
        self.tokens = tokenizer_for(tokenizer)
        self.lost = {"widened": 0, "overlapping": 0, "empty": 0, "evidence outside the chunk": 0}
        self._chunks: dict[str, dict[str, Any]] = {}

    def prepare(self, rows: list[Row]) -> tuple[list[Row], list[tuple[str, int]]]:
        """Read the rows' chunks; keep the rows the format can express, and say why others go."""
        self._load(r.chunk_id for r in rows)
        if self.fmt != "squad":
            return rows, []
        kept = [r for r in rows if r.answer is UNKNOWN or self._inside(r)]
        reason = "no evidence inside the chunk (extractive QA quotes the chunk)"
        return kept, [(reason, len(rows) - len(kept))]

    def _load(self, chunk_ids: Iterable[str]) -> None:
        wanted = sorted(set(chunk_ids) - set(self._chunks))
        if not wanted:
            return
        frame = self.store.chunks(chunk_ids=wanted)
        for r in frame.itertuples(index=False):
            start = None if r.char_start != r.char_start else r.char_start  # NaN: no offsets
            self._chunks[r.chunk_id] = {
                "text": r.text,
                "char_start": None if start is None else int(start),
            }

    def _inside(self, row: Row) -> list[list[int]]:
        chunk = self._chunks[row.chunk_id]
        offset, size = chunk["char_start"] or 0, len(chunk["text"])
        return [[s, e] for s, e in row.evidence or () if offset <= s and e <= offset + size]

    def record(self, row: Row) -> dict[str, Any]:
        """The JSON record of one row (call :meth:`prepare` first)."""
        chunk = self._chunks[row.chunk_id]
        offset = chunk["char_start"] or 0
        base = {
            "id": f"{row.chunk_id}/{row.question}/{row.source}",
            "chunk_id": row.chunk_id,
            "doc_id": row.doc_id,
            "char_start": offset,
            "question_name": row.question,
            "source": row.source,
        }
        if self.fmt == "squad":
            return {**base, **self._squad(row, chunk["text"], offset)}
        spans = [
            {"start": s["start"] - offset, "end": s["end"] - offset, "label": s["label"]}
            for s in row.answer
        ]
        if self.fmt == "spans":
            return {**base, "text": chunk["text"], "spans": spans}
        tokens = self.tokens(chunk["text"])
        tags, lost = spans_to_bio(spans, tokens)
        for name, n in lost.items():
            self.lost[name] += n
        return {
            **base,
            "tokens": [t for t, _, _ in tokens],
            "ner_tags": tags,
            "offsets": [[s, e] for _, s, e in tokens],
        }

    def _squad(self, row: Row, text: str, offset: int) -> dict[str, Any]:
        question = self.task.question(row.question)
        inside = [] if row.answer is UNKNOWN else self._inside(row)
        self.lost["evidence outside the chunk"] += len(row.evidence or ()) - len(inside)
        return {
            "title": row.doc_id,
            "context": text,
            "question": question.prompt or question.instructions or question.name,
            "answers": {
                "text": [text[s - offset : e - offset] for s, e in inside],
                "answer_start": [s - offset for s, _ in inside],
            },
        }

    def forget(self) -> None:
        """Drop the chunks read so far (a streaming export, after each page)."""
        self._chunks.clear()

    def write(self, path: Path, rows: list[Row]) -> None:
        """Write ``rows`` (kept by :meth:`prepare`) to ``path``, one JSON record per line."""
        self._load(r.chunk_id for r in rows)
        write_rows(path, rows, self.fmt, "", record=self.record)
