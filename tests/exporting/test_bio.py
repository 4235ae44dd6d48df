"""Tokenizers and BIO tags: spans -> tags -> spans round trips, and what BIO cannot say."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelwidgets.exporting.spans import bio_to_spans, spans_to_bio, tokenize, tokenizer_for

TEXT = "This Agreement is governed by the laws of the State of Delaware. Term: 5 years."


def test_whitespace_and_word_tokens_carry_their_offsets() -> None:
    tokens = tokenize(TEXT)
    assert tokens[:3] == [("This", 0, 4), ("Agreement", 5, 14), ("is", 15, 17)]
    assert ("Delaware.", 55, 64) in tokens
    assert all(TEXT[s:e] == t for t, s, e in tokens)
    words = tokenize(TEXT, "words")
    assert ("Delaware", 55, 63) in words and (".", 63, 64) in words
    assert all(TEXT[s:e] == t for t, s, e in words)
    assert tokenize("  \n ") == []


def test_bad_tokenizers_are_named() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer 'spacy'"):
        tokenizer_for("spacy")
    with pytest.raises(TypeError, match="tokenizer must be"):
        tokenizer_for(42)


def test_bio_tags_by_hand() -> None:
    tokens = tokenize(TEXT, "words")
    law = {"start": TEXT.index("the laws"), "end": TEXT.index("."), "label": "Governing Law"}
    term = {"start": TEXT.index("5 years"), "end": TEXT.index("5 years") + 7, "label": "Term"}
    tags, lost = spans_to_bio([term, law], tokens)
    assert lost == {"widened": 0, "overlapping": 0, "empty": 0}
    tagged = [(t, tag) for (t, _, _), tag in zip(tokens, tags, strict=True) if tag != "O"]
    assert tagged == [
        ("the", "B-Governing Law"),
        ("laws", "I-Governing Law"),
        ("of", "I-Governing Law"),
        ("the", "I-Governing Law"),
        ("State", "I-Governing Law"),
        ("of", "I-Governing Law"),
        ("Delaware", "I-Governing Law"),
        ("5", "B-Term"),
        ("years", "I-Term"),
    ]
    assert bio_to_spans(tags, tokens) == [law, term]


def test_what_bio_cannot_say_is_counted() -> None:
    tokens = tokenize(TEXT)  # whitespace: "Delaware." is one token
    delaware = {"start": 55, "end": 63, "label": "State"}  # ends before the full stop
    inner = {"start": 34, "end": 38, "label": "Law"}  # "laws", inside the span below
    outer = {"start": 30, "end": 63, "label": "Law"}
    nothing = {"start": 64, "end": 65, "label": "Law"}  # only the space after "Delaware."
    tags, lost = spans_to_bio([delaware, inner, outer, nothing], tokens)
    # the longest span starting first is kept and widened to "Delaware."; the two inside it
    # cannot be tagged; the last covers no token
    assert lost == {"widened": 1, "overlapping": 2, "empty": 1}
    spans = bio_to_spans(tags, tokens)
    assert spans == [{"start": 30, "end": 64, "label": "Law"}]  # widened to "Delaware."


def test_bio_reading_is_lenient_with_model_output_and_strict_with_tags() -> None:
    tokens = [("a", 0, 1), ("b", 2, 3), ("c", 4, 5)]
    # an I- that does not continue its label starts a span
    assert bio_to_spans(["I-X", "I-Y", "I-Y"], tokens) == [
        {"start": 0, "end": 1, "label": "X"},
        {"start": 2, "end": 5, "label": "Y"},
    ]
    assert bio_to_spans(["B-X", "B-X", "O"], tokens) == [
        {"start": 0, "end": 1, "label": "X"},
        {"start": 2, "end": 3, "label": "X"},
    ]
    with pytest.raises(ValueError, match="not a BIO tag: 'X'"):
        bio_to_spans(["X", "O", "O"], tokens)
    with pytest.raises(ValueError, match="2 tags for 3 tokens"):
        bio_to_spans(["O", "O"], tokens)


class RegexFastTokenizer:
    """A tokenizer with the call protocol of a ``transformers`` fast tokenizer (``input_ids``,
    ``offset_mapping``, ``convert_ids_to_tokens``): ``transformers`` is not installed here."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def __call__(self, text: str, *, return_offsets_mapping: bool, add_special_tokens: bool):
        assert return_offsets_mapping and not add_special_tokens
        pieces = [(t, s, e) for t, s, e in tokenize(text, "words")]
        ids = [self.vocab.setdefault(t.lower(), len(self.vocab)) for t, _, _ in pieces]
        return {"input_ids": ids, "offset_mapping": [(s, e) for _, s, e in pieces]}

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        names = {i: t for t, i in self.vocab.items()}
        return [names[i] for i in ids]


def test_a_hugging_face_style_tokenizer_gives_tokens_with_offsets() -> None:
    tokens = tokenize(TEXT, RegexFastTokenizer())
    assert ("delaware", 55, 63) in tokens
    assert tokenize("a b", lambda text: [("x", 0, 1), ("y", 2, 3)]) == [("x", 0, 1), ("y", 2, 3)]


words = st.text(alphabet="abcdefgh.,", min_size=1, max_size=6).filter(lambda w: w.strip(".,"))
gaps = st.sampled_from([" ", "  ", "\n", " \t "])


@st.composite
def labeled_text(draw: st.DrawFn, tokenizer: str) -> tuple[str, list, list[dict]]:
    pieces = draw(st.lists(st.tuples(words, gaps), min_size=1, max_size=25))
    text = "".join(w + g for w, g in pieces)
    tokens = tokenize(text, tokenizer)
    spans, i = [], 0
    while i < len(tokens):  # non-overlapping runs of whole tokens
        length = draw(st.integers(0, 3))
        if length and draw(st.booleans()):
            last = min(i + length, len(tokens)) - 1
            label = draw(st.sampled_from(["Parties", "Term", "Governing Law"]))
            spans.append({"start": tokens[i][1], "end": tokens[last][2], "label": label})
            i = last + 1
        else:
            i += 1
    return text, tokens, spans


@given(st.sampled_from(["whitespace", "words"]).flatmap(labeled_text))
def test_token_aligned_spans_round_trip_through_bio(case: tuple) -> None:
    text, tokens, spans = case
    tags, lost = spans_to_bio(spans, tokens)
    assert lost == {"widened": 0, "overlapping": 0, "empty": 0}
    assert len(tags) == len(tokens)
    assert bio_to_spans(tags, tokens) == spans
    assert all(text[s["start"] : s["end"]].strip() == text[s["start"] : s["end"]] for s in spans)
