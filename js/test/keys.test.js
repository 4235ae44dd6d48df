// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import { labelerKey, reviewerKey } from "../lib/keys.js";

/** @typedef {import("../lib/types.js").QuestionView} QuestionView */
/** @typedef {import("../lib/keys.js").Key} Key */

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

test("letters move, skip, flag and say 'not in the text'", () => {
  assert.deepEqual(labelerKey(press("n"), labeling()), { do: "send", command: "next" });
  assert.deepEqual(labelerKey(press("p"), labeling()), { do: "send", command: "previous" });
  assert.deepEqual(labelerKey(press("s"), labeling()), { do: "send", command: "skip" });
  assert.equal(labelerKey(press("s"), labeling({ reviewing: true })), null);
  assert.deepEqual(labelerKey(press("U"), labeling()), { do: "send", command: "unknown" });
  assert.deepEqual(labelerKey(press("c"), labeling()), { do: "context" });
  assert.deepEqual(labelerKey(press("f"), labeling()), { do: "flag" });
  assert.deepEqual(labelerKey(press("u"), labeling()), { do: "toggle_unknown" });
  assert.equal(labelerKey(press("u"), labeling({ focused: 2 })), null);  // the rating does not allow it
  assert.equal(labelerKey(press("o"), labeling()), null);
  assert.deepEqual(labelerKey(press("o"), labeling({ forceable: true })), { do: "submit", force: true });
  assert.equal(labelerKey(press("n", { modifier: true }), labeling()), null);  // Ctrl+N is the browser's
});

test("digits pick an option of the focused question, arrows move between questions", () => {
  assert.deepEqual(labelerKey(press("2"), labeling()), { do: "pick", index: 1 });
  assert.equal(labelerKey(press("3"), labeling()), null);  // "yes" / "no" only
  assert.deepEqual(labelerKey(press("3"), labeling({ focused: 1 })), { do: "pick", index: 2 });
  assert.deepEqual(labelerKey(press("5"), labeling({ focused: 2 })), { do: "pick", index: 4 });
  assert.equal(labelerKey(press("1"), labeling({ focused: 3 })), null);  // a text question
  assert.equal(labelerKey(press("0"), labeling()), null);
  assert.deepEqual(labelerKey(press("ArrowDown"), labeling()), { do: "focus", index: 1 });
  assert.deepEqual(labelerKey(press("ArrowUp"), labeling()), { do: "focus", index: 0 });
  assert.deepEqual(labelerKey(press("ArrowDown"), labeling({ focused: 3 })), { do: "focus", index: 3 });
  // a focus past the end (questions went away) means the last question
  assert.equal(labelerKey(press("2"), labeling({ focused: 9 })), null);
  assert.deepEqual(labelerKey(press("2"), labeling({ focused: 9, shown: [CHOICE] })), { do: "pick", index: 1 });
  assert.equal(labelerKey(press("2"), labeling({ reviewing: true })), null);
  assert.equal(labelerKey(press("1"), labeling({ shown: [] })), null);
});

test("the Reviewer: digits accept, letters open a box, arrows focus an answer", () => {
  const item = { item: true, count: 3, focused: 1 };
  assert.deepEqual(reviewerKey(press("2"), item), { do: "accept", index: 1 });
  assert.equal(reviewerKey(press("4"), item), null);
  assert.deepEqual(reviewerKey(press("e"), item), { do: "mode", mode: "edit" });
  assert.deepEqual(reviewerKey(press("u"), item), { do: "mode", mode: "unclear" });
  assert.deepEqual(reviewerKey(press("f"), item), { do: "mode", mode: "feedback" });
  assert.deepEqual(reviewerKey(press("ArrowDown"), item), { do: "focus", index: 2 });
  assert.deepEqual(reviewerKey(press("ArrowDown"), { ...item, focused: 2 }), { do: "focus", index: 2 });
  assert.deepEqual(reviewerKey(press("n"), { item: false, count: 0, focused: 0 }), { do: "send", command: "next" });
  assert.equal(reviewerKey(press("1"), { item: false, count: 0, focused: 0 }), null);
  assert.equal(reviewerKey(press("e", { on: "typing" }), item), null);
  assert.equal(reviewerKey(press("e", { modifier: true }), item), null);
  assert.deepEqual(reviewerKey(press("?"), item), { do: "help" });
});
