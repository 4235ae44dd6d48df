// @ts-check
// The chunk's text with its marks — the task's keywords, the focused question's evidence, the
// labeled spans, the selection, and the model's evidence after a submit — and selecting in it
// by mouse or by keyboard. Marks are text nodes inside <mark>/<span> elements, never HTML.
import { isUnknown } from "../lib/answers.js";
import { markedText } from "../lib/dom.js";
import { locateAnswer, quote, spansOf, stepSelection, trimmed, withSpan } from "../lib/spans.js";

/** @typedef {import("../lib/types.js").LabelerModel} LabelerModel */
/** @typedef {import("../lib/types.js").JsonAnswer} JsonAnswer */
/** @typedef {import("../lib/types.js").QuestionView} QuestionView */
/** @typedef {import("../lib/spans.js").Pair} Pair */
/** @typedef {import("../lib/spans.js").Mark} Mark */
/** @typedef {import("../lib/spans.js").Shown} Shown */
/** @typedef {{el: HTMLElement, base: number, length: number}} TextPart  an element holding `length` characters from offset `base` */

/**
 * What the chunk text needs from the Labeler view.
 * @typedef {object} ChunkHost
 * @property {LabelerModel} model
 * @property {{form: Record<string, JsonAnswer | undefined>, evidence: Record<string, Pair[]>,
 *             evidenceFrom: Record<string, string>, selection: Pair | null}} state
 * @property {() => QuestionView[]} visible
 * @property {() => QuestionView | undefined} focusedQuestion
 * @property {() => boolean} reviewing
 * @property {(name: string, value: JsonAnswer | undefined) => void} setAnswer
 * @property {(name: string) => void} evidenceChanged
 * @property {(text: string) => void} hint a line in the status bar
 */

/** @param {string[]} labels @param {string} label */
const spanClass = (labels, label) => `lw-span lw-span-${Math.max(0, labels.indexOf(label)) % 6}`;

export class ChunkText {
  /** @param {ChunkHost} host */
  constructor(host) {
    this.host = host;
    /** @type {TextPart[]} */
    this.parts = [];
    /** @type {HTMLElement | null} */
    this.container = null;
    this.painted = "";
    /** @type {{question: string, span: import("../lib/types.js").Span}[]} spans labeled here, newest last */
    this.labeled = [];
  }

  /** @returns {Shown} the chunk with the context around it (offset of its first character) */
  shown() {
    const item = this.host.model.get("item") || {};
    const before = item.context_before || "";
    return { text: before + (item.text || "") + (item.context_after || ""), base: -before.length };
  }

  /** @returns {boolean} the chunk's place in its document is known: evidence can be stored */
  placed() {
    return Boolean((this.host.model.get("item") || {}).offsets);
  }

  /** @returns {string} the chunk's own text */
  chunk() {
    return (this.host.model.get("item") || {}).text || "";
  }

  /**
   * Paint into a freshly built chunk view.
   * @param {HTMLElement} container the element the text parts sit in
   * @param {TextPart[]} parts
   */
  attach(container, parts) {
    this.container = container;
    this.parts = parts;
    this.painted = "";
    this.paint();
  }

  /** @returns {Mark[]} everything marked in the text now */
  marks() {
    const item = this.host.model.get("item") || {};
    const { state } = this.host;
    /** @type {Mark[]} */
    const marks = (item.highlights || []).map(([start, end]) => ({ start, end, cls: "lw-hl" }));
    const focused = this.host.focusedQuestion();
    if (focused && focused.kind !== "spans") {
      for (const [start, end] of state.evidence[focused.name] || []) marks.push({ start, end, cls: "lw-ev" });
    }
    for (const q of this.host.visible().filter((v) => v.kind === "spans")) {
      for (const s of spansOf(state.form[q.name])) marks.push({ ...s, cls: spanClass(q.labels || [], String(s.label)) });
    }
    if (state.selection) marks.push({ start: state.selection[0], end: state.selection[1], cls: "lw-sel" });
    if (this.host.reviewing()) marks.push(...this.modelMarks());
    return marks;
  }

  /** @returns {Mark[]} where the model found its answers (shown after a submit) */
  modelMarks() {
    const questions = (this.host.model.get("review") || {}).questions || {};
    return Object.values(questions).flatMap((r) => [
      ...(r.model_evidence || []).map(([start, end]) => ({ start, end, cls: "lw-ev-model" })),
      ...(r.model_spans || []).map((s) => ({ start: s.start, end: s.end, cls: "lw-ev-model", label: `model: ${s.label}` })),
    ]);
  }

  /** Redraw the marks, only when they changed (a redraw ends a selection in progress). */
  paint() {
    const marks = this.marks();
    const signature = JSON.stringify(marks);
    if (signature === this.painted || !this.parts.length) return;
    this.painted = signature;
    const { text, base } = this.shown();
    for (const part of this.parts) {
      const own = text.slice(part.base - base, part.base - base + part.length);
      // labels are shown by CSS (attr()), outside the text: offsets read from the DOM stay exact
      part.el.replaceChildren(...markedText(own, part.base, marks));
    }
  }

