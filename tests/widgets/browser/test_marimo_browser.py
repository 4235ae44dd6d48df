"""The Labeler in marimo, in real Chromium (tier 3, issue 16).

``marimo run`` serves a small generated app: a Labeler over a SQLite store wrapped in
``mo.ui.anywidget``, and a cell that reads it. The Labeler renders; a keyboard submit reaches
the store; the front end sets ``saved`` after Python's ack, so marimo re-runs the dependent
cell; the colours follow marimo's dark theme.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import labelwidgets as lw
from tests.conftest import ROOT, need
from tests.widgets.browser.conftest import CHROMIUM, BrowserPage, _free_port, unexpected_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = """
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    import labelwidgets as lw

    store = lw.LabelStore({db!r})
    store.add_chunks([
        {{"doc_id": "msa", "text": "This Agreement is governed by the laws of New York."}},
        {{"doc_id": "msa", "text": "Payment is due within thirty days."}},
    ])
    task = store.add_task(lw.Task("law", [lw.Question("governing_law")]))
    labeler = mo.ui.anywidget(lw.Labeler(store, task, labeler="ann"))
    labeler
    return labeler, mo, store, task


@app.cell
def _(labeler, mo, store, task):
    mo.md(f"stored answers: {{len(store.answers(task))}}, last event {{labeler.value['saved']}}")
    return


if __name__ == "__main__":
    app.run()
"""

LUMINANCE = """el => { const c = getComputedStyle(el)[PROP].match(/\\d+(\\.\\d+)?/g).map(Number);
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255; }"""


@pytest.fixture
def marimo_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``marimo run`` on the generated app; yields its URL and the store's path."""
    need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    db = tmp_path / "marimo.db"
    app = tmp_path / "labeling_app.py"
    app.write_text(APP.format(db=str(db)))
    port = _free_port()
    log = tmp_path / "marimo.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MARIMO_SKIP_UPDATE_CHECK": "1",
        "HOME": str(tmp_path),
    }
    # marimo reads its user config from $HOME: the theme follows the browser's preference
    (tmp_path / ".marimo.toml").write_text('[display]\ntheme = "system"\n')
    command = [sys.executable, "-m", "marimo", "run", str(app), "--headless", "--no-token"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-sandbox", "--no-check"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"marimo exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"marimo did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.2)
    yield url, db
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def test_labeler_in_marimo_saves_by_keyboard_and_reruns_the_dependent_cell(
    marimo_app: tuple[str, Path], browser_page: BrowserPage
) -> None:
    url, db = marimo_app
    page = browser_page.page
    page.goto(url)
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(re.compile("laws of New York"), timeout=90_000)
    expect(page.get_by_text("stored answers: 0, last event 0")).to_be_visible(timeout=30_000)

    # type straight after clicking the widget, then Enter: the store has it
    page.get_by_test_id("lw-source").click()
    page.keyboard.type("the laws of New York")
    page.keyboard.press("Enter")
    expect(chunk).to_have_text(re.compile("Payment is due"), timeout=30_000)
    events = lw.LabelStore(db).events()
    assert events["kind"].tolist() == ["answer"]
    event_id = int(events["event_id"].iloc[0])
    # the front end set `saved` after the ack: marimo re-ran the cell that reads the widget
    expect(page.get_by_text(f"stored answers: 1, last event {event_id}")).to_be_visible(
        timeout=30_000
    )
    # a skip is a save too, and the search box finds the first chunk again
    page.keyboard.press("Alt+s")
    expect(page.get_by_test_id("lw-done")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("lw-form")).to_have_count(0)  # the end: no form left behind
    expect(page.get_by_test_id("lw-submit")).to_have_count(0)
    skip_id = int(lw.LabelStore(db).events()["event_id"].max())
    expect(page.get_by_text(f"stored answers: 1, last event {skip_id}")).to_be_visible(
        timeout=30_000
    )
    assert unexpected_errors(browser_page.errors) == []


def test_labeler_follows_marimos_dark_theme(
    marimo_app: tuple[str, Path], browser_page: BrowserPage
) -> None:
    url, _db = marimo_app
    page = browser_page.page
    page.emulate_media(color_scheme="dark")  # marimo's theme follows the system by default
    page.goto(url)
    widget = page.get_by_test_id("lw-labeler")
    expect(widget).to_be_visible(timeout=90_000)
    background = widget.evaluate(LUMINANCE.replace("PROP", "'backgroundColor'"))
    text = page.get_by_test_id("lw-chunk-text").evaluate(LUMINANCE.replace("PROP", "'color'"))
    assert background < 0.3 < text  # light text on a dark background
    page.emulate_media(color_scheme="light")
    expect(widget).to_have_css("background-color", re.compile(r"rgb\(2[45]\d, 2[45]\d, 2[45]\d\)"))
