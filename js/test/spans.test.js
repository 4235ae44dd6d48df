// @ts-check
// Evidence, spans and selections without the DOM (js/lib/spans.js), and the keys that drive them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { submission } from "../lib/answers.js";
import { labelerKey } from "../lib/keys.js";
import {
  layeredPieces, locateAnswer, quote, shifted, snippet, spansOf, stepSelection, submittedEvidence, trimmed, withSpan,
  wordSpans,
} from "../lib/spans.js";

/** @typedef {import("../lib/types.js").QuestionView} QuestionView */

const TEXT = "This Agreement is governed by the laws of the State of\nNew York. Buyer’s rights: 30 days.";
/** @param {[number, number] | null} pair */
const words = (pair) => (pair ? TEXT.slice(pair[0], pair[1]) : null);

/** @param {Partial<QuestionView> & {name: string}} fields @returns {QuestionView} */
const question = (fields) => ({ kind: "text", instructions: "", choices: [], allow_unknown: true, when: null,
                                scale: [1, 5], evidence: true, labels: [], ...fields });
const LAW = question({ name: "governing_law" });
const KIND = question({ name: "kind", kind: "choice", choices: ["supply", "license"], evidence: false });
const PARTIES = question({ name: "parties", kind: "spans", labels: ["PARTY", "LAW"], allow_unknown: false, evidence: false });

test("a typed answer is found case-insensitively, across line breaks, on word boundaries", () => {
  assert.equal(words(locateAnswer("the laws of the state of new york", TEXT)), "the laws of the State of\nNew York");
  assert.equal(words(locateAnswer("  New   York ", TEXT)), "New York");
  assert.equal(words(locateAnswer("buyer's rights", TEXT)), "Buyer’s rights");
  assert.equal(locateAnswer("Delaware", TEXT), null);
  assert.equal(locateAnswer("Yor", TEXT), null);  // not half a word
  assert.equal(locateAnswer("th", TEXT), null);
  assert.equal(locateAnswer("", TEXT), null);
  assert.equal(locateAnswer({ unknown: true }, TEXT), null);
  assert.deepEqual(locateAnswer("(a) [b]", "see (a) [b] here"), [4, 11]);  // regex characters are literal
  assert.deepEqual(locateAnswer("a.b*", "x a.b* y"), [2, 6]);
  assert.equal(locateAnswer("a.b", "x aXb y"), null);
  assert.deepEqual(locateAnswer("U.S", "the U.S law"), [4, 7]);
});

test("a selection loses the whitespace at its ends", () => {
  assert.deepEqual(trimmed(" New York ", [0, 10]), [1, 9]);
  assert.equal(trimmed("a   b", [1, 4]), null);
  assert.deepEqual(trimmed("abc", [-5, 99]), [0, 3]);
});

test("the keyboard selects word by word", () => {
  assert.deepEqual(wordSpans("Buyer’s U.S. rights")
    .map(([s, e]) => "Buyer’s U.S. rights".slice(s, e)), ["Buyer’s", "U.S", "rights"]);
  let selection = stepSelection(TEXT, null, "extend");
  assert.equal(words(selection), "This");
  for (let i = 0; i < 5; i += 1) selection = stepSelection(TEXT, selection, "next");
  assert.equal(words(selection), "the");
  for (let i = 0; i < 7; i += 1) selection = stepSelection(TEXT, selection, "extend");
  assert.equal(words(selection), "the laws of the State of\nNew York");
  selection = stepSelection(TEXT, selection, "shrink");
  assert.equal(words(selection), "the laws of the State of\nNew");
  selection = stepSelection(TEXT, selection, "prev");
  assert.equal(words(selection), "by");
  assert.equal(words(stepSelection(TEXT, [0, 4], "shrink")), "This");  // one word stays
  assert.equal(words(stepSelection(TEXT, [0, 4], "prev")), "This");
  const last = wordSpans(TEXT).pop();
  assert.deepEqual(stepSelection(TEXT, last ?? null, "next"), last);
  assert.deepEqual(stepSelection(TEXT, last ?? null, "extend"), last);
  assert.equal(stepSelection("  ", null, "next"), null);
});

test("spans: sorted, a span given twice once", () => {
  let spans = withSpan([], [10, 14], "LAW");
  spans = withSpan(spans, [0, 4], "PARTY");
  spans = withSpan(spans, [0, 4], "LAW");
  spans = withSpan(spans, [0, 4], "PARTY");
  assert.deepEqual(spans.map((s) => [s.start, s.end, s.label]), [[0, 4, "LAW"], [0, 4, "PARTY"], [10, 14, "LAW"]]);
  assert.deepEqual(spansOf(spans), spans);
  assert.deepEqual(spansOf("x"), []);
  assert.deepEqual(spansOf({ unknown: true }), []);
});

