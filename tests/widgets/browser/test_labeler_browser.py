"""The Labeler in real JupyterLab 4 and Notebook 7, driven by the keyboard (tier 3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import labelwidgets as lw
from tests.widgets.browser.conftest import (
    ARTIFACTS,
    BrowserPage,
    JupyterServer,
    open_and_run_all,
    unexpected_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
SETUP = f"""
import labelwidgets as lw
store = lw.LabelStore("labels.db")
store.add_chunks([
    {{"doc_id": "supply", "text": "This Agreement is governed by the laws of England and Wales."}},
    {{"doc_id": "supply", "text": "Payment is due within thirty days of the invoice."}},
    {{"doc_id": "supply", "text": "The parties shall meet once a quarter."}},
    {{"doc_id": "supply", "text": {XSS!r}}},
])
task = lw.Task("facts", [
    lw.Question("has_clause", kind="choice", choices=["yes", "no"],
                instructions="Does the text say which law governs the agreement?"),
    lw.Question("governing_law", when=("has_clause", "yes"),
                instructions="As a lawyer writes it, e.g. 'the laws of England'.",
                validators=[lw.validators.none_of(["England", "United Kingdom"])]),
], highlight=["laws of"])
store.add_task(task)
store.add_suggestions([{{"task": "facts", "chunk_id": store.chunk_order()[0], "model": "m1",
                         "question": "governing_law", "answer": "the laws of England"}}])
"""
SHOW = 'w = lw.Labeler(store, task, labeler="alice")\nw'


def test_label_three_chunks_by_keyboard_then_resume(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("label.ipynb", [SETUP, SHOW])
    open_and_run_all(page, jupyter, "label.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    expect(widget).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("lw-chunk-text")).to_have_text(
        re.compile("laws of England and Wales")
    )
    expect(widget.locator("mark.lw-hl")).to_have_text("laws of")
    expect(widget).not_to_contain_text("m1")  # no anchoring: the model shows only after submit
    widget.focus()  # the widget focuses itself on render; make sure before typing

    # chunk 1: "1" picks "yes", the dependent question appears and takes the focus;
    # a validator rejects "England", then the fixed answer is saved
    page.keyboard.press("1")
    answer = page.get_by_test_id("lw-input-governing_law")
    expect(answer).to_be_focused()
    answer.press_sequentially("England")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-problem-governing_law")).to_have_text(re.compile("not allowed"))
    expect(page.get_by_test_id("lw-status")).to_have_text(re.compile("not saved"))
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / f"labeler-{jupyter.ui}-rejected.png"))
    page.keyboard.press("Control+a")
    page.keyboard.type("the laws of England and Wales")
    page.keyboard.press("Enter")
    # saved: now the model's answer, diffed word by word against the labeler's
    expect(page.get_by_test_id("lw-status")).to_have_text("saved ✓")
    review = page.get_by_test_id("lw-review")
    expect(review).to_contain_text("model (m1): the laws of England")
    expect(review.locator(".lw-ins")).to_have_text(" and Wales")
    widget.screenshot(path=str(ARTIFACTS / f"labeler-{jupyter.ui}-diff.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-chunk-text")).to_have_text(re.compile("Payment is due"))

    # chunk 2: "2" picks "no" (no dependent question), Enter submits
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-chunk-text")).to_have_text(re.compile("meet once a quarter"))

    # chunk 3: Alt+U marks the focused question "Not in the text"
    page.keyboard.press("Alt+u")
    expect(page.get_by_test_id("lw-unknown-has_clause")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-progress")).to_have_text("3 / 4 done")

    # the shortcut sheet, and no notebook shortcut fired while we typed (no new cells)
    page.keyboard.press("?")
    expect(page.get_by_test_id("lw-help")).to_be_visible()
    assert page.locator(".jp-Notebook .jp-Cell").count() == 2

    # reload and re-run: the widget resumes at chunk 4, whose text is an XSS payload
    page.reload()
    open_and_run_all(page, jupyter, "label.ipynb")
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(XSS, timeout=60_000)
    expect(page.get_by_test_id("lw-progress")).to_have_text("3 / 4 done")
    expect(page.get_by_test_id("lw-context-toggle")).to_have_count(0)  # no document text around
    assert page.get_by_test_id("lw-labeler").locator("img, script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert not [u for u in browser_page.requests if u.rstrip("/").endswith("/x")]
    assert all(
        u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        for u in browser_page.requests
    )
    assert unexpected_errors(browser_page.errors) == []

    store = lw.LabelStore(jupyter.root / "labels.db")
    events = store.events()
    assert events["kind"].tolist() == ["answer"] * 4
    assert events["question"].tolist() == [
        "has_clause",
        "governing_law",
        "has_clause",
        "has_clause",
    ]
    assert events["answer"].tolist()[:3] == ["yes", "the laws of England and Wales", "no"]
    assert lw.answer_values(events).tolist()[3] is lw.UNKNOWN
    assert not events["forced"].any()
