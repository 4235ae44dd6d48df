// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { labelerKey, letsKeyThrough, reviewerKey } from "../lib/keys.js";

/** @typedef {import("../lib/types.js").QuestionView} QuestionView */
/** @typedef {import("../lib/keys.js").Key} Key */
/** @typedef {import("../lib/keys.js").LabelerAction} LabelerAction */

/** @param {Partial<QuestionView> & {name: string}} fields @returns {QuestionView} */
const question = (fields) => ({ kind: "text", instructions: "", choices: [], allow_unknown: true, when: null,
                                scale: [1, 5], ...fields });
const CHOICE = question({ name: "has_clause", kind: "choice", choices: ["yes", "no"] });
const MULTI = question({ name: "topics", kind: "multi_choice", choices: ["payment", "termination", "law"] });
const RATING = question({ name: "clarity", kind: "rating", scale: [1, 5], allow_unknown: false });
const TEXT = question({ name: "governing_law" });

/** @param {Partial<import("../lib/keys.js").LabelerScreen>} [screen] */
const labeling = (screen = {}) => ({ terms: false, reviewing: false, forceable: false, focused: 0,
                                     shown: [CHOICE, MULTI, RATING, TEXT], ...screen });
/** @param {string} key @param {Partial<Key>} [more] @returns {Key} */
const press = (key, more = {}) => ({ key, on: "other", ...more });

test("Enter submits, or moves on while the model's answers are shown", () => {
  assert.deepEqual(labelerKey(press("Enter"), labeling()), { do: "submit", force: false });
  assert.deepEqual(labelerKey(press("Enter"), labeling({ reviewing: true })), { do: "send", command: "next" });
  assert.equal(labelerKey(press("Enter", { on: "button" }), labeling()), null);  // the button's own click
});

test("in a text field only Enter and Esc are the widget's", () => {
  assert.deepEqual(labelerKey(press("Enter", { on: "typing" }), labeling()), { do: "submit", force: false });
  assert.equal(labelerKey(press("Enter", { on: "typing", shift: true }), labeling()), null);  // a new line
  assert.equal(labelerKey(press("n", { on: "typing" }), labeling()), null);
  assert.equal(labelerKey(press("1", { on: "typing" }), labeling()), null);
  assert.deepEqual(labelerKey(press("Escape", { on: "typing" }), labeling()), { do: "leave" });
  const flag = { on: /** @type {const} */ ("typing"), field: "flag-comment" };
  assert.deepEqual(labelerKey(press("Escape", flag), labeling()), { do: "cancel_flag" });
  assert.equal(labelerKey(press("Enter", flag), labeling()), null);  // the flag box sends it itself
});

test("the terms gate takes only Enter (and ?)", () => {
  const gate = labeling({ terms: true });
  assert.deepEqual(labelerKey(press("Enter"), gate), { do: "accept_terms" });
  assert.deepEqual(labelerKey(press("?"), gate), { do: "help" });
  for (const key of ["n", "s", "1", "u", "U"]) assert.equal(labelerKey(press(key), gate), null, key);
});

/** @param {string} letter @param {Partial<Key>} [more] @returns {Key} Alt+letter (⌥ types another key on a Mac) */
const alt = (letter, more = {}) => press(letter === "s" ? "ß" : letter, { alt: true, modifier: true, letter, ...more });

