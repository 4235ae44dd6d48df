// @ts-check
// Answers without the DOM: "not in the text", the `when=` rule, display text, choice options.
// Mirrors labelwidgets/schema (answers.py, Question.condition_met); js/test checks both sides
// against the same cases (tests/schema/when_cases.json).

/** @typedef {import("./types.js").JsonAnswer} JsonAnswer */
/** @typedef {import("./types.js").QuestionView} QuestionView */
/** @typedef {import("./types.js").When} When */

/**
 * Whether `value` is "Not in the text" (`{"unknown": true}` on the wire).
 * @param {unknown} value
 * @returns {value is import("./types.js").Unknown}
 */
export function isUnknown(value) {
  return Boolean(value && typeof value === "object" && !Array.isArray(value) &&
                 /** @type {{unknown?: unknown}} */ (value).unknown === true);
}

/**
 * Python's `==` for JSON answers: numbers and booleans compare by value (True == 1), lists
 * element by element, "not in the text" only with itself, everything else strictly.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function pyEqual(a, b) {
  const numeric = (/** @type {unknown} */ x) => typeof x === "number" || typeof x === "boolean";
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (isUnknown(a) || isUnknown(b)) return isUnknown(a) && isUnknown(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  }
  return a === b;
}

/**
 * Whether a question with condition `when` is asked, given the answers in the form so far.
 * Mirrors Question.condition_met: no answer → not asked; "not in the text" (or null) meets a
 * condition whose accepted values include "not in the text"; a list answer meets it when any
 * choice is accepted, a spans answer when any span's label is.
 * In the form, `undefined` and "" mean "not answered yet".
 * @param {When | null | undefined} when
 * @param {Record<string, JsonAnswer | undefined>} form
 * @returns {boolean}
 */
export function conditionMet(when, form) {
  if (!when) return true;
  if (!Object.prototype.hasOwnProperty.call(form, when.question)) return false;
  const given = form[when.question];
  if (given === undefined || given === "") return false;
  if (given === null || isUnknown(given)) return when.values.some(isUnknown);
  const wanted = when.values;
  if (!Array.isArray(given)) return wanted.some((v) => pyEqual(given, v));
  const picked = spanLabels(given) ?? given;
  return wanted.some((v) => picked.some((g) => pyEqual(g, v)));
}

/**
 * The labels of a spans answer (a list of {start, end, label}), or null for other lists.
 * @param {unknown[]} given
 * @returns {unknown[] | null}
 */
function spanLabels(given) {
  const first = given[0];
  if (!first || typeof first !== "object" || Array.isArray(first)) return null;
  return given.map((span) => {
    const label = span && typeof span === "object" ? /** @type {{label?: unknown}} */ (span).label : undefined;
    return label === undefined ? null : label;
  });
}

/**
 * The questions asked for the answers in `form`, in task order.
 * @param {QuestionView[]} questions
 * @param {Record<string, JsonAnswer | undefined>} form
 */
export function visibleQuestions(questions, form) {
  // Only the answers of asked questions count: a gate that is no longer asked asks nothing
  // (Task.applicable). Gates come before the questions they gate.
  /** @type {Record<string, JsonAnswer | undefined>} */
  const seen = {};
  return questions.filter((q) => {
    const asked = conditionMet(q.when, seen);
    if (asked && Object.prototype.hasOwnProperty.call(form, q.name)) seen[q.name] = form[q.name];
    return asked;
  });
}

/**
 * Whether a form value is still unanswered (nothing typed, nothing picked).
 * @param {JsonAnswer | undefined} value
 */
export function isBlank(value) {
  return value === undefined || value === "" || (Array.isArray(value) && !value.length);
}

/**
 * The answers a submit sends: those of the questions asked, left-out blanks. A spans question
 * always answers: no spans marked is the answer "no such span here" (`[]`).
 * @param {QuestionView[]} questions
 * @param {Record<string, JsonAnswer | undefined>} form
 * @returns {Record<string, JsonAnswer>}
 */
export function submission(questions, form) {
  /** @type {Record<string, JsonAnswer>} */
  const answers = {};
  for (const q of visibleQuestions(questions, form)) {
    const value = form[q.name];
    if (q.kind === "spans") answers[q.name] = Array.isArray(value) ? value : [];
    else if (value !== undefined && !isBlank(value)) answers[q.name] = value;
  }
  return answers;
}

/**
 * An answer for display.
 * @param {unknown} value
 * @returns {string}
 */
export function answerText(value) {
  if (isUnknown(value)) return "(not in the text)";
  if (Array.isArray(value)) {
    return value.map((v) => (v && typeof v === "object" ? `${v.label} [${v.start}, ${v.end})` : String(v))).join(", ");
  }
  return value === undefined || value === null ? "" : String(value);
}

/** @param {number} low @param {number} high @returns {number[]} low..high inclusive */
export function range(low, high) {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

/**
 * The options a choice or rating question offers (the keys 1–9 pick them).
 * @param {QuestionView} q
 * @returns {(string | number)[]}
 */
export function optionsOf(q) {
  return q.kind === "rating" ? range(q.scale[0], q.scale[1]) : q.choices;
}

/**
 * The choices picked in a multi-choice answer ([] for anything else).
 * @param {JsonAnswer | undefined} value
 * @returns {(string | number)[]}
 */
export function pickedChoices(value) {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => typeof v === "string" || typeof v === "number");
}

/**
 * A multi-choice answer with `option` switched on or off, in the question's choice order.
 * @param {(string | number)[]} picked
 * @param {string | number} option
 * @param {(string | number)[]} order
 */
export function toggled(picked, option, order) {
  const set = new Set(picked);
  if (set.has(option)) set.delete(option);
  else set.add(option);
  return order.filter((c) => set.has(c));
}

/**
 * A choice's label with its key (1–9), unless the choice already is that number.
 * @param {number} index
 * @param {string | number} option
 */
export function keyed(index, option) {
  const key = String(index + 1);
  return index >= 9 || String(option) === key ? String(option) : `${key} ${option}`;
}

/** @param {string} name a question name @returns {string} it for people ("governing law") */
export function humanName(name) {
  return name.replaceAll("_", " ");
}

/**
 * Where a chunk sits: "page 3", "pages 2–3", or "" when unknown.
 * @param {number | null | undefined} start
 * @param {number | null | undefined} end
 */
export function pagesLabel(start, end) {
  if (!start) return "";
  return end && end !== start ? `pages ${start}–${end}` : `page ${start}`;
}
