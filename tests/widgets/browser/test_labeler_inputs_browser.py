"""Every kind of input, the terms gate and the context toggle, by keyboard in JupyterLab (tier 3)."""

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

DOC = "PREAMBLE. The parties agree as follows. " + "Payment within 30 days. " + "Signed in Oslo."
CELL = f"""
import labelwidgets as lw
store = lw.LabelStore("kinds.db")
doc = {DOC!r}
store.add_documents([{{"doc_id": "msa", "name": "msa.pdf", "text": doc, "page_offsets": [0, 40]}}])
store.add_chunks([{{"doc_id": "msa", "text": doc[40:64], "char_start": 40, "char_end": 64,
                    "page_start": 2, "page_end": 3}},
                  {{"doc_id": "msa", "text": doc[64:], "char_start": 64, "char_end": len(doc),
                    "page_start": 3, "page_end": 3}}])
task = lw.Task("kinds", [
    lw.Question("topics", kind="multi_choice", choices=["payment", "termination", "law"]),
    lw.Question("clarity", kind="rating", scale=(1, 5)),
    lw.Question("parties", kind="number"),
    lw.Question("signed_on", kind="date"),
], guidelines="Answer from this chunk only.")
store.add_task(task)
lw.Labeler(store, task, labeler="dana", terms="These contracts are confidential.")
"""


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_each_kind_of_input_by_keyboard(jupyter: JupyterServer, browser_page: BrowserPage) -> None:
    page = browser_page.page
    jupyter.write_notebook("kinds.ipynb", [CELL])
    open_and_run_all(page, jupyter, "kinds.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    expect(page.get_by_test_id("lw-terms")).to_contain_text("confidential", timeout=60_000)
    expect(widget).not_to_contain_text("Payment")  # no document text before the terms
    widget.focus()
    page.keyboard.press("Enter")  # accept
    expect(page.get_by_test_id("lw-chunk-text")).to_have_text("Payment within 30 days. ")
    expect(page.get_by_test_id("lw-source")).to_contain_text("msa.pdf · pages 2–3")
    page.keyboard.press("Alt+c")
    expect(widget.locator(".lw-context").first).to_have_text(
        "PREAMBLE. The parties agree as follows. "
    )

    page.keyboard.press("1")  # topics: payment
    page.keyboard.press("3")  # ... and law
    page.keyboard.press("ArrowDown")  # clarity
    page.keyboard.press("4")  # picks 4 and moves on to the number
    expect(page.get_by_test_id("lw-input-parties")).to_be_focused()
    # the number field says what it reads, with the submission's reader, before saving
    page.keyboard.type("1.500")
    expect(page.get_by_test_id("lw-echo-parties")).to_contain_text("⚠ '1.500' is ambiguous")
    page.keyboard.press("Control+a")
    page.keyboard.type("10 million")
    expect(page.get_by_test_id("lw-echo-parties")).to_have_text("reads as 10,000,000")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    expect(page.get_by_test_id("lw-echo-parties")).to_have_text("reads as 2")
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowDown")  # the date
    date = page.get_by_test_id("lw-input-signed_on")
    expect(date).to_be_focused()
    page.keyboard.press("Escape")  # out of the field: the keys go to the focused question's field
    expect(date).not_to_be_focused()
    page.keyboard.type("12252024")  # mm dd yyyy segments; its first key used to be dropped
    expect(date).to_have_value("2024-12-25")
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / "labeler-lab-kinds.png"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-chunk-text")).to_have_text("Signed in Oslo.")
    expect(page.get_by_test_id("lw-status")).to_have_text("saved ✓")

    page.keyboard.press("Alt+Shift+U")  # the whole chunk says nothing about any question
    expect(page.get_by_test_id("lw-done")).to_be_visible()
    expect(page.get_by_test_id("lw-progress")).to_have_text("2 / 2 done")
    assert unexpected_errors(browser_page.errors) == []

    store = lw.LabelStore(jupyter.root / "kinds.db")
    first, second = store.chunk_order()
    table = store.answers("kinds").set_index(["chunk_id", "question"])
    answers = table["answer"]
    assert answers[first].to_dict() == {
        "topics": ["payment", "law"],
        "clarity": 4,
        "parties": 2,
        "signed_on": "2024-12-25",
    }
    # "not in the text" is the is_unknown column, with no answer value
    assert table["is_unknown"][second].all() and answers[second].isna().all()
    assert len(answers[second]) == 4
    accepted = store.labelers().set_index("labeler").loc["dana", "terms_accepted"]
    assert accepted == lw.LabelStore.terms_hash("These contracts are confidential.")
    assert re.fullmatch(r"[0-9a-f]+", accepted)