test("Alt+letter moves, skips, undoes, flags and says 'not in the text', in a text field too", () => {
  assert.deepEqual(labelerKey(alt("n"), labeling()), { do: "send", command: "next" });
  assert.deepEqual(labelerKey(alt("p"), labeling()), { do: "send", command: "previous" });
  assert.deepEqual(labelerKey(alt("s"), labeling()), { do: "send", command: "skip" });
  assert.deepEqual(labelerKey(alt("s", { on: "typing" }), labeling({ focused: 3 })), { do: "send", command: "skip" });
  assert.equal(labelerKey(alt("s"), labeling({ reviewing: true })), null);
  assert.deepEqual(labelerKey(alt("z"), labeling({ reviewing: true })), { do: "send", command: "undo" });
  assert.deepEqual(labelerKey(press("z", { ctrl: true, modifier: true, letter: "z" }), labeling()), { do: "send", command: "undo" });
  // Ctrl+Z in a text field is the field's own undo
  assert.equal(labelerKey(press("z", { ctrl: true, modifier: true, letter: "z", on: "typing" }), labeling()), null);
  assert.deepEqual(labelerKey(alt("u", { shift: true }), labeling()), { do: "send", command: "unknown" });
  assert.deepEqual(labelerKey(alt("u"), labeling()), { do: "toggle_unknown" });
  assert.equal(labelerKey(alt("u"), labeling({ focused: 2 })), null);  // the rating does not allow it
  assert.deepEqual(labelerKey(alt("c"), labeling()), { do: "context" });
  assert.deepEqual(labelerKey(alt("f"), labeling()), { do: "flag" });
  assert.deepEqual(labelerKey(alt("m"), labeling()), { do: "more" });
  assert.equal(labelerKey(alt("o"), labeling()), null);
  assert.deepEqual(labelerKey(alt("o"), labeling({ forceable: true })), { do: "submit", force: true });
  assert.equal(labelerKey(alt("n", { field: "flag-comment", on: "typing" }), labeling()), null);
  assert.equal(labelerKey(alt("n"), labeling({ terms: true })), null);
});

test("typing never runs a command: printable keys go into a text answer", () => {
  for (const key of [..."the laws of New York: s n p u f U o c e ?"]) {
    const action = labelerKey(press(key), labeling({ focused: 3 }));
    assert.deepEqual(action, { do: "type", index: 3, text: key }, key);
    // the focused question has no text field: the first one shown takes the key
    if (!/[1-9?]/.test(key)) assert.deepEqual(labelerKey(press(key), labeling()), { do: "type", index: 3, text: key }, key);
  }
  assert.deepEqual(labelerKey(press("?"), labeling()), { do: "help" });  // on a choice question
  assert.equal(labelerKey(press("s"), labeling({ shown: [CHOICE, RATING] })), null);  // no text answer: nothing
  assert.equal(labelerKey(press(" ", { on: "button" }), labeling()), null);  // Space presses the button
  assert.equal(labelerKey(press("n", { modifier: true, ctrl: true }), labeling()), null);  // Ctrl+N is the browser's
});

test("Tab and Shift+Tab move between questions, from a text field too", () => {
  assert.deepEqual(labelerKey(press("Tab"), labeling()), { do: "focus", index: 1 });
  assert.deepEqual(labelerKey(press("Tab", { on: "typing" }), labeling({ focused: 2 })), { do: "focus", index: 3 });
  assert.deepEqual(labelerKey(press("Tab", { shift: true, on: "typing" }), labeling({ focused: 3 })), { do: "focus", index: 2 });
  assert.equal(labelerKey(press("Tab"), labeling({ focused: 3 })), null);  // past the last: the browser's
  assert.equal(labelerKey(press("Tab", { shift: true }), labeling()), null);
  assert.equal(labelerKey(press("Tab"), labeling({ reviewing: true })), null);
});

test("digits pick an option of the focused question, arrows move between questions", () => {
  assert.deepEqual(labelerKey(press("2"), labeling()), { do: "pick", index: 1 });
  assert.equal(labelerKey(press("3"), labeling()), null);  // "yes" / "no" only
  assert.deepEqual(labelerKey(press("3"), labeling({ focused: 1 })), { do: "pick", index: 2 });
  assert.deepEqual(labelerKey(press("5"), labeling({ focused: 2 })), { do: "pick", index: 4 });
  assert.deepEqual(labelerKey(press("1"), labeling({ focused: 3 })), { do: "type", index: 3, text: "1" });  // a text question
  assert.deepEqual(labelerKey(press("0"), labeling()), { do: "type", index: 3, text: "0" });  // not an option: text
  assert.deepEqual(labelerKey(press("ArrowDown"), labeling()), { do: "focus", index: 1 });
  assert.deepEqual(labelerKey(press("ArrowUp"), labeling()), { do: "focus", index: 0 });
  assert.deepEqual(labelerKey(press("ArrowDown"), labeling({ focused: 3 })), { do: "focus", index: 3 });
  // a focus past the end (questions went away) means the last question
  assert.deepEqual(labelerKey(press("2"), labeling({ focused: 9 })), { do: "type", index: 3, text: "2" });
  assert.deepEqual(labelerKey(press("2"), labeling({ focused: 9, shown: [CHOICE] })), { do: "pick", index: 1 });
  assert.equal(labelerKey(press("2"), labeling({ reviewing: true })), null);
  assert.equal(labelerKey(press("1"), labeling({ shown: [] })), null);
});