test("a submit sends evidence for answered questions that take it, and always a spans answer", () => {
  const form = { governing_law: "New York", kind: "supply" };
  const answers = submission([LAW, KIND, PARTIES], form);
  assert.deepEqual(answers, { governing_law: "New York", kind: "supply", parties: [] });
  /** @type {Record<string, [number, number][]>} */
  const evidence = { governing_law: [[55, 63]], kind: [[0, 4]] };
  assert.deepEqual(submittedEvidence([LAW, KIND, PARTIES], answers, evidence), { governing_law: [[55, 63]] });
  assert.deepEqual(submittedEvidence([LAW], { governing_law: { unknown: true } }, evidence), {});
  assert.deepEqual(submittedEvidence([LAW], {}, evidence), {});
  assert.deepEqual(submittedEvidence([LAW], { governing_law: "x" }, { governing_law: [] }), {});
});

test("quotes and snippets read the text shown, context included", () => {
  const shown = { text: "Before. " + TEXT, base: -8 };
  assert.equal(quote(shown, [-8, -2]), "Before");
  assert.equal(quote(shown, { start: 0, end: 4 }), "This");
  assert.equal(quote(shown, [500, 510]), "");
  const cut = snippet(shown, [55, 63], 10);
  assert.deepEqual(cut, { before: "… State of ", quote: "New York", after: ". Buyer’s …" });
});

test("marks cut the text into layered pieces; labels sit on the piece that ends a span", () => {
  const pieces = layeredPieces("abcdefghij", 100, [
    { start: 102, end: 106, cls: "lw-ev" },
    { start: 104, end: 108, cls: "lw-span", label: "LAW" },
    { start: 90, end: 101, cls: "lw-hl" },
    { start: 200, end: 210, cls: "lw-sel" },
  ]);
  assert.deepEqual(pieces, [
    { text: "a", classes: ["lw-hl"], label: "" },
    { text: "b", classes: [], label: "" },
    { text: "cd", classes: ["lw-ev"], label: "" },
    { text: "ef", classes: ["lw-ev", "lw-span"], label: "" },
    { text: "gh", classes: ["lw-span"], label: "LAW" },
    { text: "ij", classes: [], label: "" },
  ]);
  assert.equal(pieces.map((p) => p.text).join(""), "abcdefghij");
  assert.deepEqual(layeredPieces("", 0, []), []);
});

test("keys: select by word with Alt(+Shift)+arrows, copy with Ctrl+E or Alt+E, label with 1–9", () => {
  const screen = { terms: false, reviewing: false, forceable: false, focused: 0, shown: [LAW, KIND, PARTIES] };
  /** @param {string} key @param {Partial<import("../lib/keys.js").Key>} [more] */
  const press = (key, more = {}) => labelerKey({ key, on: "other", ...more }, screen);
  const alt = { alt: true, modifier: true };
  assert.deepEqual(press("ArrowRight", alt), { do: "select", how: "next" });
  assert.deepEqual(press("ArrowLeft", alt), { do: "select", how: "prev" });
  assert.deepEqual(press("ArrowRight", { ...alt, shift: true }), { do: "select", how: "extend" });
  assert.deepEqual(press("ArrowLeft", { ...alt, shift: true }), { do: "select", how: "shrink" });
  assert.equal(press("ArrowRight", { ...alt, on: "typing" }), null);  // the text field's own keys
  const ctrl = { ctrl: true, modifier: true };
  assert.deepEqual(press("e", ctrl), { do: "copy" });
  assert.deepEqual(press("E", { ...ctrl, shift: true }), { do: "copy" });
  assert.deepEqual(press("e", { ...ctrl, on: "typing", field: "governing_law-input" }), { do: "copy" });
  assert.equal(press("e", { ...ctrl, on: "typing", field: "flag-comment" }), null);
  assert.deepEqual(press("e", { ...alt, letter: "e" }), { do: "copy" });
  assert.deepEqual(press("e"), { do: "type", index: 0, text: "e" });  // an "e" goes into the answer
  assert.equal(press("e", { on: "typing" }), null);  // typing an "e" types an "e"
  assert.equal(labelerKey({ key: "e", ctrl: true, modifier: true, on: "other" }, { ...screen, reviewing: true }), null);
  const onSpans = { ...screen, focused: 2 };
  assert.deepEqual(labelerKey({ key: "2", on: "other" }, onSpans), { do: "label", index: 1 });
  assert.equal(labelerKey({ key: "3", on: "other" }, onSpans), null);  // two labels only
  assert.deepEqual(labelerKey({ key: "Backspace", on: "other" }, onSpans), { do: "unspan" });
  assert.equal(labelerKey({ key: "Backspace", on: "other" }, screen), null);
  assert.deepEqual(labelerKey({ key: "1", on: "other" }, { ...screen, focused: 1 }), { do: "pick", index: 0 });
});

test("paging a long chunk moves spans answers and evidence back by the part's shift", () => {
  const form = { parties: [{ start: 120, end: 130, label: "PARTY" }], kind: "supply", law: "x" };
  const moved = shifted(form, { law: [[105, 110]] }, 100);
  assert.deepEqual(moved.form, { parties: [{ start: 20, end: 30, label: "PARTY" }], kind: "supply", law: "x" });
  assert.deepEqual(moved.evidence, { law: [[5, 10]] });
  assert.deepEqual(shifted(moved.form, moved.evidence, -100).evidence, { law: [[105, 110]] });
});
