"""Evidence and span labeling in the Labeler, in real JupyterLab 4 and Notebook 7 (tier 3).

A phrase is selected in the chunk by mouse (a real drag) and by keyboard (Alt+→ / Alt+Shift+→),
copied into the answer with Ctrl+E, submitted, and the stored events carry the right *document*
offsets; a typed answer found in the chunk is proposed as evidence on its own; the model's
evidence shows after submit. A spans question labels two spans with different labels, over a
chunk holding an XSS payload that stays inert when highlighted.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

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
PREAMBLE = "SUPPLY AGREEMENT between Acme Corp and Widget Ltd.\n"
CLAUSES = [
    "This Agreement is governed by the laws of the State of\nNew York, without regard to conflicts.",
    " Notices go to the Buyer at 1 Main Street, Springfield.",
    " The courts of Delaware hold exclusive jurisdiction.",
]
TEXT = PREAMBLE + "".join(CLAUSES)
SPANS_TEXT = f"Acme Corp {XSS} shall obey the laws of New York."

EVIDENCE_CELL = f"""
import labelwidgets as lw
store = lw.LabelStore("evidence.db")
text = {TEXT!r}
clauses = {CLAUSES!r}
store.add_documents([{{"doc_id": "msa", "name": "msa.pdf", "text": text}}])
start, rows = {len(PREAMBLE)}, []
for clause in clauses:
    rows.append({{"doc_id": "msa", "text": clause, "char_start": start,
                  "char_end": start + len(clause)}})
    start += len(clause)
store.add_chunks(rows)
task = lw.Task("grounded", [lw.Question("answer", instructions="Copy it from the text.")])
store.add_task(task)
law = text.index("the laws of the State")
store.add_suggestion(task, store.chunk_order()[0], "answer", "New York law", model="m1",
                     evidence=[(law, law + len("the laws of the State of\\nNew York"))])
lw.Labeler(store, task, labeler="ann")
"""

SPANS_CELL = f"""
import labelwidgets as lw
store = lw.LabelStore("spans.db")
text = {SPANS_TEXT!r}
store.add_documents([{{"doc_id": "d", "name": "payload.txt", "text": "Intro. " + text}}])
store.add_chunks([{{"doc_id": "d", "text": text, "char_start": 7, "char_end": 7 + len(text)}}])
task = lw.Task("ner", [lw.Question("entities", kind="spans", labels=["PARTY", "LAW"])])
store.add_task(task)
lw.Labeler(store, task, labeler="ann")
"""


def drag_select(page: Page, phrase: str) -> None:
    """Select ``phrase`` in the chunk text with a real mouse drag (down, move, up)."""
    box = page.evaluate(
        """(phrase) => {
          const el = document.querySelector('[data-testid="lw-chunk-text"]');
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          let text = '', nodes = [];
          while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]);
                                      text += walker.currentNode.data; }
          const at = (offset) => { for (let i = nodes.length - 1; i >= 0; i--) {
              if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]]; } };
          const start = text.indexOf(phrase);
          const range = document.createRange();
          range.setStart(...at(start)); range.setEnd(...at(start + phrase.length));
          const rects = [...range.getClientRects()].filter((r) => r.width > 0);
          const first = rects[0], last = rects[rects.length - 1];
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        phrase,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def document_quote(events, text: str) -> list[str]:
    return [
        " | ".join(text[s:e] for s, e in evidence) if evidence else ""
        for evidence in events["evidence"]
    ]