test("the Reviewer: Alt+digits accept, Alt+letters open a box, arrows focus an answer", () => {
  const item = { item: true, count: 3, focused: 1 };
  const alt = (/** @type {string} */ k, /** @type {Partial<Key>} */ more = {}) => press(k, { alt: true, modifier: true, ...more });
  assert.deepEqual(reviewerKey(alt("2"), item), { do: "accept", index: 1 });
  assert.deepEqual(reviewerKey(alt("™", { digit: 2 }), item), { do: "accept", index: 1 });  // ⌥2 on a Mac
  assert.equal(reviewerKey(alt("4"), item), null);
  assert.deepEqual(reviewerKey(alt("e", { letter: "e" }), item), { do: "mode", mode: "edit" });
  assert.deepEqual(reviewerKey(alt("¨", { letter: "u" }), item), { do: "mode", mode: "unclear" });
  assert.deepEqual(reviewerKey(alt("f"), item), { do: "mode", mode: "feedback" });
  assert.deepEqual(reviewerKey(alt("k"), item), { do: "find" });
  assert.deepEqual(reviewerKey(press("ArrowDown"), item), { do: "focus", index: 2 });
  assert.deepEqual(reviewerKey(press("ArrowDown"), { ...item, focused: 2 }), { do: "focus", index: 2 });
  assert.deepEqual(reviewerKey(alt("n"), { item: false, count: 0, focused: 0 }), { do: "send", command: "next" });
  assert.equal(reviewerKey(alt("1"), { item: false, count: 0, focused: 0 }), null);
  assert.deepEqual(reviewerKey(press("?"), item), { do: "help" });
});

test("the Reviewer: plain letters and digits never act (typing in the wrong place stores nothing)", () => {
  const item = { item: true, count: 3, focused: 1 };
  for (const k of ["1", "2", "e", "u", "f", "n", "p", "k"]) assert.equal(reviewerKey(press(k), item), null, k);
  assert.equal(reviewerKey(press("e", { on: "typing" }), item), null);
  assert.equal(reviewerKey(press("e", { modifier: true, ctrl: true }), item), null);
  assert.deepEqual(reviewerKey(press("n", { on: "typing", alt: true, modifier: true }), item), { do: "send", command: "next" });
  assert.deepEqual(reviewerKey(press("1", { on: "typing", field: "find-text", alt: true, modifier: true }), item),
                   { do: "accept", index: 0 });  // Alt commands work from the search box too
});

test("a key typed outside a date field reaches the field itself (the browser types it there)", () => {
  const DATE = question({ name: "signed_on", kind: "date" });
  const screen = labeling({ shown: [CHOICE, DATE, TEXT], focused: 1 });
  for (const key of [..."12/25/2024"]) {
    const action = labelerKey(press(key), screen);
    // a date field cannot be typed into by the page: focus it and let the key through
    assert.deepEqual(action, { do: "enter", index: 1 }, key);
    assert.equal(letsKeyThrough(/** @type {LabelerAction} */ (action)), true, key);
  }
  // a text field is typed into by the page: the key itself is stopped, never typed twice
  const text = labelerKey(press("1"), labeling({ focused: 3 }));
  assert.deepEqual(text, { do: "type", index: 3, text: "1" });
  assert.equal(letsKeyThrough(/** @type {LabelerAction} */ (text)), false);
  assert.equal(letsKeyThrough({ do: "leave" }), true);
  assert.equal(letsKeyThrough({ do: "submit", force: false }), false);
  // the first field shown takes a key typed on a choice question: a date field too
  assert.deepEqual(labelerKey(press("0"), labeling({ shown: [CHOICE, DATE], focused: 0 })), { do: "enter", index: 1 });
});
