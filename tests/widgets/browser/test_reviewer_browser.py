"""The Reviewer and the labeler's Feedback view in real JupyterLab 4 and Notebook 7 (tier 3)."""

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

SETUP = """
import labelwidgets as lw
store = lw.LabelStore("review.db")
store.add_chunks([{"doc_id": "c", "text": "Governed by the laws of England and Wales."},
                  {"doc_id": "c", "text": "Governed by the laws of the State of Texas."}])
task = store.add_task(lw.Task("facts", [lw.Question("governing_law")]))
first, second = store.chunk_order()
store.record_answer(task, first, "governing_law", "the laws of England and Wales", labeler="ann")
store.record_answer(task, first, "governing_law", "England", labeler="bob")
store.record_answer(task, second, "governing_law", "the laws of the State of Texas", labeler="ann")
store.record_answer(task, second, "governing_law", "Texas", labeler="bob")
"""


def test_adjudicate_two_items_by_keyboard(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook(
        "review.ipynb",
        [
            SETUP,
            'lw.Reviewer(store, task, reviewer="rita")',
            'lw.Feedback(store, task, labeler="bob")',
        ],
    )
    open_and_run_all(page, jupyter, "review.ipynb")
    reviewer = page.get_by_test_id("lw-reviewer")
    feedback = page.get_by_test_id("lw-feedback")
    expect(reviewer).to_be_visible(timeout=60_000)
    expect(feedback.get_by_test_id("lw-feedback-count")).to_have_text(re.compile("^0 item"))
    expect(reviewer.get_by_test_id("lw-progress")).to_have_text("item 1 / 2 · 0 decided")
    expect(reviewer.locator(".lw-ins, .lw-del").first).to_be_visible()  # the word diff
    reviewer.focus()
    page.keyboard.press("ArrowDown")  # focus bob's answer: the feedback goes to him
    expect(reviewer.get_by_test_id("lw-answer-1")).to_have_class(re.compile("lw-focused"))
    page.keyboard.press("Alt+f")
    page.get_by_test_id("lw-feedback-input").press_sequentially(
        "Write the law as the contract does."
    )
    page.keyboard.press("Enter")
    expect(reviewer.get_by_test_id("lw-status")).to_have_text("saved ✓")
    feedback.focus()
    page.keyboard.press("r")  # bob sees the note before anyone decided the item
    expect(feedback.get_by_test_id("lw-feedback-count")).to_have_text(re.compile("^1 item"))
    expect(feedback.get_by_test_id("lw-feedback-decision")).to_have_text("no decision yet")
    reviewer.focus()
    page.keyboard.press("1")  # a plain digit decides nothing (commands take Alt)
    expect(reviewer.get_by_test_id("lw-progress")).to_have_text("item 1 / 2 · 0 decided")
    page.keyboard.press("Alt+1")  # accept ann's answer
    expect(reviewer.get_by_test_id("lw-progress")).to_have_text("item 2 / 2 · 1 decided")
    # find the Texas chunk: the queue narrows to its item; Alt+1 from the search box accepts
    page.keyboard.press("Alt+k")
    expect(reviewer.get_by_test_id("lw-find-text")).to_be_focused()
    page.keyboard.type("state of texas")
    page.keyboard.press("Enter")
    expect(reviewer.get_by_test_id("lw-found-count")).to_have_text(re.compile("^1–1 of 1 result"))
    expect(reviewer.get_by_test_id("lw-result-0")).to_contain_text("State of Texas")
    expect(reviewer.get_by_test_id("lw-progress")).to_have_text("item 1 / 1 · 1 decided")
    page.keyboard.press("Alt+1")
    expect(reviewer.get_by_test_id("lw-done")).to_be_visible()
    feedback.focus()
    page.keyboard.press("r")
    expect(feedback.get_by_test_id("lw-feedback-count")).to_have_text(re.compile("^2 item"))
    expect(feedback.get_by_test_id("lw-feedback-note")).to_have_text(
        "rita: Write the law as the contract does."
    )
    assert page.locator(".jp-Notebook .jp-Cell").count() == 3  # no notebook shortcut fired
    assert unexpected_errors(browser_page.errors) == []
    store = lw.LabelStore(jupyter.root / "review.db")
    assert store.gold("facts")["answer"].tolist() == [
        "the laws of England and Wales",
        "the laws of the State of Texas",
    ]
    assert store.events("facts", labeler="rita")["kind"].tolist() == [
        "feedback",
        "review",
        "review",
    ]