  // -- selecting ----------------------------------------------------------------------------------
  /** @returns {Pair | null} the browser's selection in the text, in chunk coordinates */
  domSelection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount || !this.container) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(this.container)) return null;
    const start = this.offsetAt(range.startContainer, range.startOffset);
    const end = this.offsetAt(range.endContainer, range.endOffset);
    return end > start ? [start, end] : null;
  }

  /** @param {Node} node @param {number} offset @returns {number} a point of the DOM as an offset */
  offsetAt(node, offset) {
    for (const part of this.parts) {
      if (!part.el.contains(node)) continue;
      const range = document.createRange();
      range.selectNodeContents(part.el);
      range.setEnd(node, offset);
      return part.base + range.toString().length; // text only: CSS labels are not in the DOM
    }
    const first = this.parts[0];
    const last = this.parts[this.parts.length - 1];
    const whole = document.createRange();
    whole.selectNodeContents(/** @type {HTMLElement} */ (this.container));
    return whole.comparePoint(node, offset) < 0 ? first.base : last.base + last.length;
  }

  /** A mouse selection ended: it becomes the selection (and the focused question's evidence). */
  fromMouse() {
    const pair = this.domSelection();
    if (!pair) return;
    window.getSelection()?.removeAllRanges();
    this.select(pair);
  }

  /**
   * Select `pair` (chunk coordinates); for a question that takes evidence, it is its evidence.
   * @param {Pair | null} pair
   */
  select(pair) {
    const shown = this.shown();
    const inText = pair && trimmed(shown.text, [pair[0] - shown.base, pair[1] - shown.base]);
    const selection = inText ? /** @type {Pair} */ ([inText[0] + shown.base, inText[1] + shown.base]) : null;
    const { state } = this.host;
    state.selection = selection;
    const q = this.host.focusedQuestion();
    if (selection && q && q.evidence && q.kind !== "spans" && this.placed()) {
      state.evidence[q.name] = [selection];
      state.evidenceFrom[q.name] = "selection";
      this.host.evidenceChanged(q.name);
    }
    if (selection && q?.kind === "spans") this.host.hint(`press 1–${Math.min(9, (q.labels || []).length)} to label “${quote(shown, selection)}”`);
    this.paint();
  }

  /** @param {"next" | "prev" | "extend" | "shrink"} how move or resize the selection by a word */
  step(how) {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    const from = state.selection ?? (q ? (state.evidence[q.name] || [])[0] : undefined) ?? null;
    const inChunk = from && from[0] >= 0 && from[1] <= this.chunk().length ? from : null;
    this.select(stepSelection(this.chunk(), inChunk, how));
  }

  // -- answers from the text ----------------------------------------------------------------------
  /**
   * A typed answer: where the chunk has it, that is proposed as the question's evidence (unless
   * the labeler chose the evidence).
   * @param {QuestionView | undefined} q
   * @param {string} value
   */
  propose(q, value) {
    if (!q || !q.evidence || q.kind === "spans" || !this.placed()) return;
    const { state } = this.host;
    const from = state.evidenceFrom[q.name];
    if (from && from !== "auto") return;
    const found = locateAnswer(value, this.chunk());
    if (found) {
      state.evidence[q.name] = [found];
      state.evidenceFrom[q.name] = "auto";
    } else if (from === "auto") {
      delete state.evidence[q.name];
      delete state.evidenceFrom[q.name];
    } else return;
    this.host.evidenceChanged(q.name);
    this.paint();
  }

  /** The selection (or the focused question's evidence) becomes the focused question's answer. */
  copy() {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    if (!q || !["text", "number"].includes(q.kind)) {
      this.host.hint("the focused question takes no typed answer");
      return;
    }
    const pair = state.selection ?? (state.evidence[q.name] || [])[0];
    if (!pair) {
      this.host.hint("select the words in the text first (mouse, or Alt+Shift+→)");
      return;
    }
    if (q.evidence && this.placed()) {
      state.evidence[q.name] = [pair];
      state.evidenceFrom[q.name] = "selection";
      this.host.evidenceChanged(q.name);
    }
    this.host.setAnswer(q.name, quote(this.shown(), pair).replace(/\s+/g, " ").trim());
    this.paint();
  }

  /** @param {number} index the selection becomes a span with that label of the focused question */
  label(index) {
    const { state } = this.host;
    const q = this.host.focusedQuestion();
    const label = (q?.labels || [])[index];
    if (!q || label === undefined) return;
    const pair = state.selection && trimmed(this.chunk(), state.selection);
    if (!pair) {
      this.host.hint("select the words of the span in the chunk first (mouse, or Alt+Shift+→)");
      return;
    }
    state.selection = null;
    const current = isUnknown(state.form[q.name]) ? [] : spansOf(state.form[q.name]);
    this.labeled.push({ question: q.name, span: { start: pair[0], end: pair[1], label } });
    this.host.setAnswer(q.name, withSpan(current, pair, label));
    this.host.hint(`${label}: “${quote(this.shown(), pair)}”`);
  }

  /** Remove the span labeled last in the focused spans question (else its last span). */
  unspan() {
    const q = this.host.focusedQuestion();
    if (!q || q.kind !== "spans") return;
    const spans = spansOf(this.host.state.form[q.name]);
    const same = (/** @type {import("../lib/types.js").Span} */ a, /** @type {import("../lib/types.js").Span} */ b) =>
      a.start === b.start && a.end === b.end && a.label === b.label;
    while (this.labeled.length) {
      const { question, span } = /** @type {{question: string, span: import("../lib/types.js").Span}} */ (this.labeled.pop());
      const index = spans.findIndex((s) => same(s, span));
      if (question !== q.name || index < 0) continue;
      this.host.setAnswer(q.name, spans.filter((_, i) => i !== index));
      this.host.hint(`removed ${span.label}: “${quote(this.shown(), span)}”`);
      return;
    }
    if (spans.length) this.host.setAnswer(q.name, spans.slice(0, -1));
  }
}