def test_evidence_by_mouse_keyboard_and_typing(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("evidence.ipynb", [EVIDENCE_CELL])
    open_and_run_all(page, jupyter, "evidence.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(re.compile("governed by the laws"), timeout=60_000)
    answer = page.get_by_test_id("lw-input-answer")

    # chunk 1, by mouse: the selection becomes the evidence, Ctrl+E copies it into the answer
    phrase = "the laws of the State of\nNew York"
    drag_select(page, phrase)
    expect(chunk.locator(".lw-ev")).to_have_text(phrase)
    expect(page.get_by_test_id("lw-evidence-quote-answer")).to_have_text(phrase)
    page.keyboard.press("Control+e")
    expect(answer).to_have_value("the laws of the State of New York")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-status")).to_have_text("saved ✓")
    # the model's evidence, next to the diff and in the text
    expect(page.get_by_test_id("lw-model-evidence-answer")).to_contain_text("model's evidence:")
    expect(page.get_by_test_id("lw-model-evidence-answer").locator("mark")).to_have_text(
        "the laws of the State of New York"
    )
    expect(chunk.locator(".lw-ev-model")).to_have_text(phrase)
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / f"evidence-{jupyter.ui}-model.png"))
    page.keyboard.press("Enter")
    expect(chunk).to_have_text(re.compile("Notices go to"))

    # chunk 2, by keyboard: Alt+→ walks word by word, Alt+Shift+→ extends; Ctrl+E copies
    widget.focus()
    for _ in range(7):  # Notices go to the Buyer at [1]
        page.keyboard.press("Alt+ArrowRight")
    expect(chunk.locator(".lw-sel")).to_have_text("1")
    for _ in range(3):
        page.keyboard.press("Alt+Shift+ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowLeft")
    page.keyboard.press("Alt+Shift+ArrowRight")
    expect(chunk.locator(".lw-ev")).to_have_text("1 Main Street, Springfield")
    page.keyboard.press("Alt+Shift+ArrowLeft")
    expect(chunk.locator(".lw-ev")).to_have_text("1 Main Street")
    page.keyboard.press("Control+e")
    expect(answer).to_have_value("1 Main Street")
    page.keyboard.press("Enter")
    expect(chunk).to_have_text(re.compile("courts of Delaware"))

    # chunk 3, by typing: an answer written in the chunk is highlighted and proposed
    answer.click()
    answer.press_sequentially("delaware")
    expect(chunk.locator(".lw-ev")).to_have_text("Delaware")
    expect(page.get_by_test_id("lw-evidence-answer")).to_contain_text("(found in the text)")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-progress")).to_have_text("3 / 3 done")

    # no notebook shortcut fired, nothing left the machine, no errors
    assert page.locator(".jp-Notebook .jp-Cell").count() == 1
    assert all(
        u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
        for u in browser_page.requests
    )
    assert unexpected_errors(browser_page.errors) == []

    events = lw.LabelStore(jupyter.root / "evidence.db").events()
    assert events["answer"].tolist() == [
        "the laws of the State of New York",
        "1 Main Street",
        "delaware",
    ]
    assert document_quote(events, TEXT) == [phrase, "1 Main Street", "Delaware"]
    law = TEXT.index(phrase)
    assert events["evidence"].iloc[0] == [[law, law + len(phrase)]]


