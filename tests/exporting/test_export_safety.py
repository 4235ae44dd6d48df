"""Exports write only inside their folder, and only text."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import labelwidgets as lw
from tests.exporting.test_export import TASK, small_store


@pytest.mark.parametrize(
    "name", ["../../escaped", "../escaped", "/tmp/lw-escaped", "a/b", "..", ".hidden", "x" * 80]
)
def test_split_names_cannot_leave_the_export_folder(tmp_path: Path, name: str) -> None:
    store = small_store(tmp_path / "labels.db")
    target = tmp_path / "deep" / "out"
    with pytest.raises(ValueError, match="must be a plain file name"):
        lw.export(store, TASK, "openai-chat", target, split={"train": 0.5, name: 0.5})
    written = {p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("labels")}
    assert written == set()
    assert not Path("/tmp/lw-escaped.jsonl").exists()


def test_a_split_name_that_is_a_plain_file_name_is_used(tmp_path: Path) -> None:
    store = small_store(tmp_path / "labels.db")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = lw.export(
            store, TASK, "openai-chat", tmp_path / "out", split={"train": 0.5, "dev-2": 0.5}
        )
    assert {p.name for p in report.paths.values()} <= {"train.jsonl", "dev-2.jsonl"}
    assert all(p.parent == tmp_path / "out" for p in report.paths.values())


@pytest.mark.parametrize("returned", [None, 42, b"bytes", ["a"]])
def test_a_redactor_must_return_text(tmp_path: Path, returned: object) -> None:
    store = small_store(tmp_path / "labels.db")
    with pytest.raises(TypeError, match="redact must return the redacted text"):
        lw.export(store, TASK, "openai-chat", tmp_path / "out", redact=lambda text: returned)
    assert not list((tmp_path / "out").glob("*.jsonl"))
