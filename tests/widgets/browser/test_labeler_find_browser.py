"""Issue 16's must-show in real JupyterLab 4 and Notebook 7: typing cannot skip, skip then undo (twice) brings
chunks back, the labeler's skips are one click away, and the search box finds a phrase in chunk
3,000 of a 10,000-chunk store, one page of results at a time; a question routed by keep= shows
only on the chunk its filter keeps (tier 3)."""

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
store = lw.LabelStore("find.db")
rows = [{"doc_id": f"doc-{i // 100:03d}", "text": f"Clause {i}: payment is due within {i % 60 + 1} days."}
        for i in range(10_000)]
rows[3000]["text"] = "Clause 3000: this Agreement is governed by the laws of the Province of Ontario."
store.add_chunks(rows)
task = store.add_task(lw.Task("law", [
    lw.Question("governing_law", instructions="As written."),
    lw.Question("province", instructions="Which province?", keep=lw.filters.keywords(["province"])),
]))
lw.Labeler(store, task, labeler="ann")
"""
TYPED = "supplies, notices, pumps and funds: New York law"  # s, n, p, u, f


def test_typing_undo_skips_and_search_in_a_10k_chunk_store(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("find.ipynb", [CELL])
    open_and_run_all(page, jupyter, "find.ipynb")
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(re.compile("^Clause 0:"), timeout=90_000)
    answer = page.get_by_test_id("lw-input-governing_law")
    progress = page.get_by_test_id("lw-progress")

    # typing right after focusing the widget: every key lands in the answer, nothing skips
    page.get_by_test_id("lw-source").click()
    page.keyboard.type(TYPED)
    expect(answer).to_have_value(TYPED)
    expect(chunk).to_have_text(re.compile("^Clause 0:"))
    expect(progress).to_have_text("0 / 10000 done")
    expect(page.get_by_test_id("lw-input-province")).to_have_count(0)  # routed: not asked here
    page.keyboard.press("Enter")
    expect(chunk).to_have_text(re.compile("^Clause 1:"))

    # skip two chunks, then undo twice: each undo brings the previous one back
    page.keyboard.press("Alt+s")
    expect(chunk).to_have_text(re.compile("^Clause 2:"))
    page.keyboard.press("Alt+s")
    expect(chunk).to_have_text(re.compile("^Clause 3:"))
    page.keyboard.press("Alt+z")
    expect(chunk).to_have_text(re.compile("^Clause 2:"))
    page.keyboard.press("Alt+z")
    expect(chunk).to_have_text(re.compile("^Clause 1:"))
    expect(page.get_by_test_id("lw-skipped")).to_be_hidden()
    page.keyboard.press("Alt+s")  # skip chunk 1 for good
    expect(chunk).to_have_text(re.compile("^Clause 2:"))

    # the skips to revisit: one click
    page.get_by_test_id("lw-skipped").click()
    expect(page.get_by_test_id("lw-find-status")).to_have_value("skipped")
    expect(page.get_by_test_id("lw-found-count")).to_have_text(re.compile("^1–1 of 1 result"))
    expect(page.get_by_test_id("lw-result-0")).to_contain_text("Clause 1:")
    expect(page.get_by_test_id("lw-result-0")).to_contain_text("skipped")
    page.get_by_test_id("lw-result-0").click()
    expect(chunk).to_have_text(re.compile("^Clause 1:"))
    expect(page.get_by_test_id("lw-status-badge")).to_have_text("skipped")

    # find a phrase in chunk 3,000 of 10,000
    page.keyboard.press("Alt+k")
    find = page.get_by_test_id("lw-find-text")
    expect(find).to_be_focused()
    page.get_by_test_id("lw-find-status").select_option("")
    find.fill('"province of ontario"')
    find.press("Enter")
    expect(page.get_by_test_id("lw-found-count")).to_have_text(re.compile("^1–1 of 1 result"))
    page.get_by_test_id("lw-result-0").click()
    expect(chunk).to_have_text(re.compile("^Clause 3000: .*Province of Ontario"))
    expect(page.get_by_test_id("lw-input-province")).to_be_visible()  # asked on this chunk
    # a broad search: one page of 20 reaches the browser, with the total and a next page
    find.fill("payment")
    find.press("Enter")
    expect(page.get_by_test_id("lw-found-count")).to_have_text(re.compile("^1–20 of 9,999 results"))
    expect(page.locator(".lw-result")).to_have_count(20)
    page.get_by_test_id("lw-found-next").click()
    expect(page.get_by_test_id("lw-found-count")).to_have_text(
        re.compile("^21–40 of 9,999 results")
    )
    page.get_by_test_id("lw-find-clear").click()
    expect(page.get_by_test_id("lw-find")).to_have_count(0)

    assert unexpected_errors(browser_page.errors) == []
    store = lw.LabelStore(jupyter.root / "find.db")
    events = store.events()
    assert events["kind"].tolist() == ["answer", "skip", "skip", "unskip", "unskip", "skip"]
    assert events["answer"].iloc[0] == TYPED
    assert store.skipped("law", "ann") == {store.chunk_order()[1]}