def test_span_labels_over_an_inert_payload(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("spans.ipynb", [SPANS_CELL])
    open_and_run_all(page, jupyter, "spans.ipynb")
    widget = page.get_by_test_id("lw-labeler")
    chunk = page.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(SPANS_TEXT, timeout=60_000)

    # PARTY by mouse: the words and the payload after them
    drag_select(page, f"Acme Corp {XSS[:20]}")
    expect(chunk.locator(".lw-sel")).to_have_text(f"Acme Corp {XSS[:20]}")
    page.keyboard.press("1")
    expect(page.get_by_test_id("lw-span-entities-0")).to_contain_text("PARTY")
    # LAW by keyboard: "New York" are the last two words
    widget.focus()
    words = len(re.findall(r"[^\W_]+(?:['’.\-][^\W_]+)*", SPANS_TEXT))  # as js/lib/spans.js
    for _ in range(words - 1):
        page.keyboard.press("Alt+ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowRight")
    expect(chunk.locator(".lw-sel")).to_have_text("New York")
    page.keyboard.press("2")
    spans = page.get_by_test_id("lw-spans-entities").locator("li")
    expect(spans).to_have_count(2)
    expect(spans.nth(1)).to_contain_text("LAW “New York”")
    expect(chunk.locator(".lw-span-end")).to_have_count(2)
    assert chunk.locator(".lw-span-end").first.get_attribute("data-label") == "PARTY"
    # a third span and its removal by Backspace
    page.keyboard.press("Alt+ArrowLeft")
    page.keyboard.press("1")
    expect(spans).to_have_count(3)
    page.keyboard.press("Backspace")
    expect(spans).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / f"spans-{jupyter.ui}.png"))

    # the payload, cut into highlighted pieces, is still text
    expect(chunk).to_have_text(SPANS_TEXT)
    assert widget.locator("img, script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert not [u for u in browser_page.requests if u.rstrip("/").endswith("/x")]

    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lw-progress")).to_have_text("1 / 1 done")
    assert unexpected_errors(browser_page.errors) == []
    stored = lw.LabelStore(jupyter.root / "spans.db").answers()["answer"].iloc[0]
    document = "Intro. " + SPANS_TEXT
    assert [(document[s["start"] : s["end"]], s["label"]) for s in stored] == [
        (f"Acme Corp {XSS[:20]}", "PARTY"),
        ("New York", "LAW"),
    ]


REVIEW_CELL = f"""
import labelwidgets as lw
store = lw.LabelStore("review.db")
text = {TEXT!r}
clause = {CLAUSES[0]!r}
start = {len(PREAMBLE)}
store.add_documents([{{"doc_id": "msa", "name": "msa.pdf", "text": text}}])
store.add_chunks([{{"doc_id": "msa", "text": clause, "char_start": start,
                    "char_end": start + len(clause)}}])
task = lw.Task("grounded", [lw.Question("answer")])
store.add_task(task)
[chunk] = store.chunk_order()
law = text.index("the laws of the State")
store.record_answer(task, chunk, "answer", "the laws of the State of New York", labeler="ann",
                    evidence=[(law, law + len("the laws of the State of\\nNew York"))])
store.record_answer(task, chunk, "answer", "the laws of Delaware", labeler="bob")
store.add_suggestion(task, chunk, "answer", {XSS!r}, model="m1")
lw.Reviewer(store, task, reviewer="rita")
"""


@pytest.mark.parametrize("jupyter", ["lab"], indirect=True)
def test_reviewer_shows_evidence_and_answers_not_found(
    jupyter: JupyterServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    jupyter.write_notebook("review.ipynb", [REVIEW_CELL])
    open_and_run_all(page, jupyter, "review.ipynb")
    reviewer = page.get_by_test_id("lw-reviewer")
    chunk = reviewer.get_by_test_id("lw-chunk-text")
    expect(chunk).to_have_text(CLAUSES[0], timeout=60_000)
    # ann's evidence is highlighted in the text and quoted under her answer
    phrase = "the laws of the State of\nNew York"
    expect(chunk.locator(".lw-ev")).to_have_text(phrase)
    expect(reviewer.get_by_test_id("lw-where-0")).to_contain_text("evidence: the laws of")
    # bob's answer and the model's (an XSS payload) are not in the text
    expect(reviewer.get_by_test_id("lw-not-found-1")).to_have_text("not found in the text")
    expect(reviewer.get_by_test_id("lw-not-found-2")).to_have_text("not found in the text")
    reviewer.focus()
    page.keyboard.press("ArrowDown")  # bob's answer: nothing to highlight
    expect(chunk.locator(".lw-ev, .lw-ev-model")).to_have_count(0)
    reviewer.get_by_test_id("lw-answer-0").click()
    expect(chunk.locator(".lw-ev")).to_have_text(phrase)
    ARTIFACTS.mkdir(exist_ok=True)
    reviewer.screenshot(path=str(ARTIFACTS / "reviewer-evidence.png"))
    assert reviewer.locator("img, script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert unexpected_errors(browser_page.errors) == []
