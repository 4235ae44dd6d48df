// @ts-check
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answerText, humanName, isBlank, isUnknown, keyed, optionsOf, pagesLabel, pickedChoices, pyEqual, range,
  submission, toggled, visibleQuestions,
} from "../lib/answers.js";

/** @typedef {import("../lib/types.js").QuestionView} QuestionView */

/** @param {Partial<QuestionView> & {name: string}} fields @returns {QuestionView} */
const question = (fields) => ({ kind: "text", instructions: "", choices: [], allow_unknown: true, when: null,
                                scale: [1, 5], ...fields });

const TASK = [
  question({ name: "has_clause", kind: "choice", choices: ["yes", "no"] }),
  question({ name: "governing_law", when: { question: "has_clause", values: ["yes"] } }),
  question({ name: "topics", kind: "multi_choice", choices: ["payment", "law"] }),
];

test("only {unknown: true} is 'not in the text'", () => {
  assert.equal(isUnknown({ unknown: true }), true);
  for (const other of [{ unknown: false }, { unknown: 1 }, [true], "unknown", null, undefined, 0]) {
    assert.equal(isUnknown(other), false, JSON.stringify(other));
  }
});

test("pyEqual compares like Python's ==", () => {
  assert.equal(pyEqual(1, 1.0), true);
  assert.equal(pyEqual(true, 1), true);
  assert.equal(pyEqual(false, 0), true);
  assert.equal(pyEqual("1", 1), false);
  assert.equal(pyEqual(["a", 1], ["a", true]), true);
  assert.equal(pyEqual(["a"], ["a", "b"]), false);
  assert.equal(pyEqual({ unknown: true }, { unknown: true }), true);
  assert.equal(pyEqual({ unknown: true }, "unknown"), false);
  assert.equal(pyEqual(null, null), true);
});

test("a dependent question shows once its gate has the value, and leaves when it changes", () => {
  const names = (/** @type {Record<string, import("../lib/types.js").JsonAnswer>} */ form) => visibleQuestions(TASK, form).map((q) => q.name);
  assert.deepEqual(names({}), ["has_clause", "topics"]);
  assert.deepEqual(names({ has_clause: "yes" }), ["has_clause", "governing_law", "topics"]);
  assert.deepEqual(names({ has_clause: "no", governing_law: "kept, not asked" }), ["has_clause", "topics"]);
});

test("a chain of gates closes when its first gate changes (Task.applicable)", () => {
  const chain = [
    question({ name: "a", kind: "choice", choices: ["yes", "no"] }),
    question({ name: "b", kind: "choice", choices: ["yes", "no"], when: { question: "a", values: ["yes"] } }),
    question({ name: "c", when: { question: "b", values: ["yes"] } }),
  ];
  const names = (/** @type {Record<string, import("../lib/types.js").JsonAnswer>} */ form) => visibleQuestions(chain, form).map((q) => q.name);
  assert.deepEqual(names({ a: "yes", b: "yes", c: "Texas" }), ["a", "b", "c"]);
  assert.deepEqual(names({ a: "no", b: "yes", c: "Texas" }), ["a"]); // b's old "yes" asks nothing
  assert.deepEqual(submission(chain, { a: "no", b: "yes", c: "Texas" }), { a: "no" });
});

test("a submit sends the answers of the questions asked, without blanks", () => {
  const form = { has_clause: "no", governing_law: "hidden now", topics: [], other: "x" };
  assert.deepEqual(submission(TASK, form), { has_clause: "no" });
  assert.deepEqual(submission(TASK, { has_clause: "yes", governing_law: "", topics: ["law"] }),
                   { has_clause: "yes", topics: ["law"] });
  assert.deepEqual(submission(TASK, { has_clause: { unknown: true } }), { has_clause: { unknown: true } });
  assert.equal(isBlank(0), false);
  assert.equal(isBlank([]), true);
});

test("answers read as text", () => {
  assert.equal(answerText({ unknown: true }), "(not in the text)");
  assert.equal(answerText(["payment", "law"]), "payment, law");
  assert.equal(answerText(null), "");
  assert.equal(answerText(undefined), "");
  assert.equal(answerText(0), "0");
  assert.equal(answerText("<b>as typed</b>"), "<b>as typed</b>");
});

test("choices, ratings and their keys", () => {
  assert.deepEqual(range(1, 5), [1, 2, 3, 4, 5]);
  assert.deepEqual(optionsOf(question({ name: "r", kind: "rating", scale: [0, 3] })), [0, 1, 2, 3]);
  assert.deepEqual(optionsOf(TASK[0]), ["yes", "no"]);
  assert.deepEqual(toggled(["law"], "payment", ["payment", "law"]), ["payment", "law"]);
  assert.deepEqual(toggled(["payment", "law"], "payment", ["payment", "law"]), ["law"]);
  assert.deepEqual(pickedChoices(["a", 2]), ["a", 2]);
  assert.deepEqual(pickedChoices({ unknown: true }), []);
  assert.deepEqual(pickedChoices([{ start: 0, end: 1 }]), []);
  assert.equal(keyed(0, "yes"), "1 yes");
  assert.equal(keyed(2, 3), "3");  // a rating of 3 already reads as its key
  assert.equal(keyed(9, "tenth"), "tenth");  // no key past 9
});

test("names and pages for people", () => {
  assert.equal(humanName("governing_law"), "governing law");
  assert.equal(pagesLabel(2, 3), "pages 2–3");
  assert.equal(pagesLabel(3, 3), "page 3");
  assert.equal(pagesLabel(3, null), "page 3");
  assert.equal(pagesLabel(null, null), "");
});
