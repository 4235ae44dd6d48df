"""Chunkers keep provenance; ingestion of text inputs; filters; bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelwidgets as lw
from labelwidgets.ingestion.chunkers import Pages, Paragraphs, Window

words = st.from_regex(r"[A-Za-z]{1,12}[.,;]?", fullmatch=True)
separators = st.sampled_from([" ", " ", " ", "\n", "\n\n", ". ", "\n3.1 "])
documents = st.lists(st.tuples(words, separators), min_size=1, max_size=400).map(
    lambda parts: "".join(w + s for w, s in parts)
)
chunkers = st.one_of(
    st.builds(Paragraphs, max_chars=st.integers(40, 400), overlap=st.integers(0, 19)),
    st.builds(Window, size=st.integers(40, 400), overlap=st.integers(0, 19)),
    st.just(Pages()),
)


@settings(max_examples=200, deadline=None)
@given(documents, chunkers)
def test_chunks_are_exact_slices_that_cover_every_word(text: str, chunker) -> None:
    spans = chunker(text, [0])
    covered = [False] * len(text)
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip()
        for i in range(start, end):
            covered[i] = True
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())
    assert spans == sorted(spans)


@settings(max_examples=100, deadline=None)
@given(documents, st.integers(40, 300))
def test_paragraph_chunks_respect_max_chars_and_never_cut_words(text: str, max_chars: int) -> None:
    for start, end in Paragraphs(max_chars=max_chars, overlap=10)(text, [0]):
        assert end - start <= max_chars
        # no word is cut (words here are at most 13 characters, far below max_chars)
        assert start == 0 or text[start - 1].isspace() or not text[start].isalnum()
        assert end == len(text) or text[end].isspace() or not text[end - 1].isalnum()


@settings(max_examples=50, deadline=None)
@given(st.lists(documents, min_size=1, max_size=3))
def test_ingested_chunks_point_into_their_document_text(texts: list[str]) -> None:
    store = lw.LabelStore(":memory:")
    report = lw.ingest(
        [t for t in texts if t.strip()] or ["x"],
        store,
        progress=False,
        chunker=Paragraphs(max_chars=80, overlap=10),
    )
    assert set(report.df["status"]) <= {"ok", "low_quality_text"}
    for chunk in store.chunks().itertuples():
        document = store.document_text(chunk.doc_id)
        assert document[chunk.char_start : chunk.char_end] == chunk.text


def test_pages_are_tracked(tmp_path) -> None:
    text = "First page about supply.\fSecond page: governing law is Texas.\fThird page."
    (tmp_path / "three-pages.txt").write_text(text)
    store = lw.LabelStore(":memory:")
    lw.ingest(tmp_path, store, chunker=Pages(), progress=False)
    chunks = store.chunks()
    assert chunks["page_start"].tolist() == [1, 2, 3]
    assert chunks["text"].tolist()[1] == "Second page: governing law is Texas."


def test_long_lines_are_dehyphenated_and_whitespace_normalized() -> None:
    store = lw.LabelStore(":memory:")
    lw.ingest(
        ["The agree-\nment is   governed by\u00a0the laws of Ontario."], store, progress=False
    )
    assert store.chunks()["text"].tolist() == ["The agreement is governed by the laws of Ontario."]


def test_reingesting_adds_nothing(tmp_path) -> None:
    truth = lw.samples.make_contracts(tmp_path / "pdf", n=3)
    store = lw.LabelStore(tmp_path / "labels.db")
    first = lw.ingest(tmp_path / "pdf", store, progress=False)
    again = lw.ingest(tmp_path / "pdf", store, progress=False)
    assert first.df["chunks_added"].sum() > 0
    assert again.df["chunks_added"].sum() == 0
    assert len(store.documents()) == len(truth) == 3


def test_dataframe_and_string_sources() -> None:
    store = lw.LabelStore(":memory:")
    frame = pd.DataFrame(
        {"name": ["a.txt", "b.txt"], "body": ["Alpha clause text.", "Beta clause."]}
    )
    report = lw.ingest(frame, store, text_column="body", progress=False)
    assert report.df["name"].tolist() == ["a.txt", "b.txt"]
    assert store.documents()["name"].tolist() == ["a.txt", "b.txt"]


def test_filters_drop_and_count() -> None:
    store = lw.LabelStore(":memory:")
    keep = [lw.filters.keywords(["governing law"]), lw.filters.min_chars(30)]
    report = lw.ingest(
        [
            "Governing law: Texas.",
            "Nothing here at all to see.",
            "The governing law is the law of the State of New York.",
        ],
        store,
        keep=keep,
        progress=False,
    )
    assert report.df["chunks_kept"].tolist() == [0, 0, 1]
    assert report.df["chunks_dropped"].tolist() == [1, 1, 0]
    assert list(report.dropped_by.values()) == [1, 1]
    assert report.kept_fraction == pytest.approx(1 / 3)
    assert report.df.attrs["kept_fraction"] == report.summary()["kept_fraction"]
    assert report.summary()["chunks_dropped"] == 2 and store.count_chunks() == 1
    combined = lw.filters.keywords(["laws of"]) | lw.filters.regex(r"governing\s+law")
    assert combined("GOVERNING LAW") and not (~combined)("the laws of Texas")
    assert lw.filters.keywords(["laws of"])("the laws\nof Texas")
    assert not lw.filters.keywords(["law"])("lawyer")
    both = lw.filters.all_of(lw.filters.keywords(["law"]), lambda t: "Texas" in t)
    either = lw.filters.any_of([lw.filters.regex(r"^\d+\."), str.isupper])
    assert both("The law of Texas.") and not both("The law of Ohio.")
    assert either("3. Payment") and either("SCHEDULE A") and not either("Payment.")
    assert both.name.startswith("all_of(") and "isupper" in either.name


@pytest.mark.parametrize(
    ("source", "kwargs", "message"),
    [
        ("missing-folder/", {}, "no such file or folder"),
        ("", {}, "is an empty string"),
        ([], {}, "nothing to read"),
        (["   "], {}, "is an empty string"),
        (pd.DataFrame({"text": ["ok", " "]}), {}, "row 1 has no text"),
        (pd.DataFrame({"txt": ["a"]}), {}, "has no 'text' column"),
        (["some text"], {"backend": "tesseract"}, "unknown backend 'tesseract'"),
        (["some text"], {"timeout": 0}, "timeout must be a positive"),
        (["some text"], {"page_timeout": -1}, "page_timeout must be a number of seconds"),
        (["some text"], {"page_timeout": "1"}, "page_timeout must be a number of seconds"),
        (["some text"], {"workers": 0}, "workers must be a positive integer"),
        (["some text"], {"password": 1234}, "password must be a string or a"),
        (["some text"], {"chunker": Paragraphs}, "chunker must be a chunker instance"),
        (["some text"], {"keep": "governing law"}, "a filter must be a Filter or a callable"),
        (42, {}, "cannot read a int"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(source, kwargs, message) -> None:
    store = lw.LabelStore(":memory:")
    with pytest.raises((ValueError, TypeError), match=message):
        lw.ingest(source, store, progress=False, **kwargs)
    assert store.count_chunks() == 0


def test_bad_chunker_settings_are_named() -> None:
    with pytest.raises(ValueError, match="overlap must be between"):
        Paragraphs(max_chars=100, overlap=80)
    with pytest.raises(ValueError, match="size must be an integer >= 20"):
        Window(size=5)


def test_provenance_holds_when_one_file_is_read_by_both_backends(corpus_dir) -> None:
    path = corpus_dir / "pypdf-resources" / "crazyones.pdf"
    store = lw.LabelStore(":memory:")
    for backend in ("pypdf", "pypdfium2", "pypdf"):
        lw.ingest(
            path, store, backend=backend, chunker=Window(size=200, overlap=20), progress=False
        )
    chunks = store.chunks()
    # the backends differ only in ligatures (pypdfium2 keeps "ﬁ"), which normalizing expands: the
    # same text, so the same document
    assert chunks["doc_id"].nunique() == len(store.documents()) == 1
    for chunk in chunks.itertuples():
        assert store.document_text(chunk.doc_id)[chunk.char_start : chunk.char_end] == chunk.text


def test_a_folder_is_read_recursively_with_text_markdown_and_unsupported_files(tmp_path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "a.md").write_text("# Terms\n\nThe laws of Ontario govern.")
    (tmp_path / "nested" / "b.txt").write_bytes("Caf\xe9 terms in cp1252.".encode("cp1252"))
    (tmp_path / "c.csv").write_text("x,y\n1,2\n")
    store = lw.LabelStore(":memory:")
    df = lw.ingest(tmp_path, store, progress=False).df.set_index("name")
    assert df["status"].to_dict() == {"a.md": "ok", "c.csv": "unsupported", "nested/b.txt": "ok"}
    assert "unsupported file type '.csv'" in df.loc["c.csv", "message"]
    assert "Café terms" in store.document_text(df.loc["nested/b.txt", "doc_id"])
