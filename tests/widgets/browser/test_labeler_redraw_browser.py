"""The Labeler redraws only what changed: typing keeps the field, its caret and the form (tier 3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.widgets.browser.conftest import (
    BrowserPage,
    JupyterServer,
    open_and_run_all,
    unexpected_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELL = """
import labelwidgets as lw
store = lw.LabelStore("redraw.db")
store.add_chunks([{"doc_id": "msa", "text": "This Agreement is governed by the laws of Wales."},
                  {"doc_id": "msa", "text": "Payment is due within thirty days."}])
task = lw.Task("redraw", [
    lw.Question("has_clause", kind="choice", choices=["yes", "no"]),
    lw.Question("governing_law", when=("has_clause", "yes")),
    lw.Question("notes", allow_unknown=False),
])
store.add_task(task)
lw.Labeler(store, task, labeler="rae")
"""
# Keep the nodes on screen and record which parts (nearest data-testid) get children replaced.
WATCH = """() => {
  const w = document.querySelector('[data-testid=lw-labeler]');
  const part = (n) => (n.closest ? n : n.parentElement).closest('[data-testid]').dataset.testid;
  window.__lw = {form: w.querySelector('[data-testid=lw-form]'), notes: w.querySelector('[data-testid=lw-input-notes]'),
                 chunk: w.querySelector('[data-testid=lw-chunk-text]'), changed: []};
  new MutationObserver((records) => records.forEach((r) => window.__lw.changed.push(part(r.target))))
    .observe(w, {childList: true, subtree: true, characterData: true});
}"""
SAME = """() => { const w = document.querySelector('[data-testid=lw-labeler]');
  return {form: window.__lw.form === w.querySelector('[data-testid=lw-form]'),
          notes: window.__lw.notes === w.querySelector('[data-testid=lw-input-notes]'),
          chunk: window.__lw.chunk === w.querySelector('[data-testid=lw-chunk-text]'),
          focused: document.activeElement === window.__lw.notes,
          caret: window.__lw.notes.selectionStart, changed: [...new Set(window.__lw.changed)].sort()}; }"""


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_typing_and_acks_touch_only_their_part(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("redraw.ipynb", [CELL])
    open_and_run_all(page, jupyter, "redraw.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    expect(widget.get_by_test_id("lw-input-notes")).to_be_visible(timeout=60_000)
    page.evaluate(WATCH)

    # typing, and moving the caret back to type in the middle: nothing is redrawn
    notes = widget.get_by_test_id("lw-input-notes")
    notes.click()
    notes.press_sequentially("abc")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.type("X")
    expect(notes).to_have_value("aXbc")
    state = page.evaluate(SAME)
    assert state == {
        "form": True,
        "notes": True,
        "chunk": True,
        "focused": True,
        "caret": 2,
        "changed": [],
    }

    # picking "yes" adds the dependent question to the form; nothing else is rebuilt
    widget.get_by_test_id("lw-choice-has_clause-0").click()
    expect(widget.get_by_test_id("lw-input-governing_law")).to_be_visible()
    state = page.evaluate(SAME)
    assert state["form"] and state["notes"] and state["chunk"]
    assert state["changed"] == ["lw-form"]
    expect(notes).to_have_value("aXbc")

    # a rejected submit: the status and the problem change; the field keeps focus and caret
    notes.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(widget.get_by_test_id("lw-problem-governing_law")).to_have_text(
        re.compile("needs an answer")
    )
    expect(widget.get_by_test_id("lw-status")).to_have_text(re.compile("not saved"))
    state = page.evaluate(SAME)
    assert state["form"] and state["notes"] and state["chunk"]
    assert state["focused"] and state["caret"] == 4
    assert "lw-chunk-text" not in state["changed"]
    assert set(state["changed"]) <= {"lw-form", "lw-status", "lw-q-governing_law", "lw-labeler"}

    # answering it saves and brings the next chunk, with a new form and the keyboard in the widget
    widget.get_by_test_id("lw-input-governing_law").press_sequentially("the laws of Wales")
    page.keyboard.press("Enter")
    expect(widget.get_by_test_id("lw-chunk-text")).to_have_text(re.compile("Payment is due"))
    expect(widget.get_by_test_id("lw-status")).to_have_text("saved ✓")
    expect(widget.get_by_test_id("lw-input-notes")).to_have_value("")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "lw-labeler"
    assert unexpected_errors(browser_page.errors) == []
