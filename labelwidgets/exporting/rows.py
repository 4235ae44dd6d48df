"""Export rows from chosen answers: prompts rendered once per chunk and question, redaction,
and the running figures of the manifest (rows digest, prompt versions, documents) — the same
steps for a page of rows as for all of them."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from labelwidgets.exporting import spans as _spans
from labelwidgets.exporting.formats import Row
from labelwidgets.exporting.redact import checked as checked_redactor
from labelwidgets.exporting.selection import Chosen
from labelwidgets.models.prompts import render
from labelwidgets.schema import UNKNOWN, Task

__all__ = ["Redaction", "RowMaker", "Tally", "answer_text"]


def answer_text(value: Any, unknown_text: str) -> str:
    """An answer as the assistant's reply."""
    if value is UNKNOWN:
        return unknown_text
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class RowMaker:
    """Training rows of chosen answers: each question's prompt (its chosen prompt version)
    rendered with the chunk's text once per chunk, question and gate answer."""

    def __init__(self, task: Task, choices: dict[str, Any], unknown_text: str) -> None:
        self.questions = {q.name: q for q in task.questions}
        self.choices, self.unknown_text = choices, unknown_text
        self.has_spans = any(q.kind == "spans" for q in task.questions)

    def rows(self, chosen: list[Chosen], chunks: dict[str, tuple[str, str]]) -> list[Row]:
        """Rows of ``chosen`` (items of whole chunks: a chained question's gate answer is
        among them); ``chunks`` maps chunk ids to ``(doc_id, text)``."""
        answered: dict[tuple[str, ...], Any] = {}
        if any(self.questions[c.question].when is not None for c in chosen):
            for c in chosen:
                for source, answer in zip(c.sources, c.answers, strict=True):
                    answered[(c.chunk_id, c.question, source)] = answer
                    answered.setdefault((c.chunk_id, c.question), answer)
        unknown_text = self.unknown_text
        rows: list[Row] = []
        for c in chosen:
            question = self.questions[c.question]
            choice = self.choices[c.question]
            text = chunks[c.chunk_id][1]
            if question.when is None:  # one prompt for every labeler
                prompt = render(question, text, choice.template, not_in_text=unknown_text)
                prompts = [prompt] * len(c.answers)
            else:  # a chained question is asked with its gate's answer
                gate, rendered = question.when[0], {}
                prompts = []
                for source in c.sources:
                    previous = answered.get(
                        (c.chunk_id, gate, source), answered.get((c.chunk_id, gate))
                    )
                    prompt = rendered.get(repr(previous))
                    if prompt is None:
                        prompt = rendered[repr(previous)] = render(
                            question,
                            text,
                            choice.template,
                            previous=previous,
                            not_in_text=unknown_text,
                        )
                    prompts.append(prompt)
            rows += [
                Row(
                    c.chunk_id,
                    c.doc_id,
                    c.question,
                    source,
                    answer,
                    answer is UNKNOWN,
                    prompt,
                    answer if type(answer) is str else answer_text(answer, unknown_text),
                    None,
                    None if evidence is None else _spans.as_evidence(evidence),
                    None,
                    choice.label,
                    choice.version_id,
                )
                for source, answer, evidence, prompt in zip(
                    c.sources, c.answers, c.evidence, prompts, strict=True
                )
            ]
        return rows


class Redaction:
    """Redacts prompts (the document's text) and quoted evidence everywhere, and answers only of
    ``pii=True`` questions; counts rows changed and the redactor's replacements per kind."""

    def __init__(self, task: Task, redact: Callable[[str], str] | None) -> None:
        self.redact = redact
        self.apply = None if redact is None else checked_redactor(redact)
        self.personal = {q.name for q in task.questions if q.pii}
        self.changed = 0
        # a redactor used for several exports counts them all: only this export's count
        self.before = Counter(getattr(redact, "counts", {}))

    def rows(self, rows: list[Row]) -> None:
        apply = self.apply
        if apply is None:
            return
        for row in rows:
            before = (row.prompt, row.completion, row.rejected, row.quote)
            row.prompt = apply(row.prompt)
            if row.quote is not None:
                row.quote = apply(row.quote)
            if row.question in self.personal:
                row.completion = apply(row.completion)
                if row.rejected is not None:
                    row.rejected = apply(row.rejected)
            self.changed += before != (row.prompt, row.completion, row.rejected, row.quote)

    def report(self) -> dict[str, int]:
        if self.redact is None:
            return {}
        counts = Counter(getattr(self.redact, "counts", {}))
        counts.subtract(self.before)
        return {"rows_changed": self.changed, **{k: n for k, n in sorted(counts.items()) if n}}


class Tally:
    """What the manifest says about the written rows, added up split by split and batch by
    batch: a digest of each split's rows, records per prompt version, documents, refusals."""

    def __init__(self, choices: dict[str, Any]) -> None:
        self.choices = choices
        self.digests: dict[str, Any] = {}
        self.counts: Counter[str] = Counter()
        self.per_question: Counter[str] = Counter()
        self.documents: set[str] = set()
        self.unknown = 0

    def add(self, split: str, rows: list[Row], prompts: dict[str, bytes]) -> None:
        """Count ``rows`` written to ``split``; ``prompts`` maps their prompts to digests."""
        digest = self.digests.get(split)
        if digest is None:
            digest = self.digests[split] = hashlib.sha256()
        hexes = {prompt: value.hex() for prompt, value in prompts.items()}
        text = "".join(
            [
                f"{r.chunk_id}\x1f{r.question}\x1f{hexes[r.prompt]}\x1f{r.completion}\x1e"
                for r in rows
            ]
        )
        digest.update(text.encode("utf-8", "surrogatepass"))
        self.counts[split] += len(rows)
        self.per_question.update(map(attrgetter("question"), rows))
        self.documents.update(map(attrgetter("doc_id"), rows))
        self.unknown += sum(map(attrgetter("is_unknown"), rows))

    def rows_sha256(self, splits: list[str]) -> str:
        """One digest of every split's rows (splits in ``splits`` order)."""
        whole = hashlib.sha256()
        for name in splits:
            if name in self.digests:
                whole.update(f"{name}\x1f{self.digests[name].hexdigest()}\x1e".encode())
        return whole.hexdigest()

    def prompt_versions(self) -> dict[str, dict[str, Any]]:
        """``{question: {"version_id", "label", "records"}}`` for each exported question."""
        return {
            name: {
                "version_id": self.choices[name].version_id,
                "label": self.choices[name].label,
                "records": self.per_question[name],
            }
            for name in self.choices
            if self.per_question[name]
        }
