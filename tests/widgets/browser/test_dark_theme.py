"""The widgets take their colours from the JupyterLab theme (dark mode)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.widgets.browser.conftest import BrowserPage, JupyterServer, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELL = """
import labelwidgets as lw
store = lw.LabelStore("dark.db")
store.add_chunks([{"text": "This Agreement is governed by the laws of Ontario."}])
lw.Labeler(store, store.add_task(lw.Task("t", [lw.Question("law")])), labeler="night-owl")
"""

LUMINANCE = """el => { const c = getComputedStyle(el)[PROP].match(/\\d+(\\.\\d+)?/g).map(Number);
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255; }"""


def test_labeler_is_dark_in_the_dark_theme(
    dark_jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    dark_jupyter.write_notebook("dark.ipynb", [CELL])
    open_and_run_all(page, dark_jupyter, "dark.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    expect(widget).to_be_visible(timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    background = widget.evaluate(LUMINANCE.replace("PROP", "'backgroundColor'"))
    text = page.get_by_test_id("lw-chunk-text").evaluate(LUMINANCE.replace("PROP", "'color'"))
    assert background < 0.3 < text  # light text on a dark background
