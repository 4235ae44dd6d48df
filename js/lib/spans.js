// @ts-check
// Evidence, labeled spans and selections over the chunk text, without the DOM.
// Offsets are the wire's chunk coordinates: 0 is the chunk's first character, negative offsets
// fall in the context shown before it (Python converts to document coordinates).

import { isUnknown } from "./answers.js";

/** @typedef {[number, number]} Pair  a half-open [start, end) span */
/** @typedef {import("./types.js").Span} Span */
/** @typedef {import("./types.js").JsonAnswer} JsonAnswer */
/** @typedef {import("./types.js").QuestionView} QuestionView */

const WORD = /[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*/gu;

/**
 * The words of `text` as [start, end) spans.
 * @param {string} text
 * @returns {Pair[]}
 */
export function wordSpans(text) {
  return Array.from(text.matchAll(WORD), (m) => /** @type {Pair} */ ([m.index ?? 0, (m.index ?? 0) + m[0].length]));
}

/**
 * Where a typed answer is written in `text`: case-insensitive, any run of whitespace matching
 * any other, straight and curly apostrophes alike, on word boundaries. The first occurrence,
 * or null. (Python's schema.grounding.locate is the thorough check; this one runs per key.)
 * @param {unknown} answer
 * @param {string} text
 * @returns {Pair | null}
 */
export function locateAnswer(answer, text) {
  if (typeof answer !== "string") return null;
  const words = answer.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const escape = (/** @type {string} */ w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/['’‘]/g, "['’‘]");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.map(escape).join("\\s+")}(?![\\p{L}\\p{N}])`, "iu");
  const found = pattern.exec(text);
  return found ? [found.index, found.index + found[0].length] : null;
}

/**
 * A selection without the whitespace at its ends (a mouse selection often takes a space).
 * @param {string} text the text the offsets point into
 * @param {Pair} pair
 * @returns {Pair | null} null when only whitespace was selected
 */
export function trimmed(text, [start, end]) {
  let s = Math.max(0, start);
  let e = Math.min(text.length, end);
  while (s < e && /\s/.test(text[s])) s += 1;
  while (e > s && /\s/.test(text[e - 1])) e -= 1;
  return s < e ? [s, e] : null;
}

/**
 * A selection moved or resized by one word (the keyboard's way to select):
 * "next" / "prev" select the word after / before the selection's start, "extend" moves its
 * end to the end of the next word, "shrink" takes its last word off (one word stays).
 * Without a selection, every step starts at the first word.
 * @param {string} text
 * @param {Pair | null} selection
 * @param {"next" | "prev" | "extend" | "shrink"} how
 * @returns {Pair | null} null when the text has no words
 */
export function stepSelection(text, selection, how) {
  const words = wordSpans(text);
  if (!words.length) return null;
  if (!selection) return words[0];
  const [start, end] = selection;
  if (how === "next") return words.find(([s]) => s > start) ?? words[words.length - 1];
  if (how === "prev") return words.filter(([s]) => s < start).pop() ?? words[0];
  if (how === "extend") {
    const next = words.find(([, e]) => e > end);
    return next ? [start, next[1]] : [start, end];
  }
  const inside = words.filter(([s, e]) => s >= start && e <= end);
  if (inside.length <= 1) return [start, end];
  return [start, inside[inside.length - 2][1]];
}

/**
 * A spans answer with one more span (sorted by start, end, label; a span given twice once).
 * @param {Span[]} spans
 * @param {Pair} pair
 * @param {string} label
 * @returns {Span[]}
 */
export function withSpan(spans, [start, end], label) {
  const all = [...spans, { start, end, label }];
  const key = (/** @type {Span} */ s) => `${s.start}:${s.end}:${s.label}`;
  const unique = [...new Map(all.map((s) => [key(s), s])).values()];
  return unique.sort((a, b) => a.start - b.start || a.end - b.end || String(a.label).localeCompare(String(b.label)));
}

/**
 * The spans of a spans answer in the form ([] for anything else).
 * @param {JsonAnswer | undefined} value
 * @returns {Span[]}
 */
export function spansOf(value) {
  if (!Array.isArray(value)) return [];
  return /** @type {Span[]} */ (value.filter((s) => s !== null && typeof s === "object" && "start" in s && "end" in s));
}

/**
 * The evidence a submit sends: for each answered question that takes evidence (not "not in
 * the text"), its spans.
 * @param {QuestionView[]} questions
 * @param {Record<string, JsonAnswer>} answers what the submit sends
 * @param {Record<string, Pair[]>} evidence per question
 * @returns {Record<string, Pair[]>}
 */
export function submittedEvidence(questions, answers, evidence) {
  /** @type {Record<string, Pair[]>} */
  const sent = {};
  for (const q of questions) {
    const pairs = evidence[q.name];
    if (!q.evidence || !(q.name in answers) || isUnknown(answers[q.name]) || !pairs?.length) continue;
    sent[q.name] = pairs;
  }
  return sent;
}

/**
 * The text shown: the chunk with the context around it; `base` is the offset of `text[0]`.
 * @typedef {{text: string, base: number}} Shown
 */

/**
 * The words a span covers, from the text shown ("" where it lies outside).
 * @param {Shown} shown
 * @param {Pair | {start: number, end: number}} span
 */
export function quote(shown, span) {
  const [start, end] = Array.isArray(span) ? span : [span.start, span.end];
  const from = Math.max(0, start - shown.base);
  return shown.text.slice(from, Math.max(from, end - shown.base));
}

/**
 * A span with some words around it, for a line under a question or a model answer.
 * @param {Shown} shown
 * @param {Pair} span
 * @param {number} [around] characters of context on each side
 * @returns {{before: string, quote: string, after: string}}
 */
export function snippet(shown, [start, end], around = 40) {
  const s = Math.max(0, start - shown.base);
  const e = Math.max(s, Math.min(shown.text.length, end - shown.base));
  const from = Math.max(0, s - around);
  const to = Math.min(shown.text.length, e + around);
  const squash = (/** @type {string} */ t) => t.replace(/\s+/g, " ");
  return {
    before: (from > 0 ? "…" : "") + squash(shown.text.slice(from, s)),
    quote: squash(shown.text.slice(s, e)),
    after: squash(shown.text.slice(e, to)) + (to < shown.text.length ? "…" : ""),
  };
}

/**
 * One marked range of the text shown: a CSS class, and a label shown at its end.
 * @typedef {{start: number, end: number, cls: string, label?: string}} Mark
 */

/**
 * A piece of the text shown with the classes of the marks covering it; `label` joins the
 * labels of the marks ending with it.
 * @typedef {{text: string, classes: string[], label: string}} LayeredPiece
 */

/**
 * `text` (starting at offset `base`) cut wherever a mark starts or ends; overlapping marks
 * give a piece several classes. Marks outside the text are clipped away.
 * @param {string} text
 * @param {number} base
 * @param {Mark[]} marks
 * @returns {LayeredPiece[]}
 */
export function layeredPieces(text, base, marks) {
  const low = base;
  const high = base + text.length;
  const inside = marks.filter((m) => m.end > low && m.start < high && m.end > m.start);
  const cuts = new Set([low, high]);
  for (const m of inside) {
    cuts.add(Math.max(low, m.start));
    cuts.add(Math.min(high, m.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  /** @type {LayeredPiece[]} */
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const over = inside.filter((m) => m.start <= a && m.end >= b);
    const classes = [...new Set(over.map((m) => m.cls))];
    const label = over.filter((m) => m.end === b && m.label).map((m) => m.label).join(" · ");
    pieces.push({ text: text.slice(a - base, b - base), classes, label });
  }
  return pieces;
}

/**
 * The form's spans answers and the evidence after the text on screen moved `shift` characters
 * on (a long chunk paged): offsets count from the first character shown, so each moves back.
 * @param {Record<string, JsonAnswer | undefined>} form
 * @param {Record<string, Pair[]>} evidence
 * @param {number} shift
 * @returns {{form: Record<string, JsonAnswer | undefined>, evidence: Record<string, Pair[]>}}
 */
export function shifted(form, evidence, shift) {
  const move = (/** @type {Pair} */ [start, end]) => /** @type {Pair} */ ([start - shift, end - shift]);
  const spans = Object.entries(form).map(([name, value]) => {
    const list = spansOf(value);
    return [name, list.length ? list.map((s) => ({ ...s, start: s.start - shift, end: s.end - shift })) : value];
  });
  return { form: Object.fromEntries(spans),
           evidence: Object.fromEntries(Object.entries(evidence).map(([name, pairs]) => [name, pairs.map(move)])) };
}
