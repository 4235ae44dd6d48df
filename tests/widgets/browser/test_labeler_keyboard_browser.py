"""Typing right after clicking the Labeler cannot lose work; undo brings a chunk back (tier 3).

Issue 16: a user clicked the widget and typed "the laws of New York"; the ``s`` of "laws"
skipped the chunk. Here every printable key lands in the answer, commands need Alt, Tab moves
between questions, and undo (the button and Alt+Z) retracts a submit or a skip as new events.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import labelwidgets as lw
from tests.widgets.browser.conftest import (
    BrowserPage,
    JupyterServer,
    open_and_run_all,
    unexpected_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELL = """
import labelwidgets as lw
store = lw.LabelStore("keys.db")
store.add_chunks([
    {"doc_id": "msa", "text": "This Agreement is governed by the laws of New York."},
    {"doc_id": "msa", "text": "Payment is due within thirty days."},
    {"doc_id": "msa", "text": "Notices go to 1 Main Street."},
])
task = lw.Task("law", [
    lw.Question("kind", kind="choice", choices=["supply", "license"]),
    lw.Question("governing_law", instructions="As written."),
])
store.add_task(task)
lw.Labeler(store, task, labeler="ann")
"""


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_typing_after_a_click_lands_in_the_answer_and_undo_brings_chunks_back(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("keys.ipynb", [CELL])
    open_and_run_all(page, jupyter, "keys.ipynb")
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(re.compile("laws of New York"), timeout=60_000)
    answer = page.get_by_test_id("lw-input-governing_law")

    # click the widget (the focused question is a choice: the keys go to the text answer)
    page.get_by_test_id("lw-source").click()
    page.keyboard.type("the laws of New York")
    expect(answer).to_have_value("the laws of New York")
    expect(answer).to_be_focused()
    expect(chunk).to_have_text(re.compile("laws of New York"))  # nothing skipped
    expect(page.get_by_test_id("lw-progress")).to_have_text("0 / 3 done")
    # Shift+Tab back to the choice, "1" picks it, Tab goes on to the text answer
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("1")
    expect(answer).to_be_focused()
    page.keyboard.press("Enter")
    expect(chunk).to_have_text(re.compile("Payment is due"))
    expect(page.get_by_test_id("lw-progress")).to_have_text("1 / 3 done")

    # undo (the button): the first chunk comes back, its answers retracted
    page.get_by_test_id("lw-undo").click()
    expect(chunk).to_have_text(re.compile("laws of New York"))
    expect(page.get_by_test_id("lw-progress")).to_have_text("0 / 3 done")
    expect(answer).to_have_value("")

    # skip with Alt+S, then Alt+Z undoes it
    page.get_by_test_id("lw-source").click()
    page.keyboard.press("Alt+s")
    expect(chunk).to_have_text(re.compile("Payment is due"))
    page.keyboard.press("Alt+z")
    expect(chunk).to_have_text(re.compile("laws of New York"))
    expect(page.get_by_test_id("lw-status")).to_have_text("saved ✓")

    assert unexpected_errors(browser_page.errors) == []
    events = lw.LabelStore(jupyter.root / "keys.db").events()
    assert events["kind"].tolist() == ["answer", "answer", "retract", "retract", "skip", "unskip"]
    answers = events.query("kind == 'answer'").set_index("question")["answer"]
    assert answers.to_dict() == {"kind": "supply", "governing_law": "the laws of New York"}
