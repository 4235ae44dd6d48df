"""PromptLab in a real browser: edit a prompt, run it, see the new version's row (tier 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.widgets.browser.conftest import (
    BrowserPage,
    JupyterServer,
    open_and_run_all,
    unexpected_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = """
import labelwidgets as lw
store = lw.LabelStore("lab.db")
store.add_chunks([{"text": f"Clause {i}. " + ("Governed by the laws of Texas." if i % 2 else "Pay on time.")}
                  for i in range(6)])
task = store.add_task(lw.Task("law", [lw.Question("governing_law", prompt="Which law governs?")]))
store.add_gold(task, [{"chunk_id": c, "question": "governing_law",
                       "answer": "the laws of Texas" if i % 2 else lw.UNKNOWN}
                      for i, c in enumerate(store.chunk_order())])
def reply(prompt):
    if "laws of Texas" not in prompt:
        return "The document does not say."
    return "the laws of Texas" if "lawyer" in prompt else "Texas"
model = lw.models.Callable(reply, name="rules")
"""


def test_edit_run_and_see_the_new_version(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("lab.ipynb", [SETUP, "lw.PromptLab(store, task, model)"])
    open_and_run_all(page, jupyter, "lab.ipynb")
    lab = page.get_by_test_id("lw-promptlab")
    expect(lab).to_be_visible(timeout=60_000)
    lab.get_by_test_id("lw-run").click()
    expect(lab.get_by_test_id("lw-version-v1")).to_be_visible(timeout=30_000)
    editor = lab.get_by_test_id("lw-template")
    editor.fill(
        "Answer as a lawyer writes it. {question}\n{chunk}\nIf it does not say: {not_in_text}"
    )
    editor.press("Control+Enter")
    row = lab.get_by_test_id("lw-version-v2")
    expect(row).to_be_visible(timeout=30_000)
    expect(row.locator("td").nth(2)).to_have_text("1")  # coverage of v2
    expect(row.locator("td").nth(3)).to_have_text("1")  # accuracy on answered of v2
    expect(lab.get_by_test_id("lw-change")).to_have_count(3)
    assert unexpected_errors(browser_page.errors) == []


FLAKY = """
calls = []
def flaky(prompt):  # the model server is down for the first run's requests, then back
    calls.append(prompt)
    if len(calls) <= 4:
        raise ConnectionError("model server at 127.0.0.1:9 refused the connection")
    return reply(prompt)
lw.PromptLab(store, task, lw.models.Callable(flaky, name="flaky"))
"""


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_a_raising_model_shows_its_error_and_run_works_again(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("flaky.ipynb", [SETUP, FLAKY])
    open_and_run_all(page, jupyter, "flaky.ipynb")
    lab = page.get_by_test_id("lw-promptlab")
    expect(lab).to_be_visible(timeout=60_000)
    run = lab.get_by_test_id("lw-run")
    run.click()
    banner = lab.get_by_test_id("lw-error")
    expect(banner).to_contain_text(
        "ConnectionError: model server at 127.0.0.1:9 refused the connection", timeout=30_000
    )
    expect(banner).to_contain_text("failed on 4 of 4 gold chunks")
    expect(run).to_be_enabled()
    expect(lab.get_by_test_id("lw-cancel")).to_have_count(0)
    run.click()  # the server is back: the failed chunks are asked again
    expect(banner).to_have_count(0, timeout=30_000)
    expect(lab.get_by_test_id("lw-version-v1").locator("td").nth(1)).to_have_text("6")
    expect(run).to_be_enabled()
    assert unexpected_errors(browser_page.errors) == []


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_promote_a_version_and_the_table_stays_in_its_card(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("promote.ipynb", [SETUP, "lw.PromptLab(store, task, model)"])
    open_and_run_all(page, jupyter, "promote.ipynb")
    lab = page.get_by_test_id("lw-promptlab")
    expect(lab).to_be_visible(timeout=60_000)
    page.set_viewport_size({"width": 760, "height": 900})  # a narrow notebook column
    lab.get_by_test_id("lw-run").click()
    v1 = lab.get_by_test_id("lw-version-v1")
    expect(v1.get_by_test_id("lw-default-badge")).to_be_visible(timeout=30_000)
    expect(lab.get_by_test_id("lw-default")).to_contain_text("the task's own template (v1)")
    lab.get_by_test_id("lw-template").fill(
        "Answer as a lawyer writes it. {question}\n{chunk}\nIf it does not say: {not_in_text}"
    )
    lab.get_by_test_id("lw-run").click()
    v2 = lab.get_by_test_id("lw-version-v2")
    expect(v2).to_be_visible(timeout=30_000)
    # a run adds a version; it is not the default until promoted
    expect(v1.get_by_test_id("lw-default-badge")).to_be_visible()
    expect(v2.get_by_test_id("lw-default-badge")).to_have_count(0)
    v2.get_by_test_id("lw-promote").click()
    expect(v2.get_by_test_id("lw-default-badge")).to_be_visible(timeout=30_000)
    expect(lab.get_by_test_id("lw-default")).to_contain_text(
        "Prelabel and export use v2 (promoted)"
    )
    expect(v1.get_by_test_id("lw-promote")).to_be_visible()
    expect(v2.get_by_test_id("lw-promote")).to_have_count(0)
    # the score table is wider than the card here: it scrolls inside it, never past its edge
    box = page.evaluate(
        """() => {
        const root = document.querySelector('[data-testid="lw-promptlab"]');
        const table = root.querySelector('[data-testid="lw-scores"]');
        const scroller = table.parentElement;
        return {root: root.getBoundingClientRect().right,
                scroller: scroller.getBoundingClientRect().right,
                tableWidth: table.scrollWidth, scrollerWidth: scroller.clientWidth};
    }"""
    )
    assert box["tableWidth"] > box["scrollerWidth"]  # the narrow column really is too narrow
    assert box["scroller"] <= box["root"]
    assert unexpected_errors(browser_page.errors) == []
